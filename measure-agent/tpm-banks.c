/* SPDX-License-Identifier: Apache-2.0 */
/* The vTPM belongs to the host, so its capability answer is untrusted input: it may
 * list any number of banks (up to TPM2_NUM_PCR_BANKS fit the structure), the same
 * hash twice, selections of any length, or hashes the agent cannot compute. The
 * rules, in the order they are checked:
 *   - the structure itself: at most TPM2_NUM_PCR_BANKS entries, each selection at most
 *     TPM2_PCR_SELECT_MAX bytes, every hash listed once (a TPM allocates a bank once;
 *     a second entry would make the agent extend one bank twice or record two digests
 *     for one register);
 *   - at most TPM_MAX_BANKS active banks: that is what a CEL record and the callers'
 *     arrays hold;
 *   - every active bank is one the agent can hash (sha1/sha256/sha384/sha512): an
 *     active bank left unextended could later be filled by whoever drives the TPM.
 * Banks that are listed but not allocated (no PCR selected) are ignored whatever
 * their hash: they have no registers to read or quote. */
#include "tpm-banks.h"

#include <errno.h>
#include <stdio.h>

static bool bank_active(const TPMS_PCR_SELECTION *s)
{
	for (unsigned b = 0; b < s->sizeofSelect; b++)
		if (s->pcrSelect[b] != 0)
			return true;
	return false;
}

static const char *hash_name(TPMI_ALG_HASH hash, char buf[16])
{
	enum digest_alg alg;

	if (digest_from_tpm_alg(hash, &alg) == 0)
		return digest_name(alg);
	snprintf(buf, 16, "0x%04x", hash);
	return buf;
}

/* The checks that do not depend on which banks are active. */
static int check_structure(const TPML_PCR_SELECTION *pcrs)
{
	char name[16];

	if (pcrs->count > TPM2_NUM_PCR_BANKS) {
		agent_set_detail("%u PCR banks listed, a TPM has at most %u", (unsigned)pcrs->count,
				 (unsigned)TPM2_NUM_PCR_BANKS);
		return -EBADMSG;
	}
	for (UINT32 i = 0; i < pcrs->count; i++) {
		const TPMS_PCR_SELECTION *s = &pcrs->pcrSelections[i];

		if (s->sizeofSelect > TPM2_PCR_SELECT_MAX) {
			agent_set_detail("PCR bank %s: selection of %u bytes, at most %u",
					 hash_name(s->hash, name), (unsigned)s->sizeofSelect,
					 (unsigned)TPM2_PCR_SELECT_MAX);
			return -EBADMSG;
		}
		for (UINT32 j = 0; j < i; j++)
			if (pcrs->pcrSelections[j].hash == s->hash) {
				agent_set_detail("PCR bank %s reported twice", hash_name(s->hash, name));
				return -EBADMSG;
			}
	}
	return 0;
}

int tpm_banks_parse(const TPML_PCR_SELECTION *pcrs, enum digest_alg ret[TPM_MAX_BANKS], size_t *ret_n)
{
	size_t n = 0, active = 0;
	int r = check_structure(pcrs);

	if (r < 0)
		return r;
	for (UINT32 i = 0; i < pcrs->count; i++)
		active += bank_active(&pcrs->pcrSelections[i]);
	if (active > TPM_MAX_BANKS) {
		agent_set_detail("%zu active PCR banks, at most %d supported", active, TPM_MAX_BANKS);
		return -E2BIG;
	}
	for (UINT32 i = 0; i < pcrs->count; i++) {
		const TPMS_PCR_SELECTION *s = &pcrs->pcrSelections[i];
		enum digest_alg alg;

		if (!bank_active(s))
			continue;
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
