/* SPDX-License-Identifier: Apache-2.0 */
/* measure-agent/evidence.c: the evidence document (measure-agent/EVIDENCE.md) byte for
 * byte, with the platform backends (TPM, configfs-tsm, SNP) replaced by stubs that
 * return fixed bytes and the files it reads placed in a temporary sysroot
 * (tests/unit/agent-sysroot.c). The golden files in tests/unit/golden/ were written by
 * the agent as it was when they were committed; CVM_GOLDEN_UPDATE=1 rewrites them. */
#include <errno.h>
#include <stdlib.h>

#include "../../measure-agent/agent.h"
#include "agent-sysroot.h"
#include "tmptree.h"
#include "util/file.h"
#include "util/json.h"
#include "unit.h"

#define GOLDEN_DIR "tests/unit/golden/"

/* ---- stubs for the platform backends evidence.c calls ---------------------------- */

static char *root;
static bool have_tpm, have_ek, have_tdx, have_snp, have_certs;

bool tpm_present(void) { return have_tpm; }

int cc_platform_detect(struct cc_platform *ret)
{
	ret->tdx = have_tdx;
	ret->snp = have_snp;
	return 0;
}

static uint8_t *pattern(size_t n, unsigned seed)
{
	uint8_t *b = malloc(n);

	for (size_t i = 0; b && i < n; i++)
		b[i] = (uint8_t)(seed + 13 * i);
	return b;
}

struct tpm {
	int unused;
};

int tpm_open(struct tpm **ret)
{
	static struct tpm t;

	*ret = &t;
	return 0;
}

void tpm_close(struct tpm *t)
{
	(void)t;
}

int tpm_banks(struct tpm *t, enum digest_alg ret_algs[TPM_MAX_BANKS], size_t *ret_n)
{
	(void)t;
	ret_algs[0] = DIGEST_SHA256;
	ret_algs[1] = DIGEST_SHA384;
	*ret_n = 2;
	return 0;
}

int tpm_pcr_read(struct tpm *t, enum digest_alg alg, unsigned pcr, uint8_t *ret)
{
	(void)t;
	for (size_t i = 0; i < digest_len(alg); i++)
		ret[i] = (uint8_t)(pcr * 16 + alg + i);
	return 0;
}

int tpm_quote(struct tpm *t, const uint8_t *nonce, size_t nonce_len, const unsigned *pcrs,
	      size_t n_pcrs, struct tpm_quote *ret)
{
	(void)t, (void)pcrs, (void)n_pcrs;
	ret->ak_public = pattern(ret->ak_public_len = 90, 1);
	ret->ak_pem = strdup("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQ==\n-----END PUBLIC KEY-----\n");
	ret->attest = pattern(ret->attest_len = 40 + nonce_len, 2);
	memcpy(ret->attest, nonce, nonce_len);
	ret->signature = pattern(ret->signature_len = 72, 3);
	return ret->ak_public && ret->ak_pem && ret->attest && ret->signature ? 0 : -ENOMEM;
}

int tpm_ek_certificate(struct tpm *t, uint8_t **ret, size_t *ret_len, bool *ret_rsa)
{
	(void)t;
	if (!have_ek)
		return -ENOENT;
	*ret_rsa = true;
	*ret = pattern(*ret_len = 70, 7);
	return *ret ? 0 : -ENOMEM;
}

/* `activate` is not part of the document; it only has to link. */
int tpm_activate_credential(struct tpm *t, const uint8_t *req, size_t req_len,
			    uint8_t ret[TPM_ACTIVATED_SECRET_MAX], size_t *ret_len)
{
	(void)t, (void)req, (void)req_len, (void)ret, (void)ret_len;
	return -EIO;
}

void tpm_quote_free(struct tpm_quote *q)
{
	free(q->ak_public);
	free(q->ak_pem);
	free(q->attest);
	free(q->signature);
}

int tsm_report(const char *provider, const uint8_t inblob[64], uint8_t **ret_out, size_t *ret_len,
	       uint8_t **ret_aux, size_t *ret_aux_len)
{
	(void)ret_aux, (void)ret_aux_len;
	CHECK_EQ_STR(provider, "tdx_guest");
	*ret_out = pattern(*ret_len = 100, 4);
	if (!*ret_out)
		return -ENOMEM;
	memcpy(*ret_out + 30, inblob, 64);
	return 0;
}

