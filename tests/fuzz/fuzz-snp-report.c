/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: SEV-SNP attestation report parser (raw or behind a response header). */
#include <stddef.h>
#include <stdint.h>

#include "evidence/snp_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snp_report rep;
	struct snp_tcb t;

	const uint8_t *cert;
	size_t cert_len;

	for (int k = SNP_CERT_ARK; k <= SNP_CERT_VLEK; k++)
		if (snp_cert_table_find(data, size, (enum snp_cert_kind)k, &cert, &cert_len) == 0)
			(void)(volatile uint8_t)cert[cert_len - 1];
	if (snp_report_parse(data, size, &rep) == 0) {
		snp_tcb_split(rep.reported_tcb, rep.cpuid_fam_id, &t);
		(void)snp_signing_key_name(rep.signing_key);
	}
	return 0;
}
