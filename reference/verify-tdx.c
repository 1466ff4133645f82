/* SPDX-License-Identifier: Apache-2.0 */
/* TDX quote verification (quote v4/v5, ECDSA-P256 attestation key), following Intel's
 * DCAP Quote Verification Library rules as google/go-tdx-guest verify/verify.go
 * applies them:
 *   1. the quote signature: ECDSA P-256/SHA-256 by the attestation key over header
 *      and body;
 *   2. the QE report binds that key: QE REPORTDATA = SHA-256(attest_key ‖ QE auth
 *      data) ‖ 32 zero bytes;
 *   3. the QE report is signed by the PCK key; the PCK chain (in the quote) leads to
 *      the pinned Intel SGX Root CA, with the CRLs from the collateral;
 *   4. the collateral (TCB info, QE identity) is signed by the Intel TCB signing key
 *      (chained to the same root) and fresh; the TCB level that matches the PCK
 *      certificate's SVNs and the TD's TEE_TCB_SVN gives the TCB status.
 * Formats: Intel "PCS API v4" (tcbInfo v3 for TDX, enclaveIdentity v2 "TD_QE"). */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "measure/digest.h"
#include "evidence.h"
#include "util/bytes.h"
#include "util/file.h"
#include "util/hex.h"
#include "util/json.h"
#include "evidence/sgx_pck.h"
#include "evidence/tdx_quote.h"

#define COLLATERAL_MAX (1024 * 1024)
#define MAX_CRLS 8

static const char *const tdx_fields[] = {
	"mrseam", "td_attributes", "xfam", "mrtd", "mrconfigid", "mrowner", "mrownerconfig",
	"rtmr0", "rtmr1", "rtmr2", "rtmr3", "report_data", NULL,
};

struct collateral {
	char *tcb_info_path, *qe_identity_path, *chain_path;
	char *crl_paths[MAX_CRLS];
	size_t n_crls;
};

static void collateral_free(struct collateral *col)
{
	free(col->tcb_info_path);
	free(col->qe_identity_path);
	free(col->chain_path);
	for (size_t i = 0; i < col->n_crls; i++)
		free(col->crl_paths[i]);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* Classifies the files of the collateral directory by name: Intel PCS names them
 * tcbInfo / enclaveIdentity (qe_identity), *crl*, and the issuer chains. */
static int collateral_scan(const char *dir, struct collateral *col)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int r = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		char *path;

		if (n[0] == '.')
			continue;
		if (asprintf(&path, "%s/%s", dir, n) < 0) {
			r = -ENOMEM;
			break;
		}
		if (ends_with(n, ".json") && strcasestr(n, "tcbinfo") && !col->tcb_info_path)
			col->tcb_info_path = path;
		else if (ends_with(n, ".json") && (strcasestr(n, "identity")) && !col->qe_identity_path)
			col->qe_identity_path = path;
		else if (strcasestr(n, "crl") && !strcasestr(n, "chain") && col->n_crls < MAX_CRLS)
			col->crl_paths[col->n_crls++] = path;
		else if (ends_with(n, ".pem") && strcasestr(n, "tcb") && strcasestr(n, "chain") && !col->chain_path)
			col->chain_path = path;
		else
			free(path);
	}
	closedir(d);
	return r;
}

static int hex_field(const struct json_value *obj, const char *key, uint8_t *out, size_t n)
{
	const char *s = json_get_string(obj, key);

	return s && hex_decode_exact(s, out, n) == 0 ? 0 : -EBADMSG;
}

static int uint_field(const struct json_value *obj, const char *key, uint64_t *ret)
{
	const struct json_value *v = json_get(obj, key);

	return v && json_uint64(v, ret) == 0 ? 0 : -EBADMSG;
}

/* A signed collateral document: {"KEY": {...}, "signature": "hex r||s"}. */
struct signed_doc {
	uint8_t *text;
	size_t len;
	struct json_value *root;
	const struct json_value *body;
};

static void signed_doc_free(struct signed_doc *d)
{
	json_free(d->root);
	free(d->text);
}

