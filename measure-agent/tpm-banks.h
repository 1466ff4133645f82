/* SPDX-License-Identifier: Apache-2.0 */
/* The PCR banks the agent extends, read from the TPM's answer to
 * TPM2_GetCapability(TPM2_CAP_PCRS). Kept apart from tpm.c (which talks to the TPM)
 * so that a unit test can hand it any answer a host-controlled vTPM might give. */
#ifndef CVM_AGENT_TPM_BANKS_H
#define CVM_AGENT_TPM_BANKS_H

#include <stddef.h>

#include <tss2/tss2_tpm2_types.h>

#include "agent.h"

/* The active banks among sha1/sha256/sha384/sha512 into ret (at most TPM_MAX_BANKS),
 * their number into *ret_n. Returns 0 or -errno with a detail (agent_detail()). */
int tpm_banks_parse(const TPML_PCR_SELECTION *pcrs, enum digest_alg ret[TPM_MAX_BANKS], size_t *ret_n);

#endif
