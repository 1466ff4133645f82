/* SPDX-License-Identifier: Apache-2.0 */
/* TPM 2.0 quote verification: the TPMS_ATTEST signature by the attestation key
 * (RSASSA, RSA-PSS or ECDSA, as the TPMT_SIGNATURE says), the nonce (extraData),
 * and pcrDigest against supplied PCR values — themselves optionally
 * checked against a replayed firmware event log.
 *
 * TPM 2.0 Part 3 §18.4 (TPM2_Quote): the signature is over H(TPMS_ATTEST) with the
 * scheme's hash; pcrDigest is H(PCR values in selection order) with the same hash.
 * qualifiedSigner is the key's *qualified* name (it hashes in every ancestor's name,
 * Part 1 §16), so without the parent chain it cannot be checked against the key and
 * is only shown. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "measure/digest.h"
#include "evidence.h"
#include "util/file.h"
#include "util/hex.h"
#include "evidence/tcg_eventlog.h"
#include "evidence/tpm_attest.h"

#define TPM_FILE_MAX (64 * 1024)

static const char *const tpm_fields[] = { "extra_data", "pcr_digest", "qualified_signer", NULL };

/* PCR values of one bank from a file: text lines "N HEX" (as tpm2_pcrread-style
 * dumps and the samples' pcrs_*.txt), or the binary concatenation of PCR 0..23. */
struct pcr_file {
	enum digest_alg alg;
	uint32_t have;
	uint8_t v[TCG_NUM_PCRS][DIGEST_MAX];
};

static int alg_by_len(size_t n, enum digest_alg *ret)
{
	static const enum digest_alg algs[] = { DIGEST_SHA1, DIGEST_SHA256, DIGEST_SHA384, DIGEST_SHA512 };

	for (size_t i = 0; i < 4; i++)
		if (digest_len(algs[i]) == n) {
			*ret = algs[i];
			return 0;
		}
	return -EINVAL;
}

/* buf is either 24 raw digests of one length or "INDEX HEX" lines; the text form
 * is split in place. */
static int pcr_file_parse(uint8_t *buf, size_t len, struct pcr_file *ret)
{
	struct pcr_file pf = { 0 };
	int r = 0;

	if (len % TCG_NUM_PCRS == 0 && alg_by_len(len / TCG_NUM_PCRS, &pf.alg) == 0 &&
	    memchr(buf, 0, len)) {
		size_t n = len / TCG_NUM_PCRS;

		for (int i = 0; i < TCG_NUM_PCRS; i++)
			memcpy(pf.v[i], buf + n * (size_t)i, n);
		pf.have = 0xFFFFFF;
	} else {
		char *save = NULL, *line;
		int have_alg = 0;

		for (line = strtok_r((char *)buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char hexs[2 * DIGEST_MAX + 2];
			unsigned idx;
			enum digest_alg a;
			size_t n;

			if (sscanf(line, "%u %129s", &idx, hexs) != 2 || idx >= TCG_NUM_PCRS) {
				r = -EINVAL;
				break;
			}
			n = strlen(hexs) / 2;
			if (alg_by_len(n, &a) < 0 || (have_alg && a != pf.alg) ||
			    hex_decode_exact(hexs, pf.v[idx], n) < 0) {
				r = -EINVAL;
				break;
			}
			pf.alg = a;
			have_alg = 1;
			pf.have |= UINT32_C(1) << idx;
		}
		if (!pf.have)
			r = -EINVAL;
	}
	if (r < 0)
		return r;
	*ret = pf;
	return 0;
}

static int pcr_file_load(const char *path, struct pcr_file *ret)
{
	uint8_t *buf = NULL;
	size_t len;
	int r = file_read_all(path, TPM_FILE_MAX, &buf, &len);

	if (r == 0)
		r = pcr_file_parse(buf, len, ret);
	free(buf);
	return r;
}

EVP_PKEY *tpm_public_to_pkey(const struct tpm_public *p)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;
	BIGNUM *n = NULL, *e = NULL;
	uint8_t pt[1 + 2 * 66];
	const char *group = NULL;

	if (!bld)
		return NULL;
	if (p->type == TPM_ALG_RSA) {
		n = BN_bin2bn(p->n, (int)p->n_len, NULL);
		/* exponent 0 means the default 2^16+1 (Part 2 §12.2.3.5) */
		e = BN_new();
		if (!n || !e || !BN_set_word(e, p->exponent ? p->exponent : 65537) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
			goto out;
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	} else {
		size_t cl = 0;

		switch (p->curve) {
		case TPM_ECC_NIST_P256: group = "prime256v1"; cl = 32; break;
		case TPM_ECC_NIST_P384: group = "secp384r1"; cl = 48; break;
		case TPM_ECC_NIST_P521: group = "secp521r1"; cl = 66; break;
		default: goto out;
		}
		if (p->x_len > cl || p->y_len > cl)
			goto out;
		/* Coordinates are TPM2B buffers that may drop leading zeros. */
		memset(pt, 0, sizeof(pt));
		pt[0] = 0x04;
		memcpy(pt + 1 + cl - p->x_len, p->x, p->x_len);
		memcpy(pt + 1 + 2 * cl - p->y_len, p->y, p->y_len);
		if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ||
		    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, 1 + 2 * cl))
			goto out;
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	}
	params = OSSL_PARAM_BLD_to_param(bld);
	if (!ctx || !params || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
		key = NULL;
out:
	ERR_clear_error();
	BN_free(n);
	BN_free(e);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	return key;
}

