/* SPDX-License-Identifier: Apache-2.0 */
/* vTPM backend through tpm2-tss: ESAPI over the TCTI loader, so the same code talks
 * to /dev/tpmrm0 in the guest and to swtpm in tests (CVM_TCTI=swtpm:port=…, test build
 * only). No
 * hand-rolled TPM marshalling: tss2-mu does it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/param_build.h>

#include <tss2/tss2_esys.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#include "agent.h"
#include "tpm-banks.h"
#include "tpm-esys.h"

struct tpm {
	TSS2_TCTI_CONTEXT *tcti;
	ESYS_CONTEXT *esys;
};

int tss_fail(const char *what, TSS2_RC rc)
{
	agent_set_detail("%s: %s", what, Tss2_RC_Decode(rc));
	return -EIO;
}

ESYS_CONTEXT *tpm_esys(struct tpm *t)
{
	return t->esys;
}

/* $CVM_TCTI exists only in the test build (CVM_TEST_HOOKS, measure-agent/build.mk):
 * the image's agent always talks to the kernel's resource manager. */
static const char *tcti_conf(void)
{
#ifdef CVM_TEST_HOOKS
	const char *c = getenv("CVM_TCTI");

	if (c && *c)
		return c;
#endif
	return AGENT_TCTI_DEFAULT;
}

bool tpm_present(void)
{
	char p[PATH_MAX];

	if (strcmp(tcti_conf(), AGENT_TCTI_DEFAULT) != 0)
		return true;
	return access(sysroot_path("/dev/tpmrm0", p), F_OK) == 0;
}

int tpm_open(struct tpm **ret)
{
	struct tpm *t = calloc(1, sizeof *t);
	TSS2_RC rc;

	if (!t)
		return -ENOMEM;
	rc = Tss2_TctiLdr_Initialize(tcti_conf(), &t->tcti);
	if (rc != TSS2_RC_SUCCESS) {
		free(t);
		agent_set_detail("TCTI %s: %s", tcti_conf(), Tss2_RC_Decode(rc));
		return -ENODEV;
	}
	rc = Esys_Initialize(&t->esys, t->tcti, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		Tss2_TctiLdr_Finalize(&t->tcti);
		free(t);
		return tss_fail("Esys_Initialize", rc);
	}
	*ret = t;
	return 0;
}

void tpm_close(struct tpm *t)
{
	if (!t)
		return;
	Esys_Finalize(&t->esys);
	Tss2_TctiLdr_Finalize(&t->tcti);
	free(t);
}

int tpm_banks(struct tpm *t, enum digest_alg ret_algs[TPM_MAX_BANKS], size_t *ret_n)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	TSS2_RC rc;
	int r;

	rc = Esys_GetCapability(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
				TPM2_CAP_PCRS, 0, 1, &more, &cap);
	if (rc != TSS2_RC_SUCCESS)
		return tss_fail("GetCapability(PCRS)", rc);
	/* The whole list fits one answer (TPML_PCR_SELECTION holds every bank a TPM can
	 * have): "more" would mean banks we were not told about, left unextended. */
	if (cap->capability != TPM2_CAP_PCRS || more) {
		Esys_Free(cap);
		agent_set_detail("GetCapability(PCRS): %s", more ? "incomplete bank list" : "answer of another capability");
		return -EBADMSG;
	}
	r = tpm_banks_parse(&cap->data.assignedPCR, ret_algs, ret_n);
	Esys_Free(cap);
	return r;
}

static TPM2_ALG_ID tpm_alg(enum digest_alg a)
{
	return digest_tpm_alg(a);
}

int tpm_extend(struct tpm *t, unsigned pcr, const struct cel_digest *d, size_t n)
{
	TPML_DIGEST_VALUES v = { .count = (UINT32)n };
	TSS2_RC rc;

	if (pcr > 23 || n == 0 || n > TPM2_NUM_PCR_BANKS)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		v.digests[i].hashAlg = tpm_alg(d[i].alg);
		memcpy(&v.digests[i].digest, d[i].digest, digest_len(d[i].alg));
	}
	/* PCR handles are ESYS_TR_PCR0 + n; the PCR's authValue is empty. */
	rc = Esys_PCR_Extend(t->esys, ESYS_TR_PCR0 + pcr, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &v);
	if (rc != TSS2_RC_SUCCESS)
		return tss_fail("PCR_Extend", rc);
	return 0;
}

