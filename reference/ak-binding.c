/* SPDX-License-Identifier: Apache-2.0 */
/* tpm.ak-binding: the vTPM attestation key bound to a pinned EK certificate by
 * credential activation (ak-binding.h; TPM 2.0 Part 1 §24, Part 3
 * TPM2_MakeCredential / TPM2_ActivateCredential; TCG EK Credential Profile). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "ak-binding.h"
#include "challenge-record.h"
#include "evidence.h"
#include "evidence/tpm_attest.h"
#include "util/base64.h"
#include "util/file.h"
#include "util/hex.h"

#define EK_CERT_MAX 4096
#define AK_PUBLIC_MAX 1024
#define ANSWER_FILE_MAX 1024

static int say(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int say(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
	return 0;
}

void evidence_ak_free(struct evidence_ak *ak)
{
	EVP_PKEY_free(ak->key);
	memset(ak, 0, sizeof(*ak));
}

EVP_PKEY *evidence_ak_key(const struct json_value *tpm)
{
	const char *hex = json_get_string(tpm, "ak_public");
	uint8_t buf[AK_PUBLIC_MAX];
	struct tpm_public pub;
	size_t len;

	if (!hex || hex_decode(hex, buf, sizeof(buf), &len) < 0 || tpm_public_parse(buf, len, &pub) < 0)
		return NULL;
	return tpm_public_to_pkey(&pub);
}

int evidence_ak_load(const struct json_value *tpm, struct evidence_ak *ret, char *err, size_t errlen)
{
	const char *hex = json_get_string(tpm, "ak_public"), *problem;
	uint8_t buf[AK_PUBLIC_MAX];
	struct tpm_public pub;
	size_t len;

	memset(ret, 0, sizeof(*ret));
	if (!hex || hex_decode(hex, buf, sizeof(buf), &len) < 0 || tpm_public_parse(buf, len, &pub) < 0)
		return say(err, errlen, "ak_public is not a TPM2B_PUBLIC");
	problem = tpm_ak_attributes_problem(pub.attributes);
	if (problem)
		return say(err, errlen, "AK objectAttributes 0x%08x: %s", pub.attributes, problem);
	if (tpm_public_name(&pub, ret->name, &ret->name_len) < 0 || ret->name_len > AK_NAME_MAX)
		return say(err, errlen, "AK nameAlg 0x%04x unsupported", pub.name_alg);
	ret->key = tpm_public_to_pkey(&pub);
	if (!ret->key)
		return say(err, errlen, "ak_public: unsupported key");
	ret->attributes = pub.attributes;
	return 1;
}

/* The anchors (self-signed) and intermediates (the rest) of the --ek-ca file. */
static int load_ek_ca(const char *path, STACK_OF(X509) **anchors, STACK_OF(X509) **inter)
{
	STACK_OF(X509) *all = x509_load_file(path);

	*anchors = sk_X509_new_null();
	*inter = sk_X509_new_null();
	if (!all || !*anchors || !*inter) {
		x509_free_stack(all);
		return -EINVAL;
	}
	while (sk_X509_num(all) > 0) {
		X509 *x = sk_X509_shift(all);
		int self = X509_check_issued(x, x) == X509_V_OK;

		if (!sk_X509_push(self ? *anchors : *inter, x)) {
			X509_free(x);
			x509_free_stack(all);
			return -ENOMEM;
		}
	}
	x509_free_stack(all);
	ERR_clear_error();
	return 0;
}