static const EVP_MD *md_of(uint16_t tpm_alg)
{
	switch (tpm_alg) {
	case TPM_ALG_SHA1: return EVP_sha1();
	case TPM_ALG_SHA256: return EVP_sha256();
	case TPM_ALG_SHA384: return EVP_sha384();
	case TPM_ALG_SHA512: return EVP_sha512();
	}
	return NULL;
}

static int rsa_verify(EVP_PKEY *key, const EVP_MD *md, int pss, const uint8_t *msg, size_t len,
		      const uint8_t *sig, size_t sig_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int r = -EIO;

	if (!ctx || EVP_DigestVerifyInit(ctx, &pctx, md, NULL, key) != 1)
		goto out;
	if (pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1))
		goto out;
	r = EVP_DigestVerify(ctx, sig, sig_len, msg, len) == 1 ? 1 : 0;
out:
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	return r;
}

int tpm_quote_signature_check(const struct tpm_signature *sig, const uint8_t *attest, size_t attest_len,
			      EVP_PKEY *key, const uint8_t *raw, size_t raw_len)
{
	struct tpm_signature s;

	/* No TPMT_SIGNATURE: a bare RSA signature (as Azure's vTPM quote sample ships
	 * it), taken as the TPM's default attestation scheme RSASSA-PKCS1-v1_5/SHA-256. */
	if (sig)
		s = *sig;
	else
		s = (struct tpm_signature){ .sig_alg = TPM_ALG_RSASSA, .hash_alg = TPM_ALG_SHA256,
					    .sig = raw, .sig_len = raw_len };
	if (!md_of(s.hash_alg))
		return 0;
	if (s.sig_alg == TPM_ALG_ECDSA)
		return EVP_PKEY_is_a(key, "EC") ?
			ecdsa_verify_rs(key, md_of(s.hash_alg), attest, attest_len, s.r, s.r_len, s.s, s.s_len) : 0;
	if (s.sig_alg == TPM_ALG_RSASSA || s.sig_alg == TPM_ALG_RSAPSS)
		return EVP_PKEY_is_a(key, "RSA") ? rsa_verify(key, md_of(s.hash_alg), s.sig_alg == TPM_ALG_RSAPSS,
							      attest, attest_len, s.sig, s.sig_len) : 0;
	return 0;
}

/* The attestation key in path: a TPMT_PUBLIC / TPM2B_PUBLIC, whose objectAttributes
 * must make it a restricted signing key bound to its TPM (tpm.ak-attributes), or a
 * bare public key or certificate, which carries no attributes and so fails that
 * check. *ret_key is NULL when no key could be read (tpm.quote-signature fails);
 * *ret_attrs_ok says whether the attributes passed. Returns 0 or a negative errno
 * (unreadable file). */
static int load_ak(const char *path, struct checks *c, EVP_PKEY **ret_key, int *ret_attrs_ok)
{
	struct tpm_public pub;
	const char *problem;
	uint8_t *buf = NULL;
	size_t len;
	int r;

	*ret_key = NULL;
	*ret_attrs_ok = 0;
	r = file_read_all(path, TPM_FILE_MAX, &buf, &len);
	if (r < 0)
		return r;
	if (tpm_public_parse(buf, len, &pub) == 0) {
		problem = tpm_ak_attributes_problem(pub.attributes);
		check(c, "ak-attributes", !problem, "objectAttributes 0x%08x: %s", pub.attributes,
		      problem ? problem : "restricted signing key, fixedTPM, fixedParent");
		*ret_attrs_ok = !problem;
		*ret_key = tpm_public_to_pkey(&pub);
	} else {
		*ret_key = pubkey_load_file(path);
		if (*ret_key)
			check_fail(c, "ak-attributes", "%s: a bare public key or certificate carries no TPM object "
				   "attributes (give the AK's TPMT_PUBLIC)", path);
	}
	free(buf);
	if (!*ret_key)
		check_fail(c, "quote-signature", "%s: not a public key, certificate or TPMT_PUBLIC", path);
	return 0;
}

