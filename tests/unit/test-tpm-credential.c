/* SPDX-License-Identifier: Apache-2.0 */
/* TPM2_MakeCredential in software (lib/evidence/tpm_credential):
 *  - a known vector: the credential blob for seed 00..1f, secret a0..bf and the
 *    AK Name below, which swtpm's TPM2_ActivateCredential accepted (the seed
 *    RSA-OAEP-sealed to that TPM's EK) and answered with the secret;
 *  - KDFa against values computed with Python's hmac module;
 *  - the seed sealing undone with the EK's private key, for RSA (OAEP, label
 *    "IDENTITY\0") and ECC P-256 (ECDH + KDFe), and the blob opened from that seed;
 *  - refusals: other key types and sizes, empty or oversized secrets, short names. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include "evidence/tpm_credential.h"
#include "util/bytes.h"
#include "util/hex.h"
#include "unit.h"

static const char vector_name[] = "000b05b7642fd635d3f13f6452bff4926784b1bd2f956e6b7272acd52050dff4594a";
static const char vector_blob[] = "004400203151b7a1d924029152af72589743708d8ba0665bff7bbc96dff3b129decb709a87"
				  "3aa0d5875b11111cfcb60ed799fdec601ece8b5438e1cfe3908c6f5a2257acbf0f";

static void test_known_vector(void)
{
	uint8_t seed[32], secret[32], name[34], want[70];
	struct tpm_credential c;

	for (int i = 0; i < 32; i++) {
		seed[i] = (uint8_t)i;
		secret[i] = (uint8_t)(0xa0 + i);
	}
	CHECK(hex_decode_exact(vector_name, name, sizeof(name)) == 0);
	CHECK(hex_decode_exact(vector_blob, want, sizeof(want)) == 0);
	CHECK_EQ_INT(tpm_credential_blob(seed, secret, sizeof(secret), name, sizeof(name), &c), 0);
	CHECK_EQ_INT(c.id_object_len, sizeof(want));
	CHECK_MEM(c.id_object, want, sizeof(want));
	/* one bit of the Name changes everything after the HMAC's size */
	name[33] ^= 1;
	CHECK_EQ_INT(tpm_credential_blob(seed, secret, sizeof(secret), name, sizeof(name), &c), 0);
	CHECK(memcmp(c.id_object + 4, want + 4, 32) != 0);
}

static void test_kdfa(void)
{
	uint8_t seed[32], name[34], out[65], want[65];

	for (int i = 0; i < 32; i++) {
		seed[i] = (uint8_t)i;
		name[2 + i] = (uint8_t)(100 + i);
	}
	name[0] = 0x00;
	name[1] = 0x0b;
	CHECK_EQ_INT(tpm_kdfa_sha256(seed, 32, "STORAGE", name, 34, NULL, 0, 128, out), 0);
	CHECK(hex_decode_exact("d98939313878365f823837e2ce0286ca", want, 16) == 0);
	CHECK_MEM(out, want, 16);
	CHECK_EQ_INT(tpm_kdfa_sha256(seed, 32, "INTEGRITY", NULL, 0, NULL, 0, 256, out), 0);
	CHECK(hex_decode_exact("bacf689f634ece301e1f1b15b072d9c87db6a69585db42b1a0cb8f73ebe2692e", want, 32) == 0);
	CHECK_MEM(out, want, 32);
	/* three blocks, both contexts */
	CHECK_EQ_INT(tpm_kdfa_sha256(seed, 32, "XX", (const uint8_t *)"ab", 2, (const uint8_t *)"cd", 2, 520, out), 0);
	CHECK(hex_decode_exact("2d0dda522cc120dbc0455043e1495dce77aee08d95d44a644e5c76ceda45a908eaeee4c68407275590"
			       "230cc2ec7c31b72e4dbde507974a3266a9e759f912f82a58", want, 65) == 0);
	CHECK_MEM(out, want, 65);
	CHECK_EQ_INT(tpm_kdfa_sha256(seed, 32, "X", NULL, 0, NULL, 0, 12, out), -EINVAL);
}

/* The blob opened with a known seed: HMAC checked, the TPM2B_DIGEST decrypted. */
static int open_blob(const uint8_t seed[32], const struct tpm_credential *c, const uint8_t *name, size_t name_len,
		     uint8_t *secret, size_t *secret_len)
{
	uint8_t sym[16], hkey[32], mac[32], msg[256], plain[64];
	const uint8_t *enc = c->id_object + 36;
	size_t enc_len = c->id_object_len - 36;
	unsigned mlen = 0;
	int n = 0;
	EVP_CIPHER_CTX *x;

	if (be16(c->id_object) != c->id_object_len - 2 || be16(c->id_object + 2) != 32 || enc_len > 34)
		return -1;
	tpm_kdfa_sha256(seed, 32, "STORAGE", name, name_len, NULL, 0, 128, sym);
	tpm_kdfa_sha256(seed, 32, "INTEGRITY", NULL, 0, NULL, 0, 256, hkey);
	memcpy(msg, enc, enc_len);
	memcpy(msg + enc_len, name, name_len);
	HMAC(EVP_sha256(), hkey, 32, msg, enc_len + name_len, mac, &mlen);
	if (memcmp(mac, c->id_object + 4, 32) != 0)
		return -1;
	x = EVP_CIPHER_CTX_new();
	EVP_DecryptInit_ex(x, EVP_aes_128_cfb128(), NULL, sym, (const uint8_t[16]){ 0 });
	EVP_DecryptUpdate(x, plain, &n, enc, (int)enc_len);
	EVP_CIPHER_CTX_free(x);
	*secret_len = be16(plain);
	memcpy(secret, plain + 2, *secret_len);
	return *secret_len + 2 == enc_len ? 0 : -1;
}

