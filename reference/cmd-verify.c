/* SPDX-License-Identifier: Apache-2.0 */
/* cvm-reference verify: the customer-side loop (docs/architecture.md "Reference
 * values: computed, signed, verified"). Takes the reference-values document
 * (reference/FORMAT.md), the evidence document of `measure-agent evidence`
 * (measure-agent/EVIDENCE.md), the expected workload (disk, manifest or identity
 * digest) and the nonce, and prints one line per register:
 *     NAME  EXPECTED  ACTUAL  ok|FAIL
 * Exit 0 only if every line is ok; any FAIL exits 1.
 *
 * Per platform:
 *   tpm  quote signature by the AK of ak_public, that AK bound to a pinned EK
 *        certificate (tpm.ak-binding), nonce = extraData, pcrDigest over
 *        the reported PCRs, PCR 4/9/11/12 = reference, PCR 8 = workload identity and =
 *        the replay of the CEL-JSON event log;
 *   tdx  the quote verified like `evidence verify` (PCK chain to the pinned Intel
 *        root, collateral if given), REPORTDATA = nonce, MRTD ∈ reference, RTMR1/RTMR2 =
 *        reference, RTMR3 = workload identity and = the log replay, MRCONFIGID = zero
 *        or the workload's SHA-384;
 *   snp  the report verified like `evidence verify` (--cert/--chain, else the host's
 *        certificate table in the evidence; the ARK must be pinned), REPORT_DATA
 *        = nonce, MEASUREMENT ∈ reference launch digests, HOST_DATA = workload SHA-256.
 * The AK in a TPM evidence document is the guest's own claim until tpm.ak-binding
 * binds it to a pinned EK certificate by credential activation (ak-binding.c); an
 * unbound AK is a FAIL. The quote is checked with the key of ak_public, the structure
 * the binding names (never ak_pem). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>

#include "ak-binding.h"
#include "util/base64.h"
#include "evidence/cel_read.h"
#include "commands.h"
#include "measure/digest.h"
#include "doc/docsig.h"
#include "evidence.h"
#include "ev-options.h"
#include "options.h"
#include "policy.h"
#include "util/file.h"
#include "util/hex.h"
#include "util/json.h"
#include "doc/refdoc.h"
#include "evidence/snp_report.h"
#include "evidence/tdx_quote.h"
#include "evidence/tpm_attest.h"
#include "measure/workload_disk.h"
#include "measure/workload_identity.h"
#include "util/strnum.h"

#define REFDOC_FILE_MAX (4u * 1024 * 1024)
#define EVIDENCE_DOC_MAX (8u * 1024 * 1024)
#define BLOB_MAX (64 * 1024)

struct expected_workload {
	int have256, have384;
	struct workload_identity id; /* fields valid per have256 / have384 */
};

struct verdict {
	unsigned ok, fail;
	int ak_unbound; /* tpm.ak-binding was not established (see check_ak_binding) */
};

static void line(struct verdict *v, const char *name, const char *expected, const char *actual, int ok)
{
	printf("%-22s %-8s %s  %s\n", name, ok ? "ok" : "FAIL", expected, actual);
	if (ok)
		v->ok++;
	else
		v->fail++;
}

static void line_hex(struct verdict *v, const char *name, const uint8_t *exp, const uint8_t *act, size_t n)
{
	char e[2 * 64 + 1], a[2 * 64 + 1];

	hex_encode(exp, n, e);
	hex_encode(act, n, a);
	line(v, name, e, a, memcmp(exp, act, n) == 0);
}

/* Decodes a base64 member of obj into a fresh buffer. */
static int get_b64(const struct json_value *obj, const char *key, size_t max, uint8_t **ret, size_t *ret_len)
{
	const char *s = json_get_string(obj, key);
	uint8_t *buf;
	int r;

	if (!s)
		return -ENOENT;
	buf = malloc(max);
	if (!buf)
		return -ENOMEM;
	r = base64_decode(s, strlen(s), buf, max, ret_len);
	if (r < 0) {
		free(buf);
		return r;
	}
	*ret = buf;
	return 0;
}

static int get_hexbuf(const struct json_value *obj, const char *key, size_t max, uint8_t **ret, size_t *ret_len)
{
	const char *s = json_get_string(obj, key);
	uint8_t *buf;

	if (!s)
		return -ENOENT;
	buf = malloc(max);
	if (!buf)
		return -ENOMEM;
	if (hex_decode(s, buf, max, ret_len) < 0) {
		free(buf);
		return -EINVAL;
	}
	*ret = buf;
	return 0;
}

/* ---- the expected workload ---- */

static int workload_from_manifest(const uint8_t *m, size_t len, struct expected_workload *w)
{
	int r = workload_identity(m, len, &w->id);

	if (r < 0)
		return r;
	w->have256 = w->have384 = 1;
	return 0;
}

