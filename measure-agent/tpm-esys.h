/* SPDX-License-Identifier: Apache-2.0 */
/* What tpm.c shares with the other tpm2-tss users in the agent (tpm-ek.c): the ESAPI
 * context and the attestation key. agent.h stays free of tss2 types. */
#ifndef CVM_AGENT_TPM_ESYS_H
#define CVM_AGENT_TPM_ESYS_H

#include <tss2/tss2_esys.h>

#include "agent.h"

ESYS_CONTEXT *tpm_esys(struct tpm *t);
/* Leaves "<what>: <decoded rc>" as the agent detail; returns -EIO. */
int tss_fail(const char *what, TSS2_RC rc);
/* A primary key in the endorsement hierarchy (empty endorsement auth) from template,
 * loaded; *ret_pub (optional) gets its public area (Esys_Free). what names it in the
 * detail on failure. Returns 0 or -EIO. */
int tpm_create_primary(struct tpm *t, const TPM2B_PUBLIC *template, const char *what, ESYS_TR *ret,
		       TPM2B_PUBLIC **ret_pub);
/* The attestation key (EVIDENCE.md "Attestation key"), loaded; the caller flushes
 * *ret_ak and frees *ret_pub (Esys_Free). Returns 0 or -EIO. */
int tpm_ak_create(struct tpm *t, ESYS_TR *ret_ak, TPM2B_PUBLIC **ret_pub);

#endif
