/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: DER walker and SGX PCK certificate extension parser. */
#include <stddef.h>
#include <stdint.h>

#include "evidence/sgx_pck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sgx_pck_ext e;
	struct der d = { data, size };
	const uint8_t *v;
	size_t n;
	uint8_t tag;
	volatile uint8_t sink = 0;

	(void)sgx_pck_ext_parse(data, size, &e);
	while (der_next(&d, &tag, &v, &n) > 0)
		if (n)
			sink ^= v[n - 1];
	(void)sink;
	return 0;
}
