/* SPDX-License-Identifier: Apache-2.0 */
/* TPM2_MakeCredential in software (tpm_credential.h says what and why). Sizes and
 * labels follow the TPM 2.0 reference: every label ends in one NUL byte, every ECC
 * coordinate is the curve's full width. */
#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "evidence/tpm_credential.h"
#include "util/bytes.h"

#define SHA256_SIZE 32
#define P256_SIZE 32
#define AES128_BITS 128

static int hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t len, uint8_t out[SHA256_SIZE])
{
	size_t n = 0;

	if (!EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, key_len, msg, len, out, SHA256_SIZE, &n) ||
	    n != SHA256_SIZE)
		return -EIO;
	return 0;
}

int tpm_kdfa_sha256(const uint8_t *key, size_t key_len, const char *label, const uint8_t *context_u,
		    size_t u_len, const uint8_t *context_v, size_t v_len, unsigned bits, uint8_t *out)
{
	size_t label_len = strlen(label), len = 4 + label_len + 1 + u_len + v_len + 4, want = bits / 8;
	uint8_t msg[4 + 32 + 1 + 2 * TPM_CREDENTIAL_NAME_MAX + 4], block[SHA256_SIZE];

	if (bits % 8 || label_len > 32 || u_len > TPM_CREDENTIAL_NAME_MAX || v_len > TPM_CREDENTIAL_NAME_MAX)
		return -EINVAL;
	memcpy(msg + 4, label, label_len + 1); /* the label and its terminating NUL */
	if (u_len)
		memcpy(msg + 4 + label_len + 1, context_u, u_len);
	if (v_len)
		memcpy(msg + 4 + label_len + 1 + u_len, context_v, v_len);
	put_be32(msg + len - 4, bits);
	for (uint32_t i = 1; want > 0; i++) {
		size_t n = want < SHA256_SIZE ? want : SHA256_SIZE;

		put_be32(msg, i);
		if (hmac_sha256(key, key_len, msg, len, block) < 0)
			return -EIO;
		memcpy(out, block, n);
		out += n;
		want -= n;
	}
	OPENSSL_cleanse(block, sizeof(block));
	return 0;
}

/* KDFe with SHA-256 for one block (Part 1 §11.4.10.3): H([1]32 || Z || label || 0x00 ||
 * partyUInfo || partyVInfo); the seed is exactly one SHA-256 output. */
static int kdfe_sha256(const uint8_t z[P256_SIZE], const char *label, const uint8_t u[P256_SIZE],
		       const uint8_t v[P256_SIZE], uint8_t out[SHA256_SIZE])
{
	uint8_t msg[4 + P256_SIZE + 16 + 2 * P256_SIZE];
	size_t label_len = strlen(label) + 1, len = 0;
	unsigned n = 0;

	if (label_len > 16)
		return -EINVAL;
	put_be32(msg, 1);
	len = 4;
	memcpy(msg + len, z, P256_SIZE);
	len += P256_SIZE;
	memcpy(msg + len, label, label_len);
	len += label_len;
	memcpy(msg + len, u, P256_SIZE);
	len += P256_SIZE;
	memcpy(msg + len, v, P256_SIZE);
	len += P256_SIZE;
	if (!EVP_Digest(msg, len, out, &n, EVP_sha256(), NULL) || n != SHA256_SIZE)
		return -EIO;
	return 0;
}

static int ec_coordinates(const EVP_PKEY *k, uint8_t x[P256_SIZE], uint8_t y[P256_SIZE])
{
	BIGNUM *bx = NULL, *by = NULL;
	int ok = EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_EC_PUB_X, &bx) &&
		 EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_EC_PUB_Y, &by) &&
		 BN_bn2binpad(bx, x, P256_SIZE) == P256_SIZE && BN_bn2binpad(by, y, P256_SIZE) == P256_SIZE;

	BN_free(bx);
	BN_free(by);
	return ok ? 0 : -EIO;
}