static int workload_from_disk(const char *path, struct expected_workload *w)
{
	uint8_t *m = NULL;
	size_t len;
	int r = wldisk_read_manifest_path(path, &m, &len);

	if (r == 0)
		r = workload_from_manifest(m, len, w);
	free(m);
	return r;
}

/* --identity HEX: SHA-256(M) (64 digits) or SHA-384(M) (96 digits). The evidence
 * carries M itself; if it hashes to the given identity, the other digest comes from
 * it (M is then authenticated by the identity the customer supplied). */
static int workload_from_identity(const char *const *ids, size_t n_ids, const struct json_value *ev,
				  struct expected_workload *w)
{
	uint8_t d256[SHA256_LEN], d384[SHA384_LEN], *m = NULL;
	int have256 = 0, have384 = 0, r;
	size_t mlen;

	for (size_t i = 0; i < n_ids; i++) {
		if (strlen(ids[i]) == 2 * SHA256_LEN && hex_decode_exact(ids[i], d256, SHA256_LEN) == 0)
			have256 = 1;
		else if (strlen(ids[i]) == 2 * SHA384_LEN && hex_decode_exact(ids[i], d384, SHA384_LEN) == 0)
			have384 = 1;
		else
			return -EINVAL;
	}
	if (get_b64(json_get(ev, "workload"), "manifest", MANIFEST_MAX_SIZE, &m, &mlen) == 0) {
		struct expected_workload fromdoc = { 0 };

		r = workload_from_manifest(m, mlen, &fromdoc);
		free(m);
		if (r == 0 && (!have256 || memcmp(fromdoc.id.sha256, d256, SHA256_LEN) == 0) &&
		    (!have384 || memcmp(fromdoc.id.sha384, d384, SHA384_LEN) == 0)) {
			*w = fromdoc;
			return 0;
		}
	}
	/* Without matching manifest bytes, derive what each digest alone determines. */
	memset(w, 0, sizeof(*w));
	if (have256) {
		uint8_t zero[SHA256_LEN] = { 0 };

		memcpy(w->id.sha256, d256, SHA256_LEN);
		memcpy(w->id.host_data, d256, SHA256_LEN);
		memcpy(w->id.pcr8_sha256, zero, SHA256_LEN);
		if (digest_extend(DIGEST_SHA256, w->id.pcr8_sha256, d256) < 0)
			return -EIO;
		w->have256 = 1;
	}
	if (have384) {
		memcpy(w->id.sha384, d384, SHA384_LEN);
		memcpy(w->id.mrconfigid, d384, SHA384_LEN);
		memset(w->id.rtmr3, 0, SHA384_LEN);
		if (digest_extend(DIGEST_SHA384, w->id.rtmr3, d384) < 0)
			return -EIO;
		memcpy(w->id.pcr8_sha384, w->id.rtmr3, SHA384_LEN);
		w->have384 = 1;
	}
	return 0;
}

/* ---- TPM ---- */

/* PCR 11 after userspace: systemd extends its boot phases into PCR 11 and logs each
 * in the CEL-JSON log (content.string = the word, digest = H(word)). The log's PCR 11
 * records must be exactly a prefix the reference lists in pcr11_phases, with honest
 * digests, and the quoted PCR 11 must be that prefix's value (FORMAT.md "vtpm"). */
static void check_pcr11(const struct refdoc *ref, const struct json_value *log, int quoted,
			const uint8_t actual[SHA256_LEN], struct verdict *v)
{
	char words[REFDOC_TEXT_MAX] = "";
	size_t n = 0, pos = 0;
	int ok = 1;

	for (size_t i = 0; log && json_type(log) == JSON_ARRAY && i < json_array_len(log); i++) {
		const struct json_value *rec = json_array_at(log, i), *d;
		const char *word = json_get_string(json_get(rec, "content"), "string"), *alg, *hex;
		uint64_t pcr;
		uint8_t want[SHA256_LEN], got[SHA256_LEN];
		int w;

		if (!json_get(rec, "pcr") || json_uint64(json_get(rec, "pcr"), &pcr) < 0 || pcr != 11)
			continue;
		d = json_get(rec, "digests");
		alg = json_get_string(json_array_at(d, 0), "hashAlg");
		hex = json_get_string(json_array_at(d, 0), "digest");
		/* every listed digest is checked by the log replay; here the first sha256 */
		for (size_t k = 0; d && k < json_array_len(d); k++)
			if (json_get_string(json_array_at(d, k), "hashAlg") &&
			    strcmp(json_get_string(json_array_at(d, k), "hashAlg"), "sha256") == 0) {
				alg = "sha256";
				hex = json_get_string(json_array_at(d, k), "digest");
			}
		if (!word || !alg || strcmp(alg, "sha256") != 0 || !hex || hex_decode_exact(hex, got, SHA256_LEN) < 0 ||
		    digest_buf(DIGEST_SHA256, word, strlen(word), want) < 0 || memcmp(want, got, SHA256_LEN) != 0) {
			ok = 0; /* an extend the log does not explain as a phase word */
			break;
		}
		w = snprintf(words + pos, sizeof(words) - pos, "%s%s", n ? ":" : "", word);
		if (w < 0 || (size_t)w >= sizeof(words) - pos) {
			ok = 0;
			break;
		}
		pos += (size_t)w;
		n++;
	}
	if (!ok) {
		line(v, "PCR11.phases", "systemd phase records", "a PCR 11 record that is not H(word)", 0);
		return;
	}
	for (size_t i = 0; i < ref->n_pcr11_phases; i++) {
		if (strcmp(ref->pcr11_phases[i].phases, words) != 0)
			continue;
		line(v, "PCR11.phases", "a prefix of the reference phases", words[0] ? words : "(none)", 1);
		if (!quoted) {
			line(v, "PCR11.sha256", "quoted value", "not quoted", 0);
			return;
		}
		line_hex(v, "PCR11.sha256", ref->pcr11_phases[i].sha256, actual, SHA256_LEN);
		return;
	}
	line(v, "PCR11.phases", "a prefix of the reference phases", words[0] ? words : "(none)", 0);
}

