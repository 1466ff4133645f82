/* SPDX-License-Identifier: Apache-2.0 */
#include "util/strnum.h"

#include <errno.h>

static int digit(char c, unsigned base)
{
	int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return (unsigned)v < base ? v : -1;
}

int parse_uint(const char *s, unsigned base, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;

	if (!s || !*s || (base != 10 && base != 16))
		return -EINVAL;
	for (; *s; s++) {
		int d = digit(*s, base);

		if (d < 0)
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return -ERANGE;
		v = v * base + (uint64_t)d;
	}
	if (v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

int parse_uint_canonical(const char *s, uint64_t max, uint64_t *ret)
{
	if (s && s[0] == '0' && s[1] != '\0')
		return -EINVAL;
	return parse_uint(s, 10, max, ret);
}
