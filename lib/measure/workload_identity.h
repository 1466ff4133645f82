/* SPDX-License-Identifier: Apache-2.0 */
/* The measurement contract between measure-agent and cvm-reference
 * (docs/architecture.md): given the manifest bytes M, what each platform's register
 * must hold.
 *
 *   TDX RTMR3      = SHA-384(0^48 || SHA-384(M))     agent writes SHA-384(M) to rtmr3
 *   TDX MRCONFIGID = SHA-384(M)                      when the launcher set it (non-zero)
 *   SNP HOST_DATA  = SHA-256(M)                      set by the launcher, checked by the agent
 *   vTPM PCR 8     = H(0 || H(M)) in each bank       agent extends H(M) once per bank
 *
 * Both sides call workload_identity() so they cannot disagree. */
#ifndef CVM_WORKLOAD_IDENTITY_H
#define CVM_WORKLOAD_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "measure/digest.h"

#define WORKLOAD_PCR 8
#define WORKLOAD_RTMR 3
#define MANIFEST_MAX_SIZE (64 * 1024)

struct workload_identity {
	uint8_t sha256[SHA256_LEN];      /* SHA-256(M): PCR 8 sha256 event digest, HOST_DATA */
	uint8_t sha384[SHA384_LEN];      /* SHA-384(M): PCR 8 sha384 / RTMR3 event digest, MRCONFIGID */
	uint8_t pcr8_sha256[SHA256_LEN]; /* expected PCR 8, sha256 bank */
	uint8_t pcr8_sha384[SHA384_LEN]; /* expected PCR 8, sha384 bank */
	uint8_t rtmr3[SHA384_LEN];       /* expected RTMR3 */
	uint8_t host_data[SHA256_LEN];   /* expected SNP HOST_DATA */
	uint8_t mrconfigid[SHA384_LEN];  /* MRCONFIGID a launcher binds the workload with */
};

/* Computes every expected value from the manifest bytes. Returns 0, -EINVAL for an
 * empty or oversized manifest, -EIO on a hash failure. */
int workload_identity(const uint8_t *manifest, size_t len, struct workload_identity *ret);

#endif