static void check_signed_doc(const char *path, const char *key, EVP_PKEY *signer, const char *check_name,
			     const struct ev_opts *o, struct checks *c, struct signed_doc *ret)
{
	char name[64];
	uint8_t sig[64];
	size_t start, end;
	time_t now = o->have_at ? o->at : time(NULL), issue, next;
	const char *issue_s, *next_s;
	int r;

	memset(ret, 0, sizeof(*ret));
	r = file_read_all(path, COLLATERAL_MAX, &ret->text, &ret->len);
	if (r < 0) {
		check_fail(c, check_name, "%s: %s", path, strerror(-r));
		return;
	}
	if (json_parse((const char *)ret->text, ret->len, &ret->root, NULL) < 0 ||
	    !(ret->body = json_get(ret->root, key)) || json_type(ret->body) != JSON_OBJECT ||
	    hex_field(ret->root, "signature", sig, 64) < 0) {
		check_fail(c, check_name, "%s: not a signed %s document", path, key);
		ret->body = NULL;
		return;
	}
	/* Intel signs the body object's bytes as they appear in the response: exactly
	 * the text the reader parsed into ret->body. */
	json_span(ret->body, &start, &end);
	snprintf(name, sizeof(name), "%s-signature", check_name);
	if (!signer) {
		check_fail(c, name, "no trusted TCB signing key");
	} else {
		r = ecdsa_verify_rs(signer, EVP_sha256(), ret->text + start, end - start, sig, 32, sig + 32, 32);
		check(c, name, r == 1, r == 1 ? "ECDSA P-256 by Intel SGX TCB Signing" :
		      "signature over %s does not verify", key);
	}
	/* Collateral has a validity window like a certificate (PCS API: issueDate,
	 * nextUpdate); out of it, the statuses it gives may no longer be true. */
	snprintf(name, sizeof(name), "%s-fresh", check_name);
	issue_s = json_get_string(ret->body, "issueDate");
	next_s = json_get_string(ret->body, "nextUpdate");
	if (!issue_s || !next_s || parse_iso8601(issue_s, &issue) < 0 || parse_iso8601(next_s, &next) < 0)
		check_fail(c, name, "issueDate/nextUpdate missing or malformed");
	else
		check(c, name, issue <= now && now < next, "valid %s .. %s%s", issue_s, next_s,
		      issue > now ? ", not yet issued" : now >= next ? ", expired" : "");
}

/* The TCB signing certificate (first of the chain), verified to the pinned root. */
static EVP_PKEY *tcb_signer(const char *chain_path, const struct ev_opts *o, STACK_OF(X509_CRL) *crls,
			    struct checks *c)
{
	STACK_OF(X509) *chain, *anchors;
	EVP_PKEY *key = NULL;
	char err[512];
	int r;

	if (!chain_path) {
		check_fail(c, "tcb-signing-chain", "no Intel TCB signing chain (--chain, or *tcb*chain*.pem in the collateral)");
		return NULL;
	}
	chain = x509_load_file(chain_path);
	if (!chain) {
		check_fail(c, "tcb-signing-chain", "%s: not readable certificates", chain_path);
		return NULL;
	}
	anchors = trust_anchors(TRUST_INTEL, o->root, chain);
	r = anchors ? x509_verify_chain(sk_X509_value(chain, 0), chain, anchors, crls,
					o->have_at ? &o->at : NULL, err, sizeof(err)) : -EIO;
	if (r == 1)
		check_ok(c, "tcb-signing-chain", "Intel SGX TCB Signing to the pinned root");
	else
		check_fail(c, "tcb-signing-chain", "%s", r == 0 ? err : "cannot read trust anchors");
	/* The collateral signatures are checked with this key even when the chain
	 * failed (that failure already makes the result invalid), so each check names
	 * its own problem: an expired signing certificate is not a forged document. */
	key = X509_get_pubkey(sk_X509_value(chain, 0));
	x509_free_stack(anchors);
	x509_free_stack(chain);
	return key;
}

static int status_allowed(const char *status, const char *allow)
{
	const char *p = allow ? allow : "UpToDate";
	size_t n = strlen(status);

	while (*p) {
		const char *e = strchr(p, ',');
		size_t m = e ? (size_t)(e - p) : strlen(p);

		if (m == n && strncmp(p, status, n) == 0)
			return 1;
		p += m + (e ? 1 : 0);
	}
	return 0;
}

