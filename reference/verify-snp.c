/* SPDX-License-Identifier: Apache-2.0 */
/* SEV-SNP attestation report verification: the report's ECDSA P-384 signature by the
 * VCEK or VLEK, that key's certificate chain to a pinned AMD root (ARK → ASK/ASVK →
 * VCEK/VLEK), the VCEK/VLEK extensions against the report (TCB, chip ID), and the
 * policy checks the caller asks for.
 *
 * Rules follow AMD SEV-SNP ABI spec 56860 (report, signature format: R and S
 * little-endian in 72-byte fields) and AMD's "VCEK Certificate and KDS Interface
 * Specification" 57230 (extension OIDs), as google/go-sev-guest verify/verify.go
 * applies them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "evidence.h"
#include "util/hex.h"
#include "evidence/snp_report.h"

/* VCEK/VLEK extensions (spec 57230 §3.1 table 8). */
#define OID_BL_SPL "1.3.6.1.4.1.3704.1.3.1"
#define OID_TEE_SPL "1.3.6.1.4.1.3704.1.3.2"
#define OID_SNP_SPL "1.3.6.1.4.1.3704.1.3.3"
#define OID_UCODE_SPL "1.3.6.1.4.1.3704.1.3.8"
#define OID_FMC_SPL "1.3.6.1.4.1.3704.1.3.9"
#define OID_HWID "1.3.6.1.4.1.3704.1.4"

static const char *const snp_fields[] = {
	"report_data", "measurement", "host_data", "id_key_digest", "report_id", "chip_id",
	"family_id", "image_id", NULL,
};

/* An SPL extension is a DER INTEGER 0..255. Returns the value or -1. */
static int ext_spl(X509 *x, const char *oid)
{
	const ASN1_OCTET_STRING *os = x509_ext_data(x, oid);
	const unsigned char *p;
	ASN1_INTEGER *i;
	long v;

	if (!os)
		return -1;
	p = ASN1_STRING_get0_data(os);
	i = d2i_ASN1_INTEGER(NULL, &p, ASN1_STRING_length(os));
	if (!i)
		return -1;
	v = ASN1_INTEGER_get(i);
	ASN1_INTEGER_free(i);
	ERR_clear_error();
	return v >= 0 && v <= 255 ? (int)v : -1;
}

static int cert_cn_is(X509 *x, const char *cn)
{
	char buf[128];

	if (X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, buf, sizeof(buf)) < 0)
		return 0;
	return strcmp(buf, cn) == 0;
}

static void check_signature(const struct snp_report *rep, EVP_PKEY *key, struct checks *c)
{
	const uint8_t *sig = rep->raw + SNP_REPORT_SIGNED_SIZE;
	uint8_t r[48], s[48];
	int ok;

	if (rep->signature_algo != SNP_SIG_ALGO_ECDSA_P384_SHA384) {
		check_fail(c, "report-signature", "signature algorithm %u is not ECDSA P-384/SHA-384",
			   rep->signature_algo);
		return;
	}
	if (EVP_PKEY_get_bits(key) != 384 || !EVP_PKEY_is_a(key, "EC")) {
		check_fail(c, "report-signature", "the certificate's key is not ECDSA P-384");
		return;
	}
	/* R at 0x2A0 and S at 0x2E8, each 72 bytes little-endian; for P-384 the top 24
	 * bytes of each must be zero (spec 56860 "ECDSA Signature Format"). */
	for (size_t i = 48; i < SNP_SIG_COMPONENT_SIZE; i++)
		if (sig[i] || sig[SNP_SIG_COMPONENT_SIZE + i]) {
			check_fail(c, "report-signature", "R or S wider than 384 bits");
			return;
		}
	/* The rest of the 512-byte signature field is reserved and zero; it is not
	 * covered by the signature, so a non-zero byte there is a modified report. */
	for (size_t i = 2 * SNP_SIG_COMPONENT_SIZE; i < SNP_REPORT_SIZE - SNP_REPORT_SIGNED_SIZE; i++)
		if (sig[i]) {
			check_fail(c, "report-signature", "non-zero reserved bytes after S");
			return;
		}
	for (size_t i = 0; i < 48; i++) {
		r[i] = sig[47 - i];
		s[i] = sig[SNP_SIG_COMPONENT_SIZE + 47 - i];
	}
	ok = ecdsa_verify_rs(key, EVP_sha384(), rep->raw, SNP_REPORT_SIGNED_SIZE, r, 48, s, 48);
	check(c, "report-signature", ok == 1, ok == 1 ? "ECDSA P-384 over bytes 0x000-0x29f" :
		  "ECDSA P-384 signature does not verify with the given key");
}