/* tpm.ak-binding: is the AK that signed the quote a key of this guest's vTPM? The
 * evidence carries the AK, so its signature alone proves nothing. Bindings (the
 * issue's list): the AK public key covered by the SNP/TDX REPORT_DATA of the same
 * evidence; an AK certificate chaining to a CA the customer pins; or an EK
 * certificate chaining to a pinned CA with the AK proven by credential activation.
 * This is the one place that decides it. Implemented: credential activation
 * (reference/ak-binding.c; ak is the key of ak_public, the structure it binds). The
 * others are not yet, so they cannot bind: without --ek-ca, --challenge and
 * --activation the line is FAIL, never PASS. */
static void check_ak_binding(const struct json_value *ev, const struct json_value *tpm, EVP_PKEY *ak,
			     const struct ev_opts *o, struct verdict *v)
{
	char why[512];
	int bound;

	(void)ev;
	(void)ak;
	bound = ak_binding_check(tpm, o->ak_binding, o->have_at ? &o->at : NULL, why, sizeof(why));
	line(v, "tpm.ak-binding", "AK in a TPM with a pinned EK", why, bound);
	v->ak_unbound = !bound;
}

static void verify_tpm(const struct json_value *ev, const struct json_value *tpm, const struct refdoc *ref,
		       const struct expected_workload *w, const struct cel_replay *log, int log_ok,
		       const struct ev_opts *o, struct verdict *v)
{
	const struct json_value *log_json = json_get(ev, "event_log");
	const struct json_value *quote = json_get(tpm, "quote"), *pcrs256 = json_get(json_get(tpm, "pcrs"), "sha256");
	uint8_t *attest = NULL, *sigb = NULL, pcr[REFDOC_PCRS][SHA256_LEN];
	size_t attest_len = 0, sig_len = 0;
	uint32_t have = 0, quoted = 0;
	struct tpm_attest a;
	struct tpm_signature s;
	EVP_PKEY *ak = NULL;
	int r;
	static const unsigned firmware_pcrs[] = { 4, 9, 11, 12 };

	if (get_hexbuf(quote, "attest", BLOB_MAX, &attest, &attest_len) < 0 ||
	    get_hexbuf(quote, "signature", BLOB_MAX, &sigb, &sig_len) < 0 ||
	    tpm_attest_parse(attest, attest_len, &a) < 0 || tpm_signature_parse(sigb, sig_len, &s) < 0) {
		line(v, "tpm.quote", "TPMS_ATTEST + TPMT_SIGNATURE", "malformed", 0);
		goto out;
	}
	ak = evidence_ak_key(tpm);
	r = ak ? tpm_quote_signature_check(&s, attest, attest_len, ak, NULL, 0) : 0;
	line(v, "tpm.quote-signature", "signed by ak_public", r == 1 ? "valid" : "invalid", r == 1);
	check_ak_binding(ev, tpm, ak, o, v);

	{
		char e[129] = "", act[129] = "";

		hex_encode(o->nonce, o->nonce_len, e);
		if (a.extra_data_len <= 64)
			hex_encode(a.extra_data, a.extra_data_len, act);
		line(v, "tpm.nonce", e, act, a.extra_data_len == o->nonce_len &&
		     memcmp(a.extra_data, o->nonce, o->nonce_len) == 0);
	}

	/* The reported PCR values must be exactly the quoted ones. */
	for (size_t i = 0; pcrs256 && i < json_object_len(pcrs256); i++) {
		const char *k = json_object_key(pcrs256, i), *val = json_string(json_object_value(pcrs256, i));
		uint64_t n;

		if (parse_uint_canonical(k, REFDOC_PCRS - 1, &n) == 0 && val &&
		    hex_decode_exact(val, pcr[n], SHA256_LEN) == 0)
			have |= UINT32_C(1) << n;
	}
	{
		struct digest_ctx *ctx = digest_begin(DIGEST_SHA256);
		uint8_t d[SHA256_LEN];
		int ok = ctx != NULL && a.n_banks == 1 && a.banks[0].hash == TPM_ALG_SHA256 &&
			 s.hash_alg == TPM_ALG_SHA256;

		for (unsigned p = 0; ok && p < 8u * a.banks[0].size; p++) {
			if (!tpm_pcr_is_selected(&a.banks[0], p))
				continue;
			if (p >= REFDOC_PCRS || !(have >> p & 1)) {
				ok = 0;
				break;
			}
			quoted |= UINT32_C(1) << p;
			ok = digest_update(ctx, pcr[p], SHA256_LEN) == 0;
		}
		if (ctx && digest_end(ctx, d) < 0)
			ok = 0;
		ok = ok && a.pcr_digest_len == SHA256_LEN && memcmp(d, a.pcr_digest, SHA256_LEN) == 0;
		line(v, "tpm.pcr-digest", "sha256 of the reported PCRs", ok ? "matches the quote" : "differs", ok);
		if (!ok)
			quoted = 0; /* no reported value is authenticated */
	}

	for (size_t i = 0; i < sizeof(firmware_pcrs) / sizeof(firmware_pcrs[0]); i++) {
		unsigned p = firmware_pcrs[i];
		const uint8_t *want = ref && ref->has_vtpm ? refdoc_pcr(ref, p, SHA256_LEN) : NULL;
		char name[32];

		snprintf(name, sizeof(name), "PCR%u.sha256", p);
		if (p == 11 && want && ref->n_pcr11_phases > 0)
			check_pcr11(ref, log_json, quoted >> 11 & 1, pcr[11], v);
		else if (!want)
			line(v, name, "(not in the reference)", "-", 0);
		else if (!(quoted >> p & 1))
			line(v, name, "quoted value", "not quoted", 0);
		else
			line_hex(v, name, want, pcr[p], SHA256_LEN);
	}
	if (!w->have256)
		line(v, "PCR8.sha256", "(no SHA-256 workload identity)", "-", 0);
	else if (!(quoted >> 8 & 1))
		line(v, "PCR8.sha256", "quoted value", "not quoted", 0);
	else
		line_hex(v, "PCR8.sha256", w->id.pcr8_sha256, pcr[8], SHA256_LEN);
	/* The log must explain PCR 8: its replay (from zero: nothing but the agent
	 * extends PCR 8 in this image) equals the quoted value. */
	if (!log_ok)
		line(v, "PCR8.sha256.eventlog", "replayable event log", "malformed", 0);
	else if (quoted >> 8 & 1)
		line_hex(v, "PCR8.sha256.eventlog", log->pcr[DIGEST_SHA256][8], pcr[8], SHA256_LEN);
out:
	EVP_PKEY_free(ak);
	free(attest);
	free(sigb);
}

