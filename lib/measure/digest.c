/* SPDX-License-Identifier: Apache-2.0 */
#include "measure/digest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

static const struct {
	const char *name;
	size_t len;
	uint16_t tpm_alg;
} algs[] = {
	[DIGEST_SHA1] = { "sha1", 20, 0x0004 },
	[DIGEST_SHA256] = { "sha256", 32, 0x000B },
	[DIGEST_SHA384] = { "sha384", 48, 0x000C },
	[DIGEST_SHA512] = { "sha512", 64, 0x000D },
};

static const EVP_MD *md_of(enum digest_alg alg)
{
	switch (alg) {
	case DIGEST_SHA1: return EVP_sha1();
	case DIGEST_SHA256: return EVP_sha256();
	case DIGEST_SHA384: return EVP_sha384();
	case DIGEST_SHA512: return EVP_sha512();
	}
	return NULL;
}

size_t digest_len(enum digest_alg alg)
{
	return algs[alg].len;
}

const char *digest_name(enum digest_alg alg)
{
	return algs[alg].name;
}

int digest_from_name(const char *name, enum digest_alg *ret)
{
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (name && strcmp(name, algs[i].name) == 0) {
			*ret = (enum digest_alg)i;
			return 0;
		}
	return -EINVAL;
}

uint16_t digest_tpm_alg(enum digest_alg alg)
{
	return algs[alg].tpm_alg;
}

int digest_from_tpm_alg(uint16_t id, enum digest_alg *ret)
{
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].tpm_alg == id) {
			*ret = (enum digest_alg)i;
			return 0;
		}
	return -EINVAL;
}

int digest_buf(enum digest_alg alg, const void *data, size_t len, uint8_t *out)
{
	unsigned int n = 0;

	if (EVP_Digest(data, len, out, &n, md_of(alg), NULL) != 1 || n != digest_len(alg))
		return -EIO;
	return 0;
}

int digest_extend(enum digest_alg alg, uint8_t *reg, const uint8_t *digest)
{
	uint8_t buf[2 * DIGEST_MAX];
	size_t n = digest_len(alg);

	memcpy(buf, reg, n);
	memcpy(buf + n, digest, n);
	return digest_buf(alg, buf, 2 * n, reg);
}

struct digest_ctx {
	EVP_MD_CTX *md;
	enum digest_alg alg;
};

struct digest_ctx *digest_begin(enum digest_alg alg)
{
	struct digest_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->alg = alg;
	ctx->md = EVP_MD_CTX_new();
	if (!ctx->md || EVP_DigestInit_ex(ctx->md, md_of(alg), NULL) != 1) {
		digest_abort(ctx);
		return NULL;
	}
	return ctx;
}

int digest_update(struct digest_ctx *ctx, const void *data, size_t len)
{
	return EVP_DigestUpdate(ctx->md, data, len) == 1 ? 0 : -EIO;
}

int digest_end(struct digest_ctx *ctx, uint8_t *out)
{
	unsigned int n = 0;
	int r = EVP_DigestFinal_ex(ctx->md, out, &n) == 1 && n == digest_len(ctx->alg) ? 0 : -EIO;

	digest_abort(ctx);
	return r;
}

void digest_abort(struct digest_ctx *ctx)
{
	if (!ctx)
		return;
	EVP_MD_CTX_free(ctx->md);
	free(ctx);
}
