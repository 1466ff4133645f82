/* SPDX-License-Identifier: Apache-2.0 */
/* measure-agent: the guest side of the workload measurement contract
 * (docs/architecture.md).
 *
 *   measure-agent [launch]            find M → check bindings → measure → verity-mount
 *                                     the payload → exec the workload
 *   measure-agent evidence --nonce HEX
 *   measure-agent activate --credential HEX   (EVIDENCE.md "Binding the AK to the TPM")
 *
 * Fail closed: on any failure `launch` prints ONE line "measure-agent: FATAL: …" on
 * stderr (the unit sends it to the console and the journal) and exits 1 without
 * starting anything; cvm-workload.service then powers the VM off (FailureAction=).
 *
 * cmd_launch reads as the list of its steps; each step ends the program through
 * agent_fatal() when it fails. Tests point every path at a directory tree with
 * $CVM_SYSROOT (agent_set_sysroot) and the TPM at swtpm with $CVM_TCTI; neither
 * changes what is checked, and neither exists in the image's agent: they are compiled
 * only with CVM_TEST_HOOKS, which the host build for tests sets (build.mk). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "util/exit.h"
#include "util/file.h"
#include "util/hex.h"
#include "measure/workload_identity.h"

static uint64_t monotonic_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
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

/* What one launch knows, filled in step by step. */
struct launch {
	uint64_t start_usec;
	bool allow_unbound;
	bool tpm, tdx, snp; /* measurement backends present */
	struct found_manifest fm;
	struct manifest *m;
	struct workload_identity id;
	const char *root; /* the mounted payload, NULL for a config-only manifest */
	char root_buf[PATH_MAX];
};

static void detect_backends(struct launch *l)
{
	struct cc_platform cc;
	int r = cc_platform_detect(&cc);

	if (r < 0)
		agent_fatal("confidential-computing platform", r);
	l->allow_unbound = cmdline_has("cvmforge.allow_unbound=1");
	l->tpm = tpm_present();
	l->tdx = cc.tdx;
	l->snp = cc.snp;
}

static void find_workload_manifest(struct launch *l)
{
	int r = find_manifest(&l->fm);

	if (r < 0)
		agent_fatal("finding the workload manifest", r);
}

/* Parsing is all that happens to M before it is measured or checked against a binding. */
static void parse_workload_manifest(struct launch *l)
{
	const char *refused = l->fm.source == SOURCE_DISK ? "workload manifest on the workload disk refused"
							  : "workload manifest from fw_cfg refused";
	const char *err = NULL;
	int r;

	r = manifest_parse(l->fm.bytes, l->fm.len, &l->m, &err);
	if (r < 0) {
		agent_set_detail("%s", err ? err : strerror(-r));
		agent_fatal(refused, r);
	}
	if (l->fm.source == SOURCE_FWCFG && l->m->has_payload) {
		agent_set_detail("a fw_cfg manifest cannot name a payload (the payload comes only with a workload disk)");
		agent_fatal(refused, -EINVAL);
	}
	r = workload_identity(l->fm.bytes, l->fm.len, &l->id);
	if (r < 0)
		agent_fatal("hashing the manifest", r);
}

static void require_a_backend(const struct launch *l)
{
	if (l->tpm || l->tdx || l->snp)
		return;
	if (!l->allow_unbound) {
		agent_set_detail("no vTPM (/dev/tpmrm0), no TDX (tdx_guest), no SEV-SNP (sev-guest); "
				 "only a development image (cvmforge.allow_unbound=1) may run unmeasured");
		agent_fatal("no measurement backend", -ENODEV);
	}
	fprintf(stderr, "measure-agent: warning: no measurement backend (development image)\n");
}

/* Exactly once per boot: the marker is created before the first extend, so a
 * restarted agent can never extend a second time (/run is a fresh tmpfs per boot). */
static void mark_measured_once(void)
{
	char p[PATH_MAX];
	int fd;

	if (mkdir(sysroot_path(AGENT_STATE_DIR, p), 0700) < 0 && errno != EEXIST)
		agent_fatal("state directory", agent_fail_errno("%s", p));
	fd = open(sysroot_path(AGENT_STATE_DIR "/measured", p), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		int r = -errno;

		if (r == -EEXIST)
			agent_set_detail("%s: a workload was already measured in this boot", p);
		else
			agent_fail_errno("%s", p);
		agent_fatal("exactly-once measurement", r);
	}
	close(fd);
}

/* Bindings first: a mismatch must not even be measured as "ran". */
static void check_bindings(const struct launch *l)
{
	if (l->snp)
		check_snp_binding(&l->id, l->allow_unbound);
	if (l->tdx)
		check_tdx_binding(&l->id);
}

static void write_state(const char *name, const void *buf, size_t len)
{
	char rel[128], p[PATH_MAX];
	int fd;

	snprintf(rel, sizeof rel, AGENT_STATE_DIR "/%s", name);
	fd = open(sysroot_path(rel, p), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len || close(fd) < 0)
		agent_fatal("saving state", agent_fail_errno("%s", p));
}

/* The copy of M and its source, for `measure-agent evidence` later in this boot; last
 * the empty "complete", which opens the evidence endpoint (cvm-evidence-serve.c refuses
 * before it exists): no evidence is served before M is in the record. ("measured" is
 * the exactly-once claim, made *before* the extend.) */
static void save_state(const struct launch *l)
{
	const char *source = source_name(l->fm.source);

	write_state("manifest", l->fm.bytes, l->fm.len);
	write_state("source", source, strlen(source));
	write_state("complete", "", 0);
}

