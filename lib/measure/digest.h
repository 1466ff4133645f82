/* SPDX-License-Identifier: Apache-2.0 */
/* Hashes and register extends: the one place the project forms a digest chain.
 * Every measured register (TPM PCR, TDX RTMR) extends as  new = H(old || digest). */
#ifndef CVM_DIGEST_H
#define CVM_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA384_LEN 48
#define DIGEST_MAX 64

enum digest_alg {
	DIGEST_SHA1,
	DIGEST_SHA256,
	DIGEST_SHA384,
	DIGEST_SHA512,
};

size_t digest_len(enum digest_alg alg);
/* "sha1", "sha256", …: the names systemd's CEL-JSON log and TPM tooling use. */
const char *digest_name(enum digest_alg alg);
int digest_from_name(const char *name, enum digest_alg *ret);
/* TPM_ALG_ID of the algorithm (TPM 2.0 Part 2, table 9). */
uint16_t digest_tpm_alg(enum digest_alg alg);
int digest_from_tpm_alg(uint16_t id, enum digest_alg *ret);

/* out[digest_len(alg)] = H(data). Returns 0 or -EIO (OpenSSL failure). */
int digest_buf(enum digest_alg alg, const void *data, size_t len, uint8_t *out);

/* reg = H(reg || digest), both digest_len(alg) bytes. Returns 0 or -EIO. */
int digest_extend(enum digest_alg alg, uint8_t *reg, const uint8_t *digest);

/* Streaming hash for large inputs (files, PE images). */
struct digest_ctx;
struct digest_ctx *digest_begin(enum digest_alg alg);
int digest_update(struct digest_ctx *ctx, const void *data, size_t len);
/* Writes the digest and frees ctx (also on error). */
int digest_end(struct digest_ctx *ctx, uint8_t *out);
void digest_abort(struct digest_ctx *ctx);

#endif
