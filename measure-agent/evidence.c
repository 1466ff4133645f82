/* SPDX-License-Identifier: Apache-2.0 */
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
#include "util/file.h"
#include "util/hex.h"
#include "util/json_write.h"
#include "measure/workload_identity.h"

static const unsigned quote_pcrs[] = { 4, 8, 9, 11, 12 };

static int log_record(const char *json, size_t len, void *userdata)
{
	/* verbatim: lib/measure/cel checked that it is one valid JSON object */
	json_write_raw(userdata, NULL, json, len);
	return 0;
}

static int put_workload(struct json_writer *w)
{
	struct workload_identity id;
	char p[PATH_MAX];
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
	json_write_object(w, "workload", JSON_BLOCK);
	json_write_base64(w, "manifest", m, len);
	json_write_hex(w, "manifest_sha256", id.sha256, SHA256_LEN);
	json_write_hex(w, "manifest_sha384", id.sha384, SHA384_LEN);
	json_write_string(w, "source", src && strcmp((char *)src, "fw_cfg") == 0 ? "fw_cfg" : "disk");
	json_write_end(w);
	free(src);
	free(m);
	return 0;
}

/* The EK certificate, for a verifier that binds the AK to it by credential activation
 * (EVIDENCE.md "Binding the AK to the TPM"); absent when the TPM has none. */
static int put_ek_certificate(struct json_writer *w, struct tpm *t)
{
	uint8_t *cert = NULL;
	size_t len;
	bool rsa;
	int r = tpm_ek_certificate(t, &cert, &len, &rsa);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	json_write_base64(w, "ek_certificate", cert, len);
	free(cert);
	return 0;
}

static int put_tpm(struct json_writer *w, const uint8_t *nonce, size_t nonce_len)
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
	json_write_object(w, "tpm", JSON_BLOCK);
	json_write_object(w, "pcrs", JSON_BLOCK);
	for (size_t b = 0; b < nb; b++) {
		json_write_object(w, digest_name(banks[b]), JSON_LINE);
		for (size_t i = 0; i < sizeof quote_pcrs / sizeof *quote_pcrs; i++) {
			uint8_t v[DIGEST_MAX];
			char key[4];

			r = tpm_pcr_read(t, banks[b], quote_pcrs[i], v);
			if (r < 0)
				goto out;
			snprintf(key, sizeof key, "%u", quote_pcrs[i]);
			json_write_hex(w, key, v, digest_len(banks[b]));
		}
		json_write_end(w);
	}
	json_write_end(w);
	r = tpm_quote(t, nonce, nonce_len, quote_pcrs, sizeof quote_pcrs / sizeof *quote_pcrs, &q);
	if (r < 0)
		goto out;
	json_write_object(w, "quote_selection", JSON_LINE);
	json_write_string(w, "hashAlg", "sha256");
	json_write_array(w, "pcrs", JSON_LINE);
	for (size_t i = 0; i < sizeof quote_pcrs / sizeof *quote_pcrs; i++)
		json_write_uint(w, NULL, quote_pcrs[i]);
	json_write_end(w);
	json_write_end(w);
	json_write_hex(w, "ak_public", q.ak_public, q.ak_public_len);
	json_write_string(w, "ak_pem", q.ak_pem);
	r = put_ek_certificate(w, t);
	if (r < 0)
		goto out;
	json_write_object(w, "quote", JSON_BLOCK);
	json_write_hex(w, "attest", q.attest, q.attest_len);
	json_write_hex(w, "signature", q.signature, q.signature_len);
	json_write_end(w);
	json_write_end(w);
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
	char *doc = NULL, p[PATH_MAX];
	size_t doclen = 0, loglen = 0, blen = 0, alen = 0;
	struct json_writer w;
	int lfd = -1, r;

	if (nonce_len == 0 || nonce_len > 64)
		return -EINVAL;
	r = cc_platform_detect(&cc);
	if (r < 0)
		return r;
	tdx = cc.tdx;
	snp = cc.snp;
	memcpy(inblob, nonce, nonce_len); /* zero-padded on the right (EVIDENCE.md) */
	json_writer_to_buffer(&w, 0);

	json_write_object(&w, NULL, JSON_BLOCK);
	json_write_uint(&w, "version", 1);
	json_write_hex(&w, "nonce", nonce, nonce_len);
	json_write_array(&w, "platforms", JSON_LINE);
	if (tpm)
		json_write_string(&w, NULL, "tpm");
	if (tdx)
		json_write_string(&w, NULL, "tdx");
	if (snp)
		json_write_string(&w, NULL, "snp");
	json_write_end(&w);
	r = put_workload(&w);
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
	json_write_array(&w, "event_log", JSON_BLOCK);
	r = cel_log_split(log, loglen, log_record, &w);
	if (r < 0) {
		agent_set_detail("%s: not a valid JSON-SEQ event log", p);
		goto out;
	}
	json_write_end(&w);
	if (tpm) {
		r = put_tpm(&w, nonce, nonce_len);
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
		json_write_object(&w, "tdx", JSON_LINE);
		json_write_string(&w, "provider", "tdx_guest");
		json_write_base64(&w, "quote", blob, blen);
		json_write_end(&w);
		free(blob);
		blob = NULL;
	}
	if (snp) {
		r = snp_get_report(inblob, &blob, &blen, &aux, &alen);
		if (r < 0)
			goto out;
		json_write_object(&w, "snp", JSON_LINE);
		json_write_string(&w, "provider", "sev_guest");
		json_write_base64(&w, "report", blob, blen);
		if (aux)
			json_write_base64(&w, "certs", aux, alen);
		json_write_end(&w);
	}
	json_write_end(&w);
	r = json_writer_take(&w, &doc, &doclen);
out:
	if (lfd >= 0)
		close(lfd);
	json_writer_discard(&w);
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
