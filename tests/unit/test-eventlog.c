/* SPDX-License-Identifier: Apache-2.0 */
/* Event-log replay on the real captured logs (tests/data/evidence, README):
 * the GCE vTPM crypto-agile log replays to the PCR values its quotes carry (the quotes
 * themselves are checked in test-evidence-verify), the Windows legacy SHA-1 log
 * likewise, the GCP TDX CCEL log to the RTMR0..2 of its TD quote; the physical-host
 * logs replay without error. CEL-JSON replay follows the workload contract. Malformed
 * logs are refused. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "evidence/cel_read.h"
#include "evidence_samples.h"
#include "evidence/sgx_pck.h"
#include "evidence/tcg_eventlog.h"
#include "tcg_log_build.h"
#include "evidence/tdx_quote.h"
#include "evidence/tpm_attest.h"
#include "unit.h"
#include "measure/workload_identity.h"

/* Compares every PCR a pcrs_*.txt lists ("N HEX") against the replay, for the PCRs
 * the log extends; returns how many matched, -1 on a mismatch. */
static int compare_pcr_txt(const char *rel, const struct tcg_replay *rp, size_t bank)
{
	uint8_t *txt;
	size_t len;
	int matched = 0;
	char *save = NULL;

	txt = sample_read(rel, &len);
	if (!txt)
		return -1;
	for (char *l = strtok_r((char *)txt, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		unsigned idx;
		char hex[200];
		uint8_t v[DIGEST_MAX];

		if (sscanf(l, "%u %199s", &idx, hex) != 2 || idx >= 24)
			continue;
		if (!(rp->extended[bank] >> idx & 1))
			continue;
		if (hex_decode_exact(hex, v, digest_len(rp->bank_alg[bank])) < 0 ||
		    memcmp(v, rp->reg[bank][idx], digest_len(rp->bank_alg[bank])) != 0) {
			fprintf(stderr, "%s: PCR %u differs\n", rel, idx);
			free(txt);
			return -1;
		}
		matched++;
	}
	free(txt);
	return matched;
}

/* Reads the firmware log sample rel and replays it into rp (NULL: out of memory).
 * Returns the log, or NULL after a failed check. */
static uint8_t *replayed_sample(const char *rel, size_t *len, struct tcg_replay *rp)
{
	uint8_t *log = sample_read(rel, len);

	CHECK(rp != NULL);
	if (!rp) {
		free(log);
		return NULL;
	}
	if (log)
		CHECK_EQ_INT(tcg_log_replay(log, *len, TCG_LOG_AUTO, rp), 0);
	return log;
}

static void test_gce(void)
{
	struct tcg_replay *rp = malloc(sizeof(*rp));
	uint8_t *log;
	size_t len;

	log = replayed_sample("tpm/01-gce-cos85-vtpm-quotes/binary_bios_measurements", &len, rp);
	if (!log)
		goto out;
	CHECK_EQ_INT(rp->format, TCG_LOG_CRYPTO_AGILE);
	CHECK_EQ_INT(rp->n_banks, 3);
	CHECK_EQ_INT(rp->n_events, 44);
	CHECK_EQ_INT(compare_pcr_txt("tpm/01-gce-cos85-vtpm-quotes/pcrs_sha1.txt", rp, 0), 10);
	CHECK_EQ_INT(compare_pcr_txt("tpm/01-gce-cos85-vtpm-quotes/pcrs_sha256.txt", rp, 1), 10);
	CHECK_EQ_INT(compare_pcr_txt("tpm/01-gce-cos85-vtpm-quotes/pcrs_sha384.txt", rp, 2), 10);
	/* the wrong format asked for is refused; truncation is refused */
	CHECK_EQ_INT(tcg_log_replay(log, len, TCG_LOG_CCEL, rp), -EINVAL);
	CHECK_EQ_INT(tcg_log_replay(log, len - 7, TCG_LOG_AUTO, rp), -EBADMSG);
	/* an event for PCR 24 */
	{
		struct tcg_log l;
		struct tcg_event ev;

		CHECK_EQ_INT(tcg_log_open(log, len, TCG_LOG_AUTO, &l), 0);
		CHECK_EQ_INT(tcg_log_next(&l, &ev), 1); /* SpecID */
		CHECK_EQ_INT(tcg_log_next(&l, &ev), 1);
		log[ev.offset] = 24;
		CHECK_EQ_INT(tcg_log_replay(log, len, TCG_LOG_AUTO, rp), -EBADMSG);
	}
out:
	free(log);
	free(rp);
}

static void test_windows_sha1(void)
{
	struct tcg_replay *rp = malloc(sizeof(*rp));
	uint8_t *log;
	size_t len;

	log = replayed_sample("tpm/02-gce-windows-vtpm-sha1/binary_bios_measurements", &len, rp);
	if (log) {
		CHECK_EQ_INT(rp->format, TCG_LOG_SHA1);
		CHECK_EQ_INT(compare_pcr_txt("tpm/02-gce-windows-vtpm-sha1/pcrs_sha1.txt", rp, 0), 8);
	}
	free(log);
	free(rp);
}

static void test_ccel(void)
{
	struct tcg_replay *rp = malloc(sizeof(*rp));
	struct tdx_quote q;
	uint8_t *log, *quote;
	size_t len, qlen;

	log = replayed_sample("tdx/03-gotdxguest-gcp-cos113-ccel/ccel_eventlog.bin", &len, rp);
	quote = sample_read("tdx/03-gotdxguest-gcp-cos113-ccel/quote.dat", &qlen);
	if (!log || !quote)
		goto out;
	CHECK_EQ_INT(tdx_quote_parse(quote, qlen, &q), 0);
	CHECK_EQ_INT(rp->format, TCG_LOG_CCEL);
	CHECK_EQ_INT(rp->n_banks, 1);
	CHECK_EQ_INT(rp->bank_alg[0], DIGEST_SHA384);
	for (int i = 0; i < 3; i++)
		CHECK_MEM(rp->reg[0][i], q.body.rtmr[i], 48);
	CHECK_EQ_INT(rp->extended[0], 0x7); /* RTMR3 untouched by firmware */
	/* one flipped digest bit changes the replay */
	{
		struct tcg_log l;
		struct tcg_event ev;

		CHECK_EQ_INT(tcg_log_open(log, len, TCG_LOG_AUTO, &l), 0);
		CHECK_EQ_INT(tcg_log_next(&l, &ev), 1);
		CHECK_EQ_INT(tcg_log_next(&l, &ev), 1);
		((uint8_t *)ev.digests[0].d)[5] ^= 0x10;
		CHECK_EQ_INT(tcg_log_replay(log, len, TCG_LOG_AUTO, rp), 0);
		CHECK(memcmp(rp->reg[0][0], q.body.rtmr[0], 48) != 0);
	}
out:
	free(log);
	free(quote);
	free(rp);
}

static void test_physical(void)
{
	static const struct {
		const char *file;
		size_t events;
	} logs[] = {
		{ "tpm/03-eventlogs-physical-hosts/arch-linux-workstation.bin", 0 },
		{ "tpm/03-eventlogs-physical-hosts/gdc-host.bin", 0 },
	};
	struct tcg_replay *rp = malloc(sizeof(*rp));

	for (size_t i = 0; rp && i < sizeof(logs) / sizeof(logs[0]); i++) {
		uint8_t *log;
		size_t len;
		struct tcg_log l;
		struct tcg_event ev;
		size_t n = 0;
		char desc[128];
		int r;

		log = replayed_sample(logs[i].file, &len, rp);
		if (!log)
			continue;
		CHECK(rp->n_events > 20);
		CHECK_EQ_INT(tcg_log_open(log, len, TCG_LOG_AUTO, &l), 0);
		while ((r = tcg_log_next(&l, &ev)) > 0) {
			tcg_event_describe(&ev, desc, sizeof(desc));
			n++;
		}
		CHECK_EQ_INT(r, 0);
		CHECK(n > rp->n_events); /* + SpecID and other EV_NO_ACTION */
		free(log);
	}
	free(rp);
}

static void test_cel(void)
{
	/* The agent's two records (measure-agent/EVIDENCE.md) for a manifest M, as JSON-SEQ. */
	static const char m[] = "{\"name\":\"x\"}";
	struct workload_identity id;
	struct cel_replay rp;
	char h256[65], h384[97], buf[1024];
	size_t bad = 99;
	int n;

	CHECK_EQ_INT(workload_identity((const uint8_t *)m, strlen(m), &id), 0);
	hex_encode(id.sha256, 32, h256);
	hex_encode(id.sha384, 48, h384);
	n = snprintf(buf, sizeof(buf),
		     "\x1e{\"pcr\":8,\"digests\":[{\"hashAlg\":\"sha256\",\"digest\":\"%s\"},{\"hashAlg\":\"sha384\",\"digest\":\"%s\"}],"
		     "\"content_type\":\"systemd\",\"content\":{\"eventType\":\"cvm-workload\",\"name\":\"x\"}}\n"
		     "\x1e{\"rtmr\":3,\"digests\":[{\"hashAlg\":\"sha384\",\"digest\":\"%s\"}],\"content_type\":\"systemd\"}\n"
		     "\x1e{\"nv_index\":30474752,\"digests\":[{\"hashAlg\":\"sha256\",\"digest\":\"%s\"}]}\n",
		     h256, h384, h384, h256);
	CHECK_EQ_INT(cel_replay_seq((const uint8_t *)buf, (size_t)n, &rp, &bad), 0);
	CHECK_EQ_INT(rp.n_records, 3);
	CHECK_EQ_INT(rp.n_skipped, 1);
	CHECK_MEM(rp.pcr[DIGEST_SHA256][8], id.pcr8_sha256, 32);
	CHECK_MEM(rp.pcr[DIGEST_SHA384][8], id.pcr8_sha384, 48);
	CHECK_MEM(rp.rtmr[3], id.rtmr3, 48);
	CHECK_EQ_INT(rp.rtmr_extended, 1u << 3);

	/* refused: RTMR record with a sha256 digest; a short digest; pcr and rtmr both;
	 * PCR 24; a bad algorithm; a digest listed twice */
	{
		static const char *const bad_records[] = {
			"\x1e{\"rtmr\":3,\"digests\":[{\"hashAlg\":\"sha256\",\"digest\":\"%s\"}]}\n",
			"\x1e{\"pcr\":8,\"digests\":[{\"hashAlg\":\"sha256\",\"digest\":\"%.60s\"}]}\n",
			"\x1e{\"pcr\":8,\"rtmr\":3,\"digests\":[{\"hashAlg\":\"sha256\",\"digest\":\"%s\"}]}\n",
			"\x1e{\"pcr\":24,\"digests\":[{\"hashAlg\":\"sha256\",\"digest\":\"%s\"}]}\n",
			"\x1e{\"pcr\":8,\"digests\":[{\"hashAlg\":\"md5\",\"digest\":\"%s\"}]}\n",
			"\x1e{\"pcr\":8,\"digests\":[{\"hashAlg\":\"sha256\",\"digest\":\"%1$s\"},{\"hashAlg\":\"sha256\",\"digest\":\"%1$s\"}]}\n",
			"\x1e{\"pcr\":8,\"digests\":[]}\n",
		};

		for (size_t i = 0; i < sizeof(bad_records) / sizeof(bad_records[0]); i++) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			n = snprintf(buf, sizeof(buf), bad_records[i], h256);
#pragma GCC diagnostic pop
			CHECK_EQ_INT(cel_replay_seq((const uint8_t *)buf, (size_t)n, &rp, &bad), -EBADMSG);
		}
	}
}

