/* SPDX-License-Identifier: Apache-2.0 */
/* X.509, CRL and raw-signature helpers for evidence verification (OpenSSL 3.0). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/x509v3.h>

#include "evidence.h"
#include "util/base64.h"
#include "util/file.h"
#include "util/strnum.h"

#define CERT_FILE_MAX (1024 * 1024)

/* Built-in trust anchors, pinned by the SHA-256 of the DER certificate (what
 * `openssl x509 -noout -fingerprint -sha256` prints). Sources: AMD's KDS
 * (https://kdsintf.amd.com/vcek/v1/{Milan,Genoa}/cert_chain, the copies in
 * google/go-sev-guest verify/trust/) and Intel's SGX Root CA
 * (https://certificates.trustedservices.intel.com/Intel_SGX_Provisioning_Certification_RootCA.pem,
 * the copy in google/go-tdx-guest). --root replaces them. */
static const struct {
	const char *name;
	enum trust_vendor vendor; /* an AMD root never anchors a TDX chain, nor v.v. */
	uint8_t sha256[32];
} pins[] = {
	{ "AMD ARK-Milan", TRUST_AMD, { 0x69, 0xD0, 0x63, 0xB4, 0x53, 0x44, 0xD2, 0x6A, 0x2E, 0x94, 0xE1,
			     0xF4, 0x21, 0x0D, 0xE4, 0x9E, 0xF5, 0x55, 0x30, 0x82, 0x87, 0xD4,
			     0xC1, 0x74, 0x44, 0x5C, 0x95, 0x63, 0x9A, 0x54, 0x0B, 0xCD } },
	{ "AMD ARK-Genoa", TRUST_AMD, { 0x4C, 0x65, 0x98, 0xD1, 0x9C, 0x18, 0x71, 0x9C, 0x5D, 0xFD, 0x4A,
			     0x7D, 0x33, 0x5F, 0x67, 0x4E, 0x5B, 0xFE, 0x1D, 0x8F, 0x80, 0x0C,
			     0xEA, 0x2C, 0xF2, 0x70, 0xC1, 0x0D, 0x10, 0x3D, 0xB2, 0xF1 } },
	{ "Intel SGX Root CA", TRUST_INTEL, { 0x44, 0xA0, 0x19, 0x6B, 0x2B, 0x99, 0xF8, 0x89, 0xB8, 0xE1, 0x49,
				 0xE9, 0x5B, 0x80, 0x7A, 0x35, 0x0E, 0x74, 0x24, 0x96, 0x43, 0x99,
				 0xE8, 0x85, 0xA7, 0xCB, 0xB8, 0xCC, 0xFA, 0xB6, 0x74, 0xD3 } },
};

/* ---- check reporting ---- */

static void vline(struct checks *c, const char *tag, const char *name, const char *fmt, va_list ap)
{
	if (!c->out)
		return;
	fprintf(c->out, "%-5s %s%s", tag, c->prefix ? c->prefix : "", name);
	if (fmt && *fmt) {
		fputs(": ", c->out);
		vfprintf(c->out, fmt, ap);
	}
	fputc('\n', c->out);
}

static void note_failure(struct checks *c, const char *name)
{
	size_t n = strlen(c->failed);

	c->fail++;
	if (n + strlen(name) + 2 < sizeof(c->failed))
		snprintf(c->failed + n, sizeof(c->failed) - n, "%s%s", n ? " " : "", name);
}

static void vreport(struct checks *c, enum check_status status, const char *name, const char *fmt,
		    va_list ap)
{
	static const char *const tags[] = { [CHECK_OK] = "ok", [CHECK_FAIL] = "FAIL", [CHECK_SKIP] = "skip" };

	vline(c, tags[status], name, fmt, ap);
	if (status == CHECK_OK)
		c->pass++;
	else if (status == CHECK_FAIL)
		note_failure(c, name);
	else
		c->skip++;
}

