/* SPDX-License-Identifier: Apache-2.0 */
/* cvm-evidence-serve (evidence-service/) driven the way systemd drives it with
 * Accept=yes: one connected stream socket as stdin and stdout. The program under test
 * is built from the same source with a 1 s request deadline and /bin/echo in place of
 * measure-agent (evidence-service/build.mk), so a test takes seconds, not tens of
 * seconds, and a valid request shows the argv it would exec.
 *
 * The deadline covers the whole request, from the start of the program (the accept)
 * to the newline: a client that dribbles a digit every quarter of the deadline, never
 * silent long enough for a per-read timeout, is still cut off at the deadline.
 *
 * The test build reads the agent's "workload measured" mark as ./workload-measured:
 * the test runs in a temporary directory and makes or removes that file. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

#define DEADLINE_SEC 1.0 /* what the test build of the program uses */
#define SLACK_SEC 0.8    /* start-up and scheduling on a busy machine */
#define SERVE_TEST_BIN "../evidence-service/cvm-evidence-serve-deadline-1s"

static char program[PATH_MAX + sizeof SERVE_TEST_BIN];

/* One connection: the program's end of the socket pair is its stdin and stdout. */
struct client {
	const char *script; /* what the client sends, one byte every `gap` seconds */
	double gap;
	size_t sent;
	double next_send;
	int fd;
	pid_t pid;
	char out[512];
	size_t out_len;
	double closed_after; /* seconds from the start until the program closed; <0: open */
	int status;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The test binary is $(B)/tests/unit/T; the program under test is next to it. */
static void find_program(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;

	CHECK(n > 0);
	self[n > 0 ? n : 0] = 0;
	slash = strrchr(self, '/');
	if (slash)
		*slash = 0;
	CHECK(strlen(self) + sizeof "/" SERVE_TEST_BIN <= sizeof program);
	strcpy(program, self);
	strcat(program, "/" SERVE_TEST_BIN);
	CHECK(access(program, X_OK) == 0);
}

static void start(struct client *c, double t0)
{
	int sv[2];

	CHECK_EQ_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	fflush(NULL);
	c->pid = fork();
	CHECK(c->pid >= 0);
	if (c->pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(sv[1], STDIN_FILENO);
		dup2(sv[1], STDOUT_FILENO);
		dup2(null, STDERR_FILENO); /* the journal line is not what is tested */
		execl(program, program, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	c->fd = sv[0];
	c->sent = 0;
	c->next_send = t0;
	c->out_len = 0;
	c->closed_after = -1;
}

/* Reads what arrived (noting when the program closed), then sends what is due. */
static void step(struct client *c, double t0, short revents)
{
	if (c->closed_after >= 0)
		return;
	if (revents & (POLLIN | POLLHUP | POLLERR)) {
		ssize_t n = read(c->fd, c->out + c->out_len, sizeof c->out - 1 - c->out_len);

		if (n > 0)
			c->out_len += (size_t)n;
		else {
			c->closed_after = now() - t0;
			return;
		}
	}
	if (c->script[c->sent] && now() >= c->next_send) {
		/* MSG_NOSIGNAL: the program may have closed already */
		if (send(c->fd, c->script + c->sent, 1, MSG_NOSIGNAL) == 1)
			c->sent++;
		c->next_send += c->gap;
	}
}

/* Runs the clients side by side until every connection is closed (or `limit` s). */
static void run(struct client *cs, size_t n, double limit)
{
	double t0 = now();
	struct pollfd p[8];

	for (size_t i = 0; i < n; i++)
		start(&cs[i], t0);
	for (;;) {
		size_t open_n = 0;

		for (size_t i = 0; i < n; i++) {
			p[i] = (struct pollfd){ .fd = cs[i].closed_after < 0 ? cs[i].fd : -1, .events = POLLIN };
			open_n += cs[i].closed_after < 0;
		}
		if (open_n == 0 || now() - t0 > limit)
			break;
		if (poll(p, n, 20) < 0 && errno != EINTR)
			break;
		for (size_t i = 0; i < n; i++)
			step(&cs[i], t0, p[i].revents);
	}
	for (size_t i = 0; i < n; i++) {
		if (cs[i].closed_after < 0)
			kill(cs[i].pid, SIGKILL);
		close(cs[i].fd);
		CHECK_EQ_INT(waitpid(cs[i].pid, &cs[i].status, 0), cs[i].pid);
		cs[i].out[cs[i].out_len] = 0;
	}
}

static int exit_code(const struct client *c)
{
	return WIFEXITED(c->status) ? WEXITSTATUS(c->status) : -1;
}

static bool cut_at_deadline(const struct client *c)
{
	bool ok = c->closed_after >= DEADLINE_SEC - 0.05 && c->closed_after < DEADLINE_SEC + SLACK_SEC &&
		  strcmp(c->out, "cvm-evidence: error: no request within 1 s\n") == 0 && exit_code(c) > 0;

	if (!ok)
		fprintf(stderr, "connection closed after %.2f s (deadline %.1f s), exit %d, sent %zu bytes, answer \"%s\"\n",
			c->closed_after, DEADLINE_SEC, exit_code(c), c->sent, c->out);
	return ok;
}

/* A prompt client, and one that finishes just before the deadline, get the evidence. */
static void test_prompt(void)
{
	struct client c[2] = {
		{ .script = "0a1b\n", .gap = 0.0 },
		{ .script = "ab\r\n", .gap = 0.25 }, /* last byte at 0.75 s */
	};

	run(c, 2, 5);
	CHECK_EQ_STR(c[0].out, "evidence --nonce 0a1b\n");
	CHECK_EQ_INT(exit_code(&c[0]), 0);
	CHECK_EQ_STR(c[1].out, "evidence --nonce ab\n");
	CHECK_EQ_INT(exit_code(&c[1]), 0);
}

static void test_silent(void)
{
	struct client c = { .script = "", .gap = 0 };

	run(&c, 1, 5);
	CHECK(cut_at_deadline(&c));
}

/* F9: a digit every quarter of the deadline never leaves the connection silent for a
 * whole deadline, yet the request as a whole must end at the deadline. */
static void test_dribble(void)
{
	struct client c = { .script = "0123456789abcdef0123\n", .gap = DEADLINE_SEC / 4 };

	run(&c, 1, 10);
	CHECK(cut_at_deadline(&c));
	CHECK(c.sent < strlen(c.script));
}

/* Four slow clients (MaxConnections=4) are all gone at the deadline. */
static void test_four_slow(void)
{
	struct client c[4];

	for (int i = 0; i < 4; i++)
		c[i] = (struct client){ .script = "00112233445566778899\n", .gap = DEADLINE_SEC / (3 + i) };
	run(c, 4, 10);
	for (int i = 0; i < 4; i++)
		CHECK(cut_at_deadline(&c[i]));
}

#define MEASURED_MARK "workload-measured" /* the test build's WORKLOAD_MEASURED */

/* Until measure-agent has measured the workload, an evidence request is refused with
 * one error line (and activation, which vouches for no workload, still answers). */
static void test_not_measured(void)
{
	struct client c[2] = {
		{ .script = "0a1b\n", .gap = 0.0 },
		{ .script = "activate 00\n", .gap = 0.0 },
	};

	CHECK_EQ_INT(unlink(MEASURED_MARK), 0);
	run(c, 2, 5);
	CHECK_EQ_STR(c[0].out, "cvm-evidence: error: the workload is not measured yet\n");
	CHECK_EQ_INT(exit_code(&c[0]), 4);
	CHECK_EQ_STR(c[1].out, "activate --credential 00\n");
	CHECK_EQ_INT(exit_code(&c[1]), 0);
	CHECK_EQ_INT(close(open(MEASURED_MARK, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)), 0);
}

int main(void)
{
	char dir[] = "/tmp/test-evidence-serve.XXXXXX";

	alarm(60);
	find_program();
	CHECK(mkdtemp(dir) != NULL);
	CHECK_EQ_INT(chdir(dir), 0);
	CHECK_EQ_INT(close(open(MEASURED_MARK, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)), 0);
	test_not_measured();
	test_prompt();
	test_silent();
	test_dribble();
	test_four_slow();
	unlink(MEASURED_MARK);
	rmdir(dir);
	return unit_finish("test-evidence-serve");
}