static void advisories(const struct json_value *level, char *out, size_t size)
{
	const struct json_value *a = json_get(level, "advisoryIDs");
	size_t pos = 0;

	out[0] = 0;
	for (size_t i = 0; a && json_type(a) == JSON_ARRAY && i < json_array_len(a); i++) {
		const char *s = json_string(json_array_at(a, i));
		int w;

		if (!s)
			continue;
		w = snprintf(out + pos, size - pos, "%s%s", pos ? "," : ", advisories ", s);
		if (w < 0 || (size_t)w >= size - pos)
			break;
		pos += (size_t)w;
	}
}

/* component array (16 × {"svn": N}) ≤ actual, from index start. -1 malformed. */
static int components_le(const struct json_value *arr, const uint8_t actual[16], int start)
{
	if (!arr || json_type(arr) != JSON_ARRAY || json_array_len(arr) != 16)
		return -1;
	for (int i = 0; i < 16; i++) {
		uint64_t svn;

		if (uint_field(json_array_at(arr, (size_t)i), "svn", &svn) < 0)
			return -1;
		if (i >= start && svn > actual[i])
			return 0;
	}
	return 1;
}

/* A module identity's MRSIGNERSEAM and SEAMATTRIBUTES (under its mask) against the
 * quote's: 1 match, 0 differ, -1 malformed. */
static int module_matches(const struct json_value *mod, const struct tdx_quote *q)
{
	uint8_t mrsigner[48], attr[8], mask[8];
	int match;

	if (hex_field(mod, "mrsigner", mrsigner, 48) < 0 || hex_field(mod, "attributes", attr, 8) < 0 ||
	    hex_field(mod, "attributesMask", mask, 8) < 0)
		return -1;
	match = memcmp(mrsigner, q->body.mrsignerseam, 48) == 0;
	for (int i = 0; i < 8; i++)
		match &= (q->body.seam_attributes[i] & mask[i]) == attr[i];
	return match;
}

/* TEE_TCB_SVN[1] is the module's major version; when non-zero, the module is
 * described by tdxModuleIdentities "TDX_<major>" and its TCB by TEE_TCB_SVN[0]
 * (isvsvn) (Intel QVL TcbLevelCheck; go-tdx-guest). */
static void check_module_identity(const struct json_value *mods, const struct tdx_quote *q,
				  const struct ev_opts *o, struct checks *c)
{
	const uint8_t *svn = q->body.tee_tcb_svn;
	const struct json_value *mod = NULL, *ml, *hit = NULL;
	char want[8], want_dec[8], adv[256];
	int match;

	/* The module major version in the id: Intel's PCS writes two hex digits
	 * (TDX_01, TDX_03); some verifiers format it in decimal. They agree below
	 * 10; accept either spelling, in either case. */
	snprintf(want, sizeof(want), "TDX_%02X", svn[1]);
	snprintf(want_dec, sizeof(want_dec), "TDX_%02u", svn[1]);
	for (size_t i = 0; i < json_array_len(mods); i++) {
		const char *mid = json_get_string(json_array_at(mods, i), "id");

		if (mid && (strcasecmp(mid, want) == 0 || strcmp(mid, want_dec) == 0) && !mod)
			mod = json_array_at(mods, i);
	}
	if (!mod) {
		check_fail(c, "tdx-module", "no tdxModuleIdentities entry %s", want);
		return;
	}
	match = module_matches(mod, q);
	if (match < 0) {
		check_fail(c, "tdx-module", "%s: malformed", want);
		return;
	}
	ml = json_get(mod, "tcbLevels");
	for (size_t i = 0; ml && json_type(ml) == JSON_ARRAY && i < json_array_len(ml) && !hit; i++) {
		uint64_t isvsvn;
		const struct json_value *t = json_get(json_array_at(ml, i), "tcb");

		if (t && uint_field(t, "isvsvn", &isvsvn) == 0 && isvsvn <= svn[0])
			hit = json_array_at(ml, i);
	}
	if (!match)
		check_fail(c, "tdx-module", "%s: MRSIGNERSEAM/SEAMATTRIBUTES differ", want);
	else if (!hit)
		check_fail(c, "tdx-module", "%s: no TCB level for module SVN %u", want, svn[0]);
	else {
		const char *st = json_get_string(hit, "tcbStatus");

		advisories(hit, adv, sizeof(adv));
		check(c, "tdx-module", st && status_allowed(st, o->allow_tcb), "%s SVN %u: %s%s", want,
		      svn[0], st ? st : "?", adv);
	}
}

