/* SPDX-License-Identifier: Apache-2.0 */
/* lib/util/strnum: what strtoul() would accept and we must not. */
#include <errno.h>

#include "util/strnum.h"
#include "unit.h"

int main(void)
{
	uint64_t v = 42;

	CHECK_EQ_INT(parse_uint("0", 10, 10, &v), 0);
	CHECK_EQ_INT(v, 0);
	CHECK_EQ_INT(parse_uint("18446744073709551615", 10, UINT64_MAX, &v), 0);
	CHECK(v == UINT64_MAX);
	CHECK_EQ_INT(parse_uint("18446744073709551616", 10, UINT64_MAX, &v), -ERANGE);
	CHECK_EQ_INT(parse_uint("ffFF", 16, 0xffff, &v), 0);
	CHECK_EQ_INT(v, 0xffff);
	CHECK_EQ_INT(parse_uint("10000", 16, 0xffff, &v), -ERANGE);
	v = 7;
	const char *bad[] = { "", " 5", "5 ", "-1", "+7", "0x10", "1e3", "12a", "\t1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ_INT(parse_uint(bad[i], 10, UINT64_MAX, &v), -EINVAL);
	CHECK_EQ_INT(parse_uint("a", 10, 100, &v), -EINVAL);
	CHECK_EQ_INT(v, 7); /* untouched on error */
	CHECK_EQ_INT(parse_uint(NULL, 10, 1, &v), -EINVAL);
	CHECK_EQ_INT(parse_uint("1", 8, 1, &v), -EINVAL);
	CHECK_EQ_INT(parse_uint_canonical("04", 23, &v), -EINVAL);
	CHECK_EQ_INT(parse_uint_canonical("0", 23, &v), 0);
	CHECK_EQ_INT(parse_uint_canonical("23", 23, &v), 0);
	CHECK_EQ_INT(parse_uint_canonical("24", 23, &v), -ERANGE);
	return unit_finish("test-strnum");
}