static int is_p256(const EVP_PKEY *k)
{
	char group[32] = "";

	return EVP_PKEY_is_a(k, "EC") &&
	       EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), NULL) &&
	       strcmp(group, "prime256v1") == 0;
}

/* RSA EK: the seed, OAEP-encrypted with SHA-256 and the label "IDENTITY\0". */
static int seal_seed_rsa(EVP_PKEY *ek, const uint8_t seed[TPM_CREDENTIAL_SEED_LEN], struct tpm_credential *ret)
{
	static const char label[] = "IDENTITY";
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, ek, NULL);
	void *l = OPENSSL_memdup(label, sizeof(label));
	size_t n = sizeof(ret->enc_secret) - 2;
	int r = -EIO;

	if (!ctx || !l || EVP_PKEY_encrypt_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) <= 0 || EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) <= 0 ||
	    EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, l, sizeof(label)) <= 0)
		goto out;
	l = NULL; /* owned by ctx now */
	if (EVP_PKEY_encrypt(ctx, ret->enc_secret + 2, &n, seed, TPM_CREDENTIAL_SEED_LEN) <= 0 || n != 256)
		goto out;
	put_be16(ret->enc_secret, (uint16_t)n);
	ret->enc_secret_len = 2 + n;
	r = 0;
out:
	OPENSSL_free(l);
	EVP_PKEY_CTX_free(ctx);
	return r;
}

/* ECC EK: an ephemeral P-256 key; the seed from ECDH with the EK through KDFe; the
 * ephemeral public point is the encrypted secret. */
static int seal_seed_ecc(EVP_PKEY *ek, uint8_t seed[TPM_CREDENTIAL_SEED_LEN], struct tpm_credential *ret)
{
	EVP_PKEY *eph = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY_CTX *ctx = eph ? EVP_PKEY_CTX_new_from_pkey(NULL, eph, NULL) : NULL;
	uint8_t z[P256_SIZE], ex[P256_SIZE], ey[P256_SIZE], kx[P256_SIZE], ky[P256_SIZE], *p = ret->enc_secret;
	size_t zlen = sizeof(z);
	int r = -EIO;

	if (!ctx || EVP_PKEY_derive_init(ctx) <= 0 || EVP_PKEY_derive_set_peer(ctx, ek) <= 0 ||
	    EVP_PKEY_derive(ctx, z, &zlen) <= 0 || zlen != P256_SIZE || ec_coordinates(eph, ex, ey) < 0 ||
	    ec_coordinates(ek, kx, ky) < 0 || kdfe_sha256(z, "IDENTITY", ex, kx, seed) < 0)
		goto out;
	/* TPM2B_ENCRYPTED_SECRET { TPMS_ECC_POINT { TPM2B x, TPM2B y } } */
	put_be16(p, 2 + P256_SIZE + 2 + P256_SIZE);
	put_be16(p + 2, P256_SIZE);
	memcpy(p + 4, ex, P256_SIZE);
	put_be16(p + 4 + P256_SIZE, P256_SIZE);
	memcpy(p + 6 + P256_SIZE, ey, P256_SIZE);
	ret->enc_secret_len = 6 + 2 * P256_SIZE;
	r = 0;
out:
	OPENSSL_cleanse(z, sizeof(z));
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(eph);
	return r;
}

int tpm_credential_seal_seed(EVP_PKEY *ek, uint8_t seed[TPM_CREDENTIAL_SEED_LEN], struct tpm_credential *ret)
{
	int r;

	if (EVP_PKEY_is_a(ek, "RSA")) {
		if (EVP_PKEY_get_bits(ek) != 2048)
			return -EOPNOTSUPP;
		r = RAND_bytes(seed, TPM_CREDENTIAL_SEED_LEN) == 1 ? seal_seed_rsa(ek, seed, ret) : -EIO;
	} else if (is_p256(ek)) {
		r = seal_seed_ecc(ek, seed, ret);
	} else {
		r = -EOPNOTSUPP;
	}
	ERR_clear_error();
	return r;
}