static void test_tpm_structs(void)
{
	struct tpm_attest a;
	struct tpm_public p;
	struct tpm_signature s;
	uint8_t *b;
	size_t n;

	b = sample_read("tpm/01-gce-cos85-vtpm-quotes/quote_sha256.attest", &n);
	if (b) {
		CHECK_EQ_INT(tpm_attest_parse(b, n, &a), 0);
		CHECK_EQ_INT(a.extra_data_len, 2);
		CHECK_EQ_INT(a.extra_data[0], 0x90);
		CHECK_EQ_INT(a.n_banks, 1);
		CHECK_EQ_INT(a.banks[0].hash, TPM_ALG_SHA256);
		CHECK_EQ_INT(a.banks[0].size, 3);
		CHECK(tpm_pcr_is_selected(&a.banks[0], 23));
		CHECK_EQ_INT(a.pcr_digest_len, 32);
		CHECK_EQ_INT(tpm_attest_parse(b, n - 1, &a), -EBADMSG);
		b[0] ^= 1;
		CHECK_EQ_INT(tpm_attest_parse(b, n, &a), -EBADMSG);
		free(b);
	}
	b = sample_read("tpm/01-gce-cos85-vtpm-quotes/ak_pub.tpmt", &n);
	if (b) {
		CHECK_EQ_INT(tpm_public_parse(b, n, &p), 0);
		CHECK_EQ_INT(p.type, TPM_ALG_RSA);
		CHECK_EQ_INT(p.key_bits, 2048);
		CHECK_EQ_INT(p.scheme, TPM_ALG_RSASSA);
		CHECK_EQ_INT(p.n_len, 256);
		/* fixedTPM | fixedParent | sensitiveDataOrigin | userWithAuth | restricted | sign */
		CHECK_EQ_INT(p.attributes, 0x00050072);
		CHECK(tpm_ak_attributes_problem(p.attributes) == NULL);
		CHECK_EQ_STR(tpm_ak_attributes_problem(p.attributes & ~TPMA_OBJECT_RESTRICTED), "not restricted");
		CHECK_EQ_STR(tpm_ak_attributes_problem(p.attributes & ~TPMA_OBJECT_SIGN_ENCRYPT), "not sign");
		CHECK_EQ_STR(tpm_ak_attributes_problem(p.attributes & ~TPMA_OBJECT_FIXEDTPM), "not fixedTPM");
		CHECK_EQ_STR(tpm_ak_attributes_problem(p.attributes & ~TPMA_OBJECT_FIXEDPARENT), "not fixedParent");
		CHECK_EQ_STR(tpm_ak_attributes_problem(p.attributes | TPMA_OBJECT_DECRYPT), "decrypt");
		CHECK_EQ_INT(tpm_public_parse(b, n - 1, &p), -EBADMSG);
		free(b);
	}
	b = sample_read("tpm/01-gce-cos85-vtpm-quotes/quote_sha1.sig", &n);
	if (b) {
		CHECK_EQ_INT(tpm_signature_parse(b, n, &s), 0);
		CHECK_EQ_INT(s.sig_alg, TPM_ALG_RSASSA);
		CHECK_EQ_INT(s.hash_alg, TPM_ALG_SHA256);
		CHECK_EQ_INT(s.sig_len, 256);
		CHECK_EQ_INT(tpm_signature_parse(b, n + 0 - 1, &s), -EBADMSG);
		free(b);
	}
}

