/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: the evidence verifiers of reference/ on arbitrary bytes, in memory: the
 * TD quote path runs end to end (signature data, strict PEM PCK chain, X.509 chain
 * to the built-in pins, SGX extension); the SNP and TPM paths run up to the point
 * where a key file would be needed; the span of a collateral body is checked on any
 * text json_parse accepts. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../reference/evidence.h"
#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ev_opts o = { 0 };
	struct checks c = { 0 };
	struct json_value *v = NULL;

	if (size < 1)
		return 0;
	o.have_nonce = 1;
	o.nonce_len = 4;
	memcpy(o.nonce, "\x01\x02\x03\x04", 4);
	o.no_debug = 1;
	switch (data[0] % 4) {
	case 0: (void)ev_verify_tdx(data + 1, size - 1, &o, &c); break;
	case 1: (void)ev_verify_snp(data + 1, size - 1, &o, &c); break;
	case 2: (void)ev_verify_tpm(data + 1, size - 1, &o, &c); break;
	case 3:
		if (json_parse((const char *)data + 1, size - 1, &v, NULL) == 0) {
			const struct json_value *body = json_get(v, "tcbInfo");
			size_t a, b;

			/* the signed span of a collateral body: inside the text, the whole object */
			json_span(body, &a, &b);
			if (json_type(body) == JSON_OBJECT &&
			    (b <= a || b > size - 1 || data[1 + a] != '{' || data[b] != '}'))
				__builtin_trap();
			json_free(v);
		}
		{
			STACK_OF(X509) *sk = x509_load_pem_strict(data + 1, size - 1);

			x509_free_stack(sk);
		}
		break;
	}
	return 0;
}