static void test_rsa_round_trip(void)
{
	EVP_PKEY *ek = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048), *small = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	static const char label[] = "IDENTITY";
	uint8_t name[34] = { 0x00, 0x0b, 1, 2, 3 }, secret[20] = "a credential secret", seed[32], got[32];
	uint8_t plain[256];
	size_t n = sizeof(plain), glen = 0;
	struct tpm_credential c;
	EVP_PKEY_CTX *ctx;

	CHECK(ek && small);
	CHECK_EQ_INT(tpm_credential_seal_seed(ek, seed, &c), 0);
	CHECK_EQ_INT(c.enc_secret_len, 2 + 256);
	CHECK_EQ_INT(be16(c.enc_secret), 256);
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, ek, NULL);
	CHECK(EVP_PKEY_decrypt_init(ctx) == 1);
	CHECK(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1);
	CHECK(EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) == 1);
	CHECK(EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, OPENSSL_memdup(label, sizeof(label)), sizeof(label)) == 1);
	CHECK(EVP_PKEY_decrypt(ctx, plain, &n, c.enc_secret + 2, 256) == 1);
	EVP_PKEY_CTX_free(ctx);
	CHECK_EQ_INT(n, 32);
	CHECK_MEM(plain, seed, 32);

	CHECK_EQ_INT(tpm_make_credential(ek, secret, sizeof(secret), name, sizeof(name), &c), 0);
	CHECK_EQ_INT(c.id_object_len, 2 + 2 + 32 + 2 + sizeof(secret));
	CHECK_EQ_INT(tpm_make_credential(small, secret, sizeof(secret), name, sizeof(name), &c), -EOPNOTSUPP);
	CHECK_EQ_INT(tpm_make_credential(ek, secret, 0, name, sizeof(name), &c), -EINVAL);
	CHECK_EQ_INT(tpm_make_credential(ek, plain, 33, name, sizeof(name), &c), -EINVAL);
	CHECK_EQ_INT(tpm_make_credential(ek, secret, sizeof(secret), name, 1, &c), -EINVAL);
	/* the blob of a known seed opens to the secret, and only with the right Name */
	CHECK_EQ_INT(tpm_credential_blob(seed, secret, sizeof(secret), name, sizeof(name), &c), 0);
	CHECK_EQ_INT(open_blob(seed, &c, name, sizeof(name), got, &glen), 0);
	CHECK_EQ_INT(glen, sizeof(secret));
	CHECK_MEM(got, secret, sizeof(secret));
	name[2] ^= 1;
	CHECK(open_blob(seed, &c, name, sizeof(name), got, &glen) < 0);
	EVP_PKEY_free(ek);
	EVP_PKEY_free(small);
}

/* ECC: the TPM's side of the seed — ECDH of the EK's private key with the ephemeral
 * point, then KDFe(Z, "IDENTITY", ephemeral x, EK x). */
static void test_ecc_seed(void)
{
	EVP_PKEY *ek = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"), *p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	EVP_PKEY *eph = NULL;
	EVP_PKEY_CTX *ctx;
	OSSL_PARAM params[3];
	uint8_t seed[32], pt[65], z[32], kx[32], msg[4 + 32 + 9 + 64], d[32];
	BIGNUM *bx = NULL;
	size_t zl = sizeof(z);
	struct tpm_credential c;

	CHECK(ek && p384);
	CHECK_EQ_INT(tpm_credential_seal_seed(ek, seed, &c), 0);
	CHECK_EQ_INT(c.enc_secret_len, 2 + 2 + 32 + 2 + 32);
	CHECK_EQ_INT(be16(c.enc_secret), 68);
	CHECK_EQ_INT(be16(c.enc_secret + 2), 32);
	CHECK_EQ_INT(be16(c.enc_secret + 36), 32);
	pt[0] = 0x04;
	memcpy(pt + 1, c.enc_secret + 4, 32);
	memcpy(pt + 33, c.enc_secret + 38, 32);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"prime256v1", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt));
	params[2] = OSSL_PARAM_construct_end();
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	CHECK(EVP_PKEY_fromdata_init(ctx) == 1 && EVP_PKEY_fromdata(ctx, &eph, EVP_PKEY_PUBLIC_KEY, params) == 1);
	EVP_PKEY_CTX_free(ctx);
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, ek, NULL);
	CHECK(EVP_PKEY_derive_init(ctx) == 1 && EVP_PKEY_derive_set_peer(ctx, eph) == 1 &&
	      EVP_PKEY_derive(ctx, z, &zl) == 1 && zl == 32);
	EVP_PKEY_CTX_free(ctx);
	CHECK(EVP_PKEY_get_bn_param(ek, OSSL_PKEY_PARAM_EC_PUB_X, &bx) == 1 && BN_bn2binpad(bx, kx, 32) == 32);
	put_be32(msg, 1);
	memcpy(msg + 4, z, 32);
	memcpy(msg + 36, "IDENTITY", 9);
	memcpy(msg + 45, c.enc_secret + 4, 32);
	memcpy(msg + 77, kx, 32);
	CHECK(EVP_Digest(msg, sizeof(msg), d, NULL, EVP_sha256(), NULL) == 1);
	CHECK_MEM(d, seed, 32);
	CHECK_EQ_INT(tpm_credential_seal_seed(p384, seed, &c), -EOPNOTSUPP);
	BN_free(bx);
	EVP_PKEY_free(eph);
	EVP_PKEY_free(ek);
	EVP_PKEY_free(p384);
}

int main(void)
{
	test_known_vector();
	test_kdfa();
	test_rsa_round_trip();
	test_ecc_seed();
	return unit_finish("test-tpm-credential");
}