static void test_sgx_ext(void)
{
	/* The PCK certificate of quote 04: FMSPC 00a06d080000, PCESVN 11 and SGX TCB
	 * component SVNs 2,2,7,7,4,1,0,2,0… (tcb_status_computed.txt beside it). */
	static const uint8_t svns[16] = { 2, 2, 7, 7, 4, 1, 0, 2 };
	struct sgx_pck_ext e;
	ASN1_OBJECT *obj = OBJ_txt2obj(SGX_EXT_OID, 1);
	const ASN1_OCTET_STRING *os;
	uint8_t *pem, *der;
	size_t n, len;
	BIO *bio;
	X509 *x;
	int i;

	pem = sample_read("tdx/04-trustee-v4-fmspc00a06d080000/pck_chain_extracted.pem", &n);
	CHECK(pem && obj);
	if (!pem || !obj)
		return;
	bio = BIO_new_mem_buf(pem, (int)n);
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	CHECK(x != NULL);
	i = x ? X509_get_ext_by_OBJ(x, obj, -1) : -1;
	CHECK(i >= 0);
	if (i >= 0) {
		os = X509_EXTENSION_get_data(X509_get_ext(x, i));
		len = (size_t)ASN1_STRING_length(os);
		der = malloc(len);
		CHECK(der != NULL);
		if (der) {
			memcpy(der, ASN1_STRING_get0_data(os), len);
			CHECK_EQ_INT(sgx_pck_ext_parse(der, len, &e), 0);
			CHECK_MEM(e.fmspc, "\x00\xa0\x6d\x08\x00\x00", 6);
			CHECK_EQ_INT(e.pcesvn, 11);
			CHECK_MEM(e.comp_svn, svns, 16);
			CHECK_MEM(e.pceid, "\x00\x00", 2);
			/* every truncation is refused */
			for (size_t k = 0; k < len; k++)
				CHECK_EQ_INT(sgx_pck_ext_parse(der, k, &e), -EBADMSG);
			/* an outer length one too long */
			der[len > 127 ? 3 : 1]++;
			CHECK_EQ_INT(sgx_pck_ext_parse(der, len, &e), -EBADMSG);
			free(der);
		}
	}
	X509_free(x);
	BIO_free(bio);
	ASN1_OBJECT_free(obj);
	free(pem);
}