int tpm_credential_blob(const uint8_t seed[TPM_CREDENTIAL_SEED_LEN], const uint8_t *secret, size_t secret_len,
			const uint8_t *name, size_t name_len, struct tpm_credential *ret)
{
	uint8_t sym[AES128_BITS / 8], hkey[SHA256_SIZE], plain[2 + TPM_CREDENTIAL_SECRET_MAX];
	uint8_t mac_in[2 + TPM_CREDENTIAL_SECRET_MAX + TPM_CREDENTIAL_NAME_MAX];
	uint8_t *blob = ret->id_object, *enc = blob + 2 + 2 + SHA256_SIZE;
	EVP_CIPHER_CTX *c = NULL;
	size_t enc_len = 2 + secret_len;
	int n = 0, fin = 0, r = -EIO;

	if (secret_len == 0 || secret_len > TPM_CREDENTIAL_SECRET_MAX || name_len < 2 ||
	    name_len > TPM_CREDENTIAL_NAME_MAX)
		return -EINVAL;
	if (tpm_kdfa_sha256(seed, TPM_CREDENTIAL_SEED_LEN, "STORAGE", name, name_len, NULL, 0, AES128_BITS, sym) < 0 ||
	    tpm_kdfa_sha256(seed, TPM_CREDENTIAL_SEED_LEN, "INTEGRITY", NULL, 0, NULL, 0, 8 * SHA256_SIZE, hkey) < 0)
		goto out;
	/* encIdentity: the credential as a TPM2B_DIGEST, AES-128-CFB with a zero IV */
	put_be16(plain, (uint16_t)secret_len);
	memcpy(plain + 2, secret, secret_len);
	c = EVP_CIPHER_CTX_new();
	if (!c || EVP_EncryptInit_ex(c, EVP_aes_128_cfb128(), NULL, sym, (const uint8_t[16]){ 0 }) != 1 ||
	    EVP_EncryptUpdate(c, enc, &n, plain, (int)enc_len) != 1 || EVP_EncryptFinal_ex(c, enc + n, &fin) != 1 ||
	    (size_t)(n + fin) != enc_len)
		goto out;
	/* outerHMAC over encIdentity || name */
	memcpy(mac_in, enc, enc_len);
	memcpy(mac_in + enc_len, name, name_len);
	if (hmac_sha256(hkey, sizeof(hkey), mac_in, enc_len + name_len, blob + 4) < 0)
		goto out;
	put_be16(blob + 2, SHA256_SIZE);
	put_be16(blob, (uint16_t)(2 + SHA256_SIZE + enc_len));
	ret->id_object_len = 2 + 2 + SHA256_SIZE + enc_len;
	r = 0;
out:
	OPENSSL_cleanse(sym, sizeof(sym));
	OPENSSL_cleanse(hkey, sizeof(hkey));
	OPENSSL_cleanse(plain, sizeof(plain));
	EVP_CIPHER_CTX_free(c);
	ERR_clear_error();
	return r;
}

int tpm_make_credential(EVP_PKEY *ek, const uint8_t *secret, size_t secret_len, const uint8_t *name,
			size_t name_len, struct tpm_credential *ret)
{
	uint8_t seed[TPM_CREDENTIAL_SEED_LEN];
	int r;

	if (secret_len == 0 || secret_len > TPM_CREDENTIAL_SECRET_MAX || name_len < 2 ||
	    name_len > TPM_CREDENTIAL_NAME_MAX)
		return -EINVAL;
	memset(ret, 0, sizeof(*ret));
	r = tpm_credential_seal_seed(ek, seed, ret);
	if (r == 0)
		r = tpm_credential_blob(seed, secret, secret_len, name, name_len, ret);
	OPENSSL_cleanse(seed, sizeof(seed));
	return r;
}