/* TDX module identity: MRSIGNERSEAM and SEAMATTRIBUTES (under the mask) must match. */
static void check_module(const struct json_value *ti, const struct tdx_quote *q, const struct ev_opts *o,
			 struct checks *c)
{
	const struct json_value *mods = json_get(ti, "tdxModuleIdentities"), *m;
	int match;

	if (q->body.tee_tcb_svn[1] > 0 && mods && json_type(mods) == JSON_ARRAY) {
		check_module_identity(mods, q, o, c);
		return;
	}
	m = json_get(ti, "tdxModule");
	match = m ? module_matches(m, q) : -1;
	if (match < 0)
		check_fail(c, "tdx-module", "tdxModule missing or malformed");
	else
		check(c, "tdx-module", match, match ? "MRSIGNERSEAM and SEAMATTRIBUTES match" :
		      "MRSIGNERSEAM/SEAMATTRIBUTES differ from tdxModule");
}

/* Platform TCB level: the first (highest) level whose SGX component SVNs and PCESVN
 * are ≤ the PCK certificate's and whose TDX component SVNs are ≤ the TD's
 * TEE_TCB_SVN. Its tcbStatus is the platform's. With a module identity (TEE_TCB_SVN[1]
 * non-zero), TEE_TCB_SVN[0..1] take no part in the match. */
static void check_platform_tcb(const struct json_value *levels, const struct tdx_quote *q,
			       const struct sgx_pck_ext *pck, const struct ev_opts *o, struct checks *c)
{
	const uint8_t *svn = q->body.tee_tcb_svn;
	int start = svn[1] > 0 ? 2 : 0;
	char adv[256];

	for (size_t i = 0; i < json_array_len(levels); i++) {
		const struct json_value *lv = json_array_at(levels, i), *t = json_get(lv, "tcb");
		const char *st = json_get_string(lv, "tcbStatus"), *date = json_get_string(lv, "tcbDate");
		uint64_t pcesvn;
		int a, b;

		if (!t || !st || uint_field(t, "pcesvn", &pcesvn) < 0) {
			check_fail(c, "tcb-status", "tcbLevels[%zu] malformed", i);
			return;
		}
		a = components_le(json_get(t, "sgxtcbcomponents"), pck->comp_svn, 0);
		b = components_le(json_get(t, "tdxtcbcomponents"), svn, start);
		if (a < 0 || b < 0) {
			check_fail(c, "tcb-status", "tcbLevels[%zu] malformed", i);
			return;
		}
		if (a && b && pcesvn <= pck->pcesvn) {
			advisories(lv, adv, sizeof(adv));
			check(c, "tcb-status", status_allowed(st, o->allow_tcb), "%s (tcbDate %s%s)%s", st,
			      date ? date : "?", adv, status_allowed(st, o->allow_tcb) ? "" : ", not accepted");
			return;
		}
	}
	check_fail(c, "tcb-status", "no TCB level matches the platform (PCK SVNs, PCESVN %u, TEE_TCB_SVN %s)",
		   pck->pcesvn, q->body.tee_tcb_svn[0] || q->body.tee_tcb_svn[1] ? "set" : "zero");
}

static void check_tcb_info(const struct json_value *ti, const struct tdx_quote *q, const struct sgx_pck_ext *pck,
			   const struct ev_opts *o, struct checks *c)
{
	const struct json_value *levels = json_get(ti, "tcbLevels");
	uint8_t fmspc[6], pceid[2];
	uint64_t version;
	const char *id = json_get_string(ti, "id");

	if (!id || strcmp(id, "TDX") != 0 || uint_field(ti, "version", &version) < 0 || version != 3 ||
	    hex_field(ti, "fmspc", fmspc, 6) < 0 || hex_field(ti, "pceId", pceid, 2) < 0 ||
	    !levels || json_type(levels) != JSON_ARRAY) {
		check_fail(c, "tcb-info", "not a TDX tcbInfo version 3");
		return;
	}
	check(c, "tcb-info-fmspc", memcmp(fmspc, pck->fmspc, 6) == 0 && memcmp(pceid, pck->pceid, 2) == 0,
	      "tcbInfo FMSPC %s, PCK certificate FMSPC %02x%02x%02x%02x%02x%02x",
	      json_get_string(ti, "fmspc"), pck->fmspc[0], pck->fmspc[1], pck->fmspc[2], pck->fmspc[3],
	      pck->fmspc[4], pck->fmspc[5]);
	check_module(ti, q, o, c);
	check_platform_tcb(levels, q, pck, o, c);
}