static void report_measured(const struct launch *l)
{
	char sha[65];

	hex_encode(l->id.sha256, SHA256_LEN, sha);
	fprintf(stderr, "measure-agent: workload %s (manifest sha256 %s, %s) measured:%s%s%s%s\n", l->m->name, sha,
		source_name(l->fm.source), l->tpm ? " PCR 8" : "", l->tdx ? " RTMR3" : "",
		l->snp ? " HOST_DATA checked" : "",
		!l->tpm && !l->tdx && !l->snp ? " nothing (development image)" : "");
}

/* The evidence document as ONE console line: kernel messages may interleave between
 * lines. Raw newlines in the document are formatting only (strings escape theirs). */
static void print_evidence_line(const uint8_t *nonce, size_t n)
{
	char *doc = NULL, *w;
	size_t dlen = 0;
	FILE *f = open_memstream(&doc, &dlen);
	int r;

	if (!f)
		agent_fatal("evidence", -ENOMEM);
	r = evidence_print(nonce, n, f);
	fclose(f);
	if (r < 0) {
		free(doc);
		agent_fatal("evidence", r);
	}
	w = doc;
	for (size_t i = 0; i < dlen; i++)
		if (doc[i] != '\n')
			*w++ = doc[i];
	*w = 0;
	printf("=== cvm-evidence begin ===\n%s\n", doc);
	free(doc);
}

/* With a fw_cfg evidence-nonce (a test or a launcher that reads the console), the
 * evidence document goes to the console before the workload starts. */
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
		agent_fatal("evidence", -EINVAL);
	}
	print_evidence_line(nonce, n);
	printf("=== cvm-evidence end ===\n");
	fflush(stdout);
}

static void mount_workload_payload(struct launch *l)
{
	int r;

	if (!l->m->has_payload)
		return;
	r = launch_payload(&l->fm, l->m, l->root_buf);
	if (r < 0)
		agent_fatal("payload", r);
	l->root = l->root_buf;
}

/* Drops privileges and execs (launch_exec); returns only to fail. */
static _Noreturn void start_workload(const struct launch *l)
{
	const struct manifest *m = l->m;

	fprintf(stderr, "measure-agent: starting %s as %u:%u, %llu ms after agent start\n", m->argv[0], m->uid,
		m->gid, (unsigned long long)((monotonic_usec() - l->start_usec) / 1000));
	fflush(stdout);
	fflush(stderr);
	agent_fatal("starting the workload", launch_exec(m, l->root));
}

static int cmd_launch(void)
{
	struct launch l = { .start_usec = monotonic_usec() };

	detect_backends(&l);
	find_workload_manifest(&l);
	parse_workload_manifest(&l);
	require_a_backend(&l);
	mark_measured_once();
	check_bindings(&l);
	measure_manifest(&l.fm, l.m->name, &l.id, l.tpm, l.tdx);
	save_state(&l);
	report_measured(&l);
	print_console_evidence();
	mount_workload_payload(&l);
	start_workload(&l);
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
		case 'h': printf("usage: measure-agent evidence --nonce HEX (1..64 bytes)\n"); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	if (!hex || optind != argc || hex_decode(hex, nonce, sizeof nonce, &n) < 0 || n == 0) {
		fprintf(stderr, "measure-agent: evidence needs --nonce HEX of 1..64 bytes\n");
		return EXIT_USAGE;
	}
	r = evidence_print(nonce, n, stdout);
	if (r < 0) {
		fprintf(stderr, "measure-agent: evidence: %s\n", agent_detail()[0] ? agent_detail() : strerror(-r));
		return EXIT_SYSTEM;
	}
	return EXIT_OK;
}

/* The guest's half of AK enrolment: TPM2_ActivateCredential on the verifier's
 * credential; the secret goes to stdout as one hex line. */
static int cmd_activate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "credential", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static uint8_t req[TPM_CREDENTIAL_REQUEST_MAX];
	const char *hex = NULL;
	size_t n = 0;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1)
		switch (c) {
		case 'c': hex = optarg; break;
		case 'h': printf("usage: measure-agent activate --credential HEX\n"); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	if (!hex || optind != argc || hex_decode(hex, req, sizeof req, &n) < 0 || n == 0) {
		fprintf(stderr, "measure-agent: activate needs --credential HEX of 1..%d bytes\n",
			TPM_CREDENTIAL_REQUEST_MAX);
		return EXIT_USAGE;
	}
	r = activation_print(req, n, stdout);
	if (r < 0) {
		fprintf(stderr, "measure-agent: activate: %s\n", agent_detail()[0] ? agent_detail() : strerror(-r));
		return r == -EINVAL ? EXIT_INPUT : EXIT_SYSTEM;
	}
	return EXIT_OK;
}

int main(int argc, char **argv)
{
#ifdef CVM_TEST_HOOKS
	agent_set_sysroot(getenv("CVM_SYSROOT"));
#endif
	/* tpm2-tss logs to stderr by default; our one line per failure is the log. */
	setenv("TSS2_LOG", "all+NONE", 0);
	if (argc < 2 || strcmp(argv[1], "launch") == 0)
		return argc <= 2 ? cmd_launch() : EXIT_USAGE;
	if (strcmp(argv[1], "evidence") == 0)
		return cmd_evidence(argc - 1, argv + 1);
	if (strcmp(argv[1], "activate") == 0)
		return cmd_activate(argc - 1, argv + 1);
	fprintf(stderr, "usage: measure-agent [launch] | measure-agent evidence --nonce HEX | "
		"measure-agent activate --credential HEX\n");
	return EXIT_USAGE;
}
