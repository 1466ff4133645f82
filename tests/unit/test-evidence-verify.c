/* SPDX-License-Identifier: Apache-2.0 */
/* Offline verification of the real captured evidence (tests/data/evidence,
 * origins in its README): every sample's signatures and chains verify, with the
 * expected outcome of the collateral checks written next to each case; then one
 * flipped bit anywhere in a report, quote, TPM quote, signature or certificate makes
 * verification fail, and the failing check is the one responsible for that region.
 * Links the verifiers of reference/ (UNIT_SRCS in reference/build.mk). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../reference/evidence.h"
#include "../../reference/policy.h"
#include "evidence_samples.h"
#include "evidence/tdx_quote.h"
#include "tcg_log_build.h"
#include "tpm_forge.h"
#include "unit.h"

static char tmpdir[] = "/tmp/cvm-evidence-test.XXXXXX";

static const char *path_of(const char *rel)
{
	static char buf[8][4096];
	static int n;
	char *p = buf[n++ % 8];

	sample_path(rel, p, 4096);
	return p;
}

static const char *write_tmp(const char *name, const uint8_t *b, size_t n)
{
	static char p[8][512];
	static int k;
	char *path = p[k++ % 8];
	FILE *f;

	snprintf(path, 512, "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	if (!f)
		return NULL;
	fwrite(b, 1, n, f);
	fclose(f);
	return path;
}

typedef int (*verifier)(const uint8_t *, size_t, const struct ev_opts *, struct checks *);

/* Runs a verifier silently; returns the failed check names ("" = valid). */
static const char *run(verifier fn, const uint8_t *b, size_t n, const struct ev_opts *o)
{
	static struct checks c;

	memset(&c, 0, sizeof(c));
	if (fn(b, n, o, &c) < 0)
		return "(error)";
	return c.failed;
}

/* Like run, with the check lines written into out (NUL-terminated) and the number of
 * skipped checks in *skips. */
static const char *run_lines(verifier fn, const uint8_t *b, size_t n, const struct ev_opts *o, char *out,
			     size_t size, unsigned *skips)
{
	static struct checks c;

	memset(&c, 0, sizeof(c));
	memset(out, 0, size);
	c.out = fmemopen(out, size - 1, "w");
	if (!c.out)
		return "(error)";
	if (fn(b, n, o, &c) < 0)
		snprintf(c.failed, sizeof(c.failed), "(error)");
	fclose(c.out);
	*skips = c.skip;
	return c.failed;
}

static int has(const char *failed, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = failed; (p = strstr(p, name)); p += n)
		if ((p == failed || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0))
			return 1;
	return 0;
}

/* Verifies "as at" the time at (the samples' certificates expire). */
static void set_at(struct ev_opts *o, const char *at)
{
	CHECK_EQ_INT(parse_time_arg(at, &o->at), 0);
	o->have_at = 1;
}

/* How many flips a sweep made, and how many of them the verifier named as it should. */
struct flips {
	unsigned n, named;
};

/* Counts one flip at offset at; ok: the failed checks f name it. One that is not
 * named is shown, with what was flipped. */
static void flip_counted(struct flips *t, int ok, const char *f, const char *what, size_t at)
{
	t->n++;
	if (ok)
		t->named++;
	else
		fprintf(stderr, "%s at %zu: failed \"%s\"\n", what, at, f);
}

/* The path of the file name in a sample directory. */
static const char *case_path(const char *dir, const char *name)
{
	char rel[512];

	snprintf(rel, sizeof(rel), "%s/%s", dir, name);
	return path_of(rel);
}

/* Verifies the sample dir/name with fn and o, as at the time at when given: the
 * failed checks must be want. */
static void check_case(verifier fn, const char *dir, const char *name, struct ev_opts *o,
		       const char *at, const char *want)
{
	char rel[512];
	uint8_t *b;
	size_t len;

	snprintf(rel, sizeof(rel), "%s/%s", dir, name);
	b = sample_read(rel, &len);
	if (!b)
		return;
	if (at)
		set_at(o, at);
	CHECK_EQ_STR(run(fn, b, len, o), want);
	free(b);
}

/* ---- SEV-SNP ---- */

