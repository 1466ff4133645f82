/* SPDX-License-Identifier: Apache-2.0 */
/* A TPM 2.0 quote made in software, as an attacker without a TPM could make one: a
 * fresh ECC P-256 key, its TPMT_PUBLIC with the objectAttributes asked for, a
 * TPMS_ATTEST quoting chosen SHA-256 PCR values with a nonce, and the TPMT_SIGNATURE
 * (ECDSA/SHA-256) over it. Layouts: TPM 2.0 Part 2 §10.12.12 (TPMS_ATTEST), §11.3.4
 * (TPMT_SIGNATURE), §12.2.4 (TPMT_PUBLIC). All big-endian. */
#ifndef CVM_TPM_FORGE_H
#define CVM_TPM_FORGE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "evidence/tpm_attest.h"
#include "measure/digest.h"

struct forged_quote {
	uint8_t public[256], attest[256], sig[128];
	size_t public_len, attest_len, sig_len;
};

struct be_writer {
	uint8_t *p;
	size_t n, cap;
	int bad;
};

static inline void be_put(struct be_writer *w, uint64_t v, size_t bytes)
{
	for (size_t i = 0; i < bytes; i++) {
		if (w->n >= w->cap) {
			w->bad = 1;
			return;
		}
		w->p[w->n++] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
	}
}

/* TPM2B: u16 size, then the bytes. */
static inline void be_put_2b(struct be_writer *w, const uint8_t *b, size_t n)
{
	be_put(w, n, 2);
	if (n > w->cap - w->n) {
		w->bad = 1;
		return;
	}
	if (n)
		memcpy(w->p + w->n, b, n);
	w->n += n;
}

/* TPMT_PUBLIC of an ECC P-256 ECDSA/SHA-256 key with the given coordinates. */
static inline size_t forge_public(uint32_t attributes, const uint8_t x[32], const uint8_t y[32],
				  uint8_t *out, size_t cap)
{
	struct be_writer w = { out, 0, cap, 0 };

	be_put(&w, TPM_ALG_ECC, 2);
	be_put(&w, TPM_ALG_SHA256, 2); /* nameAlg */
	be_put(&w, attributes, 4);
	be_put_2b(&w, NULL, 0);        /* authPolicy */
	be_put(&w, TPM_ALG_NULL, 2);   /* symmetric */
	be_put(&w, TPM_ALG_ECDSA, 2);
	be_put(&w, TPM_ALG_SHA256, 2);
	be_put(&w, TPM_ECC_NIST_P256, 2);
	be_put(&w, TPM_ALG_NULL, 2);   /* kdf */
	be_put_2b(&w, x, 32);
	be_put_2b(&w, y, 32);
	return w.bad ? 0 : w.n;
}

/* TPMS_ATTEST of a quote over the SHA-256 PCRs in sel (bit i = PCR i, i < 24). */
static inline size_t forge_attest(uint32_t sel, const uint8_t pcr[][32], const uint8_t *nonce, size_t nonce_len,
				  uint8_t *out, size_t cap)
{
	struct be_writer w = { out, 0, cap, 0 };
	struct digest_ctx *ctx = digest_begin(DIGEST_SHA256);
	uint8_t d[32];

	if (!ctx)
		return 0;
	for (unsigned p = 0; p < 24; p++)
		if (sel >> p & 1)
			(void)digest_update(ctx, pcr[p], 32);
	if (digest_end(ctx, d) < 0)
		return 0;
	be_put(&w, TPM_GENERATED_VALUE, 4);
	be_put(&w, TPM_ST_ATTEST_QUOTE, 2);
	be_put_2b(&w, (const uint8_t *)"\x00\x0b", 2); /* qualifiedSigner: shown, not checked */
	be_put_2b(&w, nonce, nonce_len);
	be_put(&w, 1000, 8);                            /* clock, resetCount, restartCount, safe */
	be_put(&w, 0, 4);
	be_put(&w, 0, 4);
	be_put(&w, 1, 1);
	be_put(&w, 0, 8);                               /* firmwareVersion */
	be_put(&w, 1, 4);                               /* one bank */
	be_put(&w, TPM_ALG_SHA256, 2);
	be_put(&w, 3, 1);
	be_put(&w, sel & 0xFF, 1);
	be_put(&w, sel >> 8 & 0xFF, 1);
	be_put(&w, sel >> 16 & 0xFF, 1);
	be_put_2b(&w, d, 32);
	return w.bad ? 0 : w.n;
}

/* TPMT_SIGNATURE: ECDSA/SHA-256 over msg by key. */
static inline size_t forge_signature(EVP_PKEY *key, const uint8_t *msg, size_t len, uint8_t *out, size_t cap)
{
	struct be_writer w = { out, 0, cap, 0 };
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t der[80], r[32], s[32];
	const uint8_t *p = der;
	size_t der_len = sizeof(der);
	ECDSA_SIG *sig = NULL;
	int ok;

	ok = ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	     EVP_DigestSign(ctx, der, &der_len, msg, len) == 1 &&
	     (sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len)) != NULL &&
	     BN_bn2binpad(ECDSA_SIG_get0_r(sig), r, 32) == 32 && BN_bn2binpad(ECDSA_SIG_get0_s(sig), s, 32) == 32;
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return 0;
	be_put(&w, TPM_ALG_ECDSA, 2);
	be_put(&w, TPM_ALG_SHA256, 2);
	be_put_2b(&w, r, 32);
	be_put_2b(&w, s, 32);
	return w.bad ? 0 : w.n;
}

/* A key with objectAttributes attributes and its quote over pcr[] (SHA-256) for the
 * PCRs in sel, with extraData nonce. Returns 0, or -1 on failure. */
static inline int forge_quote(uint32_t attributes, uint32_t sel, const uint8_t pcr[][32], const uint8_t *nonce,
			      size_t nonce_len, struct forged_quote *q)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	BIGNUM *x = NULL, *y = NULL;
	uint8_t xb[32], yb[32];
	int ok;

	ok = key && EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
	     EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1 &&
	     BN_bn2binpad(x, xb, 32) == 32 && BN_bn2binpad(y, yb, 32) == 32;
	if (ok) {
		q->public_len = forge_public(attributes, xb, yb, q->public, sizeof(q->public));
		q->attest_len = forge_attest(sel, pcr, nonce, nonce_len, q->attest, sizeof(q->attest));
		q->sig_len = q->attest_len ? forge_signature(key, q->attest, q->attest_len, q->sig, sizeof(q->sig)) : 0;
		ok = q->public_len && q->attest_len && q->sig_len;
	}
	BN_free(x);
	BN_free(y);
	EVP_PKEY_free(key);
	return ok ? 0 : -1;
}

#endif
