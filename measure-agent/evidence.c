/* `measure-agent evidence --nonce HEX`: one JSON document (EVIDENCE.md) with the event
 * log, the quoted PCRs, a TPM quote and the TDX quote / SNP report. The log, the PCR
 * read-back, the TPM quote and the TDX quote / SNP report are all taken under one
 * flock(LOCK_SH) on the log, so no measurement can slip in between them
 * (systemd-pcrextend(8): readers take LOCK_SH). The document is assembled in memory
 * and printed only when complete. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "agent.h"
#include "util/base64.h"
#include "util/file.h"
#include "util/hex.h"
#include "util/json.h"
#include "measure/workload_identity.h"

static const unsigned quote_pcrs[] = { 4, 8, 9, 11, 12 };

static void put_hex(FILE *f, const uint8_t *b, size_t n)
{
	char two[3];

	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		hex_encode(b + i, 1, two);
		fputs(two, f);
	}
	fputc('"', f);
}

static int put_b64(FILE *f, const uint8_t *b, size_t n)
{
	char *s = malloc(base64_encoded_len(n) + 1);

	if (!s)
		return -ENOMEM;
	base64_encode(b, n, s);
	fprintf(f, "\"%s\"", s);
	free(s);
	return 0;
}

struct log_ctx {
	FILE *f;
	size_t n;
};

static int log_record(const char *json, size_t len, void *userdata)
{
	struct log_ctx *c = userdata;

	/* verbatim: lib/measure/cel checked that it is one valid JSON object */
	fputs(c->n++ ? ",\n    " : "\n    ", c->f);
	fwrite(json, 1, len, c->f);
	return 0;
}

static int put_workload(FILE *f)
{
	struct workload_identity id;
	char p[PATH_MAX], hex[2 * SHA384_LEN + 1];
	uint8_t *m = NULL, *src = NULL;
	size_t len, slen;
	int r;

	r = file_read_all(sysroot_path(AGENT_STATE_DIR "/manifest", p), MANIFEST_MAX_SIZE, &m, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0 || workload_identity(m, len, &id) < 0) {
		agent_set_detail("%s: %s", p, strerror(r < 0 ? -r : EINVAL));
		free(m);
		return r < 0 ? r : -EINVAL;
	}
	if (file_read_all(sysroot_path(AGENT_STATE_DIR "/source", p), 16, &src, &slen) < 0)
		src = NULL;
	fputs(",\n  \"workload\": {\n    \"manifest\": ", f);
	r = put_b64(f, m, len);
	hex_encode(id.sha256, SHA256_LEN, hex);
	fprintf(f, ",\n    \"manifest_sha256\": \"%s\"", hex);
	hex_encode(id.sha384, SHA384_LEN, hex);
	fprintf(f, ",\n    \"manifest_sha384\": \"%s\",\n    \"source\": \"%s\"\n  }", hex,
		src && strcmp((char *)src, "fw_cfg") == 0 ? "fw_cfg" : "disk");
	free(src);
	free(m);
	return r;
}

/* The EK certificate, for a verifier that binds the AK to it by credential activation
 * (EVIDENCE.md "Binding the AK to the TPM"); absent when the TPM has none. */
static int put_ek_certificate(FILE *f, struct tpm *t)
{
	uint8_t *cert = NULL;
	size_t len;
	bool rsa;
	int r = tpm_ek_certificate(t, &cert, &len, &rsa);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	fprintf(f, ",\n    \"ek_certificate\": ");
	r = put_b64(f, cert, len);
	free(cert);
	return r;
}

static int put_tpm(FILE *f, const uint8_t *nonce, size_t nonce_len)
{
	enum digest_alg banks[TPM_MAX_BANKS];
	struct tpm_quote q = {0};
	struct tpm *t = NULL;
	size_t nb = 0;
	int r;

	r = tpm_open(&t);
	if (r == 0)
		r = tpm_banks(t, banks, &nb);
	if (r < 0)
		goto out;
	fputs(",\n  \"tpm\": {\n    \"pcrs\": {", f);
	for (size_t b = 0; b < nb; b++) {
		fprintf(f, "%s\n      \"%s\": {", b ? "," : "", digest_name(banks[b]));
		for (size_t i = 0; i < sizeof quote_pcrs / sizeof *quote_pcrs; i++) {
			uint8_t v[DIGEST_MAX];

			r = tpm_pcr_read(t, banks[b], quote_pcrs[i], v);
			if (r < 0)
				goto out;
			fprintf(f, "%s\"%u\": ", i ? ", " : "", quote_pcrs[i]);
			put_hex(f, v, digest_len(banks[b]));
		}
		fputc('}', f);
	}
	fputs("\n    }", f);
	r = tpm_quote(t, nonce, nonce_len, quote_pcrs, sizeof quote_pcrs / sizeof *quote_pcrs, &q);
	if (r < 0)
		goto out;
	fputs(",\n    \"quote_selection\": {\"hashAlg\": \"sha256\", \"pcrs\": [4, 8, 9, 11, 12]},\n    \"ak_public\": ", f);
	put_hex(f, q.ak_public, q.ak_public_len);
	fputs(",\n    \"ak_pem\": ", f);
	json_print_string(f, q.ak_pem);
	r = put_ek_certificate(f, t);
	if (r < 0)
		goto out;
	fputs(",\n    \"quote\": {\n      \"attest\": ", f);
	put_hex(f, q.attest, q.attest_len);
	fputs(",\n      \"signature\": ", f);
	put_hex(f, q.signature, q.signature_len);
	fputs("\n    }\n  }", f);
out:
	tpm_quote_free(&q);
	tpm_close(t);
	return r;
}