/* ---- StartupLocality (crafted logs, tcg_log_build.h) ---- */

/* PC Client FP spec §10.4.5.3: StartupLocality gives PCR 0 its starting value, so it
 * can only precede PCR 0's first extend, and only once. Anywhere else it would wipe
 * the PCR 0 events listed before it from the replay. */
static void test_startup_locality(void)
{
	struct tcg_replay *rp = malloc(sizeof(*rp));
	struct log_builder l;
	uint8_t want[32] = { 0 }, d[32];

	CHECK(rp != NULL);
	if (!rp)
		return;
	/* honoured: first, before any PCR 0 extend; also after other PCRs' events */
	want[31] = 3;
	memset(d, 0xA0, sizeof(d));
	CHECK_EQ_INT(digest_extend(DIGEST_SHA256, want, d), 0);
	for (int other_first = 0; other_first < 2; other_first++) {
		log_spec_id(&l);
		if (other_first)
			log_measure(&l, 7, 0x77);
		log_startup_locality(&l, 0, 3, 17);
		log_measure(&l, 0, 0xA0);
		CHECK_EQ_INT(tcg_log_replay(l.b, l.n, TCG_LOG_AUTO, rp), 0);
		CHECK_MEM(rp->reg[0][0], want, 32);
	}
	/* refused: after a PCR 0 extend (the fake 0xEE event would vanish from the replay) */
	log_spec_id(&l);
	log_measure(&l, 0, 0xEE);
	log_startup_locality(&l, 0, 3, 17);
	log_measure(&l, 0, 0xA0);
	CHECK_EQ_INT(tcg_log_replay(l.b, l.n, TCG_LOG_AUTO, rp), -EBADMSG);
	/* refused: twice, even before any PCR 0 extend */
	log_spec_id(&l);
	log_startup_locality(&l, 0, 0, 17);
	log_startup_locality(&l, 0, 3, 17);
	log_measure(&l, 0, 0xA0);
	CHECK_EQ_INT(tcg_log_replay(l.b, l.n, TCG_LOG_AUTO, rp), -EBADMSG);
	/* refused: a StartupLocality record that is not PCR 0's or not 17 bytes */
	log_spec_id(&l);
	log_startup_locality(&l, 1, 3, 17);
	log_measure(&l, 0, 0xA0);
	CHECK_EQ_INT(tcg_log_replay(l.b, l.n, TCG_LOG_AUTO, rp), -EBADMSG);
	log_spec_id(&l);
	log_startup_locality(&l, 0, 3, 16);
	log_measure(&l, 0, 0xA0);
	CHECK_EQ_INT(tcg_log_replay(l.b, l.n, TCG_LOG_AUTO, rp), -EBADMSG);
	free(rp);
}

int main(void)
{
	test_gce();
	test_windows_sha1();
	test_ccel();
	test_physical();
	test_startup_locality();
	test_cel();
	test_tpm_structs();
	test_sgx_ext();
	return unit_finish("eventlog");
}