/* ---- TDX ---- */

/* The quote's own line: every check ran and passed (a check skipped for want of
 * an input — collateral, a CRL — is a failure here: the policy requires it). */
static void evidence_line(struct verdict *v, const char *name, const char *what, const struct checks *ck)
{
	char act[96];

	if (ck->fail)
		snprintf(act, sizeof(act), "invalid (see the %s checks above)", ck->prefix + 2);
	else if (ck->skip)
		snprintf(act, sizeof(act), "incomplete: %u required check(s) skipped", ck->skip);
	else
		snprintf(act, sizeof(act), "valid");
	line(v, name, what, act, ck->fail == 0 && ck->skip == 0);
}

static void verify_tdx(const struct json_value *tdx, const struct refdoc *ref, const struct expected_workload *w,
		       const struct cel_replay *log, int log_ok, const struct ev_opts *o, struct verdict *v)
{
	struct checks ck = { .out = stdout, .prefix = "  tdx." };
	struct tdx_quote q;
	uint8_t *buf = NULL;
	size_t len;
	static const uint8_t zero[48];

	if (get_b64(tdx, "quote", BLOB_MAX, &buf, &len) < 0 || tdx_quote_parse(buf, len, &q) < 0) {
		line(v, "tdx.quote", "TD quote v4/v5", "malformed", 0);
		free(buf);
		return;
	}
	if (ev_verify_tdx(buf, len, o, &ck) < 0)
		ck.fail++;
	evidence_line(v, "tdx.quote", "valid", &ck);

	if (!ref || !ref->has_tdx) {
		line(v, "MRTD", "(not in the reference)", "-", 0);
	} else {
		char a[97], e[97 * REFDOC_MAX_MRTD + 8] = "";
		int ok = 0;

		for (size_t i = 0; i < ref->n_mrtd; i++) {
			char h[97];

			ok |= memcmp(ref->mrtd[i].value, q.body.mrtd, 48) == 0;
			hex_encode(ref->mrtd[i].value, 48, h);
			strcat(e, i ? "|" : "");
			strcat(e, h);
		}
		hex_encode(q.body.mrtd, 48, a);
		line(v, "MRTD", e, a, ok);
		line_hex(v, "RTMR1", ref->rtmr1, q.body.rtmr[1], 48);
		line_hex(v, "RTMR2", ref->rtmr2, q.body.rtmr[2], 48);
	}
	if (w->have384)
		line_hex(v, "RTMR3", w->id.rtmr3, q.body.rtmr[3], 48);
	else
		line(v, "RTMR3", "(no SHA-384 workload identity)", "-", 0);
	if (!log_ok)
		line(v, "RTMR3.eventlog", "replayable event log", "malformed", 0);
	else
		line_hex(v, "RTMR3.eventlog", log->rtmr[3], q.body.rtmr[3], 48);
	/* MRCONFIGID: all zero when the launcher did not bind the workload; otherwise
	 * it must be SHA-384(M) (the contract in docs/architecture.md). */
	if (memcmp(q.body.mrconfigid, zero, 48) == 0)
		line_hex(v, "MRCONFIGID", zero, q.body.mrconfigid, 48);
	else if (w->have384)
		line_hex(v, "MRCONFIGID", w->id.mrconfigid, q.body.mrconfigid, 48);
	else
		line(v, "MRCONFIGID", "(no SHA-384 workload identity)", "-", 0);
	free(buf);
}