int snp_get_report(const uint8_t report_data[64], uint8_t **ret, size_t *ret_len,
		   uint8_t **ret_certs, size_t *ret_certs_len)
{
	*ret = pattern(*ret_len = 160, 5);
	if (!*ret)
		return -ENOMEM;
	memcpy(*ret + 0x50, report_data, 64);
	*ret_certs = have_certs ? pattern(*ret_certs_len = 50, 6) : NULL;
	return 0;
}

/* ---- the root the agent reads ---------------------------------------------------- */

static const char manifest[] =
	"{\n  \"version\": 1,\n  \"name\": \"echo\",\n  \"argv\": [\"/bin/echo\", \"hi\"],\n"
	"  \"env\": {},\n  \"user\": {\"uid\": 1000, \"gid\": 1000},\n  \"workdir\": \"/\"\n}\n";
static const char event_log[] =
	"\x1e{\"pcr\":9,\"digests\":[{\"hashAlg\":\"sha256\",\"digest\":\"00ff\"}],"
	"\"content_type\":\"systemd\",\"content\":{\"string\":\"enter-initrd\"}}\n"
	"\x1e{\"rtmr\":3,\"digests\":[{\"hashAlg\":\"sha384\",\"digest\":\"ab\"}],"
	"\"content_type\":\"systemd\",\"content\":{\"eventType\":\"cvm-workload\",\"name\":\"e\\\"cho\"}}\n";

static void put_file(const char *rel, const char *text)
{
	/* rel is an absolute path on the guest: below the root here */
	CHECK_EQ_INT(tree_write(root, rel + (rel[0] == '/'), text, strlen(text)), 0);
}

static void check_golden(const char *name)
{
	static const uint8_t nonce[] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x10 };
	char path[256], *got = NULL;
	uint8_t *want = NULL;
	size_t len = 0, want_len = 0;
	FILE *f = open_memstream(&got, &len);

	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_EQ_INT(evidence_print(nonce, sizeof nonce, f), 0);
	fclose(f);
	snprintf(path, sizeof path, GOLDEN_DIR "%s", name);
	if (getenv("CVM_GOLDEN_UPDATE")) {
		f = fopen(path, "wb");
		CHECK(f && fwrite(got, 1, len, f) == len && fclose(f) == 0);
	} else {
		struct json_value *v = NULL;

		CHECK_EQ_INT(json_parse(got, len, &v, NULL), 0);
		json_free(v);
		CHECK_EQ_INT(file_read_all(path, 1u << 20, &want, &want_len), 0);
		CHECK(want && len == want_len && memcmp(got, want, len) == 0);
		if (!want || len != want_len || memcmp(got, want, len) != 0)
			fprintf(stderr, "  %s differs; got:\n%.*s\n", name, (int)len, got);
	}
	free(want);
	free(got);
}

int main(void)
{
	root = agent_sysroot_new("test-agent-evidence");
	CHECK(root != NULL);
	if (!root)
		return unit_finish("test-agent-evidence");

	/* nothing: no platform, no workload, no event log */
	check_golden("agent-evidence-none.json");

	/* every platform, a workload from fw_cfg, two log records, the EK certificate, SNP
	 * certificates */
	put_file(AGENT_STATE_DIR "/manifest", manifest);
	put_file(AGENT_STATE_DIR "/source", "fw_cfg");
	put_file(CEL_LOG_PATH, event_log);
	have_tpm = have_ek = have_tdx = have_snp = have_certs = true;
	check_golden("agent-evidence-all.json");

	/* SNP alone, no certificate table, the workload from its disk */
	put_file(AGENT_STATE_DIR "/source", "disk");
	have_tpm = have_tdx = have_certs = false;
	check_golden("agent-evidence-snp.json");

	/* an event log that is not JSON-SEQ fails the whole document */
	put_file(CEL_LOG_PATH, "{}\n");
	{
		char *out = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);
		static const uint8_t nonce[] = { 1 };

		CHECK(f != NULL);
		if (f) {
			CHECK(evidence_print(nonce, 1, f) < 0);
			fclose(f);
			CHECK_EQ_INT(len, 0);
			CHECK(agent_detail_has("not a valid JSON-SEQ event log"));
		}
		free(out);
	}
	tree_remove(root);
	return unit_finish("test-agent-evidence");
}
