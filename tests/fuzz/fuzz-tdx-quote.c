/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: TD quote v4/v5 parser, its signature data, and the TDREPORT parser. */
#include "evidence/tdx_quote.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdx_quote q;
	struct tdx_quote_sig sig;
	struct tdx_report r;

	if (tdx_quote_parse(data, size, &q) == 0 && tdx_quote_sig_parse(&q, &sig) == 0) {
		/* Touch the ends of the variable-size parts so ASan checks their bounds. */
		fuzz_touch_end(sig.qe_auth_data, sig.qe_auth_len);
		fuzz_touch_end(sig.cert_data, sig.cert_len);
	}
	(void)tdx_report_parse(data, size, &r);
	return 0;
}
