/* SPDX-License-Identifier: Apache-2.0 */
/* measure-agent's configfs-tsm backend (measure-agent/tsm.c) against a temporary sysroot
 * laid out like Documentation/ABI/testing/configfs-tsm-report: the instance directory
 * sys/kernel/config/tsm/report/cvmforge-measure-agent with provider, generation, inblob,
 * outblob (and auxblob for sev_guest). Where the kernel acts — generation bumps when
 * inblob is committed, outblob is generated on read — the files are FIFOs served by a
 * child process playing the kernel (as tests/measure-agent/fake-coco.py does for the
 * shell test). Checked: the report carries the 64-byte inblob, the generation protocol
 * (g2 = g1 + 1, g3 = g2), the provider name, and refusals. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../measure-agent/agent.h"
#include "agent-sysroot.h"
#include "tmptree.h"
#include "unit.h"

#define INSTANCE "sys/kernel/config/tsm/report/cvmforge-measure-agent"
#define OUT_PREFIX "REPORT:" /* the fake report: this prefix, then the inblob */

/* What the fake kernel serves for one request, in the order the agent reads. */
struct kernel_script {
	unsigned gen[3];    /* generation before inblob, after inblob, after outblob */
	bool serve_outblob; /* false: stop after the second generation */
};

static void attr_path(const char *root, const char *attr, char p[PATH_MAX])
{
	char rel[128];

	snprintf(rel, sizeof rel, INSTANCE "/%s", attr);
	tree_path(root, rel, p);
}

/* One open of a FIFO by the agent, served like a sysfs read: the text, then EOF. */
static bool serve(const char *root, const char *attr, const void *data, size_t len)
{
	char p[PATH_MAX];
	int fd;
	bool ok;

	attr_path(root, attr, p);
	fd = open(p, O_WRONLY); /* blocks until the agent opens it to read */
	if (fd < 0)
		return false;
	ok = write(fd, data, len) == (ssize_t)len;
	close(fd);
	return ok;
}

static bool serve_generation(const char *root, unsigned gen)
{
	char text[16];
	int n = snprintf(text, sizeof text, "%u\n", gen);

	return serve(root, "generation", text, (size_t)n);
}

/* Everything the agent writes to inblob in one open, up to its close (the commit). */
static size_t receive_inblob(const char *root, uint8_t *buf, size_t size)
{
	char p[PATH_MAX];
	size_t len = 0;
	ssize_t n;
	int fd;

	attr_path(root, "inblob", p);
	fd = open(p, O_RDONLY); /* blocks until the agent opens it to write */
	if (fd < 0)
		return 0;
	while (len < size && (n = read(fd, buf + len, size - len)) > 0)
		len += (size_t)n;
	close(fd);
	return len;
}

/* The child: the kernel's side of one report request. Exit 0 when the agent followed
 * the protocol (read generation, one 64-byte inblob equal to `want`, ...). */
static _Noreturn void play_kernel(const char *root, const struct kernel_script *k, const uint8_t want[64])
{
	uint8_t in[128], out[sizeof OUT_PREFIX - 1 + 64];
	size_t len;

	alarm(10); /* an agent that stops early must not leave us blocked forever */
	if (!serve_generation(root, k->gen[0]))
		_exit(10);
	len = receive_inblob(root, in, sizeof in);
	if (len != 64 || memcmp(in, want, 64) != 0)
		_exit(11);
	if (!serve_generation(root, k->gen[1]))
		_exit(12);
	if (!k->serve_outblob)
		_exit(0);
	memcpy(out, OUT_PREFIX, sizeof OUT_PREFIX - 1);
	memcpy(out + sizeof OUT_PREFIX - 1, in, 64);
	if (!serve(root, "outblob", out, sizeof out))
		_exit(13);
	if (!serve_generation(root, k->gen[2]))
		_exit(14);
	_exit(0);
}

static pid_t start_kernel(const char *root, const struct kernel_script *k, const uint8_t want[64])
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		play_kernel(root, k, want);
	return pid;
}

static void check_kernel_done(pid_t pid)
{
	int status = -1;

	CHECK_EQ_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ_INT(WEXITSTATUS(status), 0);
}