/* Checks the signature; returns the hash algorithm used (for pcrDigest) or 0. */
static uint16_t check_signature(const uint8_t *attest, size_t attest_len, EVP_PKEY *key,
				const struct ev_opts *o, struct checks *c)
{
	struct tpm_signature s;
	uint8_t *buf = NULL;
	size_t len;
	uint16_t hash = 0;
	int r;

	if (!o->signature) {
		check_fail(c, "quote-signature", "no signature given (--signature FILE)");
		return 0;
	}
	r = file_read_all(o->signature, TPM_FILE_MAX, &buf, &len);
	if (r < 0) {
		check_fail(c, "quote-signature", "%s: %s", o->signature, strerror(-r));
		return 0;
	}
	r = tpm_signature_parse(buf, len, &s);
	if (r < 0 && EVP_PKEY_is_a(key, "RSA") && len == (size_t)EVP_PKEY_get_size(key)) {
		s = (struct tpm_signature){ .sig_alg = TPM_ALG_RSASSA, .hash_alg = TPM_ALG_SHA256,
					    .sig = buf, .sig_len = len };
		r = 0;
	}
	if (r < 0) {
		check_fail(c, "quote-signature", "%s: not a TPMT_SIGNATURE", o->signature);
		goto out;
	}
	r = tpm_quote_signature_check(&s, attest, attest_len, key, NULL, 0);
	check(c, "quote-signature", r == 1, "%s/%s %s", tpm_alg_name(s.sig_alg) ? tpm_alg_name(s.sig_alg) : "?",
	      tpm_alg_name(s.hash_alg) ? tpm_alg_name(s.hash_alg) : "?",
	      r == 1 ? "by the attestation key" : "does not verify with the attestation key");
	if (r == 1)
		hash = s.hash_alg;
out:
	free(buf);
	return hash;
}

/* A firmware log, replayed; the caller frees *ret. */
static int replay_file(const char *path, struct tcg_replay **ret)
{
	struct tcg_replay *rp = malloc(sizeof(*rp));
	uint8_t *log = NULL;
	size_t len;
	int r;

	if (!rp)
		return -ENOMEM;
	r = file_read_all(path, TCG_LOG_MAX_SIZE, &log, &len);
	if (r == 0)
		r = tcg_log_replay(log, len, TCG_LOG_AUTO, rp);
	free(log);
	if (r < 0) {
		free(rp);
		return r;
	}
	*ret = rp;
	return 0;
}

static size_t replay_bank(const struct tcg_replay *rp, enum digest_alg alg)
{
	for (size_t i = 0; i < rp->n_banks; i++)
		if (rp->bank_alg[i] == alg)
			return i;
	return SIZE_MAX;
}

/* The PCRs the quote selects, in any bank (bit i = PCR i). */
static uint32_t quoted_pcrs(const struct tpm_attest *a)
{
	uint32_t set = 0;

	for (size_t b = 0; b < a->n_banks; b++)
		for (unsigned p = 0; p < TCG_NUM_PCRS; p++)
			if (tpm_pcr_is_selected(&a->banks[b], p))
				set |= UINT32_C(1) << p;
	return set;
}

/* "0 1 5" for bits 0, 1, 5. */
static void pcr_list(uint32_t set, char *out, size_t size)
{
	size_t pos = 0;

	out[0] = 0;
	for (unsigned p = 0; p < TCG_NUM_PCRS && pos < size; p++)
		if (set >> p & 1)
			pos += (size_t)snprintf(out + pos, size - pos, "%s%u", pos ? " " : "", p);
}

/* The log vouches only for registers the quote covers: PCRs it extends outside the
 * quote are named as not verified (a skip, which never counts as passed). */
static void report_unquoted(uint32_t extended, uint32_t quoted, struct checks *c)
{
	char list[3 * TCG_NUM_PCRS + 1];

	if (!(extended & ~quoted))
		return;
	pcr_list(extended & ~quoted, list, sizeof(list));
	check_skip(c, "eventlog-unquoted", "the log also extends PCR %s, which the quote does not cover: "
		   "those events are not verified", list);
}