/* ---- SNP ---- */

/* The VCEK/VLEK and ASK/ASVK + ARK from the evidence's certificate table (the
 * host's auxblob), for whatever --cert / --chain did not supply. Only a pinned ARK
 * is trusted, so certificates from the host add no trust of their own. */
static X509 *table_cert(const uint8_t *t, size_t n, enum snp_cert_kind kind)
{
	const uint8_t *der;
	size_t len;

	if (snp_cert_table_find(t, n, kind, &der, &len) < 0 || len > INT32_MAX)
		return NULL;
	return d2i_X509(NULL, &der, (long)len);
}

static void snp_certs_from_table(const struct json_value *snp, const struct snp_report *rep,
				 const struct ev_opts *o, struct ev_opts *ret)
{
	uint8_t *t = NULL;
	size_t n;

	*ret = *o;
	ret->cert_x509 = NULL;
	ret->chain_certs = NULL;
	if ((o->cert && o->chain) || get_b64(snp, "certs", SNP_CERT_TABLE_MAX, &t, &n) < 0)
		return;
	if (!o->cert)
		ret->cert_x509 = table_cert(t, n, rep->signing_key == SNP_KEY_VLEK ? SNP_CERT_VLEK : SNP_CERT_VCEK);
	if (!o->chain) {
		X509 *ask = table_cert(t, n, SNP_CERT_ASK), *ark = table_cert(t, n, SNP_CERT_ARK);

		ret->chain_certs = sk_X509_new_null();
		if (ret->chain_certs && ask && sk_X509_push(ret->chain_certs, ask))
			ask = NULL;
		if (ret->chain_certs && ark && sk_X509_push(ret->chain_certs, ark))
			ark = NULL;
		X509_free(ask);
		X509_free(ark);
	}
	ERR_clear_error();
	free(t);
}

static void verify_snp(const struct json_value *snp, const struct refdoc *ref, const struct expected_workload *w,
		       const struct ev_opts *o, struct verdict *v)
{
	struct checks ck = { .out = stdout, .prefix = "  snp." };
	struct ev_opts oo;
	struct snp_report rep;
	uint8_t *buf = NULL;
	size_t len;
	char a[97];

	if (get_b64(snp, "report", BLOB_MAX, &buf, &len) < 0 || snp_report_parse(buf, len, &rep) < 0) {
		line(v, "snp.report", "SNP attestation report", "malformed", 0);
		free(buf);
		return;
	}
	snp_certs_from_table(snp, &rep, o, &oo);
	if (ev_verify_snp(buf, len, &oo, &ck) < 0)
		ck.fail++;
	X509_free(oo.cert_x509);
	sk_X509_pop_free(oo.chain_certs, X509_free);
	evidence_line(v, "snp.report", "valid", &ck);
	hex_encode(rep.measurement, 48, a);
	if (!ref || !ref->has_snp) {
		line(v, "MEASUREMENT", "(not in the reference)", a, 0);
	} else {
		char e[160] = "no listed launch digest";

		for (size_t i = 0; i < ref->n_snp; i++)
			if (memcmp(ref->snp[i].value, rep.measurement, 48) == 0)
				snprintf(e, sizeof(e), "launch digest for %u vCPU %s", ref->snp[i].vcpus, ref->snp[i].cpu_type);
		line(v, "MEASUREMENT", e, a, strncmp(e, "launch", 6) == 0);
	}
	if (w->have256)
		line_hex(v, "HOST_DATA", w->id.host_data, rep.host_data, 32);
	else
		line(v, "HOST_DATA", "(no SHA-256 workload identity)", "-", 0);
	free(buf);
}

