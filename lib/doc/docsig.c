/* SPDX-License-Identifier: Apache-2.0 */
#include "doc/docsig.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

/* Ed25519, or EC on secp384r1 with SHA-384; everything else is refused so that a
 * weak or unexpected key never produces an accepted signature. */
static int key_md(EVP_PKEY *k, const EVP_MD **ret_md)
{
	char group[64];
	size_t n = 0;

	if (EVP_PKEY_is_a(k, "ED25519")) {
		*ret_md = NULL;
		return 0;
	}
	if (EVP_PKEY_is_a(k, "EC") &&
	    EVP_PKEY_get_utf8_string_param(k, "group", group, sizeof(group), &n) == 1 &&
	    strcmp(group, "secp384r1") == 0) {
		*ret_md = EVP_sha384();
		return 0;
	}
	return -EOPNOTSUPP;
}

static int load_key(const char *path, int private, EVP_PKEY **ret)
{
	FILE *f = fopen(path, "re");
	EVP_PKEY *k;

	if (!f)
		return -errno;
	k = private ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	if (!k)
		return -EINVAL;
	*ret = k;
	return 0;
}

int docsig_sign(const char *key_pem, const uint8_t *data, size_t len, uint8_t *ret_sig,
		size_t *ret_len)
{
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY *k = NULL;
	const EVP_MD *md;
	size_t n = DOCSIG_MAX;
	int r;

	r = load_key(key_pem, 1, &k);
	if (r < 0)
		return r;
	r = key_md(k, &md);
	if (r < 0)
		goto out;
	r = -EIO;
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestSignInit(ctx, NULL, md, NULL, k) != 1)
		goto out;
	/* One-shot: Ed25519 has no streaming interface. */
	if (EVP_DigestSign(ctx, ret_sig, &n, data, len) != 1)
		goto out;
	*ret_len = n;
	r = 0;
out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	return r;
}

int docsig_verify(const char *pub_pem, const uint8_t *data, size_t len, const uint8_t *sig,
		  size_t sig_len)
{
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY *k = NULL;
	const EVP_MD *md;
	int r, ok;

	r = load_key(pub_pem, 0, &k);
	if (r < 0)
		return r;
	r = key_md(k, &md);
	if (r < 0)
		goto out;
	r = -EIO;
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestVerifyInit(ctx, NULL, md, NULL, k) != 1)
		goto out;
	ok = EVP_DigestVerify(ctx, sig, sig_len, data, len);
	/* 0 = bad signature; < 0 = malformed signature encoding: both are "invalid". */
	r = ok == 1 ? 0 : -EBADMSG;
out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	return r;
}