static void check_qe_identity(const struct json_value *qi, const struct sgx_report_body *qe,
			      const struct ev_opts *o, struct checks *c)
{
	const struct json_value *levels = json_get(qi, "tcbLevels");
	uint8_t mrsigner[32], attr[16], amask[16], misc[4], mmask[4];
	const char *id = json_get_string(qi, "id");
	uint64_t prodid;
	uint32_t ms, mm;
	int match;
	char adv[256];

	if (!id || strcmp(id, "TD_QE") != 0 || hex_field(qi, "mrsigner", mrsigner, 32) < 0 ||
	    hex_field(qi, "attributes", attr, 16) < 0 || hex_field(qi, "attributesMask", amask, 16) < 0 ||
	    hex_field(qi, "miscselect", misc, 4) < 0 || hex_field(qi, "miscselectMask", mmask, 4) < 0 ||
	    uint_field(qi, "isvprodid", &prodid) < 0 || !levels || json_type(levels) != JSON_ARRAY) {
		check_fail(c, "qe-identity", "not a TD_QE enclaveIdentity");
		return;
	}
	/* The JSON writes miscselect as 4 big-endian hex bytes; the report has it LE. */
	ms = be32(misc);
	mm = be32(mmask);
	match = memcmp(mrsigner, qe->mr_signer, 32) == 0 && prodid == qe->isv_prod_id &&
		(qe->misc_select & mm) == ms;
	for (int i = 0; i < 16; i++)
		match &= (qe->attributes[i] & amask[i]) == attr[i];
	check(c, "qe-identity", match, match ? "QE MRSIGNER, ISVPRODID, MISCSELECT, ATTRIBUTES match TD_QE" :
	      "the quoting enclave is not Intel's TD_QE");
	for (size_t i = 0; i < json_array_len(levels); i++) {
		const struct json_value *lv = json_array_at(levels, i), *t = json_get(lv, "tcb");
		const char *st = json_get_string(lv, "tcbStatus");
		uint64_t isvsvn;

		if (!t || !st || uint_field(t, "isvsvn", &isvsvn) < 0) {
			check_fail(c, "qe-status", "tcbLevels[%zu] malformed", i);
			return;
		}
		if (isvsvn <= qe->isv_svn) {
			advisories(lv, adv, sizeof(adv));
			check(c, "qe-status", status_allowed(st, o->allow_tcb), "QE ISVSVN %u: %s%s", qe->isv_svn, st, adv);
			return;
		}
	}
	check_fail(c, "qe-status", "no QE TCB level for ISVSVN %u", qe->isv_svn);
}

static void check_collateral(const struct tdx_quote *q, const struct tdx_quote_sig *sig,
			     const struct sgx_pck_ext *pck, STACK_OF(X509_CRL) *crls, struct collateral *col,
			     const struct ev_opts *o, struct checks *c)
{
	struct signed_doc ti, qi;
	EVP_PKEY *signer;

	signer = tcb_signer(o->chain ? o->chain : col->chain_path, o, crls, c);
	if (col->tcb_info_path) {
		check_signed_doc(col->tcb_info_path, "tcbInfo", signer, "tcb-info", o, c, &ti);
		if (ti.body && pck)
			check_tcb_info(ti.body, q, pck, o, c);
		signed_doc_free(&ti);
	} else {
		check_fail(c, "tcb-info", "no tcbInfo*.json in %s", o->collateral);
	}
	if (col->qe_identity_path) {
		check_signed_doc(col->qe_identity_path, "enclaveIdentity", signer, "qe-identity", o, c, &qi);
		if (qi.body)
			check_qe_identity(qi.body, &sig->qe_report, o, c);
		signed_doc_free(&qi);
	} else {
		check_fail(c, "qe-identity", "no *identity*.json in %s", o->collateral);
	}
	EVP_PKEY_free(signer);
}