/* PCR values of the quoted bank replayed from a firmware log alone: PCRs the log
 * never extends keep their reset value — zero, except PCR 17..22, which a PC Client
 * TPM resets to all ones (PC Client Platform TPM Profile, "PCR reset values").
 * *ret_extended: the PCRs the log extends. */
static int pcrs_from_log(const char *path, const struct tpm_attest *a, struct pcr_file *ret, uint32_t *ret_extended)
{
	struct tcg_replay *rp = NULL;
	enum digest_alg want;
	size_t bank;
	int r;

	r = a->n_banks == 1 ? digest_from_tpm_alg(a->banks[0].hash, &want) : -EOPNOTSUPP;
	if (r == 0)
		r = replay_file(path, &rp);
	if (r < 0)
		return r;
	bank = replay_bank(rp, want);
	if (bank == SIZE_MAX) {
		free(rp);
		return -ENOENT;
	}
	memset(ret, 0, sizeof(*ret));
	ret->alg = want;
	ret->have = 0xFFFFFF;
	for (unsigned p = 0; p < TCG_NUM_PCRS; p++) {
		if (rp->extended[bank] >> p & 1)
			memcpy(ret->v[p], rp->reg[bank][p], digest_len(want));
		else
			memset(ret->v[p], p >= 17 && p <= 22 ? 0xFF : 0, digest_len(want));
	}
	*ret_extended = rp->extended[bank];
	free(rp);
	return 0;
}

/* pcrDigest against the values in pf (read from src). Returns 1 when it matches. */
static int check_pcr_digest(const struct tpm_attest *a, uint16_t sig_hash, const struct pcr_file *pf,
			    const char *src, struct checks *c)
{
	enum digest_alg dalg;
	struct digest_ctx *ctx;
	uint8_t d[DIGEST_MAX];
	int ok;

	/* The digest's hash is the signing scheme's; without a verified signature fall
	 * back to the algorithm whose length pcrDigest has. */
	if ((sig_hash ? digest_from_tpm_alg(sig_hash, &dalg) : alg_by_len(a->pcr_digest_len, &dalg)) < 0) {
		check_fail(c, "pcr-digest", "cannot tell pcrDigest's hash");
		return 0;
	}
	ctx = digest_begin(dalg);
	if (!ctx) {
		check_fail(c, "pcr-digest", "hash failure");
		return 0;
	}
	for (size_t b = 0; b < a->n_banks; b++) {
		enum digest_alg bank;

		if (digest_from_tpm_alg(a->banks[b].hash, &bank) < 0 || bank != pf->alg) {
			digest_abort(ctx);
			check_fail(c, "pcr-digest", "quote selects bank %s, %s holds %s",
				   tpm_alg_name(a->banks[b].hash) ? tpm_alg_name(a->banks[b].hash) : "?", src,
				   digest_name(pf->alg));
			return 0;
		}
		for (unsigned p = 0; p < 8u * a->banks[b].size; p++) {
			if (!tpm_pcr_is_selected(&a->banks[b], p))
				continue;
			if (p >= TCG_NUM_PCRS || !(pf->have >> p & 1)) {
				digest_abort(ctx);
				check_fail(c, "pcr-digest", "PCR %u is quoted but not in %s", p, src);
				return 0;
			}
			(void)digest_update(ctx, pf->v[p], digest_len(pf->alg));
		}
	}
	if (digest_end(ctx, d) < 0) {
		check_fail(c, "pcr-digest", "hash failure");
		return 0;
	}
	ok = a->pcr_digest_len == digest_len(dalg) && memcmp(d, a->pcr_digest, a->pcr_digest_len) == 0;
	check(c, "pcr-digest", ok, "%s of the selected %s PCRs %s pcrDigest", digest_name(dalg),
	      digest_name(pf->alg), ok ? "equals" : "differs from");
	return ok;
}

/* The log against the supplied PCR values. Only values the quote authenticated
 * (AK attributes, signature and pcrDigest verified) can vouch for it, and only for the PCRs the
 * quote covers: each of those the log extends must replay to its quoted value. */
static void check_eventlog(const char *path, const struct pcr_file *pf, uint32_t quoted, int authentic,
			   struct checks *c)
{
	struct tcg_replay *rp = NULL;
	char list[3 * TCG_NUM_PCRS + 1];
	uint32_t covered;
	size_t bank;
	int r;