void check_report(struct checks *c, enum check_status status, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, status, name, fmt, ap);
	va_end(ap);
}

void check(struct checks *c, const char *name, int ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, ok ? CHECK_OK : CHECK_FAIL, name, fmt, ap);
	va_end(ap);
}

/* ---- loading ---- */

void x509_free_stack(STACK_OF(X509) *sk)
{
	sk_X509_pop_free(sk, X509_free);
}

/* What a loader reads: certificates, CRLs or public keys (SubjectPublicKeyInfo). */
enum der_kind { DER_CERT, DER_CRL, DER_PUBKEY };

static const char *const pem_labels[] = {
	[DER_CERT] = "CERTIFICATE",
	[DER_CRL] = "X509 CRL",
	[DER_PUBKEY] = "PUBLIC KEY",
};

static void der_free(enum der_kind kind, void *obj)
{
	switch (kind) {
	case DER_CERT:
		X509_free(obj);
		break;
	case DER_CRL:
		X509_CRL_free(obj);
		break;
	case DER_PUBKEY:
		EVP_PKEY_free(obj);
		break;
	}
}

/* Exactly one DER object of the kind filling all len bytes, or NULL: no byte may
 * follow it, so no byte of the input can change without changing the object. */
static void *der_exact(enum der_kind kind, const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	void *obj = NULL;

	if (len > INT32_MAX)
		return NULL;
	switch (kind) {
	case DER_CERT:
		obj = d2i_X509(NULL, &p, (long)len);
		break;
	case DER_CRL:
		obj = d2i_X509_CRL(NULL, &p, (long)len);
		break;
	case DER_PUBKEY:
		obj = d2i_PUBKEY(NULL, &p, (long)len);
		break;
	}
	if (obj && p != der + len) {
		der_free(kind, obj);
		obj = NULL;
	}
	ERR_clear_error();
	return obj;
}

/* The base64 body of one PEM block (lines ending in '\n'), decoded by the strict
 * lib/util/base64 (padding required, canonical trailing bits) and parsed as exactly one
 * DER object: a block that decodes to anything more or less is refused. */
static void *pem_body_strict(enum der_kind kind, const uint8_t *b, size_t n)
{
	char *text = malloc(n + 1);
	uint8_t *der = malloc(n);
	size_t tl = 0, dl = 0;
	void *obj = NULL;

	if (!text || !der)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (b[i] == '\n')
			continue;
		text[tl++] = (char)b[i];
	}
	text[tl] = 0;
	if (n == 0 || b[n - 1] != '\n' || base64_decode(text, tl, der, n, &dl) < 0)
		goto out;
	obj = der_exact(kind, der, dl);
out:
	free(text);
	free(der);
	return obj;
}

/* How PEM blocks may sit in their container. OpenSSL's PEM reader skips anything it
 * does not recognise, which would let a damaged block (a leaf, a CRL) silently drop
 * out; neither framing skips anything but the separators it names. */
enum pem_framing {
	PEM_PACKED, /* the TD quote's PCK chain: blocks back to back, then only NUL padding */
	PEM_FILE,   /* a file: blocks separated by white space (the last newline optional) */
};

/* Reads the objects of one kind out of a buffer, one at a time. */
struct der_reader {
	const uint8_t *buf;
	size_t len, pos;
	enum der_kind kind;
	enum pem_framing framing;
	int raw_der; /* the whole buffer is one DER object */
};

static int pem_space(uint8_t b)
{
	return b == ' ' || b == '\t' || b == '\n';
}