static void check_expectations(const struct tdx_quote *q, const struct ev_opts *o, struct checks *c)
{
	static const char *const rn[] = { "rtmr0", "rtmr1", "rtmr2", "rtmr3" };

	ev_check_expect(o, c, "mrseam", q->body.mrseam, 48);
	ev_check_expect(o, c, "td_attributes", q->body.td_attributes, 8);
	ev_check_expect(o, c, "xfam", q->body.xfam, 8);
	ev_check_expect(o, c, "mrtd", q->body.mrtd, 48);
	ev_check_expect(o, c, "mrconfigid", q->body.mrconfigid, 48);
	ev_check_expect(o, c, "mrowner", q->body.mrowner, 48);
	ev_check_expect(o, c, "mrownerconfig", q->body.mrownerconfig, 48);
	for (int i = 0; i < 4; i++)
		ev_check_expect(o, c, rn[i], q->body.rtmr[i], 48);
	ev_check_expect(o, c, "report_data", q->body.report_data, 64);
	ev_check_expect_fields_known(o, c, tdx_fields, "a TDX quote");
}

/* Intel's Quoting Enclave vendor ID (sgx_quote_3.h / DCAP QVL "QE_VENDOR_ID_INTEL"):
 * the collateral describes only Intel's QE. */
static void check_qe_vendor(const struct tdx_quote *q, struct checks *c)
{
	static const uint8_t intel_qe[16] = { 0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
					      0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07 };

	check(c, "qe-vendor", memcmp(q->qe_vendor_id, intel_qe, 16) == 0,
	      memcmp(q->qe_vendor_id, intel_qe, 16) == 0 ? "Intel QE" : "not Intel's Quoting Enclave");
}

/* 1. Quote signature by the attestation key. */
static void check_quote_signature(const struct tdx_quote *q, const struct tdx_quote_sig *sig, struct checks *c)
{
	EVP_PKEY *ak = ec_p256_from_xy(sig->attest_key);
	int r;

	if (!ak) {
		check_fail(c, "quote-signature", "attestation key is not a P-256 point");
		return;
	}
	r = ecdsa_verify_rs(ak, EVP_sha256(), q->signed_data, q->signed_len, sig->signature, 32,
			    sig->signature + 32, 32);
	check(c, "quote-signature", r == 1, r == 1 ? "ECDSA P-256 by the attestation key over header and body" :
	      "does not verify with the attestation key in the quote");
	EVP_PKEY_free(ak);
}

/* 2. The QE report binds the attestation key and the QE authentication data.
 * Returns 0 when checked, -ENOMEM or -EIO. */
static int check_qe_report_data(const struct tdx_quote_sig *sig, struct checks *c)
{
	static const uint8_t zero[32];
	uint8_t bind[SHA256_LEN], *bind_in = malloc(64 + sig->qe_auth_len);
	int ok;

	if (!bind_in)
		return -ENOMEM;
	memcpy(bind_in, sig->attest_key, 64);
	memcpy(bind_in + 64, sig->qe_auth_data, sig->qe_auth_len);
	if (digest_buf(DIGEST_SHA256, bind_in, 64 + sig->qe_auth_len, bind) < 0) {
		free(bind_in);
		return -EIO;
	}
	free(bind_in);
	ok = memcmp(bind, sig->qe_report.report_data, 32) == 0 &&
	     memcmp(sig->qe_report.report_data + 32, zero, 32) == 0;
	check(c, "qe-report-data", ok, ok ? "SHA-256(attestation key || QE auth data)" :
	      "QE REPORTDATA does not bind the attestation key");
	return 0;
}

/* The collateral directory's files and its CRLs (an unreadable CRL is a failed "crl"
 * check). Returns 0 or -errno. */
static int load_collateral(const char *dir, struct collateral *col, STACK_OF(X509_CRL) **crls, struct checks *c)
{
	int r = collateral_scan(dir, col);

	if (r < 0)
		return r;
	*crls = sk_X509_CRL_new_null();
	if (!*crls)
		return -ENOMEM;
	for (size_t i = 0; i < col->n_crls; i++) {
		X509_CRL *crl = crl_load_file(col->crl_paths[i]);

		if (!crl) {
			check_fail(c, "crl", "%s: not a CRL", col->crl_paths[i]);
			continue;
		}
		if (!sk_X509_CRL_push(*crls, crl)) {
			X509_CRL_free(crl);
			return -ENOMEM;
		}
	}
	return 0;
}

