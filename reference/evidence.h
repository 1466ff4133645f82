/* SPDX-License-Identifier: Apache-2.0 */
/* Offline verification of hardware evidence: SEV-SNP reports, TDX quotes, TPM 2.0
 * quotes. Each verifier runs every check it can, prints one line per check
 *   "ok    NAME  detail" / "FAIL  NAME  detail" / "skip  NAME  why"
 * and counts failures; the caller turns the count into the exit status. Checks whose
 * input was not supplied (collateral, PCR values) are "skip", never "ok". */
#ifndef CVM_REFERENCE_EVIDENCE_H
#define CVM_REFERENCE_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

struct checks {
	FILE *out; /* NULL: silent */
	const char *prefix; /* e.g. "snp." */
	unsigned pass, fail, skip;
	char failed[512]; /* names of the failed checks, space-separated (for tests) */
};

/* A check's outcome: ok and FAIL count towards pass/fail, skip is neither. */
enum check_status { CHECK_OK, CHECK_FAIL, CHECK_SKIP };

/* Prints "<status> <prefix><name>: <detail>" and tallies the outcome. */
void check_report(struct checks *c, enum check_status status, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define check_ok(c, name, ...) check_report((c), CHECK_OK, (name), __VA_ARGS__)
#define check_fail(c, name, ...) check_report((c), CHECK_FAIL, (name), __VA_ARGS__)
#define check_skip(c, name, ...) check_report((c), CHECK_SKIP, (name), __VA_ARGS__)
/* ok ? check_ok : check_fail, with the same detail. */
void check(struct checks *c, const char *name, int ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define EV_MAX_EXPECT 16

struct ev_expect {
	const char *field; /* a key of `evidence show --json` */
	uint8_t value[64];
	size_t len;
};

struct ak_binding_args;

struct ev_opts {
	const char *cert;       /* signing key's certificate / public key */
	const char *chain;      /* intermediate + root bundle; TDX: collateral signing chain */
	const char *collateral; /* TDX: directory with TCB info, QE identity, CRLs */
	const char *root;       /* trust anchors to pin (replace the built-in pins) */
	const char *signature;  /* TPM: the signature file */
	X509 *cert_x509;        /* SNP: the VCEK/VLEK in memory (instead of cert) */
	STACK_OF(X509) *chain_certs; /* SNP: ASK/ASVK + ARK in memory (instead of chain) */
	const char *pcrs;       /* TPM: PCR values to check the quoted digest against */
	const char *eventlog;   /* TPM: firmware log to replay against those PCRs */
	int have_nonce;
	uint8_t nonce[64];
	size_t nonce_len;
	int have_at;
	time_t at;              /* evaluate certificates and collateral at this time */
	/* The appraisal policy: `verify` sets the strict defaults (reference/POLICY.md),
	 * `evidence verify` only what its options ask for. */
	int no_debug;           /* SNP policy DEBUG / TD attribute DEBUG must be clear */
	int have_min_tcb;
	uint64_t min_tcb;       /* SNP: minimum REPORTED_TCB, component-wise */
	int require_min_tcb;    /* SNP: no floor given is a failure, not "any TCB" */
	int no_migrate_ma;      /* SNP: POLICY.MIGRATE_MA must be clear */
	int smt;                /* SNP: 0 SMT not looked at, 1 reported, 2 must be disallowed */
	int have_vmpl;
	unsigned vmpl;          /* SNP: the VMPL the report must have been requested from */
	int have_min_abi, require_min_abi;
	unsigned min_abi_major, min_abi_minor; /* SNP: firmware CURRENT_MAJOR.MINOR floor */
	const char *allow_tcb;  /* TDX: comma-separated acceptable TCB statuses */
	int check_migratable;   /* TDX: MIGRATABLE only with an expected MRSERVICETD */
	int have_mrservicetd;
	uint8_t mrservicetd[48];
	int have_td_attributes, have_xfam, require_td_config;
	uint8_t td_attributes[8], xfam[8]; /* TDX: expected, as the quote has them */
	size_t n_expect;
	struct ev_expect expect[EV_MAX_EXPECT];
	const struct ak_binding_args *ak_binding; /* verify: --ek-ca, --challenge, --activation */
};

enum ev_kind {
	EV_UNKNOWN,
	EV_SNP,
	EV_TDX,
	EV_TPM,
};

enum ev_kind ev_detect(const uint8_t *buf, size_t len);
const char *ev_kind_name(enum ev_kind k);

/* Each returns 0 when the checks ran (failures are in c->fail), or a negative errno
 * for an unreadable auxiliary input (-ENOENT, -EINVAL …) or an OpenSSL failure
 * (-EIO). Malformed evidence is a check failure ("format"), not an error. */
int ev_verify_snp(const uint8_t *buf, size_t len, const struct ev_opts *o, struct checks *c);
int ev_verify_tdx(const uint8_t *buf, size_t len, const struct ev_opts *o, struct checks *c);
int ev_verify_tpm(const uint8_t *buf, size_t len, const struct ev_opts *o, struct checks *c);

/* Shared "expect FIELD=HEX" check over a named field's bytes. */
void ev_check_expect(const struct ev_opts *o, struct checks *c, const char *field,
		     const uint8_t *actual, size_t len);
/* A failed "expect" check for each --expect FIELD not among fields (NULL-ended), the
 * keys of `evidence show --json` for this kind of evidence (e.g. "a TDX quote"). */
void ev_check_expect_fields_known(const struct ev_opts *o, struct checks *c, const char *const *fields,
				  const char *evidence);
/* REPORT_DATA / REPORTDATA against the nonce zero-padded to 64 bytes. A nonce ending
 * in a zero byte is refused: the padding cannot tell it from the nonce without it. */
void ev_check_report_data_nonce(const struct ev_opts *o, struct checks *c, const uint8_t rd[64]);

/* TPM quote signature over attest by key: sig as parsed, or NULL for a bare RSA
 * signature raw[0..raw_len) (RSASSA-PKCS1-v1_5/SHA-256). Returns 1 valid, 0 invalid,
 * <0 error. (reference/verify-tpm.c) */
struct tpm_signature;
struct tpm_public;
int tpm_quote_signature_check(const struct tpm_signature *sig, const uint8_t *attest, size_t attest_len,
			      EVP_PKEY *key, const uint8_t *raw, size_t raw_len);
/* An OpenSSL key from a TPMT_PUBLIC (RSA or NIST-curve ECC), or NULL. */
EVP_PKEY *tpm_public_to_pkey(const struct tpm_public *p);

/* ---- X.509 and signature helpers (reference/x509.c) ---- */

/* The file loaders read PEM or, when the file holds no "-----BEGIN", DER. A PEM file
 * is blocks of the one expected kind separated by white space, each block's base64
 * decoding to exactly one DER object; a DER file is exactly one object. Anything else
 * is refused (NULL, errno set). */
/* One or more certificates. */
STACK_OF(X509) *x509_load_file(const char *path);
/* Only PEM certificate blocks back to back followed by NUL padding (the TD quote's
 * PCK chain): anything else, including damaged blocks, is refused. */
STACK_OF(X509) *x509_load_pem_strict(const uint8_t *buf, size_t len);
/* Exactly one CRL. */
X509_CRL *crl_load_file(const char *path);
/* Exactly one public key: a SubjectPublicKeyInfo, or the key of one X.509 certificate. */
EVP_PKEY *pubkey_load_file(const char *path);

void x509_free_stack(STACK_OF(X509) *sk);

/* Whose roots anchor a chain: SNP chains end at an AMD ARK, TDX chains at Intel's
 * SGX Root CA, never the other way round. */
enum trust_vendor { TRUST_AMD, TRUST_INTEL };

/* The trust anchors for a chain: with --root, the certificates in that file; else the
 * self-signed certificates among candidates whose SHA-256 fingerprint is one of the
 * vendor's built-in pins (AMD: ARK-Milan, ARK-Genoa; Intel: SGX Root CA; see x509.c).
 * Returns a new stack (possibly empty) or NULL. */
STACK_OF(X509) *trust_anchors(enum trust_vendor vendor, const char *root_file, STACK_OF(X509) *candidates);

/* Verifies leaf up to one of anchors through untrusted. crls may be NULL (no
 * revocation check: the caller says so); when given and non-empty, every
 * certificate of the chain must have its issuer's CRL there, current and not
 * listing it. at: NULL = now. Returns 1 valid, 0 invalid (reason in err), <0 on
 * OpenSSL failure. */
int x509_verify_chain(X509 *leaf, STACK_OF(X509) *untrusted, STACK_OF(X509) *anchors,
		      STACK_OF(X509_CRL) *crls, const time_t *at, char *err, size_t errlen);

/* ECDSA verification with r and s as big-endian integers (any length; leading zeros
 * allowed). Returns 1 valid, 0 invalid, <0 error. */
int ecdsa_verify_rs(EVP_PKEY *key, const EVP_MD *md, const uint8_t *msg, size_t len,
		    const uint8_t *r, size_t rlen, const uint8_t *s, size_t slen);

/* A P-256 public key from 64 bytes x || y. */
EVP_PKEY *ec_p256_from_xy(const uint8_t xy[64]);

/* The DER contents of an extension given by dotted OID, or NULL. */
const ASN1_OCTET_STRING *x509_ext_data(X509 *x, const char *oid);

/* "2025-01-31", "2025-01-31T12:00:00Z" or "@SECONDS". Returns 0 or -EINVAL. */
int parse_time_arg(const char *s, time_t *ret);

/* ISO 8601 UTC "YYYY-MM-DDTHH:MM:SSZ" (fractions allowed) as in Intel collateral. */
int parse_iso8601(const char *s, time_t *ret);

#endif