/* The document's detached signature (REF.sig by default) with the given public key.
 * Returns 0 valid, -EBADMSG invalid, other -errno unreadable. */
static int check_refdoc_signature(const char *ref_path, const char *sig_path, const char *key,
				  const uint8_t *doc, size_t len)
{
	char *def = NULL;
	uint8_t *sig = NULL;
	size_t sig_len;
	int r;

	if (!sig_path) {
		if (asprintf(&def, "%s.sig", ref_path) < 0)
			return -ENOMEM;
		sig_path = def;
	}
	r = file_read_all(sig_path, DOCSIG_MAX, &sig, &sig_len);
	if (r == 0)
		r = docsig_verify(key, doc, len, sig, sig_len);
	free(sig);
	free(def);
	return r;
}

static const char usage[] =
	"usage: cvm-reference verify --platform tdx|snp|vtpm [--platform …] [--policy FILE]\n"
	"         --reference REF.json (--reference-key PUB.pem [--reference-sig FILE] | --unsigned-reference)\n"
	"         --evidence EVIDENCE.json --nonce HEX\n"
	"         (--workload DISK | --manifest FILE | --identity HEX [--identity HEX])\n"
	"         [--cert FILE] [--chain FILE] [--collateral DIR] [--root FILE] [--at TIME]\n"
	"         [--ek-ca FILE --challenge CHALLENGE --activation ANSWER]   (vtpm: the AK binding)\n"
	"         [--snp-min-tcb HEX] [--snp-min-abi MAJOR.MINOR] [--snp-vmpl N] [--snp-smt allow|forbid]\n"
	"         [--tdx-attributes HEX] [--tdx-xfam HEX] [--tdx-mrservicetd HEX] [--tdx-allow-tcb LIST]\n"
	"         [--relax NAME]...   (reference/POLICY.md)\n";

/* What the command line names. */
struct verify_args {
	const char *ref_path, *ev_path, *disk, *manifest;
	const char *ref_key, *ref_sig;
	const char *ids[2];
	size_t n_ids;
	struct ev_opts o;
	struct appraisal_policy pol;
	uint8_t ref_sha256[SHA256_LEN]; /* of the reference document's bytes */
	struct ak_binding_args bind;
};

/* Fills a from the command line. Returns -1 to go on, else the exit code. */
static int verify_parse_args(int argc, char **argv, struct verify_args *a)
{
	static const struct option opts[] = {
		{ "reference", required_argument, NULL, 'R' },
		{ "evidence", required_argument, NULL, 'E' },
		{ "workload", required_argument, NULL, 'w' },
		{ "manifest", required_argument, NULL, 'm' },
		{ "identity", required_argument, NULL, 'i' },
		EV_SHARED_OPTIONS,
		POLICY_OPTIONS,
		{ "reference-key", required_argument, NULL, 'K' },
		{ "reference-sig", required_argument, NULL, 'S' },
		{ "ek-ca", required_argument, NULL, 'k' },
		{ "challenge", required_argument, NULL, 'G' },
		{ "activation", required_argument, NULL, 'V' },
		OPTIONS_END,
	};
	int c, code;

	while ((c = next_ev_option(argc, argv, opts, usage, &a->o, &a->pol, &code)) > 0) {
		switch (c) {
		case 'R': a->ref_path = optarg; break;
		case 'E': a->ev_path = optarg; break;
		case 'w': a->disk = optarg; break;
		case 'm': a->manifest = optarg; break;
		case 'i':
			if (a->n_ids == 2)
				return show_usage(usage, EXIT_USAGE);
			a->ids[a->n_ids++] = optarg;
			break;
		case 'K': a->ref_key = optarg; break;
		case 'S': a->ref_sig = optarg; break;
		case 'k': a->bind.ek_ca = optarg; break;
		case 'G': a->bind.challenge = optarg; break;
		case 'V': a->bind.activation = optarg; break;
		}
	}
	if (c < 0)
		return code;
	/* The nonce is what makes the evidence fresh; the workload what makes it ours;
	 * the platforms what the customer trusts. None is optional: what the evidence
	 * lists never decides what is checked. */
	if (optind != argc || !a->ref_path || !a->ev_path || !a->o.have_nonce ||
	    (!!a->disk + !!a->manifest + !!a->n_ids) != 1)
		return show_usage(usage, EXIT_USAGE);
	/* a key given is checked: --unsigned-reference then relaxes nothing */
	if (a->ref_key)
		a->pol.relax &= ~(unsigned)RELAX_UNSIGNED_REFERENCE;
	if (!a->pol.platforms) {
		fputs("cvm-reference: verify: --platform tdx|snp|vtpm (or a policy file's \"platforms\") is required\n",
		      stderr);
		return show_usage(usage, EXIT_USAGE);
	}
	return -1;
}