	r = replay_file(path, &rp);
	if (r < 0) {
		check_fail(c, "eventlog", "%s: cannot replay (%s)", path, strerror(-r));
		return;
	}
	bank = replay_bank(rp, pf->alg);
	if (bank == SIZE_MAX) {
		check_fail(c, "eventlog", "the log has no %s bank", digest_name(pf->alg));
		goto out;
	}
	if (!authentic) {
		check_skip(c, "eventlog", "not verified: the quote does not authenticate the PCR values "
			   "(ak-attributes, quote-signature, pcr-digest)");
		goto out;
	}
	covered = rp->extended[bank] & quoted;
	for (unsigned p = 0; p < TCG_NUM_PCRS; p++)
		if ((covered >> p & 1) && memcmp(rp->reg[bank][p], pf->v[p], digest_len(pf->alg)) != 0) {
			check_fail(c, "eventlog", "PCR %u: replayed value differs from the quoted one", p);
			goto out;
		}
	pcr_list(covered, list, sizeof(list));
	if (!covered)
		check_fail(c, "eventlog", "the log extends none of the quoted PCRs: nothing in it is verified");
	else
		check_ok(c, "eventlog", "replays to the quoted %s PCRs it extends: %s", digest_name(pf->alg), list);
	report_unquoted(rp->extended[bank], quoted, c);
out:
	free(rp);
}

/* ak_ok: the AK's attributes passed, so its signature can only be over a quote the
 * TPM made. */
static void check_pcrs(const struct tpm_attest *a, uint16_t sig_hash, int ak_ok, const struct ev_opts *o,
		       struct checks *c)
{
	const char *src = o->pcrs ? o->pcrs : o->eventlog;
	uint32_t log_extended = 0;
	struct pcr_file pf;
	int r, digest_ok;

	if (!o->pcrs && !o->eventlog) {
		check_skip(c, "pcr-digest", "no PCR values given (--pcrs FILE or --eventlog FILE)");
		return;
	}
	r = o->pcrs ? pcr_file_load(o->pcrs, &pf) : pcrs_from_log(o->eventlog, a, &pf, &log_extended);
	if (r < 0) {
		check_fail(c, "pcr-digest", "%s: %s (%s)", src, o->pcrs ? "unreadable PCR values" : "cannot replay",
			   strerror(-r));
		return;
	}
	digest_ok = check_pcr_digest(a, sig_hash, &pf, src, c);
	if (!o->pcrs)
		report_unquoted(log_extended, quoted_pcrs(a), c);
	else if (o->eventlog)
		check_eventlog(o->eventlog, &pf, quoted_pcrs(a), ak_ok && sig_hash != 0 && digest_ok, c);
}

int ev_verify_tpm(const uint8_t *buf, size_t len, const struct ev_opts *o, struct checks *c)
{
	struct tpm_attest a;
	EVP_PKEY *key = NULL;
	int r, ak_ok = 0;
	uint16_t hash = 0;

	r = tpm_attest_parse(buf, len, &a);
	if (r < 0) {
		check_fail(c, "format", "not a TPM2 quote (TPMS_ATTEST): %s", strerror(-r));
		return 0;
	}
	check_ok(c, "format", "TPMS_ATTEST quote, %zu bank(s) selected", a.n_banks);

	if (!o->cert) {
		check_fail(c, "quote-signature", "no attestation key given (--cert)");
	} else {
		r = load_ak(o->cert, c, &key, &ak_ok);
		if (r < 0)
			return r;
		if (key)
			hash = check_signature(buf, len, key, o, c);
	}
	if (o->have_nonce)
		check(c, "nonce", a.extra_data_len == o->nonce_len && memcmp(a.extra_data, o->nonce, o->nonce_len) == 0,
		      "extraData %s the nonce", a.extra_data_len == o->nonce_len &&
		      memcmp(a.extra_data, o->nonce, o->nonce_len) == 0 ? "equals" : "differs from");
	else
		check_skip(c, "nonce", "no --nonce given");
	check_pcrs(&a, hash, ak_ok, o, c);

	ev_check_expect(o, c, "extra_data", a.extra_data, a.extra_data_len);
	ev_check_expect(o, c, "pcr_digest", a.pcr_digest, a.pcr_digest_len);
	ev_check_expect(o, c, "qualified_signer", a.qualified_signer, a.qualified_signer_len);
	ev_check_expect_fields_known(o, c, tpm_fields, "a TPM quote");
	EVP_PKEY_free(key);
	return 0;
}
