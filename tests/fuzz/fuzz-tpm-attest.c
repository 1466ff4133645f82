/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: TPMS_ATTEST, TPMT_SIGNATURE and TPMT_PUBLIC/TPM2B_PUBLIC parsers, and the
 * attestation-key attribute rule. */
#include "measure/digest.h"
#include "evidence/tpm_attest.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tpm_attest a;
	struct tpm_signature s;
	struct tpm_public p;

	if (tpm_attest_parse(data, size, &a) == 0) {
		for (size_t b = 0; b < a.n_banks; b++)
			for (unsigned i = 0; i < 32; i++)
				fuzz_sink ^= (uint8_t)tpm_pcr_is_selected(&a.banks[b], i);
		fuzz_touch_end(a.pcr_digest, a.pcr_digest_len);
	}
	if (tpm_signature_parse(data, size, &s) == 0)
		fuzz_touch_end(s.sig, s.sig_len);
	if (tpm_public_parse(data, size, &p) == 0) {
		uint8_t name[2 + DIGEST_MAX];
		size_t n;

		(void)tpm_public_name(&p, name, &n);
		fuzz_sink ^= (uint8_t)(tpm_ak_attributes_problem(p.attributes) != NULL);
	}
	return 0;
}