/* 3. The PCK chain from the quote to the pinned Intel root, with the CRLs. */
static void check_pck_chain(STACK_OF(X509) *chain, STACK_OF(X509_CRL) *crls, const struct ev_opts *o,
			    struct checks *c)
{
	STACK_OF(X509) *anchors = trust_anchors(TRUST_INTEL, o->root, chain);
	char err[512];
	int r;

	r = anchors ? x509_verify_chain(sk_X509_value(chain, 0), chain, anchors, crls, o->have_at ? &o->at : NULL,
					err, sizeof(err)) : -EIO;
	if (r == 1)
		check_ok(c, "pck-chain", "PCK certificate to the pinned Intel SGX Root CA");
	else
		check_fail(c, "pck-chain", "%s", r == 0 ? err : "cannot read trust anchors");
	if (crls && sk_X509_CRL_num(crls) > 0)
		check(c, "crl", r == 1, "%d CRL(s) checked with the chain", sk_X509_CRL_num(crls));
	else
		check_skip(c, "crl", "no CRLs supplied (--collateral)");
	x509_free_stack(anchors);
}

/* The QE report's signature by the PCK certificate's key. */
static void check_qe_report_signature(X509 *leaf, const struct tdx_quote_sig *sig, struct checks *c)
{
	EVP_PKEY *pck_key = X509_get_pubkey(leaf);
	int r;

	if (!pck_key) {
		check_fail(c, "qe-report-signature", "PCK certificate has no usable key");
		return;
	}
	r = ecdsa_verify_rs(pck_key, EVP_sha256(), sig->qe_report_raw, SGX_REPORT_BODY_SIZE,
			    sig->qe_report_sig, 32, sig->qe_report_sig + 32, 32);
	check(c, "qe-report-signature", r == 1, r == 1 ? "QE report signed by the PCK key" :
	      "QE report signature does not verify with the PCK key");
	EVP_PKEY_free(pck_key);
}

/* The PCK certificate's SGX extension (FMSPC, PCEID, SVNs): 0 and *pck, or -1. */
static int check_pck_extension(X509 *leaf, struct sgx_pck_ext *pck, struct checks *c)
{
	const ASN1_OCTET_STRING *ext = x509_ext_data(leaf, SGX_EXT_OID);

	if (!ext || sgx_pck_ext_parse(ASN1_STRING_get0_data(ext), (size_t)ASN1_STRING_length(ext), pck) != 0) {
		check_fail(c, "pck-extension", "PCK certificate lacks a valid SGX extension");
		return -1;
	}
	check_ok(c, "pck-extension", "FMSPC %02x%02x%02x%02x%02x%02x, PCESVN %u", pck->fmspc[0],
		 pck->fmspc[1], pck->fmspc[2], pck->fmspc[3], pck->fmspc[4], pck->fmspc[5], pck->pcesvn);
	return 0;
}

/* TD_ATTRIBUTES bits (Intel TDX Module ABI, "TD Attributes"; little-endian 64-bit):
 * bit 0 TUD.DEBUG (the host can read the TD's memory and registers), bit 29
 * MIGRATABLE (a migration TD may export the TD's state). */
#define TD_ATTR_DEBUG(a) ((a)[0] & 0x01)
#define TD_ATTR_MIGRATABLE(a) ((a)[3] & 0x20)

/* MIGRATABLE is acceptable only with the migration TD the policy names: MRSERVICETD
 * (TDX 1.5 quotes) must equal it. */
static void check_td_migratable(const struct tdx_quote *q, const struct ev_opts *o, struct checks *c)
{
	if (!TD_ATTR_MIGRATABLE(q->body.td_attributes))
		check_ok(c, "td-migratable", "MIGRATABLE clear");
	else if (!o->have_mrservicetd)
		check_fail(c, "td-migratable", "MIGRATABLE set and the policy names no MRSERVICETD");
	else if (!q->body.tdx15)
		check_fail(c, "td-migratable", "MIGRATABLE set and the quote carries no MRSERVICETD (TDX 1.0 body)");
	else
		check(c, "td-migratable", memcmp(q->body.mrservicetd, o->mrservicetd, 48) == 0,
		      "MIGRATABLE set, MRSERVICETD %s the policy's",
		      memcmp(q->body.mrservicetd, o->mrservicetd, 48) == 0 ? "equals" : "differs from");
}

