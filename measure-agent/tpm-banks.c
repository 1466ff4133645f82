/* SPDX-License-Identifier: Apache-2.0 */
#include "tpm-banks.h"

#include <errno.h>

int tpm_banks_parse(const TPML_PCR_SELECTION *pcrs, enum digest_alg ret[TPM_MAX_BANKS], size_t *ret_n)
{
	size_t n = 0;

	for (UINT32 i = 0; i < pcrs->count; i++) {
		const TPMS_PCR_SELECTION *s = &pcrs->pcrSelections[i];
		enum digest_alg alg;
		bool active = false;

		for (unsigned b = 0; b < s->sizeofSelect; b++)
			active |= s->pcrSelect[b] != 0;
		if (!active)
			continue;
		/* An active bank we cannot hash for would stay unextended — and an
		 * attacker could later fill it with values of their choosing. */
		if (digest_from_tpm_alg(s->hash, &alg) < 0) {
			agent_set_detail("active PCR bank with unsupported hash 0x%04x", s->hash);
			return -EOPNOTSUPP;
		}
		ret[n++] = alg;
	}
	if (n == 0) {
		agent_set_detail("no active PCR bank");
		return -ENODEV;
	}
	*ret_n = n;
	return 0;
}
