/* SPDX-License-Identifier: Apache-2.0 */
/* Binding the vTPM attestation key (AK) to a TPM the customer trusts: the AK in an
 * evidence document is only the guest's claim until it is bound (SECURITY.md,
 * measure-agent/EVIDENCE.md "Binding the AK to the TPM"). The binding here is
 * credential activation (TPM 2.0 Part 1 §24): the EK certificate in the evidence must
 * chain to a CA the customer pins (--ek-ca), `cvm-reference challenge` makes a
 * credential for that EK and the AK's Name, and only a TPM that holds the EK and has
 * the AK loaded recovers its secret (`measure-agent activate` on the node); `verify`
 * compares the node's answer with the secret it kept. */
#ifndef CVM_REFERENCE_AK_BINDING_H
#define CVM_REFERENCE_AK_BINDING_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "util/json.h"

#define AK_NAME_MAX 66

/* What verify needs from the command line for tpm.ak-binding. */
struct ak_binding_args {
	const char *ek_ca;      /* --ek-ca: pinned EK CA certificate(s), PEM or DER */
	const char *challenge;  /* --challenge: the record `cvm-reference challenge -o` wrote */
	const char *activation; /* --activation: the node's answer (hex line) */
};

/* The evidence's attestation key, taken from its TPM2B_PUBLIC (ak_public) — the
 * structure whose Name the credential binds — never from ak_pem. */
struct evidence_ak {
	EVP_PKEY *key;
	uint8_t name[AK_NAME_MAX]; /* nameAlg || H(TPMT_PUBLIC) */
	size_t name_len;
	uint32_t attributes;
};

/* The public key of tpm.ak_public, unchecked (the quote's signature is checked with
 * it; whether it may be trusted is tpm.ak-binding's question), or NULL. */
EVP_PKEY *evidence_ak_key(const struct json_value *tpm);

/* Parses tpm.ak_public and requires the attributes of an attestation key (restricted,
 * sign, fixedTPM, fixedParent, not decrypt). Returns 1, or 0 with the reason in err
 * (ret->key is then NULL). */
int evidence_ak_load(const struct json_value *tpm, struct evidence_ak *ret, char *err, size_t errlen);
void evidence_ak_free(struct evidence_ak *ak);

/* The EK certificate of tpm.ek_certificate, verified up to a certificate of the
 * ek_ca file (self-signed ones are the anchors, others serve as intermediates) at
 * time at (NULL: now). Returns 1 with *ret_cert and SHA-256 of its DER in ret_sha256,
 * or 0 with the reason in err. */
int evidence_ek_verify(const struct json_value *tpm, const char *ek_ca, const time_t *at, X509 **ret_cert,
		       uint8_t ret_sha256[32], char *err, size_t errlen);

/* tpm.ak-binding for verify: 1 when bound (detail says by what), 0 otherwise (detail
 * says why). Without --ek-ca, --challenge and --activation it is 0: an AK the
 * evidence merely carries is never trusted. */
int ak_binding_check(const struct json_value *tpm, const struct ak_binding_args *b, const time_t *at,
		     char *detail, size_t detail_len);

#endif