int tpm_pcr_read(struct tpm *t, enum digest_alg alg, unsigned pcr, uint8_t *ret)
{
	TPML_PCR_SELECTION sel = { .count = 1 }, *out_sel = NULL;
	TPML_DIGEST *values = NULL;
	UINT32 counter;
	TSS2_RC rc;
	int r = 0;

	if (pcr > 23)
		return -EINVAL;
	sel.pcrSelections[0].hash = tpm_alg(alg);
	sel.pcrSelections[0].sizeofSelect = 3;
	sel.pcrSelections[0].pcrSelect[pcr / 8] = (uint8_t)(1u << (pcr % 8));
	rc = Esys_PCR_Read(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &sel, &counter, &out_sel, &values);
	if (rc != TSS2_RC_SUCCESS)
		return tss_fail("PCR_Read", rc);
	if (values->count != 1 || values->digests[0].size != digest_len(alg)) {
		agent_set_detail("PCR_Read: bank %s not returned", digest_name(alg));
		r = -EIO;
	} else
		memcpy(ret, values->digests[0].buffer, digest_len(alg));
	Esys_Free(out_sel);
	Esys_Free(values);
	return r;
}

/* The attestation key: a primary in the endorsement hierarchy from a fixed template
 * (EVIDENCE.md), so the same TPM always derives the same key and nothing has to be
 * stored in the read-only image. */
static const TPM2B_PUBLIC ak_template = {
	.publicArea = {
		.type = TPM2_ALG_ECC,
		.nameAlg = TPM2_ALG_SHA256,
		.objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
				    TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |
				    TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT,
		.parameters.eccDetail = {
			.symmetric = { .algorithm = TPM2_ALG_NULL },
			.scheme = { .scheme = TPM2_ALG_ECDSA, .details.ecdsa.hashAlg = TPM2_ALG_SHA256 },
			.curveID = TPM2_ECC_NIST_P256,
			.kdf = { .scheme = TPM2_ALG_NULL },
		},
	},
};

int tpm_create_primary(struct tpm *t, const TPM2B_PUBLIC *template, const char *what, ESYS_TR *ret,
		       TPM2B_PUBLIC **ret_pub)
{
	TPM2B_SENSITIVE_CREATE sens = {0};
	TPM2B_DATA outside = {0};
	TPML_PCR_SELECTION creation = {0};
	TPM2B_PUBLIC *pub = NULL;
	TPM2B_CREATION_DATA *cdata = NULL;
	TPM2B_DIGEST *chash = NULL;
	TPMT_TK_CREATION *ticket = NULL;
	TSS2_RC rc;

	rc = Esys_CreatePrimary(t->esys, ESYS_TR_RH_ENDORSEMENT, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
				&sens, template, &outside, &creation, ret, &pub, &cdata, &chash, &ticket);
	Esys_Free(cdata);
	Esys_Free(chash);
	Esys_Free(ticket);
	if (rc != TSS2_RC_SUCCESS)
		return tss_fail(what, rc);
	if (ret_pub)
		*ret_pub = pub;
	else
		Esys_Free(pub);
	return 0;
}

int tpm_ak_create(struct tpm *t, ESYS_TR *ret_ak, TPM2B_PUBLIC **ret_pub)
{
	return tpm_create_primary(t, &ak_template, "CreatePrimary(endorsement, AK)", ret_ak, ret_pub);
}