/* A sysroot with the configfs-tsm instance of `provider`: provider a regular file,
 * generation/inblob/outblob FIFOs (a NULL name leaves that file out). */
static char *new_root(const char *provider, const char *outblob)
{
	char *root = agent_sysroot_new("test-agent-tsm");
	char text[32];
	int n = snprintf(text, sizeof text, "%s\n", provider);

	CHECK(root != NULL);
	CHECK_EQ_INT(tree_write(root, INSTANCE "/provider", text, (size_t)n), 0);
	CHECK_EQ_INT(tree_mkfifo(root, INSTANCE "/generation"), 0);
	CHECK_EQ_INT(tree_mkfifo(root, INSTANCE "/inblob"), 0);
	if (outblob)
		CHECK_EQ_INT(tree_mkfifo(root, INSTANCE "/outblob"), 0);
	return root;
}

static void make_nonce(uint8_t nonce[64], uint8_t seed)
{
	for (int i = 0; i < 64; i++)
		nonce[i] = (uint8_t)(seed + 3 * i);
}

static bool is_report_of(const uint8_t *out, size_t len, const uint8_t nonce[64])
{
	return len == sizeof OUT_PREFIX - 1 + 64 && memcmp(out, OUT_PREFIX, sizeof OUT_PREFIX - 1) == 0 &&
	       memcmp(out + sizeof OUT_PREFIX - 1, nonce, 64) == 0;
}

static void test_tdx_report(void)
{
	static const struct kernel_script k = { { 41, 42, 42 }, true };
	uint8_t nonce[64], *out = NULL;
	size_t len = 0;
	char *root = new_root("tdx_guest", "outblob");
	char p[PATH_MAX];
	struct stat st;
	pid_t kernel;

	CHECK(tsm_available());
	make_nonce(nonce, 1);
	kernel = start_kernel(root, &k, nonce);
	CHECK_EQ_INT(tsm_report("tdx_guest", nonce, &out, &len, NULL, NULL), 0);
	check_kernel_done(kernel);
	CHECK(is_report_of(out, len, nonce));
	free(out);
	/* the instance was there before: the agent leaves it */
	CHECK_EQ_INT(stat(tree_path(root, INSTANCE, p), &st), 0);
	tree_remove(root);
}

static void test_snp_report_aux(void)
{
	static const struct kernel_script k = { { 0, 1, 1 }, true };
	static const uint8_t certs[] = "certificate table";
	uint8_t nonce[64], *out = NULL, *aux = NULL;
	size_t len = 0, alen = 0;
	char *root = new_root("sev_guest", "outblob");
	pid_t kernel;

	CHECK_EQ_INT(tree_write(root, INSTANCE "/auxblob", certs, sizeof certs), 0);
	make_nonce(nonce, 2);
	kernel = start_kernel(root, &k, nonce);
	CHECK_EQ_INT(tsm_report("sev_guest", nonce, &out, &len, &aux, &alen), 0);
	check_kernel_done(kernel);
	CHECK(is_report_of(out, len, nonce));
	CHECK_EQ_INT(alen, sizeof certs);
	CHECK(aux && memcmp(aux, certs, sizeof certs) == 0);
	free(out);
	free(aux);

	/* no auxblob (or an empty one): no certificates, not a failure */
	CHECK_EQ_INT(tree_write(root, INSTANCE "/auxblob", "", 0), 0);
	kernel = start_kernel(root, &k, nonce);
	aux = nonce; /* must be overwritten */
	CHECK_EQ_INT(tsm_report("sev_guest", nonce, &out, &len, &aux, &alen), 0);
	check_kernel_done(kernel);
	CHECK(aux == NULL);
	CHECK_EQ_INT(alen, 0);
	free(out);
	tree_remove(root);
}

static void test_wrong_provider(void)
{
	uint8_t nonce[64] = {0}, *out = NULL;
	size_t len = 0;
	char *root = new_root("sev_guest", "outblob");

	/* refused before touching generation: no kernel needed (a FIFO would block) */
	CHECK_EQ_INT(tsm_report("tdx_guest", nonce, &out, &len, NULL, NULL), -ENODEV);
	CHECK(agent_detail_has("provider is \"sev_guest\", expected tdx_guest"));
	CHECK(out == NULL);
	tree_remove(root);
}

