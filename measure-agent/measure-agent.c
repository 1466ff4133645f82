/* measure-agent: the guest side of the workload measurement contract (DESIGN.md).
 *
 *   measure-agent [launch]            find M → check bindings → measure → verity-mount
 *                                     the payload → exec the workload
 *   measure-agent evidence --nonce HEX
 *
 * Fail closed: on any failure `launch` prints ONE line "measure-agent: FATAL: …" on
 * stderr (the unit sends it to the console and the journal) and exits 1 without
 * starting anything; cvm-workload.service then powers the VM off (FailureAction=).
 *
 * Tests point every path at a directory tree with $CVM_SYSROOT and the TPM at swtpm
 * with $CVM_TCTI; neither changes what is checked. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "util/file.h"
#include "util/hex.h"
#include "evidence/snp_report.h"
#include "measure/workload_identity.h"

static char detail[512];

const char *sysroot_path(const char *path, char buf[PATH_MAX])
{
	const char *root = getenv("CVM_SYSROOT");

	if (!root || !*root)
		root = "";
	if (snprintf(buf, PATH_MAX, "%s%s", root, path) >= PATH_MAX)
		buf[0] = 0; /* an empty path fails every open with ENOENT */
	return buf;
}

void agent_set_detail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
}

const char *agent_detail(void)
{
	return detail;
}

static _Noreturn void fatal(const char *what, int r)
{
	if (detail[0])
		fprintf(stderr, "measure-agent: FATAL: %s: %s\n", what, detail);
	else
		fprintf(stderr, "measure-agent: FATAL: %s: %s\n", what, strerror(r < 0 ? -r : r));
	exit(1);
}