/* The reference document and its SHA-256, and with --reference-key its signature's
 * verdict in *sig_rc (check_refdoc_signature). Returns 0, or <0 (said on stderr). */
static int load_reference(struct verify_args *a, struct refdoc *ref, int *sig_rc)
{
	uint8_t *text = NULL;
	size_t len;
	char err[160] = "";
	int r;

	r = file_read_all(a->ref_path, REFDOC_FILE_MAX, &text, &len);
	if (r == 0 && digest_buf(DIGEST_SHA256, text, len, a->ref_sha256) < 0)
		r = -EIO;
	if (r == 0 && a->ref_key)
		*sig_rc = check_refdoc_signature(a->ref_path, a->ref_sig, a->ref_key, text, len);
	if (r == 0)
		r = refdoc_parse((const char *)text, len, ref, err, sizeof(err));
	free(text);
	if (r < 0)
		fprintf(stderr, "cvm-reference: %s: %s\n", a->ref_path, err[0] ? err : strerror(-r));
	return r;
}

/* The evidence document (version 1). Returns 0, or <0 (said on stderr). */
static int load_evidence(const char *path, struct json_value **ev)
{
	uint8_t *text = NULL;
	size_t len;
	int r;

	r = file_read_all(path, EVIDENCE_DOC_MAX, &text, &len);
	if (r == 0 && json_parse((const char *)text, len, ev, NULL) < 0)
		r = -EBADMSG;
	if (r == 0) {
		const struct json_value *ver = json_get(*ev, "version");
		uint64_t n;

		if (json_type(*ev) != JSON_OBJECT || !ver || json_uint64(ver, &n) < 0 || n != 1)
			r = -EPROTONOSUPPORT;
	}
	free(text);
	if (r < 0)
		fprintf(stderr, "cvm-reference: %s: %s\n", path,
			r == -EBADMSG ? "not a JSON document" :
			r == -EPROTONOSUPPORT ? "not a version 1 evidence document" : strerror(-r));
	return r;
}

/* The expected workload from --workload, --manifest or --identity. Returns 0, or <0
 * (said on stderr). */
static int load_workload(const struct verify_args *a, const struct json_value *ev, struct expected_workload *w)
{
	int r;

	if (a->disk)
		r = workload_from_disk(a->disk, w);
	else if (a->manifest) {
		uint8_t *m = NULL;
		size_t mlen;

		r = file_read_all(a->manifest, MANIFEST_MAX_SIZE, &m, &mlen);
		if (r == 0)
			r = workload_from_manifest(m, mlen, w);
		free(m);
	} else
		r = workload_from_identity(a->ids, a->n_ids, ev, w);
	if (r < 0)
		fprintf(stderr, "cvm-reference: workload: %s\n",
			a->disk ? (r == -ENOENT ? "not a workload disk" : strerror(-r)) :
			a->manifest ? strerror(-r) : "--identity: 64 or 96 hex digits expected");
	return r;
}

/* The evidence's member for a platform ("tpm" holds the vTPM's quote). */
static const char *evidence_key(unsigned platform)
{
	return platform == PLATFORM_VTPM ? "tpm" : platform_name(platform);
}

/* One block of lines for each platform the policy requires, in a fixed order; the
 * evidence's own "platforms" list plays no part. A required platform without
 * evidence fails; evidence of a platform not required is named, not appraised (it
 * cannot make the verdict PASS). */