int evidence_print(const uint8_t *nonce, size_t nonce_len, FILE *out)
{
	struct cc_platform cc;
	bool tpm = tpm_present(), tdx, snp;
	uint8_t inblob[64] = {0}, *log = NULL, *blob = NULL, *aux = NULL;
	char *doc = NULL, p[PATH_MAX], hex[129];
	size_t doclen = 0, loglen = 0, blen = 0, alen = 0;
	struct log_ctx lc;
	int lfd = -1, r;
	FILE *f;

	if (nonce_len == 0 || nonce_len > 64)
		return -EINVAL;
	r = cc_platform_detect(&cc);
	if (r < 0)
		return r;
	tdx = cc.tdx;
	snp = cc.snp;
	memcpy(inblob, nonce, nonce_len); /* zero-padded on the right (EVIDENCE.md) */
	f = open_memstream(&doc, &doclen);
	if (!f)
		return -ENOMEM;
	lc.f = f;
	lc.n = 0;

	hex_encode(nonce, nonce_len, hex);
	fprintf(f, "{\n  \"version\": 1,\n  \"nonce\": \"%s\",\n  \"platforms\": [", hex);
	fprintf(f, "%s%s%s%s%s]", tpm ? "\"tpm\"" : "", tpm && (tdx || snp) ? ", " : "",
		tdx ? "\"tdx\"" : "", tdx && snp ? ", " : "", snp ? "\"snp\"" : "");
	r = put_workload(f);
	if (r < 0)
		goto out;

	/* LOCK_SH on the log for the log + PCR read + every quote and report below. */
	lfd = open(sysroot_path(CEL_LOG_PATH, p), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (lfd >= 0) {
		if (flock(lfd, LOCK_SH) < 0 || (r = fd_read_all(lfd, CEL_LOG_MAX, &log, &loglen)) < 0) {
			r = r < 0 ? r : -errno;
			agent_set_detail("%s: %s", p, strerror(-r));
			goto out;
		}
	} else if (errno != ENOENT) {
		r = -errno;
		agent_set_detail("%s: %s", p, strerror(errno));
		goto out;
	}
	fputs(",\n  \"event_log\": [", f);
	r = cel_log_split(log, loglen, log_record, &lc);
	if (r < 0) {
		agent_set_detail("%s: not a valid JSON-SEQ event log", p);
		goto out;
	}
	fputs(lc.n ? "\n  ]" : "]", f);
	if (tpm) {
		r = put_tpm(f, nonce, nonce_len);
		if (r < 0)
			goto out;
	}
	/* The TD quote and the SNP report are taken under the same lock: RTMR3 (and the
	 * TPM PCRs) cannot move between the log just read and the registers they sign. The
	 * lock is released at out:. */
	if (tdx) {
		r = tsm_report("tdx_guest", inblob, &blob, &blen, NULL, NULL);
		if (r < 0)
			goto out;
		fputs(",\n  \"tdx\": {\"provider\": \"tdx_guest\", \"quote\": ", f);
		put_b64(f, blob, blen);
		fputc('}', f);
		free(blob);
		blob = NULL;
	}
	if (snp) {
		r = snp_get_report(inblob, &blob, &blen, &aux, &alen);
		if (r < 0)
			goto out;
		fputs(",\n  \"snp\": {\"provider\": \"sev_guest\", \"report\": ", f);
		put_b64(f, blob, blen);
		if (aux) {
			fputs(", \"certs\": ", f);
			put_b64(f, aux, alen);
		}
		fputc('}', f);
	}
	fputs("\n}\n", f);
	r = 0;
out:
	if (lfd >= 0)
		close(lfd);
	if (fclose(f) != 0 && r == 0)
		r = -ENOMEM;
	if (r == 0 && (fwrite(doc, 1, doclen, out) != doclen || fflush(out) != 0))
		r = -EIO;
	free(doc);
	free(log);
	free(blob);
	free(aux);
	return r;
}

int activation_print(const uint8_t *req, size_t req_len, FILE *out)
{
	uint8_t secret[TPM_ACTIVATED_SECRET_MAX];
	char hex[2 * TPM_ACTIVATED_SECRET_MAX + 1];
	size_t n = 0;
	struct tpm *t = NULL;
	int r = tpm_open(&t);

	if (r == 0)
		r = tpm_activate_credential(t, req, req_len, secret, &n);
	tpm_close(t);
	if (r < 0)
		return r;
	hex_encode(secret, n, hex);
	return fprintf(out, "%s\n", hex) > 0 && fflush(out) == 0 ? 0 : -EIO;
}