/* The generation must go up by exactly one with our inblob and stay there while we
 * read outblob; anything else means another writer's inblob may be in the report. */
static void test_generation_change(void)
{
	static const struct kernel_script concurrent = { { 7, 9, 9 }, false };
	static const struct kernel_script refused = { { 7, 7, 7 }, false };
	static const struct kernel_script during_read = { { 7, 8, 9 }, true };
	uint8_t nonce[64], *out = NULL;
	size_t len = 0;
	char *root = new_root("tdx_guest", "outblob");
	pid_t kernel;

	make_nonce(nonce, 3);
	kernel = start_kernel(root, &concurrent, nonce);
	CHECK_EQ_INT(tsm_report("tdx_guest", nonce, &out, &len, NULL, NULL), -EBUSY);
	check_kernel_done(kernel);
	CHECK(agent_detail_has("generation 9 after writing inblob at 7"));

	kernel = start_kernel(root, &refused, nonce);
	CHECK_EQ_INT(tsm_report("tdx_guest", nonce, &out, &len, NULL, NULL), -EBUSY);
	check_kernel_done(kernel);
	CHECK(agent_detail_has("generation 7 after writing inblob at 7"));

	kernel = start_kernel(root, &during_read, nonce);
	CHECK_EQ_INT(tsm_report("tdx_guest", nonce, &out, &len, NULL, NULL), -EBUSY);
	check_kernel_done(kernel);
	CHECK(agent_detail_has("generation changed while reading outblob"));
	CHECK(out == NULL);
	tree_remove(root);
}

static void test_missing_files(void)
{
	static const struct kernel_script k = { { 1, 2, 2 }, false };
	uint8_t nonce[64], *out = NULL;
	size_t len = 0;
	char *root = new_root("tdx_guest", NULL), p[PATH_MAX];
	struct stat st;
	pid_t kernel;

	make_nonce(nonce, 4);
	kernel = start_kernel(root, &k, nonce);
	CHECK_EQ_INT(tsm_report("tdx_guest", nonce, &out, &len, NULL, NULL), -ENOENT);
	check_kernel_done(kernel);
	CHECK(agent_detail_has(INSTANCE "/outblob: No such file or directory"));
	CHECK(out == NULL);
	tree_remove(root);

	/* generation that is not a number */
	root = agent_sysroot_new("test-agent-tsm");
	CHECK(root != NULL);
	CHECK_EQ_INT(tree_write(root, INSTANCE "/provider", "tdx_guest\n", 10), 0);
	CHECK_EQ_INT(tree_write(root, INSTANCE "/generation", "x1\n", 3), 0);
	CHECK_EQ_INT(tsm_report("tdx_guest", nonce, &out, &len, NULL, NULL), -EBADMSG);
	CHECK(agent_detail_has("generation: not a decimal number"));
	tree_remove(root);

	/* No instance yet: the agent makes its own (configfs would fill it with the
	 * attributes; a plain directory stays empty, so the request fails) and removes it
	 * again. Without the report directory configfs-tsm is not available at all. */
	root = agent_sysroot_new("test-agent-tsm");
	CHECK(root != NULL);
	CHECK(!tsm_available());
	CHECK_EQ_INT(tree_mkdir(root, "sys/kernel/config/tsm/report"), 0);
	CHECK(tsm_available());
	CHECK_EQ_INT(tsm_report("tdx_guest", nonce, &out, &len, NULL, NULL), -ENOENT);
	CHECK(agent_detail_has("/provider: No such file or directory"));
	CHECK_EQ_INT(stat(tree_path(root, INSTANCE, p), &st), -1);
	CHECK_EQ_INT(errno, ENOENT);
	tree_remove(root);
}

int main(void)
{
	alarm(60); /* a protocol bug must fail the test, not hang it */
	test_tdx_report();
	test_snp_report_aux();
	test_wrong_provider();
	test_generation_change();
	test_missing_files();
	return unit_finish("test-agent-tsm");
}