int evidence_ek_verify(const struct json_value *tpm, const char *ek_ca, const time_t *at, X509 **ret_cert,
		       uint8_t ret_sha256[32], char *err, size_t errlen)
{
	const char *b64 = json_get_string(tpm, "ek_certificate");
	STACK_OF(X509) *anchors = NULL, *inter = NULL;
	uint8_t der[EK_CERT_MAX];
	const uint8_t *p = der;
	char why[256] = "";
	X509 *cert = NULL;
	size_t len;
	int ok = 0;

	*ret_cert = NULL;
	if (!b64)
		return say(err, errlen, "the evidence carries no EK certificate (tpm.ek_certificate)");
	if (base64_decode(b64, strlen(b64), der, sizeof(der), &len) < 0 || len > INT32_MAX ||
	    !(cert = d2i_X509(NULL, &p, (long)len)) || p != der + len) {
		X509_free(cert);
		ERR_clear_error();
		return say(err, errlen, "tpm.ek_certificate is not one DER certificate");
	}
	/* An EK is an end entity: a CA certificate of the chain in its place names a key
	 * no TPM holds. */
	if (X509_check_ca(cert) != 0) {
		say(err, errlen, "tpm.ek_certificate is a CA certificate, not an EK's");
		goto out;
	}
	if (load_ek_ca(ek_ca, &anchors, &inter) < 0 || sk_X509_num(anchors) == 0) {
		say(err, errlen, "%s: no self-signed CA certificate to pin", ek_ca);
		goto out;
	}
	if (x509_verify_chain(cert, inter, anchors, NULL, at, why, sizeof(why)) != 1) {
		say(err, errlen, "EK certificate does not chain to %s: %s", ek_ca, why);
		goto out;
	}
	if (!EVP_Digest(der, len, ret_sha256, NULL, EVP_sha256(), NULL)) {
		say(err, errlen, "hash failure");
		goto out;
	}
	*ret_cert = cert;
	cert = NULL;
	ok = 1;
out:
	X509_free(cert);
	x509_free_stack(anchors);
	x509_free_stack(inter);
	ERR_clear_error();
	return ok;
}

/* The node's answer: one line of hex (trailing white space allowed). */
static int load_answer(const char *path, uint8_t *out, size_t max, size_t *ret_len)
{
	uint8_t *buf = NULL;
	size_t len;
	int r = file_read_all(path, ANSWER_FILE_MAX, &buf, &len);

	if (r < 0)
		return r;
	while (len && strchr(" \t\r\n", buf[len - 1]))
		buf[--len] = 0;
	r = len && hex_decode((char *)buf, out, max, ret_len) == 0 ? 0 : -EBADMSG;
	free(buf);
	return r;
}

int ak_binding_check(const struct json_value *tpm, const struct ak_binding_args *b, const time_t *at,
		     char *detail, size_t detail_len)
{
	struct evidence_ak ak;
	struct challenge_record rec;
	uint8_t ek_sha[32], answer[64];
	size_t answer_len = 0;
	X509 *ek = NULL;
	int ok = 0;

	if (!b || !b->ek_ca || !b->challenge || !b->activation)
		return say(detail, detail_len, "unbound AK: give --ek-ca, --challenge and --activation "
			   "(cvm-reference challenge; the AK is otherwise only the evidence's claim)");
	if (!evidence_ak_load(tpm, &ak, detail, detail_len))
		return 0;
	if (!evidence_ek_verify(tpm, b->ek_ca, at, &ek, ek_sha, detail, detail_len))
		goto out;
	if (challenge_record_load(b->challenge, &rec) < 0) {
		say(detail, detail_len, "%s: not a challenge record", b->challenge);
		goto out;
	}
	if (rec.ak_name_len != ak.name_len || memcmp(rec.ak_name, ak.name, ak.name_len) != 0 ||
	    memcmp(rec.ek_sha256, ek_sha, 32) != 0) {
		say(detail, detail_len, "%s was made for another AK or EK than this evidence's", b->challenge);
		goto out;
	}
	if (load_answer(b->activation, answer, sizeof(answer), &answer_len) < 0) {
		say(detail, detail_len, "%s: not an activation answer (one line of hex)", b->activation);
		goto out;
	}
	if (answer_len != rec.secret_len || CRYPTO_memcmp(answer, rec.secret, answer_len) != 0) {
		say(detail, detail_len, "the answer is not the credential's secret: the AK is not in the EK's TPM");
		goto out;
	}
	{
		char issuer[160] = "?", sha[65];

		X509_NAME_oneline(X509_get_issuer_name(ek), issuer, sizeof(issuer));
		hex_encode(ek_sha, 32, sha);
		say(detail, detail_len, "activated by the TPM of an EK certified by %s (EK certificate sha256 %s)",
		    issuer, sha);
	}
	ok = 1;
out:
	OPENSSL_cleanse(&rec, sizeof(rec));
	X509_free(ek);
	evidence_ak_free(&ak);
	return ok;
}