static void check_cert_tcb(const struct snp_report *rep, X509 *leaf, struct checks *c)
{
	struct snp_tcb t;
	int bl = ext_spl(leaf, OID_BL_SPL), tee = ext_spl(leaf, OID_TEE_SPL);
	int snp = ext_spl(leaf, OID_SNP_SPL), uc = ext_spl(leaf, OID_UCODE_SPL);

	/* The VCEK/VLEK is derived for one TCB: the firmware signs with the key of its
	 * REPORTED_TCB, so the certificate's TCB must be exactly that. */
	snp_tcb_split(rep->reported_tcb, rep->cpuid_fam_id, &t);
	if (bl < 0 || tee < 0 || snp < 0 || uc < 0) {
		check_fail(c, "cert-tcb", "certificate lacks the blSPL/teeSPL/snpSPL/ucodeSPL extensions");
		return;
	}
	if (rep->cpuid_fam_id == 0x1A) {
		int fmc = ext_spl(leaf, OID_FMC_SPL);

		if (fmc != t.fmc) {
			check_fail(c, "cert-tcb", "fmcSPL %d, report %u", fmc, t.fmc);
			return;
		}
	}
	check(c, "cert-tcb", bl == t.bl && tee == t.tee && snp == t.snp && uc == t.ucode,
	      "certificate bl=%d tee=%d snp=%d ucode=%d, report REPORTED_TCB bl=%u tee=%u snp=%u ucode=%u",
	      bl, tee, snp, uc, t.bl, t.tee, t.snp, t.ucode);
}

static void check_chip_id(const struct snp_report *rep, X509 *leaf, struct checks *c)
{
	const ASN1_OCTET_STRING *os = x509_ext_data(leaf, OID_HWID);
	const unsigned char *p;
	int n;

	if (rep->mask_chip_key) {
		check_skip(c, "cert-chip-id", "MASK_CHIP_KEY set: the report carries no chip ID");
		return;
	}
	if (!os) {
		check_fail(c, "cert-chip-id", "VCEK certificate has no hwID extension");
		return;
	}
	/* KDS writes hwID as the raw 64 bytes; accept a DER OCTET STRING wrapping too. */
	p = ASN1_STRING_get0_data(os);
	n = ASN1_STRING_length(os);
	if (n == 66 && p[0] == 0x04 && p[1] == 64) {
		p += 2;
		n = 64;
	}
	check(c, "cert-chip-id", n == 64 && memcmp(p, rep->chip_id, 64) == 0,
	      n == 64 && memcmp(p, rep->chip_id, 64) == 0 ? "hwID equals CHIP_ID" :
							    "hwID differs from the report's CHIP_ID");
}

