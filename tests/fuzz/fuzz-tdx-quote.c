/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: TD quote v4/v5 parser, its signature data, and the TDREPORT parser. */
#include <stddef.h>
#include <stdint.h>

#include "evidence/tdx_quote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdx_quote q;
	struct tdx_quote_sig sig;
	struct tdx_report r;
	volatile uint8_t sink = 0;

	if (tdx_quote_parse(data, size, &q) == 0 && tdx_quote_sig_parse(&q, &sig) == 0) {
		/* Touch the ends of the variable-size parts so ASan checks their bounds. */
		if (sig.qe_auth_len)
			sink ^= sig.qe_auth_data[sig.qe_auth_len - 1];
		if (sig.cert_len)
			sink ^= sig.cert_data[sig.cert_len - 1];
	}
	(void)tdx_report_parse(data, size, &r);
	(void)sink;
	return 0;
}
