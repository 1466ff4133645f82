/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness for lib/boot/ovmf (OVMF footer table, SEV and TDVF metadata) and the
 * digest code that consumes what it parses: any input must be parsed or refused
 * cleanly, and whatever parses must be measurable without reading out of bounds.
 * Seeds: the 4 KiB AmdSev suffix (tests/data, origin in its README) and
 * a synthetic TDVF image like the one tests/unit/test-tdx-mrtd.c builds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot/ovmf.h"
#include "boot/snp_digest.h"
#include "boot/tdx_mrtd.h"

/* Keep each run fast: measure only metadata asking for little memory. */
#define FUZZ_MEASURE_MAX (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t guid[16] = { 0x35, 0x65, 0x7a, 0xe4, 0x4a, 0x98, 0x98, 0x47,
					  0x86, 0x5e, 0x46, 0x85, 0xa7, 0xbf, 0x8e, 0xc2 };
	struct ovmf_sev_info *sev = malloc(sizeof(*sev));
	struct ovmf_tdx_info *tdx = malloc(sizeof(*tdx));
	const uint8_t *entry;
	size_t entry_len, total = 0;
	uint8_t d[48];

	if (!sev || !tdx)
		abort();
	if (ovmf_footer_find(data, size, guid, &entry, &entry_len) == 0 &&
	    (entry < data || entry + entry_len > data + size))
		abort();

	if (ovmf_sev_parse(data, size, sev) == 0) {
		struct snp_firmware fw;
		struct snp_kernel_hashes kh = { { 0 } };

		if (sev->n_sections > OVMF_SEV_MAX_SECTIONS)
			abort();
		for (size_t i = 0; i < sev->n_sections; i++)
			total += sev->sections[i].size;
		if (total <= FUZZ_MEASURE_MAX &&
		    snp_firmware_from_hash(d, data, size, &fw) == 0) {
			(void)snp_finish(&fw, NULL, 2, "EPYC-Milan", 1, d);
			(void)snp_finish(&fw, &kh, 3, "EPYC-Genoa", 0x21, d);
		}
	}

	total = 0;
	if (ovmf_tdx_parse(data, size, tdx) == 0) {
		if (tdx->n_sections > OVMF_TDX_MAX_SECTIONS)
			abort();
		for (size_t i = 0; i < tdx->n_sections; i++)
			total += tdx->sections[i].mem_size;
		if (total <= FUZZ_MEASURE_MAX) {
			(void)tdx_mrtd(data, size, TDX_MRTD_PER_PAGE, d);
			(void)tdx_mrtd(data, size, TDX_MRTD_TWO_PASS, d);
		}
	}
	free(sev);
	free(tdx);
	return 0;
}
