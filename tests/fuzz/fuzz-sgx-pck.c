/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: DER walker and SGX PCK certificate extension parser. */
#include "evidence/sgx_pck.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgx_pck_ext e;
	struct der d = { data, size };
	const uint8_t *v;
	size_t n;
	uint8_t tag;

	(void)sgx_pck_ext_parse(data, size, &e);
	while (der_next(&d, &tag, &v, &n) > 0)
		fuzz_touch_end(v, n);
	return 0;
}