/* 1 and the next object in *ret, 0 at a clean end, -EINVAL on anything else. */
static int der_reader_next(struct der_reader *r, void **ret)
{
	char begin[32], end[32];
	size_t bl, el, p = r->pos;
	const uint8_t *e;

	*ret = NULL;
	if (r->raw_der) {
		if (p > 0)
			return 0;
		r->pos = r->len;
		*ret = der_exact(r->kind, r->buf, r->len);
		return *ret ? 1 : -EINVAL;
	}
	if (r->framing == PEM_FILE)
		while (p < r->len && pem_space(r->buf[p]))
			p++;
	if (p == r->len)
		return 0;
	if (r->framing == PEM_PACKED && r->buf[p] == 0) {
		for (; p < r->len; p++)
			if (r->buf[p] != 0)
				return -EINVAL;
		return 0;
	}
	bl = (size_t)snprintf(begin, sizeof(begin), "-----BEGIN %s-----\n", pem_labels[r->kind]);
	el = (size_t)snprintf(end, sizeof(end), "-----END %s-----", pem_labels[r->kind]);
	if (r->len - p < bl || memcmp(r->buf + p, begin, bl) != 0)
		return -EINVAL;
	e = memmem(r->buf + p + bl, r->len - p - bl, end, el);
	if (!e)
		return -EINVAL;
	r->pos = (size_t)(e - r->buf) + el;
	if (r->pos < r->len && r->buf[r->pos] == '\n')
		r->pos++;
	else if (r->framing == PEM_PACKED || (r->pos < r->len && !pem_space(r->buf[r->pos])))
		return -EINVAL;
	*ret = pem_body_strict(r->kind, r->buf + p + bl, (size_t)(e - r->buf) - p - bl);
	return *ret ? 1 : -EINVAL;
}

/* One or more certificates, and nothing else. */
static STACK_OF(X509) *read_certs(struct der_reader *r)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	void *x;
	int got;

	if (!sk) {
		errno = ENOMEM;
		return NULL;
	}
	while ((got = der_reader_next(r, &x)) == 1)
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			goto fail;
		}
	if (got < 0 || sk_X509_num(sk) == 0)
		goto fail;
	return sk;
fail:
	x509_free_stack(sk);
	errno = EINVAL;
	return NULL;
}

/* Exactly one object, and nothing else. */
static void *read_one(struct der_reader *r)
{
	void *obj, *more;

	if (der_reader_next(r, &obj) != 1)
		goto fail;
	if (der_reader_next(r, &more) != 0) {
		der_free(r->kind, more);
		der_free(r->kind, obj);
		goto fail;
	}
	return obj;
fail:
	errno = EINVAL;
	return NULL;
}

STACK_OF(X509) *x509_load_pem_strict(const uint8_t *buf, size_t len)
{
	struct der_reader r = { .buf = buf, .len = len, .kind = DER_CERT, .framing = PEM_PACKED };

	return read_certs(&r);
}

/* A file's bytes with CR LF line ends made LF when it is PEM (a DER file is left
 * as it is). NULL with errno set. */
