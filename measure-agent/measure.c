/* SPDX-License-Identifier: Apache-2.0 */
/* The launch steps that put the manifest M into the hardware's record
 * (docs/architecture.md, "The measurement contract"):
 * the launch-time bindings (SEV-SNP HOST_DATA, TDX MRCONFIGID) are checked first, so a
 * mismatch is not even measured as "ran"; then M is extended into PCR 8 and/or RTMR3,
 * each extend with its CEL record, under one exclusive lock on the event log
 * (systemd's protocol); then both registers are read back. Every failure ends the
 * program through agent_fatal(): the launch fails closed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "util/hex.h"
#include "evidence/snp_report.h"

static bool all_zero(const uint8_t *b, size_t n)
{
	uint8_t acc = 0;
	for (size_t i = 0; i < n; i++)
		acc |= b[i];
	return acc == 0;
}

static uint64_t boottime_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void check_snp_binding(const struct workload_identity *id, bool allow_unbound)
{
	uint8_t rd[64] = {0}, *raw = NULL;
	struct snp_report rep;
	char want[65], got[65];
	size_t len;
	int r;

	r = snp_get_report(rd, &raw, &len, NULL, NULL);
	if (r < 0)
		agent_fatal("SEV-SNP attestation report", r);
	r = snp_report_parse(raw, len, &rep);
	free(raw);
	if (r < 0) {
		agent_set_detail("malformed report (%zu bytes)", len);
		agent_fatal("SEV-SNP attestation report", r);
	}
	/* HOST_DATA is set by the launcher (SNP_LAUNCH_FINISH) and only reported by the
	 * PSP. Zero means the launcher bound nothing: anyone could have started this
	 * VM with any workload, so only a development image accepts it. */
	if (all_zero(rep.host_data, SHA256_LEN)) {
		if (!allow_unbound) {
			agent_set_detail("HOST_DATA is all zero: the VM was launched without binding a workload "
					 "(set host-data to SHA-256 of the manifest)");
			agent_fatal("SEV-SNP binding", -EPERM);
		}
		fprintf(stderr, "measure-agent: warning: SEV-SNP HOST_DATA is zero (development image)\n");
		return;
	}
	if (memcmp(rep.host_data, id->host_data, SHA256_LEN) != 0) {
		hex_encode(rep.host_data, SHA256_LEN, got);
		hex_encode(id->host_data, SHA256_LEN, want);
		agent_set_detail("HOST_DATA %s is not SHA-256(manifest) %s", got, want);
		agent_fatal("SEV-SNP binding", -EPERM);
	}
}

void check_tdx_binding(const struct workload_identity *id)
{
	uint8_t mr[SHA384_LEN];
	char want[97], got[97];
	int r;

	r = tdx_read_mrconfigid(mr);
	if (r < 0)
		agent_fatal("TDX MRCONFIGID", r);
	/* Zero = the launcher did not bind (allowed: RTMR3 still carries the identity). */
	if (!all_zero(mr, SHA384_LEN) && memcmp(mr, id->mrconfigid, SHA384_LEN) != 0) {
		hex_encode(mr, SHA384_LEN, got);
		hex_encode(id->mrconfigid, SHA384_LEN, want);
		agent_set_detail("MRCONFIGID %s is not SHA-384(manifest) %s", got, want);
		agent_fatal("TDX binding", -EPERM);
	}
}

static int lock_event_log(void)
{
	char p[PATH_MAX];
	int lfd = cel_log_lock(sysroot_path(CEL_LOG_PATH, p));

	if (lfd < 0) {
		agent_set_detail("%s: %s", p, lfd == -EBADMSG ? "marked incomplete (sticky bit): an earlier writer died mid-append" : strerror(-lfd));
		agent_fatal("event log", lfd);
	}
	return lfd;
}

static void log_append(int lfd, const struct cel_record *rec)
{
	char *json;
	int r = cel_record_format(rec, &json);

	if (r == 0) {
		r = cel_log_append(lfd, json);
		free(json);
	}
	if (r < 0)
		agent_fatal("appending to the event log " CEL_LOG_PATH, r);
}

/* The TPM and the banks it has active: every one of them gets H(M). */
struct vtpm {
	struct tpm *t;
	enum digest_alg banks[TPM_MAX_BANKS];
	size_t n_banks;
};

static void open_vtpm(struct vtpm *v)
{
	int r = tpm_open(&v->t);

	if (r == 0)
		r = tpm_banks(v->t, v->banks, &v->n_banks);
	if (r < 0)
		agent_fatal("vTPM", r);
}