static uint64_t now_usec(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Development relaxations live on the kernel command line, which is inside the UKI
 * and therefore measured: a verifier sees that a VM ran as a development image. */
static bool cmdline_has(const char *word)
{
	char p[PATH_MAX];
	uint8_t *buf;
	size_t len, wl = strlen(word);
	bool found = false;

	if (file_read_all(sysroot_path("/proc/cmdline", p), 65536, &buf, &len) < 0)
		return false;
	for (char *tok = strtok((char *)buf, " \t\n"); tok; tok = strtok(NULL, " \t\n"))
		if (strlen(tok) == wl && memcmp(tok, word, wl) == 0)
			found = true;
	free(buf);
	return found;
}

static bool all_zero(const uint8_t *b, size_t n)
{
	uint8_t acc = 0;
	for (size_t i = 0; i < n; i++)
		acc |= b[i];
	return acc == 0;
}

static void check_snp(const struct workload_identity *id, bool allow_unbound)
{
	uint8_t rd[64] = {0}, *raw = NULL;
	struct snp_report rep;
	char want[65], got[65];
	size_t len;
	int r;

	r = snp_get_report(rd, &raw, &len, NULL, NULL);
	if (r < 0)
		fatal("SEV-SNP attestation report", r);
	r = snp_report_parse(raw, len, &rep);
	free(raw);
	if (r < 0) {
		agent_set_detail("malformed report (%zu bytes)", len);
		fatal("SEV-SNP attestation report", r);
	}
	/* HOST_DATA is set by the launcher (SNP_LAUNCH_FINISH) and only reported by the
	 * PSP. Zero means the launcher bound nothing: anyone could have started this
	 * VM with any workload, so only a development image accepts it. */
	if (all_zero(rep.host_data, SHA256_LEN)) {
		if (!allow_unbound) {
			agent_set_detail("HOST_DATA is all zero: the VM was launched without binding a workload "
					 "(set host-data to SHA-256 of the manifest)");
			fatal("SEV-SNP binding", -EPERM);
		}
		fprintf(stderr, "measure-agent: warning: SEV-SNP HOST_DATA is zero (development image)\n");
		return;
	}
	if (memcmp(rep.host_data, id->host_data, SHA256_LEN) != 0) {
		hex_encode(rep.host_data, SHA256_LEN, got);
		hex_encode(id->host_data, SHA256_LEN, want);
		agent_set_detail("HOST_DATA %s is not SHA-256(manifest) %s", got, want);
		fatal("SEV-SNP binding", -EPERM);
	}
}

static void check_tdx(const struct workload_identity *id)
{
	uint8_t mr[SHA384_LEN];
	char want[97], got[97];
	int r;

	r = tdx_read_mrconfigid(mr);
	if (r < 0)
		fatal("TDX MRCONFIGID", r);
	/* Zero = the launcher did not bind (allowed: RTMR3 still carries the identity). */
	if (!all_zero(mr, SHA384_LEN) && memcmp(mr, id->mrconfigid, SHA384_LEN) != 0) {
		hex_encode(mr, SHA384_LEN, got);
		hex_encode(id->mrconfigid, SHA384_LEN, want);
		agent_set_detail("MRCONFIGID %s is not SHA-384(manifest) %s", got, want);
		fatal("TDX binding", -EPERM);
	}
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
		fatal("appending to the event log " CEL_LOG_PATH, r);
}

static void write_state(const char *name, const void *buf, size_t len)
{
	char rel[128], p[PATH_MAX];
	int fd;

	snprintf(rel, sizeof rel, AGENT_STATE_DIR "/%s", name);
	fd = open(sysroot_path(rel, p), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len || close(fd) < 0) {
		agent_set_detail("%s: %s", p, strerror(errno));
		fatal("saving state", -errno);
	}
}

static void print_console_evidence(void)
{
	uint8_t *buf, nonce[64];
	size_t len, n;
	char p[PATH_MAX];
	int r;

	if (file_read_all(sysroot_path(AGENT_FWCFG_NONCE, p), 256, &buf, &len) < 0)
		return;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		buf[--len] = 0;
	r = hex_decode((char *)buf, nonce, sizeof nonce, &n);
	free(buf);
	if (r < 0 || n == 0) {
		agent_set_detail("fw_cfg evidence-nonce is not 1..64 bytes of hex");
		fatal("evidence", -EINVAL);
	}
	{
		/* One line on the console: kernel messages may interleave between lines.
		 * Raw newlines in the document are formatting only (strings escape theirs). */
		char *doc = NULL, *w;
		size_t dlen = 0;
		FILE *f = open_memstream(&doc, &dlen);

		if (!f)
			fatal("evidence", -ENOMEM);
		r = evidence_print(nonce, n, f);
		fclose(f);
		if (r < 0) {
			free(doc);
			fatal("evidence", r);
		}
		w = doc;
		for (size_t i = 0; i < dlen; i++)
			if (doc[i] != '\n')
				*w++ = doc[i];
		*w = 0;
		printf("=== cvm-evidence begin ===\n%s\n", doc);
		free(doc);
	}
	printf("=== cvm-evidence end ===\n");
	fflush(stdout);
}

static int cmd_launch(void)
{
	uint64_t t0 = now_usec(CLOCK_MONOTONIC);
	bool allow_unbound = cmdline_has("cvmforge.allow_unbound=1");
	bool tpm = tpm_present(), tdx = tdx_present(), snp = snp_present();
	struct workload_identity id;
	struct found_manifest fm;
	struct manifest *m = NULL;
	struct cel_record rec = { .event_type = "cvm-workload" };
	char boot_id[33], p[PATH_MAX], sha[65], root[PATH_MAX], *rootp = NULL;
	const char *err = NULL;
	struct tpm *t = NULL;
	enum digest_alg banks[4];
	size_t nb = 0;
	int r, lfd, fd;

	r = find_manifest(&fm);
	if (r < 0)
		fatal("finding the workload manifest", r);
	r = manifest_parse(fm.bytes, fm.len, &m, &err);
	if (r < 0) {
		agent_set_detail("%s", err ? err : strerror(-r));
		fatal(fm.source == SOURCE_DISK ? "workload manifest on the workload disk refused"
					       : "workload manifest from fw_cfg refused", r);
	}
	if (fm.source == SOURCE_FWCFG && m->has_payload) {
		agent_set_detail("a fw_cfg manifest cannot name a payload (the payload comes only with a workload disk)");
		fatal("workload manifest from fw_cfg refused", -EINVAL);
	}
	r = workload_identity(fm.bytes, fm.len, &id);
	if (r < 0)
		fatal("hashing the manifest", r);

	if (!tpm && !tdx && !snp) {
		if (!allow_unbound) {
			agent_set_detail("no vTPM (/dev/tpmrm0), no TDX (tdx_guest), no SEV-SNP (sev-guest); "
					 "only a development image (cvmforge.allow_unbound=1) may run unmeasured");
			fatal("no measurement backend", -ENODEV);
		}
		fprintf(stderr, "measure-agent: warning: no measurement backend (development image)\n");
	}

	/* Exactly once per boot: the marker is created before the first extend, so a
	 * restarted agent can never extend a second time (/run is a fresh tmpfs per boot). */
	if (mkdir(sysroot_path(AGENT_STATE_DIR, p), 0700) < 0 && errno != EEXIST) {
		agent_set_detail("%s: %s", p, strerror(errno));
		fatal("state directory", -errno);
	}
	fd = open(sysroot_path(AGENT_STATE_DIR "/measured", p), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		agent_set_detail("%s: %s", p, errno == EEXIST ? "a workload was already measured in this boot" : strerror(errno));
		fatal("exactly-once measurement", -errno);
	}
	close(fd);

	/* Bindings first: a mismatch must not even be measured as "ran". */
	if (snp)
		check_snp(&id, allow_unbound);
	if (tdx)
		check_tdx(&id);

	if (cel_boot_id(boot_id) == 0)
		rec.boot_id = boot_id;
	rec.name = m->name;
	rec.source = source_name(fm.source);

	/* One exclusive lock over every extend and its record (systemd's protocol). */
	lfd = cel_log_lock(sysroot_path(CEL_LOG_PATH, p));
	if (lfd < 0) {
		agent_set_detail("%s: %s", p, lfd == -EBADMSG ? "marked incomplete (sticky bit): an earlier writer died mid-append" : strerror(-lfd));
		fatal("event log", lfd);
	}
	if (tpm) {
		r = tpm_open(&t);
		if (r == 0)
			r = tpm_banks(t, banks, &nb);
		if (r < 0)
			fatal("vTPM", r);
		rec.reg = CEL_PCR;
		rec.index = WORKLOAD_PCR;
		rec.n_digests = nb;
		for (size_t i = 0; i < nb; i++) {
			rec.digests[i].alg = banks[i];
			if (digest_buf(banks[i], fm.bytes, fm.len, rec.digests[i].digest) < 0)
				fatal("hashing the manifest", -EIO);
		}
		rec.timestamp_usec = now_usec(CLOCK_BOOTTIME);
		r = tpm_extend(t, WORKLOAD_PCR, rec.digests, nb);
		if (r < 0)
			fatal("extending PCR 8", r);
		log_append(lfd, &rec);
	}
	if (tdx) {
		rec.reg = CEL_RTMR;
		rec.index = WORKLOAD_RTMR;
		rec.n_digests = 1;
		rec.digests[0].alg = DIGEST_SHA384;
		memcpy(rec.digests[0].digest, id.sha384, SHA384_LEN);
		rec.timestamp_usec = now_usec(CLOCK_BOOTTIME);
		r = tdx_extend_rtmr3(id.sha384);
		if (r < 0)
			fatal("extending RTMR3", r);
		log_append(lfd, &rec);
	}
	cel_log_unlock(lfd);

	/* Like PCR 8 below: RTMR3 must now be exactly SHA-384(0^48 || SHA-384(M)); any
	 * other value means someone extended it before us. (Kernels with only the legacy
	 * ioctl cannot read RTMRs back; -ENOENT skips the check there.) */
	if (tdx) {
		uint8_t got[SHA384_LEN];
		char hex[2 * SHA384_LEN + 1];

		r = tdx_read_rtmr3(got);
		if (r < 0 && r != -ENOENT)
			fatal("reading back RTMR3", r);
		if (r == 0 && memcmp(got, id.rtmr3, SHA384_LEN) != 0) {
			hex_encode(got, SHA384_LEN, hex);
			agent_set_detail("RTMR3 holds %s, not SHA-384(0 || SHA-384(manifest)): RTMR3 was extended by someone else", hex);
			fatal("RTMR3 read-back", -EBADMSG);
		}
	}

	/* PCR 8 must now be exactly H(0 || H(M)) in every bank: anything else means
	 * someone extended it before us and the verifier's replay would not match. */
	if (tpm) {
		for (size_t i = 0; i < nb; i++) {
			uint8_t want[DIGEST_MAX] = {0}, got[DIGEST_MAX], d[DIGEST_MAX];
			char hex[2 * DIGEST_MAX + 1];

			if (digest_buf(banks[i], fm.bytes, fm.len, d) < 0 || digest_extend(banks[i], want, d) < 0)
				fatal("hashing the manifest", -EIO);
			r = tpm_pcr_read(t, banks[i], WORKLOAD_PCR, got);
			if (r < 0)
				fatal("reading back PCR 8", r);
			if (memcmp(got, want, digest_len(banks[i])) != 0) {
				hex_encode(got, digest_len(banks[i]), hex);
				agent_set_detail("%s bank holds %s, not H(0 || H(manifest)): PCR 8 was extended by someone else",
						 digest_name(banks[i]), hex);
				fatal("PCR 8 read-back", -EBADMSG);
			}
		}
		tpm_close(t);
		t = NULL;
	}

	write_state("manifest", fm.bytes, fm.len);
	write_state("source", source_name(fm.source), strlen(source_name(fm.source)));
	hex_encode(id.sha256, SHA256_LEN, sha);
	fprintf(stderr, "measure-agent: workload %s (manifest sha256 %s, %s) measured:%s%s%s%s\n", m->name, sha,
		source_name(fm.source), tpm ? " PCR 8" : "", tdx ? " RTMR3" : "", snp ? " HOST_DATA checked" : "",
		!tpm && !tdx && !snp ? " nothing (development image)" : "");
	print_console_evidence();

	if (m->has_payload) {
		r = launch_payload(&fm, m, root);
		if (r < 0)
			fatal("payload", r);
		rootp = root;
	}
	fprintf(stderr, "measure-agent: starting %s as %u:%u, %llu ms after agent start\n", m->argv[0], m->uid,
		m->gid, (unsigned long long)((now_usec(CLOCK_MONOTONIC) - t0) / 1000));
	fflush(stdout);
	fflush(stderr);
	r = launch_exec(m, rootp);
	fatal("starting the workload", r);
}

static int cmd_evidence(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "nonce", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	uint8_t nonce[64];
	size_t n = 0;
	int c, r;
	const char *hex = NULL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1)
		switch (c) {
		case 'n': hex = optarg; break;
		case 'h': printf("usage: measure-agent evidence --nonce HEX (1..64 bytes)\n"); return 0;
		default: return 2;
		}
	if (!hex || optind != argc || hex_decode(hex, nonce, sizeof nonce, &n) < 0 || n == 0) {
		fprintf(stderr, "measure-agent: evidence needs --nonce HEX of 1..64 bytes\n");
		return 2;
	}
	r = evidence_print(nonce, n, stdout);
	if (r < 0) {
		fprintf(stderr, "measure-agent: evidence: %s\n", detail[0] ? detail : strerror(-r));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	/* tpm2-tss logs to stderr by default; our one line per failure is the log. */
	setenv("TSS2_LOG", "all+NONE", 0);
	if (argc < 2 || strcmp(argv[1], "launch") == 0)
		return argc <= 2 ? cmd_launch() : 2;
	if (strcmp(argv[1], "evidence") == 0)
		return cmd_evidence(argc - 1, argv + 1);
	fprintf(stderr, "usage: measure-agent [launch] | measure-agent evidence --nonce HEX\n");
	return 2;
}
