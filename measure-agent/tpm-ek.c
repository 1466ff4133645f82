/* SPDX-License-Identifier: Apache-2.0 */
/* The endorsement key (EK) side of AK enrolment (EVIDENCE.md "Binding the AK"):
 *
 *  - the EK certificate the TPM's maker (or swtpm_setup's local CA) left in NV, at the
 *    indices of the TCG EK Credential Profile: RSA 2048 at 0x01c00002, ECC P-256 at
 *    0x01c0000a (RSA first, as the verifier is told by which certificate it gets);
 *  - TPM2_ActivateCredential: the verifier made a credential for the EK and the AK's
 *    Name (TPM 2.0 Part 1 §24); the TPM releases the secret only if it holds that EK's
 *    private key and has an object with that Name loaded. The EK is re-created from
 *    the profile's default template (L-1 / L-2), which gives the certified key again;
 *    its authPolicy is PolicySecret(TPM_RH_ENDORSEMENT), so its use needs a policy
 *    session with that assertion. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <tss2/tss2_mu.h>

#include "agent.h"
#include "tpm-esys.h"

#define EK_CERT_NV_RSA 0x01c00002
#define EK_CERT_NV_ECC 0x01c0000a
#define EK_CERT_MAX 4096
#define NV_CHUNK 512 /* below every TPM's TPM_PT_NV_BUFFER_MAX */

#define EK_ATTRIBUTES (TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | TPMA_OBJECT_SENSITIVEDATAORIGIN | \
		       TPMA_OBJECT_ADMINWITHPOLICY | TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT)
/* PolicySecret(TPM_RH_ENDORSEMENT), the EK templates' authPolicy */
#define EK_POLICY { .size = 32, .buffer = { \
	0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xb3, 0xf8, 0x1a, 0x90, 0xcc, 0x8d, 0x46, 0xa5, 0xd7, 0x24, \
	0xfd, 0x52, 0xd7, 0x6e, 0x06, 0x52, 0x0b, 0x64, 0xf2, 0xa1, 0xda, 0x1b, 0x33, 0x14, 0x69, 0xaa } }
#define EK_SYMMETRIC { .algorithm = TPM2_ALG_AES, .keyBits.aes = 128, .mode.aes = TPM2_ALG_CFB }

/* Template L-1: RSA 2048, unique = 256 zero bytes. */
static const TPM2B_PUBLIC ek_rsa_template = {
	.publicArea = {
		.type = TPM2_ALG_RSA,
		.nameAlg = TPM2_ALG_SHA256,
		.objectAttributes = EK_ATTRIBUTES,
		.authPolicy = EK_POLICY,
		.parameters.rsaDetail = {
			.symmetric = EK_SYMMETRIC,
			.scheme = { .scheme = TPM2_ALG_NULL },
			.keyBits = 2048,
			.exponent = 0,
		},
		.unique.rsa = { .size = 256 },
	},
};

/* Template L-2: ECC NIST P-256, unique = two 32-byte zero coordinates. */
static const TPM2B_PUBLIC ek_ecc_template = {
	.publicArea = {
		.type = TPM2_ALG_ECC,
		.nameAlg = TPM2_ALG_SHA256,
		.objectAttributes = EK_ATTRIBUTES,
		.authPolicy = EK_POLICY,
		.parameters.eccDetail = {
			.symmetric = EK_SYMMETRIC,
			.scheme = { .scheme = TPM2_ALG_NULL },
			.curveID = TPM2_ECC_NIST_P256,
			.kdf = { .scheme = TPM2_ALG_NULL },
		},
		.unique.ecc = { .x = { .size = 32 }, .y = { .size = 32 } },
	},
};

/* The length of the DER object at the start of buf (a certificate is one SEQUENCE),
 * or 0: NV areas may be larger than the certificate they hold. */
