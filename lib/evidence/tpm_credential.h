/* SPDX-License-Identifier: Apache-2.0 */
/* TPM2_MakeCredential done by the verifier in software, so that only the TPM that
 * holds a certified endorsement key (EK) — and has the attestation key (AK) loaded —
 * can recover a secret (TPM 2.0 Part 1 §24 "Credential Protection"; Part 3
 * TPM2_MakeCredential / TPM2_ActivateCredential).
 *
 *   seed        random; RSA EK: RSA-OAEP(EK, seed, SHA-256, label "IDENTITY\0");
 *               ECC EK: ephemeral ECDH with the EK, seed = KDFe(Z, "IDENTITY",
 *               ephemeral x, EK x) (Part 1 §11.4.10.3)
 *   symKey      KDFa(seed, "STORAGE", AK name, -, 128 bits)  (Part 1 §11.4.10.2)
 *   encIdentity AES-128-CFB(symKey, IV 0, TPM2B_DIGEST secret)
 *   hmacKey     KDFa(seed, "INTEGRITY", -, -, 256 bits)
 *   outerHMAC   HMAC-SHA-256(hmacKey, encIdentity || AK name)
 *   credentialBlob = TPM2B_ID_OBJECT { TPM2B_DIGEST outerHMAC, encIdentity }
 *
 * The EK is one made from the TCG EK Credential Profile's default templates L-1
 * (RSA 2048) or L-2 (ECC NIST P-256): nameAlg SHA-256, symmetric AES-128-CFB, which
 * fixes every parameter above. */
#ifndef CVM_TPM_CREDENTIAL_H
#define CVM_TPM_CREDENTIAL_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define TPM_CREDENTIAL_SEED_LEN 32   /* the digest size of the EK's nameAlg, SHA-256 */
#define TPM_CREDENTIAL_SECRET_MAX 32 /* a TPM2B_DIGEST of the EK's nameAlg */
#define TPM_CREDENTIAL_NAME_MAX 66   /* TPM2B_NAME contents: nameAlg || digest (≤ SHA-512) */
/* TPM2B_ID_OBJECT: size, TPM2B_DIGEST outerHMAC, encIdentity (size + secret) */
#define TPM_ID_OBJECT_MAX (2 + 2 + 32 + 2 + TPM_CREDENTIAL_SECRET_MAX)
/* TPM2B_ENCRYPTED_SECRET: RSA 2048 ciphertext, or a P-256 TPMS_ECC_POINT */
#define TPM_ENCRYPTED_SECRET_MAX (2 + 256)

struct tpm_credential {
	uint8_t id_object[TPM_ID_OBJECT_MAX];          /* TPM2B_ID_OBJECT, marshalled */
	size_t id_object_len;
	uint8_t enc_secret[TPM_ENCRYPTED_SECRET_MAX]; /* TPM2B_ENCRYPTED_SECRET, marshalled */
	size_t enc_secret_len;
};

/* MakeCredential for the EK's public key ek (RSA 2048 or EC P-256), the credential
 * secret (1..32 bytes) and the AK's Name (nameAlg || H(TPMT_PUBLIC)). Returns 0,
 * -EINVAL (sizes), -EOPNOTSUPP (another key type or size) or -EIO (OpenSSL). */
int tpm_make_credential(EVP_PKEY *ek, const uint8_t *secret, size_t secret_len, const uint8_t *name,
			size_t name_len, struct tpm_credential *ret);

/* The parts, for tests with a chosen seed: the seed sealed to the EK (random), and the
 * credential blob from a seed (deterministic). */
int tpm_credential_seal_seed(EVP_PKEY *ek, uint8_t seed[TPM_CREDENTIAL_SEED_LEN], struct tpm_credential *ret);
int tpm_credential_blob(const uint8_t seed[TPM_CREDENTIAL_SEED_LEN], const uint8_t *secret, size_t secret_len,
			const uint8_t *name, size_t name_len, struct tpm_credential *ret);

/* KDFa with HMAC-SHA-256 (Part 1 §11.4.10.2): bits/8 bytes of
 * HMAC(key, [i]32 || label || 0x00 || context_u || context_v || [bits]32), i = 1, 2, …
 * Returns 0 or -EIO. */
int tpm_kdfa_sha256(const uint8_t *key, size_t key_len, const char *label, const uint8_t *context_u,
		    size_t u_len, const uint8_t *context_v, size_t v_len, unsigned bits, uint8_t *out);

#endif