static void test_snp(void)
{
	static const struct {
		const char *dir, *cert, *chain, *at, *want;
	} cases[] = {
		{ "sev-snp/01-gosevguest-milan-v2", "vcek.der", "ask_ark_milan.pem", NULL, "" },
		{ "sev-snp/02-trustee-milan-v2-idblock", "vcek.der", "ask_ark_milan.pem", NULL, "" },
		/* the VLEK certificate expired on 2025-12-10 (README) */
		{ "sev-snp/03-trustee-milan-v3-vlek", "vlek.der", "asvk_ark_milan.pem", NULL, "cert-chain" },
		{ "sev-snp/03-trustee-milan-v3-vlek", "vlek.der", "asvk_ark_milan.pem", "2025-06-01", "" },
		{ "sev-snp/04-azure-genoa-v3-hcl-vtpm", "vcek.pem", "ask_ark_genoa.pem", NULL, "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ev_opts o = { 0 };

		o.cert = case_path(cases[i].dir, cases[i].cert);
		o.chain = case_path(cases[i].dir, cases[i].chain);
		check_case(ev_verify_snp, cases[i].dir, "report.bin", &o, cases[i].at, cases[i].want);
	}
}

/* SNP report 01 with its VCEK and AMD chain in o, or NULL (a failed check). */
static uint8_t *snp_sample_01(struct ev_opts *o, size_t *len)
{
	uint8_t *rep = sample_read("sev-snp/01-gosevguest-milan-v2/report.bin", len);

	CHECK(rep != NULL);
	o->cert = path_of("sev-snp/01-gosevguest-milan-v2/vcek.der");
	o->chain = path_of("sev-snp/01-gosevguest-milan-v2/ask_ark_milan.pem");
	return rep;
}

/* The command-line settings on sample 01 (sample: its VCEK and chain). */
static void test_snp_policy(const uint8_t *rep, size_t len, const struct ev_opts *sample)
{
	struct ev_opts o = *sample;

	/* sample 01 was launched with POLICY.DEBUG set (0xb0000) */
	o.no_debug = 1;
	CHECK_EQ_STR(run(ev_verify_snp, rep, len, &o), "policy-debug");
	o.no_debug = 0;
	o.have_nonce = 1;
	o.nonce_len = 5;
	memcpy(o.nonce, "\x01\x02\x03\x04\x05", 5);
	CHECK_EQ_STR(run(ev_verify_snp, rep, len, &o), "");
	o.nonce[4] = 6;
	CHECK_EQ_STR(run(ev_verify_snp, rep, len, &o), "nonce");
	/* REPORT_DATA is 0102030405 zero-padded: 0102030405 00 is refused */
	o.nonce[4] = 5;
	o.nonce[5] = 0;
	o.nonce_len = 6;
	CHECK_EQ_STR(run(ev_verify_snp, rep, len, &o), "nonce");
	o.have_nonce = 0;
	o.have_min_tcb = 1;
	o.min_tcb = 0x4405000000000002; /* exactly the reported TCB */
	CHECK_EQ_STR(run(ev_verify_snp, rep, len, &o), "");
	o.min_tcb = 0x4406000000000002; /* SNP SPL 6 > 5 */
	CHECK_EQ_STR(run(ev_verify_snp, rep, len, &o), "min-tcb");
	o.have_min_tcb = 0;
	o.n_expect = 1;
	o.expect[0].field = "measurement";
	o.expect[0].len = 48;
	CHECK_EQ_INT(hex_decode_exact("b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b"
				      "6bdf8a9ece31a5a608eb0cf2e4872b01", o.expect[0].value, 48), 0);
	CHECK_EQ_STR(run(ev_verify_snp, rep, len, &o), "");
	o.expect[0].value[0] ^= 1;
	CHECK_EQ_STR(run(ev_verify_snp, rep, len, &o), "expect-measurement");
	/* the wrong kind of key: a VLEK certificate for a VCEK-signed report */
	o.n_expect = 0;
	o.cert = path_of("sev-snp/03-trustee-milan-v3-vlek/vlek.der");
	CHECK(has(run(ev_verify_snp, rep, len, &o), "signing-key"));
}

/* Reads both samples (a failed check when either is missing); whichever was read is
 * the caller's to free either way. Returns whether both were. */
static int sample_read_both(const char *a, uint8_t **ret_a, size_t *len_a, const char *b, uint8_t **ret_b,
			    size_t *len_b)
{
	*ret_a = sample_read(a, len_a);
	*ret_b = sample_read(b, len_b);
	CHECK(*ret_a && *ret_b);
	return *ret_a && *ret_b;
}

static void test_snp_bitflips(void)
{
	struct ev_opts o = { 0 };
	uint8_t *rep, *cert;
	size_t len, clen;
	struct flips t = { 0 };

	if (!sample_read_both("sev-snp/04-azure-genoa-v3-hcl-vtpm/report.bin", &rep, &len,
			      "sev-snp/04-azure-genoa-v3-hcl-vtpm/vcek.pem", &cert, &clen))
		goto out;
	o.cert = path_of("sev-snp/04-azure-genoa-v3-hcl-vtpm/vcek.pem");
	o.chain = path_of("sev-snp/04-azure-genoa-v3-hcl-vtpm/ask_ark_genoa.pem");
	for (size_t i = 0; i < len; i += 5) {
		const char *f;

		rep[i] ^= (uint8_t)(1u << (i % 8));
		f = run(ev_verify_snp, rep, len, &o);
		rep[i] ^= (uint8_t)(1u << (i % 8));
		flip_counted(&t, has(f, "report-signature") || (i < 4 && has(f, "format")), f,
			     "SNP report bit flip", i);
	}
	CHECK_EQ_INT(t.named, t.n);

	/* The VCEK certificate (PEM): a flip in the base64 body changes the DER. */
	t = (struct flips){ 0 };
	{
		const char *begin = strstr((char *)cert, "-----BEGIN CERTIFICATE-----\n");
		const char *end = strstr((char *)cert, "-----END");
		size_t a = begin ? (size_t)(begin - (char *)cert) + 28 : 0, b = end ? (size_t)(end - (char *)cert) : 0;

		CHECK(begin && end && b > a);
		for (size_t i = a; begin && end && i < b; i += 17) {
			char saved = (char)cert[i];
			const char *f;

			if (saved == '\n')
				continue;
			/* replace by another base64 digit so the PEM still decodes */
			cert[i] = saved == 'A' ? 'B' : 'A';
			o.cert = write_tmp("vcek.pem", cert, clen);
			f = run(ev_verify_snp, rep, len, &o);
			cert[i] = (uint8_t)saved;
			flip_counted(&t, has(f, "cert-chain") || has(f, "report-signature"), f, "VCEK flip", i);
		}
		CHECK(t.n > 50);
		CHECK_EQ_INT(t.named, t.n);
	}
out:
	free(rep);
	free(cert);
}

/* ---- TDX ---- */

static const char *tdx_common(const char *f) { return path_of(f); }

static void test_tdx(void)
{
	static const struct {
		const char *dir, *at;
		int collateral;
		const char *want;
	} cases[] = {
		/* tcb_status_computed.txt: no TCB level of this 2023 tcbInfo matches the
		 * PCK certificate's SVNs */
		{ "tdx/01-gotdxguest-spr-v4", "2023-06-20", 1, "tcb-status" },
		/* the collateral is newer than the only TCB signing certificate in the
		 * samples (expired 2025-05-21), and its QE identity is from 2023 */
		{ "tdx/02-gotdxguest-v5-tdx15", "2026-02-15", 1, "tcb-signing-chain qe-identity-fresh" },
		{ "tdx/03-gotdxguest-gcp-cos113-ccel", NULL, 0, "" },
		/* TCB status OutOfDate (tcb_status_computed.txt), not accepted by default */
		{ "tdx/04-trustee-v4-fmspc00a06d080000", "2025-11-01", 1, "tcb-signing-chain tcb-status" },
		{ "tdx/04-trustee-v4-fmspc00a06d080000", NULL, 0, "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ev_opts o = { 0 };

		if (cases[i].collateral) {
			o.collateral = case_path(cases[i].dir, "collateral");
			o.chain = tdx_common("tdx/common/intel_tcb_signing_chain.pem");
		}
		check_case(ev_verify_tdx, cases[i].dir, "quote.dat", &o, cases[i].at, cases[i].want);
		if (i == 3) {
			o.allow_tcb = "UpToDate,OutOfDate";
			check_case(ev_verify_tdx, cases[i].dir, "quote.dat", &o, NULL, "tcb-signing-chain");
		}
	}
}

/* Which check must fail for a flip at offset i of quote 04 (v4, no trailing body
 * descriptor): header+body, signature data length, then sgx_ecdsa_sig_data_v4_t. */
static int tdx_flip_named(size_t i, const struct tdx_quote *q, const struct tdx_quote_sig *s, const char *f)
{
	size_t sig = q->signed_len + 4, qe = sig + 134, auth = qe + 384 + 64,
	       cert = (size_t)(s->cert_data - q->signed_data);

	if (i >= 12 && i < 28) /* QE vendor ID */
		return has(f, "quote-signature") && has(f, "qe-vendor");
	if (i < q->signed_len)
		return has(f, "quote-signature") || has(f, "format");
	if (i < sig)
		return has(f, "format");
	if (i < sig + 64)
		return has(f, "quote-signature");
	if (i < sig + 128)
		return has(f, "quote-signature") && has(f, "qe-report-data");
	if (i < qe)
		return has(f, "signature-data");
	if (i < auth)
		return has(f, "qe-report-signature");
	if (i < cert)
		return has(f, "qe-report-data") || has(f, "signature-data") || has(f, "pck-chain");
	return has(f, "pck-chain");
}

static void test_tdx_bitflips(void)
{
	struct ev_opts o = { 0 };
	struct tdx_quote q;
	struct tdx_quote_sig s;
	uint8_t *buf;
	size_t len;
	struct flips t = { 0 };

	buf = sample_read("tdx/04-trustee-v4-fmspc00a06d080000/quote.dat", &len);
	if (!buf)
		return;
	CHECK_EQ_INT(tdx_quote_parse(buf, len, &q), 0);
	CHECK_EQ_INT(tdx_quote_sig_parse(&q, &s), 0);
	for (size_t i = 0; i < q.quote_len; i += 7) {
		uint8_t *copy = malloc(len);
		struct tdx_quote q2 = q;
		const char *f;

		if (!copy)
			break;
		memcpy(copy, buf, len);
		copy[i] ^= (uint8_t)(1u << (i % 8));
		f = run(ev_verify_tdx, copy, len, &o);
		q2.signed_data = buf;
		flip_counted(&t, tdx_flip_named(i, &q2, &s, f), f, "TDX quote bit flip", i);
		free(copy);
	}
	CHECK(t.n > 650);
	CHECK_EQ_INT(t.named, t.n);
	/* Bytes after the declared quote are padding and ignored. */
	if (len > q.quote_len) {
		buf[len - 1] ^= 1;
		CHECK_EQ_STR(run(ev_verify_tdx, buf, len, &o), "");
	}
	free(buf);
}

/* A collateral directory under tmpdir holding some of sample 01's files. */
static const char *collateral_subset(const char *name, const char *const *files, size_t n)
{
	static char dir[600];

	snprintf(dir, sizeof(dir), "%s/%s", tmpdir, name);
	CHECK_EQ_INT(mkdir(dir, 0700), 0);
	for (size_t i = 0; i < n; i++) {
		char rel[256], dst[700];
		uint8_t *b;
		size_t len;
		FILE *f;

		snprintf(rel, sizeof(rel), "tdx/01-gotdxguest-spr-v4/collateral/%s", files[i]);
		b = sample_read(rel, &len);
		snprintf(dst, sizeof(dst), "%s/%s", dir, files[i]);
		f = b ? fopen(dst, "wb") : NULL;
		CHECK(f != NULL);
		if (f) {
			fwrite(b, 1, len, f);
			fclose(f);
		}
		free(b);
	}
	return dir;
}

static void collateral_subset_remove(const char *dir, const char *const *files, size_t n)
{
	char p[800];

	for (size_t i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
}

static void test_tdx_collateral_flips(void)
{
	struct ev_opts o = { 0 };
	uint8_t *q, *ti;
	size_t len, tlen;
	static const char *const names[] = { "qe_identity.json", "pckcrl_platform.der", "rootcrl.der",
					     "tcbinfo.json" };
	char dir[600];
	struct flips t = { 0 };

	if (!sample_read_both("tdx/01-gotdxguest-spr-v4/quote.dat", &q, &len,
			      "tdx/01-gotdxguest-spr-v4/collateral/tcbinfo_fmspc50806f000000.json", &ti, &tlen))
		goto out;
	/* A private collateral directory: the sample's QE identity and CRLs, and a
	 * tcbInfo with one flipped bit inside the signed object. */
	snprintf(dir, sizeof(dir), "%s", collateral_subset("collateral", names, 3));
	o.collateral = dir;
	o.chain = tdx_common("tdx/common/intel_tcb_signing_chain.pem");
	set_at(&o, "2023-06-20");
	for (size_t i = 12; i + 20 < tlen; i += 97) {
		const char *f;

		ti[i] ^= 0x01;
		write_tmp("collateral/tcbinfo.json", ti, tlen);
		f = run(ev_verify_tdx, q, len, &o);
		ti[i] ^= 0x01;
		flip_counted(&t, has(f, "tcb-info-signature") || has(f, "tcb-info"), f, "tcbInfo flip", i);
	}
	CHECK(t.n > 20);
	CHECK_EQ_INT(t.named, t.n);
	/* unflipped: only the known tcb-status outcome */
	write_tmp("collateral/tcbinfo.json", ti, tlen);
	CHECK_EQ_STR(run(ev_verify_tdx, q, len, &o), "tcb-status");
	{
		/* a flipped bit in the PCK CRL breaks its signature */
		uint8_t *crl;
		size_t n;

		crl = sample_read("tdx/01-gotdxguest-spr-v4/collateral/pckcrl_platform.der", &n);
		if (crl) {
			crl[n - 10] ^= 0x04;
			write_tmp("collateral/pckcrl_platform.der", crl, n);
			CHECK(has(run(ev_verify_tdx, q, len, &o), "pck-chain"));
			free(crl);
		}
		collateral_subset_remove(dir, names, 4);
	}
out:
	free(q);
	free(ti);
}

/* REPORT_DATA carries the nonce zero-padded to 64 bytes, which says nothing of its
 * length: ab and ab00 give the same REPORT_DATA. So a nonce ending in a zero byte is
 * refused, and any other is compared over all 64 bytes. */
static void test_report_data_nonce(void)
{
	static const struct {
		const char *nonce;
		int ok;
	} cases[] = {
		{ "ab", 1 },
		{ "ab00", 0 },
		{ "ab0000", 0 },
		{ "00", 0 },
		{ "ab01", 0 },
		{ "cd", 0 },
	};
	uint8_t rd[64] = { 0xab };
	struct ev_opts o = { 0 };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct checks c = { 0 };

		o.have_nonce = 1;
		CHECK_EQ_INT(hex_decode(cases[i].nonce, o.nonce, sizeof(o.nonce), &o.nonce_len), 0);
		ev_check_report_data_nonce(&o, &c, rd);
		CHECK_EQ_INT(c.pass, cases[i].ok);
		CHECK_EQ_INT(c.fail, !cases[i].ok);
	}
	/* a full 64-byte nonce: REPORT_DATA exactly, unless it ends in a zero byte */
	memset(rd, 0x5a, sizeof(rd));
	memcpy(o.nonce, rd, 64);
	o.nonce_len = 64;
	{
		struct checks c = { 0 };

		ev_check_report_data_nonce(&o, &c, rd);
		CHECK_EQ_INT(c.pass, 1);
	}
	rd[63] = 0;
	o.nonce[63] = 0;
	{
		struct checks c = { 0 };

		ev_check_report_data_nonce(&o, &c, rd);
		CHECK_EQ_INT(c.fail, 1);
	}
}

/* F5: the PCK certificate's issuer (Intel SGX PCK Platform CA) has a CRL; leaving
 * it out of the collateral must not leave the PCK certificate unchecked. (Before
 * the fix the chain verified with only the root CRL: "unable to get certificate
 * CRL" was turned into success.) */
static void test_tdx_issuer_crl_required(void)
{
	static const char *const root_only[] = { "tcbinfo_fmspc50806f000000.json", "qe_identity.json", "rootcrl.der" };
	struct ev_opts o = { 0 };
	const char *f;
	uint8_t *q;
	size_t len;

	q = sample_read("tdx/01-gotdxguest-spr-v4/quote.dat", &len);
	if (!q)
		return;
	o.collateral = collateral_subset("collateral-rootcrl-only", root_only, 3);
	o.chain = tdx_common("tdx/common/intel_tcb_signing_chain.pem");
	set_at(&o, "2023-06-20");
	f = run(ev_verify_tdx, q, len, &o);
	CHECK(has(f, "pck-chain"));
	CHECK(has(f, "crl"));
	/* the TCB signing chain needs only the root's CRL, which is there */
	CHECK(!has(f, "tcb-signing-chain"));
	collateral_subset_remove(o.collateral, root_only, 3);
	free(q);
}

/* How many of roots anchor a chain of vendor v. */
static void check_anchor_count(enum trust_vendor v, STACK_OF(X509) *roots, int want)
{
	STACK_OF(X509) *a = trust_anchors(v, NULL, roots);

	CHECK(a && sk_X509_num(a) == want);
	x509_free_stack(a);
}

/* An AMD root never anchors an Intel chain, nor the other way round. */
static void test_trust_vendor(void)
{
	STACK_OF(X509) *intel = x509_load_file(path_of("tdx/common/intel_sgx_root_ca.pem"));
	STACK_OF(X509) *amd = x509_load_file(path_of("sev-snp/01-gosevguest-milan-v2/ask_ark_milan.pem"));

	CHECK(intel && amd);
	if (!intel || !amd)
		goto out;
	check_anchor_count(TRUST_INTEL, intel, 1);
	check_anchor_count(TRUST_AMD, intel, 0);
	check_anchor_count(TRUST_AMD, amd, 1);
	check_anchor_count(TRUST_INTEL, amd, 0);
out:
	x509_free_stack(intel);
	x509_free_stack(amd);
}

/* The strict SNP defaults of `verify` (policy_apply) on genuine reports. The
 * report's signature and chain verify, so each failure below is the policy check
 * alone: sample 01 was launched with POLICY.DEBUG and SMT set, firmware ABI 1.49,
 * REPORTED_TCB 0x4405000000000002 (bytes 02 00 .. 05 44); sample 03 comes from VMPL 1. */
static void test_snp_strict_policy(const uint8_t *rep, size_t len, const struct ev_opts *sample)
{
	struct appraisal_policy pol = { .platforms = PLATFORM_SNP };
	struct ev_opts o = *sample;

	policy_apply(&pol, PLATFORM_SNP, &o);
	/* no floors given: a missing floor is a failure, not "any TCB" */
	CHECK_EQ_STR(run(ev_verify_snp, rep, len, &o), "policy-debug min-tcb min-abi");
	o.have_min_tcb = 1;
	o.min_tcb = 0x4405000000000002;
	o.have_min_abi = 1;
	o.min_abi_major = 1;
	o.min_abi_minor = 49;
	CHECK_EQ_STR(run(ev_verify_snp, rep, len, &o), "policy-debug");
	o.min_abi_minor = 50;
	o.min_tcb = 0x4405000000000003; /* boot loader SPL 3 > 2 */
	CHECK_EQ_STR(run(ev_verify_snp, rep, len, &o), "policy-debug min-tcb min-abi");
	o.min_abi_minor = 49;
	o.min_tcb = 0x4405000000000002;
	pol.relax = RELAX_SNP_DEBUG;
	policy_apply(&pol, PLATFORM_SNP, &o);
	CHECK_EQ_STR(run(ev_verify_snp, rep, len, &o), "");
	pol.smt_forbidden = 1;
	policy_apply(&pol, PLATFORM_SNP, &o);
	CHECK_EQ_STR(run(ev_verify_snp, rep, len, &o), "policy-smt");
	pol.relax = RELAX_SNP_DEBUG | RELAX_SNP_TCB_FLOOR | RELAX_SNP_MIN_ABI;
	pol.smt_forbidden = 0;
	o.have_min_tcb = o.have_min_abi = 0;
	policy_apply(&pol, PLATFORM_SNP, &o);
	CHECK_EQ_STR(run(ev_verify_snp, rep, len, &o), "");
}

/* Both checks on sample 01, each from the sample's own options. */
static void test_snp_sample_01(void)
{
	struct ev_opts o = { 0 };
	size_t len;
	uint8_t *rep = snp_sample_01(&o, &len);

	if (!rep)
		return;
	test_snp_policy(rep, len, &o);
	test_snp_strict_policy(rep, len, &o);
	free(rep);
}

/* Sample 03 comes from VMPL 1: refused unless the policy names that VMPL. */
static void test_snp_vmpl_policy(void)
{
	struct appraisal_policy pol = { .platforms = PLATFORM_SNP,
					.relax = RELAX_SNP_DEBUG | RELAX_SNP_TCB_FLOOR | RELAX_SNP_MIN_ABI };
	struct ev_opts o = { 0 };
	size_t len;
	uint8_t *rep = sample_read("sev-snp/03-trustee-milan-v3-vlek/report.bin", &len);

	if (!rep)
		return;
	policy_apply(&pol, PLATFORM_SNP, &o);
	o.cert = path_of("sev-snp/03-trustee-milan-v3-vlek/vlek.der");
	o.chain = path_of("sev-snp/03-trustee-milan-v3-vlek/asvk_ark_milan.pem");
	set_at(&o, "2025-06-01");
	CHECK_EQ_STR(run(ev_verify_snp, rep, len, &o), "vmpl");
	pol.have_vmpl = 1;
	pol.vmpl = 1;
	policy_apply(&pol, PLATFORM_SNP, &o);
	CHECK_EQ_STR(run(ev_verify_snp, rep, len, &o), "");
	free(rep);
}

/* The strict TDX defaults on quote 04 (TD_ATTRIBUTES 0000001000000000: DEBUG and
 * MIGRATABLE clear; XFAM e702060000000000). Bits flipped here break the quote
 * signature too (no key can re-sign a captured quote): each case checks that the
 * policy check names the flipped property on its own, besides quote-signature. */
static void test_tdx_strict_policy(void)
{
	static const uint8_t attr[8] = { 0, 0, 0, 0x10, 0, 0, 0, 0 }, xfam[8] = { 0xe7, 0x02, 0x06, 0, 0, 0, 0, 0 };
	static const char *const full[] = { "tcbinfo_fmspc50806f000000.json", "qe_identity.json", "pckcrl_platform.der",
					    "rootcrl.der" };
	struct appraisal_policy pol = { .platforms = PLATFORM_TDX };
	struct ev_opts o = { 0 };
	struct checks c;
	struct tdx_quote q;
	struct tdx_quote_sig sig;
	uint8_t *buf;
	size_t len, qe;

	buf = sample_read("tdx/04-trustee-v4-fmspc00a06d080000/quote.dat", &len);
	if (!buf)
		return;
	policy_apply(&pol, PLATFORM_TDX, &o);
	/* no expected attributes/XFAM: failures; no collateral: skipped, not passed */
	memset(&c, 0, sizeof(c));
	CHECK_EQ_INT(ev_verify_tdx(buf, len, &o, &c), 0);
	CHECK_EQ_STR(c.failed, "td-attributes xfam");
	CHECK(c.skip >= 2); /* crl, tcb-status: `verify` fails the quote for these */
	memcpy(o.td_attributes, attr, 8);
	memcpy(o.xfam, xfam, 8);
	o.have_td_attributes = o.have_xfam = 1;
	CHECK_EQ_STR(run(ev_verify_tdx, buf, len, &o), "");
	o.xfam[0] ^= 1;
	CHECK_EQ_STR(run(ev_verify_tdx, buf, len, &o), "xfam");
	o.xfam[0] ^= 1;
	/* TD_ATTRIBUTES at 48 + 120 in a v4 quote: DEBUG is bit 0, MIGRATABLE bit 29 */
	buf[168] ^= 0x01;
	CHECK_EQ_STR(run(ev_verify_tdx, buf, len, &o), "quote-signature td-debug td-attributes");
	pol.relax = RELAX_TDX_DEBUG;
	policy_apply(&pol, PLATFORM_TDX, &o);
	CHECK_EQ_STR(run(ev_verify_tdx, buf, len, &o), "quote-signature td-attributes");
	buf[168] ^= 0x01;
	buf[171] ^= 0x20;
	CHECK_EQ_STR(run(ev_verify_tdx, buf, len, &o), "quote-signature td-migratable td-attributes");
	buf[171] ^= 0x20;
	/* a quoting enclave that is not Intel's: vendor ID and (with collateral) the QE
	 * identity name it */
	buf[12] ^= 0x01;
	CHECK(has(run(ev_verify_tdx, buf, len, &o), "qe-vendor"));
	buf[12] ^= 0x01;
	free(buf);

	buf = sample_read("tdx/01-gotdxguest-spr-v4/quote.dat", &len);
	if (!buf)
		return;
	CHECK_EQ_INT(tdx_quote_parse(buf, len, &q), 0);
	CHECK_EQ_INT(tdx_quote_sig_parse(&q, &sig), 0);
	qe = (size_t)(sig.qe_report_raw - buf);
	o.collateral = collateral_subset("collateral-full", full, 4);
	o.chain = tdx_common("tdx/common/intel_tcb_signing_chain.pem");
	set_at(&o, "2023-06-20");
	o.have_td_attributes = o.have_xfam = 0;
	pol.relax = RELAX_TDX_CONFIG;
	policy_apply(&pol, PLATFORM_TDX, &o);
	memset(buf + qe + 128, 0, 32); /* QE report MRSIGNER := 0 */
	{
		const char *f = run(ev_verify_tdx, buf, len, &o);

		CHECK(has(f, "qe-identity"));
		CHECK(has(f, "qe-report-signature"));
	}
	collateral_subset_remove(o.collateral, full, 4);
	free(buf);
}

/* ---- TPM ---- */

static void test_tpm(void)
{
	/* A key given as PEM or as a certificate carries no TPM object attributes, so
	 * ak-attributes fails for it even though the signature verifies. */
	static const struct {
		const char *attest, *sig, *key, *pcrs, *log, *nonce, *want;
	} cases[] = {
		{ "tpm/01-gce-cos85-vtpm-quotes/quote_sha1.attest", "tpm/01-gce-cos85-vtpm-quotes/quote_sha1.sig",
		  "tpm/01-gce-cos85-vtpm-quotes/ak_pub.tpmt", "tpm/01-gce-cos85-vtpm-quotes/pcrs_sha1.txt",
		  "tpm/01-gce-cos85-vtpm-quotes/binary_bios_measurements", "9009", "" },
		{ "tpm/01-gce-cos85-vtpm-quotes/quote_sha256.attest", "tpm/01-gce-cos85-vtpm-quotes/quote_sha256.sig",
		  "tpm/01-gce-cos85-vtpm-quotes/ak_pub.pem", "tpm/01-gce-cos85-vtpm-quotes/pcrs_sha256.txt",
		  "tpm/01-gce-cos85-vtpm-quotes/binary_bios_measurements", "9009", "ak-attributes" },
		{ "tpm/01-gce-cos85-vtpm-quotes/quote_sha384.attest", "tpm/01-gce-cos85-vtpm-quotes/quote_sha384.sig",
		  "tpm/01-gce-cos85-vtpm-quotes/ak_cert.der", "tpm/01-gce-cos85-vtpm-quotes/pcrs_sha384.txt",
		  "tpm/01-gce-cos85-vtpm-quotes/binary_bios_measurements", "9009", "ak-attributes" },
		{ "tpm/02-gce-windows-vtpm-sha1/quote_sha1.attest", "tpm/02-gce-windows-vtpm-sha1/quote_sha1.sig",
		  "tpm/02-gce-windows-vtpm-sha1/ak_pub.tpmt", "tpm/02-gce-windows-vtpm-sha1/pcrs_sha1.txt",
		  "tpm/02-gce-windows-vtpm-sha1/binary_bios_measurements", NULL, "" },
		{ "sev-snp/04-azure-genoa-v3-hcl-vtpm/tpm_quote.attest",
		  "sev-snp/04-azure-genoa-v3-hcl-vtpm/tpm_quote.rsassa_sha256.sig",
		  "sev-snp/04-azure-genoa-v3-hcl-vtpm/hcl_ak_pub.pem", "sev-snp/04-azure-genoa-v3-hcl-vtpm/pcrs_sha256_0-23.bin",
		  NULL, NULL, "ak-attributes" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ev_opts o = { 0 };
		uint8_t *a, *sig;
		size_t len, slen;
		struct flips t = { 0 };

		a = sample_read(cases[i].attest, &len);
		sig = sample_read(cases[i].sig, &slen);
		CHECK(a && sig);
		if (!a || !sig) {
			free(a);
			free(sig);
			continue;
		}
		o.signature = path_of(cases[i].sig);
		o.cert = path_of(cases[i].key);
		o.pcrs = path_of(cases[i].pcrs);
		o.eventlog = cases[i].log ? path_of(cases[i].log) : NULL;
		if (cases[i].nonce) {
			o.have_nonce = 1;
			CHECK_EQ_INT(hex_decode(cases[i].nonce, o.nonce, 64, &o.nonce_len), 0);
		}
		CHECK_EQ_STR(run(ev_verify_tpm, a, len, &o), cases[i].want);
		/* extraData is a TPM2B: the nonce with a zero byte appended differs */
		if (cases[i].nonce) {
			o.nonce[o.nonce_len++] = 0;
			CHECK(has(run(ev_verify_tpm, a, len, &o), "nonce"));
			o.nonce_len--;
		}

		/* one bit in every byte of the attest (the log replay is not what is
		 * tested here: leave it out to keep the sweep fast) */
		o.eventlog = NULL;
		for (size_t k = 0; k < len; k++) {
			const char *f;

			a[k] ^= (uint8_t)(1u << (k % 8));
			f = run(ev_verify_tpm, a, len, &o);
			a[k] ^= (uint8_t)(1u << (k % 8));
			flip_counted(&t, has(f, "quote-signature") || has(f, "format"), f, "TPMS_ATTEST bit flip", k);
		}
		CHECK_EQ_INT(t.named, t.n);
		/* one bit in each byte of the signature */
		t = (struct flips){ 0 };
		for (size_t k = 0; k < slen; k++) {
			const char *f;

			sig[k] ^= (uint8_t)(1u << (k % 8));
			o.signature = write_tmp("sig", sig, slen);
			f = run(ev_verify_tpm, a, len, &o);
			sig[k] ^= (uint8_t)(1u << (k % 8));
			flip_counted(&t, has(f, "quote-signature"), f, cases[i].sig, k);
		}
		CHECK_EQ_INT(t.named, t.n);
		free(a);
		free(sig);
	}
}

/* ---- TPM: what a firmware log vouches for ---- */

/* The attributes measure-agent gives its AK (measure-agent/EVIDENCE.md): fixedTPM |
 * fixedParent | sensitiveDataOrigin | userWithAuth | restricted | sign. */
#define AK_ATTRIBUTES 0x00050072u

/* A quote over PCR 4 and 7 only, by a key of ours; the log extends PCR 4, 5 and 7 and
 * the PCR file lists all three. The quote authenticates PCR 4 and 7: the log's PCR 5
 * event has only the PCR file's word for it and must never be reported verified. */
static void test_tpm_eventlog_quoted_only(void)
{
	static const unsigned extended[] = { 4, 5, 7 };
	uint8_t pcr[24][32] = { { 0 } }, fill[32];
	char text[512] = "", hex[65], lines[4096];
	struct forged_quote q;
	struct log_builder l;
	struct ev_opts o = { 0 };
	unsigned skips = 99;
	size_t pos = 0;

	for (size_t i = 0; i < sizeof(extended) / sizeof(extended[0]); i++) {
		unsigned p = extended[i];

		memset(fill, 0xA0 | p, sizeof(fill));
		CHECK_EQ_INT(digest_extend(DIGEST_SHA256, pcr[p], fill), 0);
		hex_encode(pcr[p], 32, hex);
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "%u %s\n", p, hex);
	}
	CHECK_EQ_INT(forge_quote(AK_ATTRIBUTES, 1u << 4 | 1u << 7, pcr, (const uint8_t *)"\x01\x02", 2, &q), 0);
	log_spec_id(&l);
	for (size_t i = 0; i < sizeof(extended) / sizeof(extended[0]); i++)
		log_measure(&l, extended[i], (uint8_t)(0xA0 | extended[i]));
	o.cert = write_tmp("ak.tpmt", q.public, q.public_len);
	o.signature = write_tmp("quote.sig", q.sig, q.sig_len);
	o.pcrs = write_tmp("pcrs.txt", (const uint8_t *)text, strlen(text));
	o.eventlog = write_tmp("log.bin", l.b, l.n);
	o.have_nonce = 1;
	o.nonce_len = 2;
	memcpy(o.nonce, "\x01\x02", 2);

	/* --pcrs and --eventlog: PCR 4 and 7 verified, PCR 5 named as not verified */
	CHECK_EQ_STR(run_lines(ev_verify_tpm, q.attest, q.attest_len, &o, lines, sizeof(lines), &skips), "");
	CHECK(strstr(lines, "ok    eventlog: replays to the quoted sha256 PCRs it extends: 4 7\n") != NULL);
	CHECK(strstr(lines, "skip  eventlog-unquoted: the log also extends PCR 5,") != NULL);
	CHECK_EQ_INT(skips, 1);
	/* --eventlog alone: the quote checks the log's PCR 4 and 7; PCR 5 likewise named */
	o.pcrs = NULL;
	CHECK_EQ_STR(run_lines(ev_verify_tpm, q.attest, q.attest_len, &o, lines, sizeof(lines), &skips), "");
	CHECK(strstr(lines, "skip  eventlog-unquoted: the log also extends PCR 5,") != NULL);
	CHECK_EQ_INT(skips, 1);
	/* a log that extends only PCR 5 vouches for nothing */
	log_spec_id(&l);
	log_measure(&l, 5, 0xA5);
	o.pcrs = write_tmp("pcrs.txt", (const uint8_t *)text, strlen(text));
	o.eventlog = write_tmp("log.bin", l.b, l.n);
	CHECK_EQ_STR(run_lines(ev_verify_tpm, q.attest, q.attest_len, &o, lines, sizeof(lines), &skips), "eventlog");
	/* values the quote does not authenticate (a signature of other bytes) vouch for nothing */
	log_spec_id(&l);
	log_measure(&l, 4, 0xA4);
	o.eventlog = write_tmp("log.bin", l.b, l.n);
	q.sig[10] ^= 1;
	o.signature = write_tmp("quote.sig", q.sig, q.sig_len);
	CHECK_EQ_STR(run_lines(ev_verify_tpm, q.attest, q.attest_len, &o, lines, sizeof(lines), &skips),
		     "quote-signature");
	CHECK(strstr(lines, "ok    eventlog") == NULL);
}

/* The AK's objectAttributes: only a restricted signing key, fixedTPM and fixedParent,
 * not decrypt, signs nothing but quotes the TPM made. An unrestricted key signs any
 * digest, so its "quote" proves nothing even when the signature is valid. */
static void test_tpm_ak_attributes(void)
{
	static const struct {
		uint32_t clear, set;
	} bad[] = {
		{ TPMA_OBJECT_RESTRICTED, 0 },
		{ TPMA_OBJECT_FIXEDTPM, 0 },
		{ TPMA_OBJECT_FIXEDPARENT, 0 },
		{ TPMA_OBJECT_SIGN_ENCRYPT, 0 },
		{ 0, TPMA_OBJECT_DECRYPT },
	};
	const char *dir = "tpm/01-gce-cos85-vtpm-quotes/";
	uint8_t pcr[24][32] = { { 0 } }, *a, *sig, *pub;
	char rel[256];
	struct forged_quote q;
	struct ev_opts o = { 0 };
	size_t len, slen, plen;

	/* the GCE AK (0x00050072) with one attribute changed: the key material, and so
	 * the signature check, is unchanged */
	snprintf(rel, sizeof(rel), "%squote_sha256.attest", dir);
	a = sample_read(rel, &len);
	snprintf(rel, sizeof(rel), "%squote_sha256.sig", dir);
	sig = sample_read(rel, &slen);
	snprintf(rel, sizeof(rel), "%sak_pub.tpmt", dir);
	pub = sample_read(rel, &plen);
	CHECK(a && sig && pub && plen > 8);
	if (a && sig && pub && plen > 8) {
		uint32_t attrs = (uint32_t)pub[4] << 24 | (uint32_t)pub[5] << 16 | (uint32_t)pub[6] << 8 | pub[7];

		CHECK_EQ_INT(attrs, AK_ATTRIBUTES);
		o.signature = write_tmp("quote.sig", sig, slen);
		o.cert = write_tmp("ak.tpmt", pub, plen);
		CHECK_EQ_STR(run(ev_verify_tpm, a, len, &o), "");
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			uint32_t v = (attrs & ~bad[i].clear) | bad[i].set;

			pub[4] = (uint8_t)(v >> 24);
			pub[5] = (uint8_t)(v >> 16);
			pub[6] = (uint8_t)(v >> 8);
			pub[7] = (uint8_t)v;
			o.cert = write_tmp("ak.tpmt", pub, plen);
			CHECK_EQ_STR(run(ev_verify_tpm, a, len, &o), "ak-attributes");
		}
	}
	free(a);
	free(sig);
	free(pub);

	/* a quote made outside any TPM by an ordinary signing key (sign, fixedTPM,
	 * fixedParent, not restricted) and by a key claiming the AK attributes: the
	 * attributes are what the verifier can check, so the first is refused */
	o = (struct ev_opts){ 0 };
	CHECK_EQ_INT(forge_quote(AK_ATTRIBUTES & ~TPMA_OBJECT_RESTRICTED, 1u << 4, pcr, NULL, 0, &q), 0);
	o.cert = write_tmp("ak.tpmt", q.public, q.public_len);
	o.signature = write_tmp("quote.sig", q.sig, q.sig_len);
	CHECK_EQ_STR(run(ev_verify_tpm, q.attest, q.attest_len, &o), "ak-attributes");
	CHECK_EQ_INT(forge_quote(AK_ATTRIBUTES, 1u << 4, pcr, NULL, 0, &q), 0);
	o.cert = write_tmp("ak.tpmt", q.public, q.public_len);
	o.signature = write_tmp("quote.sig", q.sig, q.sig_len);
	CHECK_EQ_STR(run(ev_verify_tpm, q.attest, q.attest_len, &o), "");
}

static void remove_tmp(void)
{
	static const char *const names[] = { "sig", "vcek.pem", "ak.tpmt", "quote.sig", "pcrs.txt", "log.bin" };
	char p[600];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", tmpdir, names[i]);
		unlink(p);
	}
	rmdir(tmpdir);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_snp();
	test_snp_sample_01();
	test_snp_bitflips();
	test_tdx();
	test_tdx_bitflips();
	test_tdx_collateral_flips();
	test_report_data_nonce();
	test_tdx_issuer_crl_required();
	test_trust_vendor();
	test_snp_vmpl_policy();
	test_tdx_strict_policy();
	test_tpm();
	test_tpm_eventlog_quoted_only();
	test_tpm_ak_attributes();
	remove_tmp();
	return unit_finish("evidence-verify");
}