static size_t der_length(const uint8_t *b, size_t n)
{
	size_t len = 0, k;

	if (n < 2 || b[0] != 0x30)
		return 0;
	if (b[1] < 0x80)
		return 2u + b[1] <= n ? 2u + b[1] : 0;
	k = b[1] & 0x7f;
	if (k == 0 || k > 3 || n < 2 + k)
		return 0;
	for (size_t i = 0; i < k; i++)
		len = len << 8 | b[2 + i];
	return 2 + k + len <= n ? 2 + k + len : 0;
}

/* The contents of NV index idx, read with the index's own (empty) auth or the owner's.
 * Returns 0, -ENOENT (no such index) or -EIO. */
static int nv_read_all(struct tpm *t, TPM2_HANDLE idx, uint8_t **ret, size_t *ret_len)
{
	ESYS_CONTEXT *e = tpm_esys(t);
	TPM2B_NV_PUBLIC *pub = NULL;
	TPM2B_NAME *name = NULL;
	ESYS_TR nv = ESYS_TR_NONE, auth;
	uint8_t *buf = NULL;
	size_t size, off = 0;
	TSS2_RC rc;
	int r = -EIO;

	if (Esys_TR_FromTPMPublic(e, idx, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &nv) != TSS2_RC_SUCCESS)
		return -ENOENT;
	rc = Esys_NV_ReadPublic(e, nv, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &pub, &name);
	if (rc != TSS2_RC_SUCCESS) {
		r = tss_fail("NV_ReadPublic(EK certificate)", rc);
		goto out;
	}
	size = pub->nvPublic.dataSize;
	auth = pub->nvPublic.attributes & TPMA_NV_AUTHREAD ? nv : ESYS_TR_RH_OWNER;
	if (size == 0 || size > EK_CERT_MAX || !(buf = malloc(size))) {
		agent_set_detail("EK certificate NV index 0x%08x: %zu bytes", idx, size);
		goto out;
	}
	while (off < size) {
		UINT16 n = (UINT16)(size - off < NV_CHUNK ? size - off : NV_CHUNK);
		TPM2B_MAX_NV_BUFFER *data = NULL;

		rc = Esys_NV_Read(e, auth, nv, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, n, (UINT16)off, &data);
		if (rc != TSS2_RC_SUCCESS || data->size != n) {
			Esys_Free(data);
			r = rc != TSS2_RC_SUCCESS ? tss_fail("NV_Read(EK certificate)", rc) : -EIO;
			goto out;
		}
		memcpy(buf + off, data->buffer, n);
		off += n;
		Esys_Free(data);
	}
	*ret = buf;
	*ret_len = size;
	buf = NULL;
	r = 0;
out:
	free(buf);
	Esys_Free(pub);
	Esys_Free(name);
	Esys_TR_Close(e, &nv);
	return r;
}

int tpm_ek_certificate(struct tpm *t, uint8_t **ret, size_t *ret_len, bool *ret_rsa)
{
	uint8_t *buf = NULL;
	size_t len = 0, der;
	bool rsa = true;
	int r = nv_read_all(t, EK_CERT_NV_RSA, &buf, &len);

	if (r == -ENOENT) {
		rsa = false;
		r = nv_read_all(t, EK_CERT_NV_ECC, &buf, &len);
	}
	if (r < 0)
		return r;
	der = der_length(buf, len);
	if (!der) {
		free(buf);
		agent_set_detail("EK certificate NV index 0x%08x: not a DER certificate", rsa ? EK_CERT_NV_RSA : EK_CERT_NV_ECC);
		return -EBADMSG;
	}
	*ret = buf;
	*ret_len = der;
	*ret_rsa = rsa;
	return 0;
}