static void extend_pcr8(struct vtpm *v, const struct found_manifest *fm, int lfd, struct cel_record *rec)
{
	int r;

	rec->reg = CEL_PCR;
	rec->index = WORKLOAD_PCR;
	rec->n_digests = v->n_banks;
	for (size_t i = 0; i < v->n_banks; i++) {
		rec->digests[i].alg = v->banks[i];
		if (digest_buf(v->banks[i], fm->bytes, fm->len, rec->digests[i].digest) < 0)
			agent_fatal("hashing the manifest", -EIO);
	}
	rec->timestamp_usec = boottime_usec();
	r = tpm_extend(v->t, WORKLOAD_PCR, rec->digests, v->n_banks);
	if (r < 0)
		agent_fatal("extending PCR 8", r);
	log_append(lfd, rec);
}

static void extend_rtmr3(const struct workload_identity *id, int lfd, struct cel_record *rec)
{
	int r;

	rec->reg = CEL_RTMR;
	rec->index = WORKLOAD_RTMR;
	rec->n_digests = 1;
	rec->digests[0].alg = DIGEST_SHA384;
	memcpy(rec->digests[0].digest, id->sha384, SHA384_LEN);
	rec->timestamp_usec = boottime_usec();
	r = tdx_extend_rtmr3(id->sha384);
	if (r < 0)
		agent_fatal("extending RTMR3", r);
	log_append(lfd, rec);
}

/* RTMR3 must now be exactly SHA-384(0^48 || SHA-384(M)); any other value means someone
 * extended it before us. (Kernels with only the legacy ioctl cannot read RTMRs back;
 * -ENOENT skips the check there.) */
static void verify_rtmr3(const struct workload_identity *id)
{
	uint8_t got[SHA384_LEN];
	char hex[2 * SHA384_LEN + 1];
	int r;

	r = tdx_read_rtmr3(got);
	if (r < 0 && r != -ENOENT)
		agent_fatal("reading back RTMR3", r);
	if (r == 0 && memcmp(got, id->rtmr3, SHA384_LEN) != 0) {
		hex_encode(got, SHA384_LEN, hex);
		agent_set_detail("RTMR3 holds %s, not SHA-384(0 || SHA-384(manifest)): RTMR3 was extended by someone else", hex);
		agent_fatal("RTMR3 read-back", -EBADMSG);
	}
}

/* PCR 8 must now be exactly H(0 || H(M)) in every bank: anything else means someone
 * extended it before us and the verifier's replay would not match. */
static void verify_pcr8(const struct vtpm *v, const struct found_manifest *fm)
{
	for (size_t i = 0; i < v->n_banks; i++) {
		enum digest_alg alg = v->banks[i];
		uint8_t want[DIGEST_MAX] = {0}, got[DIGEST_MAX], d[DIGEST_MAX];
		char hex[2 * DIGEST_MAX + 1];
		int r;

		if (digest_buf(alg, fm->bytes, fm->len, d) < 0 || digest_extend(alg, want, d) < 0)
			agent_fatal("hashing the manifest", -EIO);
		r = tpm_pcr_read(v->t, alg, WORKLOAD_PCR, got);
		if (r < 0)
			agent_fatal("reading back PCR 8", r);
		if (memcmp(got, want, digest_len(alg)) != 0) {
			hex_encode(got, digest_len(alg), hex);
			agent_set_detail("%s bank holds %s, not H(0 || H(manifest)): PCR 8 was extended by someone else",
					 digest_name(alg), hex);
			agent_fatal("PCR 8 read-back", -EBADMSG);
		}
	}
}

void measure_manifest(const struct found_manifest *fm, const char *name,
		      const struct workload_identity *id, bool tpm, bool tdx)
{
	struct cel_record rec = { .event_type = "cvm-workload", .name = name, .source = source_name(fm->source) };
	struct vtpm v = {0};
	char boot_id[33];
	int lfd;

	if (cel_boot_id(boot_id) == 0)
		rec.boot_id = boot_id;
	lfd = lock_event_log();
	if (tpm) {
		open_vtpm(&v);
		extend_pcr8(&v, fm, lfd, &rec);
	}
	if (tdx)
		extend_rtmr3(id, lfd, &rec);
	cel_log_unlock(lfd);

	if (tdx)
		verify_rtmr3(id);
	if (tpm) {
		verify_pcr8(&v, fm);
		tpm_close(v.t);
	}
}