static uint8_t *read_cert_file(const char *path, size_t *ret_len, int *ret_pem)
{
	uint8_t *buf = NULL;
	size_t len, n = 0;
	int r;

	r = file_read_all(path, CERT_FILE_MAX, &buf, &len);
	if (r < 0) {
		errno = -r;
		return NULL;
	}
	*ret_pem = memmem(buf, len, "-----BEGIN", 10) != NULL;
	if (*ret_pem)
		for (size_t i = 0; i < len; i++)
			if (!(buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n'))
				buf[n++] = buf[i];
	*ret_len = *ret_pem ? n : len;
	return buf;
}

/* The certificates (many) or the one object of a kind in a file. NULL with errno set. */
static void *file_objects(const char *path, enum der_kind kind, int many)
{
	struct der_reader r = { .kind = kind, .framing = PEM_FILE };
	uint8_t *buf;
	void *obj;
	int pem;

	buf = read_cert_file(path, &r.len, &pem);
	if (!buf)
		return NULL;
	r.buf = buf;
	r.raw_der = !pem;
	obj = many ? (void *)read_certs(&r) : read_one(&r);
	free(buf);
	return obj;
}

STACK_OF(X509) *x509_load_file(const char *path)
{
	return file_objects(path, DER_CERT, 1);
}

X509_CRL *crl_load_file(const char *path)
{
	return file_objects(path, DER_CRL, 0);
}

EVP_PKEY *pubkey_load_file(const char *path)
{
	EVP_PKEY *k = file_objects(path, DER_PUBKEY, 0);
	X509 *x;

	if (k || errno != EINVAL)
		return k;
	x = file_objects(path, DER_CERT, 0);
	k = x ? X509_get_pubkey(x) : NULL;
	X509_free(x);
	if (!k)
		errno = EINVAL;
	return k;
}

/* ---- trust ---- */

static int is_pinned(X509 *x, enum trust_vendor vendor)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned n = 0;

	if (!X509_digest(x, EVP_sha256(), md, &n) || n != 32)
		return 0;
	for (size_t i = 0; i < sizeof(pins) / sizeof(pins[0]); i++)
		if (pins[i].vendor == vendor && memcmp(md, pins[i].sha256, 32) == 0)
			return 1;
	return 0;
}

static int self_signed(X509 *x)
{
	return X509_check_issued(x, x) == X509_V_OK;
}

STACK_OF(X509) *trust_anchors(enum trust_vendor vendor, const char *root_file, STACK_OF(X509) *candidates)
{
	STACK_OF(X509) *out;

	if (root_file)
		return x509_load_file(root_file);
	out = sk_X509_new_null();
	if (!out)
		return NULL;
	for (int i = 0; candidates && i < sk_X509_num(candidates); i++) {
		X509 *x = sk_X509_value(candidates, i);

		if (self_signed(x) && is_pinned(x, vendor)) {
			if (!X509_up_ref(x) || !sk_X509_push(out, x)) {
				x509_free_stack(out);
				return NULL;
			}
		}
	}
	return out;
}

int x509_verify_chain(X509 *leaf, STACK_OF(X509) *untrusted, STACK_OF(X509) *anchors,
		      STACK_OF(X509_CRL) *crls, const time_t *at, char *err, size_t errlen)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	/* Not X509_V_FLAG_X509_STRICT: AMD's VCEK/VLEK certificates carry no Authority
	 * Key Identifier, which strict mode refuses. */
	unsigned long flags = 0;
	int r = -EIO, ok;

	if (!store || !ctx)
		goto out;
	if (sk_X509_num(anchors) == 0) {
		snprintf(err, errlen, "no pinned trust anchor (give --root)");
		r = 0;
		goto out;
	}
	for (int i = 0; i < sk_X509_num(anchors); i++)
		if (!X509_STORE_add_cert(store, sk_X509_value(anchors, i)))
			goto out;
	/* Only the pinned anchors are trusted: a self-signed certificate that merely
	 * arrives with the evidence stays untrusted. Partial chains are not accepted. */
	if (crls && sk_X509_CRL_num(crls) > 0) {
		for (int i = 0; i < sk_X509_CRL_num(crls); i++)
			if (!X509_STORE_add_crl(store, sk_X509_CRL_value(crls, i)))
				goto out;
		/* Every certificate of the chain is checked against its issuer's CRL, and
		 * an issuer without a CRL here fails the chain ("unable to get certificate
		 * CRL"): a revoked certificate must not pass because its CRL was left out. */
		flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL;
	}
	if (!X509_STORE_CTX_init(ctx, store, leaf, untrusted))
		goto out;
	if (at) {
		X509_STORE_CTX_set_time(ctx, 0, *at);
		flags |= X509_V_FLAG_USE_CHECK_TIME;
	}
	X509_STORE_CTX_set_flags(ctx, flags);
	ok = X509_verify_cert(ctx);
	if (ok == 1) {
		r = 1;
	} else {
		int e = X509_STORE_CTX_get_error(ctx);
		X509 *bad = X509_STORE_CTX_get_current_cert(ctx);
		char name[256] = "?";

		if (bad)
			X509_NAME_oneline(X509_get_subject_name(bad), name, sizeof(name));
		snprintf(err, errlen, "%s (at depth %d, %s)", X509_verify_cert_error_string(e),
			 X509_STORE_CTX_get_error_depth(ctx), name);
		r = 0;
	}
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return r;
}

