/* SPDX-License-Identifier: Apache-2.0 */
/* TPM 2.0 structures a verifier receives: TPMS_ATTEST (the signed quote),
 * TPMT_SIGNATURE and TPMT_PUBLIC / TPM2B_PUBLIC (the attestation key). All TPM 2.0
 * structures are big-endian (TPM 2.0 Part 1, §"Endianness"); layouts from TPM 2.0
 * Part 2 (Structures): TPMS_ATTEST §10.12.12, TPMS_QUOTE_INFO §10.12.4,
 * TPMT_SIGNATURE §11.3.4, TPMT_PUBLIC §12.2.4, TPMS_RSA_PARMS §12.2.3.5,
 * TPMS_ECC_PARMS §12.2.3.6.
 *
 * Variable-size fields point into the caller's buffer. Parsers check structure only;
 * signatures are checked by the caller (cvm-reference uses OpenSSL). */
#ifndef CVM_TPM_ATTEST_H
#define CVM_TPM_ATTEST_H

#include <stddef.h>
#include <stdint.h>

#define TPM_GENERATED_VALUE 0xff544347u
#define TPM_ST_ATTEST_QUOTE 0x8018
#define TPM_MAX_INPUT 8192

#define TPM_ALG_RSA 0x0001
#define TPM_ALG_SHA1 0x0004
#define TPM_ALG_SHA256 0x000B
#define TPM_ALG_SHA384 0x000C
#define TPM_ALG_SHA512 0x000D
#define TPM_ALG_NULL 0x0010
#define TPM_ALG_RSASSA 0x0014
#define TPM_ALG_RSAES 0x0015
#define TPM_ALG_RSAPSS 0x0016
#define TPM_ALG_OAEP 0x0017
#define TPM_ALG_ECDSA 0x0018
#define TPM_ALG_ECDH 0x0019
#define TPM_ALG_ECDAA 0x001A
#define TPM_ALG_SM2 0x001B
#define TPM_ALG_ECSCHNORR 0x001C
#define TPM_ALG_ECC 0x0023

#define TPM_ECC_NIST_P256 0x0003
#define TPM_ECC_NIST_P384 0x0004
#define TPM_ECC_NIST_P521 0x0005

/* TPMA_OBJECT bits (Part 2 §8.3.2) */
#define TPMA_OBJECT_FIXEDTPM 0x00000002u
#define TPMA_OBJECT_FIXEDPARENT 0x00000010u
#define TPMA_OBJECT_RESTRICTED 0x00010000u
#define TPMA_OBJECT_DECRYPT 0x00020000u
#define TPMA_OBJECT_SIGN_ENCRYPT 0x00040000u

#define TPM_MAX_BANKS 8
#define TPM_PCR_SELECT_MAX 4 /* 32 PCRs; PC Client TPMs have 24 (3 bytes) */

struct tpm_pcr_selection {
	uint16_t hash;
	uint8_t size; /* sizeofSelect */
	uint8_t select[TPM_PCR_SELECT_MAX];
};

struct tpm_attest {
	uint32_t magic;
	uint16_t type;
	const uint8_t *qualified_signer; /* TPM2B_NAME contents: nameAlg || H(public) */
	size_t qualified_signer_len;
	const uint8_t *extra_data;       /* TPM2B_DATA contents: the caller's nonce */
	size_t extra_data_len;
	uint64_t clock;
	uint32_t reset_count;
	uint32_t restart_count;
	uint8_t safe;
	uint64_t firmware_version;
	/* TPMS_QUOTE_INFO (type == TPM_ST_ATTEST_QUOTE only) */
	size_t n_banks;
	struct tpm_pcr_selection banks[TPM_MAX_BANKS];
	const uint8_t *pcr_digest;
	size_t pcr_digest_len;
};

struct tpm_signature {
	uint16_t sig_alg;  /* RSASSA, RSAPSS, ECDSA */
	uint16_t hash_alg;
	const uint8_t *sig; /* RSA: the signature */
	size_t sig_len;
	const uint8_t *r, *s; /* ECDSA: big-endian integers */
	size_t r_len, s_len;
};

struct tpm_public {
	uint16_t type; /* TPM_ALG_RSA or TPM_ALG_ECC */
	uint16_t name_alg;
	uint32_t attributes;
	uint16_t scheme;      /* signing scheme of the key, TPM_ALG_NULL if any */
	uint16_t scheme_hash;
	uint16_t key_bits;    /* RSA */
	uint32_t exponent;    /* RSA; 0 means 65537 */
	uint16_t curve;       /* ECC */
	const uint8_t *n, *x, *y;
	size_t n_len, x_len, y_len;
	const uint8_t *raw;   /* the TPMT_PUBLIC bytes (what the key's Name hashes) */
	size_t raw_len;
};

/* Parses a TPMS_ATTEST (the contents of a TPM2B_ATTEST, no size prefix). Only quotes
 * are unpacked beyond the common header; other types give -EOPNOTSUPP. Returns 0,
 * -EINVAL (size), -EBADMSG (magic, truncated, trailing bytes, oversized selection). */
int tpm_attest_parse(const uint8_t *buf, size_t len, struct tpm_attest *ret);

/* Parses a marshalled TPMT_SIGNATURE, exactly len bytes. Returns 0, -EBADMSG or
 * -EOPNOTSUPP (a signature algorithm other than RSASSA, RSAPSS, ECDSA). */
int tpm_signature_parse(const uint8_t *buf, size_t len, struct tpm_signature *ret);

/* Parses a TPMT_PUBLIC, or a TPM2B_PUBLIC (detected by its leading size equal to the
 * rest), for RSA and ECC keys. Returns 0, -EBADMSG or -EOPNOTSUPP. */
int tpm_public_parse(const uint8_t *buf, size_t len, struct tpm_public *ret);

/* 1 if PCR pcr is selected in bank b. */
int tpm_pcr_is_selected(const struct tpm_pcr_selection *b, unsigned pcr);

/* Computes the key's Name (nameAlg || H(TPMT_PUBLIC)) into out (at least 2 +
 * DIGEST_MAX bytes). Returns 0, -EOPNOTSUPP (unknown nameAlg) or -EIO. */
int tpm_public_name(const struct tpm_public *pub, uint8_t *out, size_t *ret_len);

/* Whether objectAttributes make an attestation key whose quotes mean something:
 * restricted and sign (it signs only what the TPM generated — a TPMS_ATTEST it built;
 * an unrestricted key signs any digest, a made-up quote included), fixedTPM and
 * fixedParent (it never leaves this TPM), not decrypt. Returns NULL if so, else the
 * first attribute that is wrong: "not restricted", "not sign", "not fixedTPM",
 * "not fixedParent" or "decrypt". */
const char *tpm_ak_attributes_problem(uint32_t attributes);

/* Name of a TPM_ALG_ID for printing ("sha256", "rsassa", …), or NULL. */
const char *tpm_alg_name(uint16_t alg);

#endif