static void verify_platforms(const struct json_value *ev, const struct refdoc *ref, const struct expected_workload *w,
			     const struct cel_replay *log, int log_ok, const struct verify_args *a, struct verdict *v)
{
	static const unsigned order[] = { PLATFORM_SNP, PLATFORM_TDX, PLATFORM_VTPM };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		unsigned p = order[i];
		const struct json_value *obj = json_get(ev, evidence_key(p));
		char name[32], want[64];
		struct ev_opts o = a->o;

		snprintf(name, sizeof(name), "platform.%s", platform_name(p));
		if (!(a->pol.platforms & p)) {
			if (obj)
				printf("%-22s %-8s %s  %s\n", name, "-", "not required", "evidence present, not appraised");
			continue;
		}
		snprintf(want, sizeof(want), "required, %s evidence", platform_name(p));
		if (!obj || json_type(obj) != JSON_OBJECT) {
			snprintf(want, sizeof(want), "required, no %s evidence", p == PLATFORM_VTPM ? "vTPM" :
				 p == PLATFORM_TDX ? "TDX" : "SNP");
			line(v, name, want, "missing", 0);
			continue;
		}
		line(v, name, want, "present", 1);
		policy_apply(&a->pol, p, &o);
		if (p == PLATFORM_VTPM)
			verify_tpm(ev, obj, ref, w, log, log_ok, &o, v);
		else if (p == PLATFORM_TDX)
			verify_tdx(obj, ref, w, log, log_ok, &o, v);
		else
			verify_snp(obj, ref, w, &o, v);
	}
}

/* The reference document's origin: its signature by the customer's key, or the
 * explicit --unsigned-reference (a relaxation the verdict names). */
static void reference_signature_line(const struct verify_args *a, int sig_rc, struct verdict *v)
{
	if (a->ref_key)
		line(v, "reference-signature", a->ref_key, sig_rc == 0 ? "valid" :
		     sig_rc == -EBADMSG ? "invalid" : "unreadable signature or key", sig_rc == 0);
	else if (a->pol.relax & RELAX_UNSIGNED_REFERENCE)
		printf("%-22s %-8s %s  %s\n", "reference-signature", "RELAXED", "--unsigned-reference",
		       "not checked");
	else
		line(v, "reference-signature", "signed (--reference-key PUB.pem)",
		     "no key given (--unsigned-reference accepts an unsigned document)", 0);
}

static void print_verdict(const struct verify_args *a, const struct verdict *v)
{
	char hex[2 * SHA256_LEN + 1], relaxed[1024], plats[32] = "";

	hex_encode(a->ref_sha256, SHA256_LEN, hex);
	for (unsigned p = 1; p <= PLATFORM_SNP; p <<= 1)
		if (a->pol.platforms & p)
			snprintf(plats + strlen(plats), sizeof(plats) - strlen(plats), "%s%s", plats[0] ? "," : "",
				 platform_name(p));
	policy_describe_relaxations(&a->pol, &a->o, relaxed, sizeof(relaxed));
	printf("reference: %s sha256 %s\n", a->ref_path, hex);
	printf("platforms required: %s\n", plats);
	printf("relaxed: %s\n", relaxed);
	if (v->ak_unbound)
		printf("not bound: tpm.ak-binding (the vTPM quote may be consistent and fresh, but its AK is not "
		       "proven to be in a TPM with a pinned EK: cvm-reference challenge, then --ek-ca, --challenge, "
		       "--activation)\n");
	printf("verdict: %s (%u ok, %u FAIL)\n", v->fail ? "FAIL" : "PASS", v->ok, v->fail);
}

int cmd_verify(int argc, char **argv)
{
	struct verify_args a = { 0 };
	int ref_sig_rc = 1;
	struct refdoc *ref = NULL;
	struct json_value *ev = NULL;
	struct expected_workload w = { 0 };
	struct cel_replay *log = NULL;
	struct verdict v = { 0 };
	size_t bad = 0;
	int r, ret, log_ok;

	ret = verify_parse_args(argc, argv, &a);
	if (ret >= 0)
		return ret;
	a.o.ak_binding = &a.bind;
	ret = EXIT_INPUT;
	ref = malloc(sizeof(*ref));
	log = malloc(sizeof(*log));
	if (!ref || !log) {
		ret = EXIT_SYSTEM;
		goto out;
	}
	if (load_reference(&a, ref, &ref_sig_rc) < 0 || load_evidence(a.ev_path, &ev) < 0 ||
	    load_workload(&a, ev, &w) < 0)
		goto out;

	r = cel_replay_array(json_get(ev, "event_log"), log, &bad);
	log_ok = r == 0;
	if (r < 0)
		fprintf(stderr, "cvm-reference: %s: event_log record %zu is malformed\n", a.ev_path, bad);

	printf("%-22s %-8s %s  %s\n", "REGISTER", "RESULT", "EXPECTED", "ACTUAL");
	/* The reference values are only as good as their origin: the document's
	 * detached signature is checked first (FORMAT.md "Signature"). */
	reference_signature_line(&a, ref_sig_rc, &v);
	verify_platforms(ev, ref, &w, log, log_ok, &a, &v);
	print_verdict(&a, &v);
	ret = v.fail ? EXIT_FAIL : EXIT_OK;
out:
	json_free(ev);
	free(ref);
	free(log);
	return ret;
}
