/* SPDX-License-Identifier: Apache-2.0 */
/* The PCR banks the agent extends, read from the TPM's answer to
 * TPM2_GetCapability(TPM2_CAP_PCRS). Kept apart from tpm.c (which talks to the TPM)
 * so that a unit test can hand it any answer a host-controlled vTPM might give. */
#ifndef CVM_AGENT_TPM_BANKS_H
#define CVM_AGENT_TPM_BANKS_H

#include <stddef.h>

#include <tss2/tss2_tpm2_types.h>

#include "agent.h"

/* The active banks into ret, their number into *ret_n. Refused (-errno and a detail in
 * agent_detail(), nothing written past ret[TPM_MAX_BANKS - 1]): a malformed list or a
 * hash listed twice (-EBADMSG), more than TPM_MAX_BANKS active banks (-E2BIG), an
 * active bank that is not sha1/sha256/sha384/sha512 (-EOPNOTSUPP), none (-ENODEV). */
int tpm_banks_parse(const TPML_PCR_SELECTION *pcrs, enum digest_alg ret[TPM_MAX_BANKS], size_t *ret_n);

#endif