static char *ak_pem(const TPMS_ECC_POINT *pt)
{
	uint8_t point[1 + 2 * 32];
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIO *bio = NULL;
	char *pem = NULL, *data;
	long n;

	if (pt->x.size != 32 || pt->y.size != 32)
		return NULL;
	point[0] = 0x04; /* uncompressed SEC1 point */
	memcpy(point + 1, pt->x.buffer, 32);
	memcpy(point + 33, pt->y.buffer, 32);
	bld = OSSL_PARAM_BLD_new();
	if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		goto out;
	bio = BIO_new(BIO_s_mem());
	if (!bio || !PEM_write_bio_PUBKEY(bio, pkey))
		goto out;
	n = BIO_get_mem_data(bio, &data);
	pem = n > 0 ? strndup(data, (size_t)n) : NULL;
out:
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return pem;
}

void tpm_quote_free(struct tpm_quote *q)
{
	free(q->ak_public);
	free(q->ak_pem);
	free(q->attest);
	free(q->signature);
	memset(q, 0, sizeof *q);
}

int tpm_quote(struct tpm *t, const uint8_t *nonce, size_t nonce_len, const unsigned *pcrs,
	      size_t n_pcrs, struct tpm_quote *ret)
{
	TPM2B_DATA qual = {0};
	TPML_PCR_SELECTION sel = { .count = 1 };
	TPMT_SIG_SCHEME scheme = { .scheme = TPM2_ALG_ECDSA, .details.ecdsa.hashAlg = TPM2_ALG_SHA256 };
	TPM2B_PUBLIC *pub = NULL;
	TPM2B_ATTEST *quoted = NULL;
	TPMT_SIGNATURE *sig = NULL;
	struct tpm_quote q = {0};
	ESYS_TR ak = ESYS_TR_NONE;
	uint8_t buf[sizeof(TPMT_SIGNATURE) + sizeof(TPM2B_PUBLIC)];
	size_t off;
	TSS2_RC rc;
	int r = -EIO;

	if (nonce_len > sizeof qual.buffer)
		return -EINVAL;
	qual.size = (UINT16)nonce_len;
	memcpy(qual.buffer, nonce, nonce_len);
	sel.pcrSelections[0].hash = TPM2_ALG_SHA256;
	sel.pcrSelections[0].sizeofSelect = 3;
	for (size_t i = 0; i < n_pcrs; i++)
		sel.pcrSelections[0].pcrSelect[pcrs[i] / 8] |= (uint8_t)(1u << (pcrs[i] % 8));

	r = tpm_ak_create(t, &ak, &pub);
	if (r < 0)
		return r;
	r = -EIO;
	rc = Esys_Quote(t->esys, ak, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &qual, &scheme, &sel, &quoted, &sig);
	if (rc != TSS2_RC_SUCCESS) {
		tss_fail("Quote", rc);
		goto out;
	}

	off = 0;
	if (Tss2_MU_TPM2B_PUBLIC_Marshal(pub, buf, sizeof buf, &off) != TSS2_RC_SUCCESS)
		goto out;
	q.ak_public = malloc(off);
	if (!q.ak_public)
		goto out;
	memcpy(q.ak_public, buf, off);
	q.ak_public_len = off;
	off = 0;
	if (Tss2_MU_TPMT_SIGNATURE_Marshal(sig, buf, sizeof buf, &off) != TSS2_RC_SUCCESS)
		goto out;
	q.signature = malloc(off);
	q.attest = malloc(quoted->size ? quoted->size : 1);
	q.ak_pem = ak_pem(&pub->publicArea.unique.ecc);
	if (!q.signature || !q.attest || !q.ak_pem)
		goto out;
	memcpy(q.signature, buf, off);
	q.signature_len = off;
	memcpy(q.attest, quoted->attestationData, quoted->size);
	q.attest_len = quoted->size;
	*ret = q;
	memset(&q, 0, sizeof q);
	r = 0;
out:
	if (r < 0 && !agent_detail()[0])
		agent_set_detail("marshalling the quote failed");
	tpm_quote_free(&q);
	Esys_FlushContext(t->esys, ak);
	Esys_Free(pub);
	Esys_Free(quoted);
	Esys_Free(sig);
	return r;
}