/* A policy session that satisfies the EK's authPolicy. */
static int ek_policy_session(ESYS_CONTEXT *e, ESYS_TR *ret)
{
	TPMT_SYM_DEF sym = { .algorithm = TPM2_ALG_NULL };
	TPMT_TK_AUTH *ticket = NULL;
	TPM2B_TIMEOUT *timeout = NULL;
	TSS2_RC rc;

	rc = Esys_StartAuthSession(e, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, NULL,
				   TPM2_SE_POLICY, &sym, TPM2_ALG_SHA256, ret);
	if (rc != TSS2_RC_SUCCESS)
		return tss_fail("StartAuthSession(policy)", rc);
	/* no nonceTPM, cpHash or policyRef, no expiration: the assertion PolicySecret
	 * with the endorsement hierarchy's (empty) auth, exactly the EK's authPolicy */
	rc = Esys_PolicySecret(e, ESYS_TR_RH_ENDORSEMENT, *ret, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
			       NULL, NULL, NULL, 0, &timeout, &ticket);
	Esys_Free(timeout);
	Esys_Free(ticket);
	if (rc != TSS2_RC_SUCCESS) {
		Esys_FlushContext(e, *ret);
		*ret = ESYS_TR_NONE;
		return tss_fail("PolicySecret(endorsement)", rc);
	}
	return 0;
}

int tpm_activate_credential(struct tpm *t, const uint8_t *req, size_t req_len,
			    uint8_t ret[TPM_ACTIVATED_SECRET_MAX], size_t *ret_len)
{
	ESYS_CONTEXT *e = tpm_esys(t);
	TPM2B_ID_OBJECT blob = {0};
	TPM2B_ENCRYPTED_SECRET seed = {0};
	TPM2B_DIGEST *secret = NULL;
	TPM2B_PUBLIC *akpub = NULL;
	ESYS_TR ek = ESYS_TR_NONE, ak = ESYS_TR_NONE, session = ESYS_TR_NONE;
	uint8_t *cert = NULL;
	size_t off = 0, cert_len;
	bool rsa;
	TSS2_RC rc;
	int r;

	/* the request: TPM2B_ID_OBJECT || TPM2B_ENCRYPTED_SECRET, nothing after them */
	if (Tss2_MU_TPM2B_ID_OBJECT_Unmarshal(req, req_len, &off, &blob) != TSS2_RC_SUCCESS ||
	    Tss2_MU_TPM2B_ENCRYPTED_SECRET_Unmarshal(req, req_len, &off, &seed) != TSS2_RC_SUCCESS || off != req_len) {
		agent_set_detail("the credential is not a TPM2B_ID_OBJECT followed by a TPM2B_ENCRYPTED_SECRET");
		return -EINVAL;
	}
	/* The EK whose certificate the evidence carries (tpm_ek_certificate's order). */
	r = tpm_ek_certificate(t, &cert, &cert_len, &rsa);
	free(cert);
	if (r == -ENOENT)
		agent_set_detail("no EK certificate in NV (0x%08x, 0x%08x)", EK_CERT_NV_RSA, EK_CERT_NV_ECC);
	if (r == 0)
		r = tpm_create_primary(t, rsa ? &ek_rsa_template : &ek_ecc_template, "CreatePrimary(endorsement, EK)",
				       &ek, NULL);
	if (r == 0)
		r = tpm_ak_create(t, &ak, &akpub);
	if (r == 0)
		r = ek_policy_session(e, &session);
	if (r < 0)
		goto out;
	rc = Esys_ActivateCredential(e, ak, ek, ESYS_TR_PASSWORD, session, ESYS_TR_NONE, &blob, &seed, &secret);
	if (rc != TSS2_RC_SUCCESS) {
		r = tss_fail("ActivateCredential", rc);
		goto out;
	}
	memcpy(ret, secret->buffer, secret->size);
	*ret_len = secret->size;
out:
	Esys_Free(secret);
	Esys_Free(akpub);
	if (session != ESYS_TR_NONE)
		Esys_FlushContext(e, session);
	if (ak != ESYS_TR_NONE)
		Esys_FlushContext(e, ak);
	if (ek != ESYS_TR_NONE)
		Esys_FlushContext(e, ek);
	return r;
}