static void check_chain(X509 *leaf, const struct ev_opts *o, struct checks *c)
{
	STACK_OF(X509) *chain = NULL, *anchors = NULL;
	char err[512];
	int r;

	if (o->chain_certs) {
		chain = sk_X509_dup(o->chain_certs);
		for (int i = 0; chain && i < sk_X509_num(chain); i++)
			X509_up_ref(sk_X509_value(chain, i));
	} else if (!o->chain && !o->root) {
		check_fail(c, "cert-chain", "no ASK/ASVK+ARK chain given (--chain)");
		return;
	}
	if (!o->chain_certs && o->chain && !(chain = x509_load_file(o->chain))) {
		check_fail(c, "cert-chain", "%s: cannot read certificates", o->chain);
		return;
	}
	anchors = trust_anchors(TRUST_AMD, o->root, chain);
	if (!anchors) {
		check_fail(c, "cert-chain", "%s: cannot read trust anchors", o->root ? o->root : "(built-in)");
		x509_free_stack(chain);
		return;
	}
	r = x509_verify_chain(leaf, chain, anchors, NULL, o->have_at ? &o->at : NULL, err, sizeof(err));
	if (r == 1)
		check_ok(c, "cert-chain", "to pinned %s", o->root ? o->root : "AMD ARK");
	else
		check_fail(c, "cert-chain", "%s", r == 0 ? err : "OpenSSL failure");
	x509_free_stack(chain);
	x509_free_stack(anchors);
}

/* REPORTED_TCB at or above the floor, component by component. */
static void check_min_tcb(const struct snp_report *rep, const struct ev_opts *o, struct checks *c)
{
	struct snp_tcb a, m;

	if (!o->have_min_tcb) {
		if (o->require_min_tcb)
			check_fail(c, "min-tcb", "no TCB floor in the policy (--snp-min-tcb): any microcode "
				   "and firmware would pass");
		return;
	}
	snp_tcb_split(rep->reported_tcb, rep->cpuid_fam_id, &a);
	snp_tcb_split(o->min_tcb, rep->cpuid_fam_id, &m);
	check(c, "min-tcb", a.fmc >= m.fmc && a.bl >= m.bl && a.tee >= m.tee && a.snp >= m.snp && a.ucode >= m.ucode,
	      "REPORTED_TCB bl=%u tee=%u snp=%u ucode=%u, minimum bl=%u tee=%u snp=%u ucode=%u",
	      a.bl, a.tee, a.snp, a.ucode, m.bl, m.tee, m.snp, m.ucode);
}

/* The firmware's ABI version (CURRENT_MAJOR.CURRENT_MINOR, report v2 on). */
static void check_min_abi(const struct snp_report *rep, const struct ev_opts *o, struct checks *c)
{
	unsigned have = (unsigned)rep->current_major << 8 | rep->current_minor;

	if (!o->have_min_abi) {
		if (o->require_min_abi)
			check_fail(c, "min-abi", "no minimum firmware ABI in the policy (--snp-min-abi)");
		return;
	}
	check(c, "min-abi", have >= (o->min_abi_major << 8 | o->min_abi_minor),
	      "firmware ABI %u.%u, minimum %u.%u", rep->current_major, rep->current_minor,
	      o->min_abi_major, o->min_abi_minor);
}

/* The guest policy the host launched with: the launch digest does not cover it, so
 * a debuggable or migratable launch of the right image is only seen here. */
static void check_policy(const struct snp_report *rep, const struct ev_opts *o, struct checks *c)
{
	if (o->no_debug)
		check(c, "policy-debug", !(rep->policy & SNP_POLICY_DEBUG), "POLICY 0x%llx, DEBUG %s",
		      (unsigned long long)rep->policy, rep->policy & SNP_POLICY_DEBUG ? "allowed" : "forbidden");
	if (o->no_migrate_ma)
		check(c, "policy-migrate-ma", !(rep->policy & SNP_POLICY_MIGRATE_MA), "MIGRATE_MA %s",
		      rep->policy & SNP_POLICY_MIGRATE_MA ? "allowed (a migration agent may read the guest)" :
							    "forbidden");
	if (o->smt)
		check(c, "policy-smt", o->smt == 1 || !(rep->policy & SNP_POLICY_SMT), "SMT %s%s",
		      rep->policy & SNP_POLICY_SMT ? "allowed" : "forbidden",
		      o->smt == 1 ? " (the policy accepts either)" : "");
	if (o->have_vmpl)
		check(c, "vmpl", rep->vmpl == o->vmpl, "report from VMPL %u, expected %u", rep->vmpl, o->vmpl);
	check_min_tcb(rep, o, c);
	check_min_abi(rep, o, c);
}