/* TD_ATTRIBUTES and XFAM as the policy records them (CPU features and TD modes the
 * image was built and measured for). */
static void check_td_config(const char *name, int have, const uint8_t want[8], const uint8_t got[8],
			    const struct ev_opts *o, struct checks *c)
{
	char g[17], w[17];

	hex_encode(got, 8, g);
	if (!have) {
		if (o->require_td_config)
			check_fail(c, name, "%s; the policy gives no expected value", g);
		return;
	}
	hex_encode(want, 8, w);
	check(c, name, memcmp(want, got, 8) == 0, "%s, expected %s", g, w);
}

/* The checks on the TD itself: debug policy, migration, attributes, nonce, --expect. */
static void check_td_policy(const struct tdx_quote *q, const struct ev_opts *o, struct checks *c)
{
	if (o->no_debug)
		check(c, "td-debug", !TD_ATTR_DEBUG(q->body.td_attributes), "TD attributes %02x…, DEBUG %s",
		      q->body.td_attributes[0], TD_ATTR_DEBUG(q->body.td_attributes) ? "set" : "clear");
	if (o->check_migratable)
		check_td_migratable(q, o, c);
	check_td_config("td-attributes", o->have_td_attributes, o->td_attributes, q->body.td_attributes, o, c);
	check_td_config("xfam", o->have_xfam, o->xfam, q->body.xfam, o, c);
	ev_check_report_data_nonce(o, c, q->body.report_data);
	check_expectations(q, o, c);
}

int ev_verify_tdx(const uint8_t *buf, size_t len, const struct ev_opts *o, struct checks *c)
{
	struct tdx_quote *q = malloc(sizeof(*q));
	struct tdx_quote_sig *sig = malloc(sizeof(*sig));
	struct sgx_pck_ext pck, *pckp = NULL;
	struct collateral col = { 0 };
	STACK_OF(X509) *chain = NULL;
	STACK_OF(X509_CRL) *crls = NULL;
	X509 *leaf;
	int r, ret = 0;

	if (!q || !sig) {
		ret = -ENOMEM;
		goto out;
	}
	r = tdx_quote_parse(buf, len, q);
	if (r < 0) {
		check_fail(c, "format", "not a valid TD quote (%s)", strerror(-r));
		goto out;
	}
	check_ok(c, "format", "quote v%u, TDX %s body, %zu bytes", q->version,
		 q->body.tdx15 ? "1.5" : "1.0", q->quote_len);
	check_qe_vendor(q, c);
	r = tdx_quote_sig_parse(q, sig);
	if (r < 0) {
		check_fail(c, "signature-data", "quote signature data malformed or not ECDSA-P256 with QE certification data");
		goto policy;
	}
	check_quote_signature(q, sig, c);
	ret = check_qe_report_data(sig, c);
	if (ret < 0)
		goto out;

	if (sig->cert_type != TDX_CERT_TYPE_PCK_CHAIN || !(chain = x509_load_pem_strict(sig->cert_data, sig->cert_len))) {
		check_fail(c, "pck-chain", "the quote carries no well-formed PEM PCK certificate chain (type %u)", sig->cert_type);
		goto collateral;
	}
	leaf = sk_X509_value(chain, 0);
	if (o->collateral) {
		ret = load_collateral(o->collateral, &col, &crls, c);
		if (ret < 0)
			goto out;
	}
	check_pck_chain(chain, crls, o, c);
	check_qe_report_signature(leaf, sig, c);
	if (check_pck_extension(leaf, &pck, c) == 0)
		pckp = &pck;

collateral:
	/* 4. Collateral. */
	if (o->collateral)
		check_collateral(q, sig, pckp, crls, &col, o, c);
	else
		check_skip(c, "tcb-status", "no collateral given (--collateral DIR)");
policy:
	check_td_policy(q, o, c);
out:
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	x509_free_stack(chain);
	collateral_free(&col);
	free(sig);
	free(q);
	return ret;
}