/* ---- raw signatures ---- */

int ecdsa_verify_rs(EVP_PKEY *key, const EVP_MD *md, const uint8_t *msg, size_t len,
		    const uint8_t *r, size_t rlen, const uint8_t *s, size_t slen)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *br = BN_bin2bn(r, (int)rlen, NULL), *bs = BN_bin2bn(s, (int)slen, NULL);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char *der = NULL;
	int derlen, ret = -EIO;

	if (!sig || !br || !bs || !ctx || !ECDSA_SIG_set0(sig, br, bs))
		goto out;
	br = bs = NULL; /* owned by sig */
	derlen = i2d_ECDSA_SIG(sig, &der);
	if (derlen <= 0)
		goto out;
	if (EVP_DigestVerifyInit(ctx, NULL, md, NULL, key) != 1)
		goto out;
	ret = EVP_DigestVerify(ctx, der, (size_t)derlen, msg, len) == 1 ? 1 : 0;
out:
	ERR_clear_error();
	OPENSSL_free(der);
	BN_free(br);
	BN_free(bs);
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(ctx);
	return ret;
}

EVP_PKEY *ec_p256_from_xy(const uint8_t xy[64])
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *key = NULL;
	uint8_t pt[65];

	pt[0] = 0x04; /* uncompressed point (SEC 1 §2.3.3) */
	memcpy(pt + 1, xy, 64);
	if (!bld || !pctx ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt)) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)) || EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
		key = NULL;
	ERR_clear_error();
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(pctx);
	return key;
}

const ASN1_OCTET_STRING *x509_ext_data(X509 *x, const char *oid)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	int i;

	if (!obj)
		return NULL;
	i = X509_get_ext_by_OBJ(x, obj, -1);
	ASN1_OBJECT_free(obj);
	if (i < 0)
		return NULL;
	return X509_EXTENSION_get_data(X509_get_ext(x, i));
}

/* ---- time ---- */

/* Exactly n decimal digits (fixed-width date fields). */
static int parse_fixed_digits(const char *s, size_t n, int *ret)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return 0;
}

int parse_iso8601(const char *s, time_t *ret)
{
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, sec = 0;
	size_t n = strlen(s);
	const char *rest;
	time_t t;

	if (n < 10 || s[4] != '-' || s[7] != '-' || parse_fixed_digits(s, 4, &y) < 0 ||
	    parse_fixed_digits(s + 5, 2, &mo) < 0 || parse_fixed_digits(s + 8, 2, &d) < 0)
		return -EINVAL;
	rest = s + 10;
	if (*rest == 'T') {
		if (strlen(rest) < 9 || rest[3] != ':' || rest[6] != ':' ||
		    parse_fixed_digits(rest + 1, 2, &h) < 0 || parse_fixed_digits(rest + 4, 2, &mi) < 0 ||
		    parse_fixed_digits(rest + 7, 2, &sec) < 0)
			return -EINVAL;
		rest += 9;
		if (*rest == '.') { /* fraction of a second: ignored */
			rest++;
			if (*rest < '0' || *rest > '9')
				return -EINVAL;
			while (*rest >= '0' && *rest <= '9')
				rest++;
		}
		if (strcmp(rest, "Z") != 0)
			return -EINVAL;
	} else if (*rest) {
		return -EINVAL;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -EINVAL;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -EINVAL;
	*ret = t;
	return 0;
}

int parse_time_arg(const char *s, time_t *ret)
{
	if (s[0] == '@') {
		uint64_t v;

		if (parse_uint(s + 1, 10, INT64_MAX, &v) < 0)
			return -EINVAL;
		*ret = (time_t)v;
		return 0;
	}
	return parse_iso8601(s, ret);
}