static void check_expectations(const struct snp_report *rep, const struct ev_opts *o, struct checks *c)
{
	ev_check_expect(o, c, "report_data", rep->report_data, 64);
	ev_check_expect(o, c, "measurement", rep->measurement, 48);
	ev_check_expect(o, c, "host_data", rep->host_data, 32);
	ev_check_expect(o, c, "id_key_digest", rep->id_key_digest, 48);
	ev_check_expect(o, c, "report_id", rep->report_id, 32);
	ev_check_expect(o, c, "chip_id", rep->chip_id, 64);
	ev_check_expect(o, c, "family_id", rep->family_id, 16);
	ev_check_expect(o, c, "image_id", rep->image_id, 16);
	ev_check_expect_fields_known(o, c, snp_fields, "an SNP report");
}

int ev_verify_snp(const uint8_t *buf, size_t len, const struct ev_opts *o, struct checks *c)
{
	struct snp_report *rep = malloc(sizeof(*rep));
	STACK_OF(X509) *leaf_sk = NULL;
	EVP_PKEY *key = NULL;
	X509 *leaf = NULL;
	int r;

	if (!rep)
		return -ENOMEM;
	r = snp_report_parse(buf, len, rep);
	if (r < 0) {
		check_fail(c, "format", "not a valid SNP attestation report (%s)", strerror(-r));
		free(rep);
		return 0;
	}
	check_ok(c, "format", "report version %u, %s-signed", rep->version,
		 snp_signing_key_name(rep->signing_key));

	if (o->cert_x509) {
		leaf_sk = sk_X509_new_null();
		if (!leaf_sk || !X509_up_ref(o->cert_x509) || !sk_X509_push(leaf_sk, o->cert_x509)) {
			x509_free_stack(leaf_sk);
			free(rep);
			return -ENOMEM;
		}
	}
	if (!o->cert && !leaf_sk) {
		check_fail(c, "report-signature", "no VCEK/VLEK certificate given (--cert)");
	} else if (!leaf_sk && !(leaf_sk = x509_load_file(o->cert))) {
		check_fail(c, "report-signature", "%s: not a readable certificate", o->cert);
	} else {
		const char *cn;

		leaf = sk_X509_value(leaf_sk, 0);
		key = X509_get_pubkey(leaf);
		/* The report says which key signed it; the certificate must be of that kind
		 * (a VLEK certificate must not vouch for a report claiming VCEK, and v.v.). */
		cn = rep->signing_key == SNP_KEY_VCEK ? "SEV-VCEK" :
		     rep->signing_key == SNP_KEY_VLEK ? "SEV-VLEK" : NULL;
		if (!cn)
			check_fail(c, "signing-key", "report signed by key type %s",
				   snp_signing_key_name(rep->signing_key));
		else
			check(c, "signing-key", cert_cn_is(leaf, cn), "report says %s, the certificate %s %s",
			      snp_signing_key_name(rep->signing_key), cert_cn_is(leaf, cn) ? "is" : "is not", cn);
		if (key)
			check_signature(rep, key, c);
		else
			check_fail(c, "report-signature", "%s: no usable public key", o->cert ? o->cert : "certificate");
		check_chain(leaf, o, c);
		check_cert_tcb(rep, leaf, c);
		if (rep->signing_key == SNP_KEY_VCEK)
			check_chip_id(rep, leaf, c);
	}
	check_policy(rep, o, c);
	ev_check_report_data_nonce(o, c, rep->report_data);
	check_expectations(rep, o, c);

	EVP_PKEY_free(key);
	x509_free_stack(leaf_sk);
	free(rep);
	return 0;
}
