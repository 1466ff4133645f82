/* SPDX-License-Identifier: Apache-2.0 */
/* cvm-evidence-serve: the evidence endpoint of a shell-less node (one connection).
 *
 * The node has no shell and no login, so the customer needs a way to ask the running
 * VM for fresh evidence. systemd listens (cvm-evidence.socket: TCP port 7000;
 * cvm-evidence-vsock.socket: AF_VSOCK port 7000) and starts this program once per
 * connection with the connection as stdin and stdout (Accept=yes). The protocol:
 *
 *     client → node:  the nonce as 2..128 hex digits, then "\n"        (≤ 130 bytes,
 *                     all of it within 10 s of the connection)
 *     node → client:  the evidence document of `measure-agent evidence --nonce HEX`
 *                     (measure-agent/EVIDENCE.md), then the node closes
 *
 *     client → node:  "activate " and a credential of 2..2048 hex digits, then "\n"
 *                     (the request `cvm-reference challenge` writes; same deadline)
 *     node → client:  the output of `measure-agent activate --credential HEX`: the
 *                     credential's secret as one hex line, then the node closes
 *
 * Activation is safe to serve to anyone: the TPM releases a credential's secret only
 * when it was made for this TPM's EK *and* this node's AK, so the answer proves a
 * fact about this node and nothing else (measure-agent/EVIDENCE.md "Binding the AK to
 * the TPM").
 *
 * Evidence is served only once the workload is measured: until measure-agent has
 * created /run/cvm-workload/complete (after the extend and the saved copy of M), an
 * evidence request gets "cvm-evidence: error: the workload is not measured yet" and
 * exit 4. systemd's After=cvm-workload.service cannot say this: that unit is Type=exec,
 * so it counts as started as soon as measure-agent runs, long before it has measured.
 *
 * On a malformed request the node answers one line "cvm-evidence: error: …" and
 * closes. Nothing in the request is trusted beyond "a nonce": it is validated here,
 * and it only becomes the TPM qualifying data / REPORT_DATA, so a client can learn
 * nothing it could not learn with another nonce. The evidence itself is public by
 * design (it proves, it does not authorise); it carries no secret.
 *
 * The program validates and then *becomes* measure-agent (execv, no shell), so the
 * document on the wire is exactly the agent's, byte for byte.
 *
 * Exit codes (util/exit.h): 3 bad or incomplete request, 4 system-call failure (exec
 * or read) or workload not measured yet; otherwise the agent's. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/exit.h"
#include "util/io.h"

#ifndef MEASURE_AGENT
#define MEASURE_AGENT "/usr/bin/measure-agent"
#endif
/* measure-agent's mark that the workload is measured (measure-agent.c save_state); the
 * test builds point it elsewhere. */
#ifndef WORKLOAD_MEASURED
#define WORKLOAD_MEASURED "/run/cvm-workload/complete"
#endif
#define STR_(x) #x
#define STR(x) STR_(x)
#define NONCE_HEX_MAX 128 /* 64 bytes: the width of TDX REPORTDATA / SNP REPORT_DATA */
#define ACTIVATE "activate "
#define CREDENTIAL_HEX_MAX 2048 /* measure-agent's TPM_CREDENTIAL_REQUEST_MAX, 1024 bytes */
#define REQUEST_MAX (sizeof(ACTIVATE) - 1 + CREDENTIAL_HEX_MAX)
/* One deadline for the whole request, from the start of this program (systemd starts
 * it right after accept()) to the newline. A per-read timeout would let a client that
 * sends one digit every few seconds hold a connection slot for minutes. The test
 * build (evidence-service/build.mk) shortens it; the installed program has no switch. */
#ifndef REQUEST_DEADLINE_SEC
#define REQUEST_DEADLINE_SEC 10
#endif

static int reply_error(const char *msg)
{
	dprintf(STDOUT_FILENO, "cvm-evidence: error: %s\n", msg);
	fprintf(stderr, "cvm-evidence-serve: refused request: %s\n", msg);
	return EXIT_INPUT;
}

static int64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read one request line from fd into buf (NUL-terminated, without "\r\n"). Returns
 * its length, -ETIMEDOUT (no newline before the deadline), -EMSGSIZE (no newline
 * within REQUEST_MAX bytes), -ENODATA (peer closed first) or -errno. Reads byte-wise
 * on purpose: whatever follows the newline is left unread, and a request is at most
 * about 2 KiB. */
static int read_request(int fd, char *buf, size_t size)
{
	const int64_t deadline = monotonic_ms() + REQUEST_DEADLINE_SEC * 1000;
	size_t n = 0;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - monotonic_ms();
		int r = left > 0 ? poll(&p, 1, (int)left) : 0;
		ssize_t k;
		char c;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		k = read_retry(fd, &c, 1);
		if (k < 0)
			return (int)k;
		if (k == 0)
			return -ENODATA;
		if (c == '\n')
			break;
		if (n + 1 >= size)
			return -EMSGSIZE;
		buf[n++] = c;
	}
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return (int)n;
}

/* 2..max hex digits, even count: the agent's own rule (measure-agent/EVIDENCE.md),
 * checked here too so that a bad request never reaches the TPM. */
static int hex_valid(const char *s, size_t n, size_t max)
{
	if (n < 2 || n > max || n % 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
			return 0;
	return 1;
}

/* Becomes measure-agent COMMAND OPTION VALUE; returns only if exec failed. */
static int exec_agent(const char *command, const char *option, char *value)
{
	char *const argv[] = { (char *)"measure-agent", (char *)command, (char *)option, value, NULL };

	execv(MEASURE_AGENT, argv);
	fprintf(stderr, "cvm-evidence-serve: exec %s: %s\n", MEASURE_AGENT, strerror(errno));
	dprintf(STDOUT_FILENO, "cvm-evidence: error: evidence service unavailable\n");
	return EXIT_SYSTEM;
}

int main(void)
{
	char req[REQUEST_MAX + 1];
	int n = read_request(STDIN_FILENO, req, sizeof(req));

	if (n == -ETIMEDOUT)
		return reply_error("no request within " STR(REQUEST_DEADLINE_SEC) " s");
	if (n == -EMSGSIZE)
		return reply_error("request too long");
	if (n == -ENODATA)
		return EXIT_INPUT; /* the client went away: nobody to answer */
	if (n < 0) {
		fprintf(stderr, "cvm-evidence-serve: reading the request: %s\n", strerror(-n));
		return EXIT_SYSTEM;
	}
	if (strncmp(req, ACTIVATE, sizeof(ACTIVATE) - 1) == 0) {
		char *hex = req + sizeof(ACTIVATE) - 1;

		if (!hex_valid(hex, (size_t)n - (sizeof(ACTIVATE) - 1), CREDENTIAL_HEX_MAX))
			return reply_error("expected \"activate\" and a credential of 2..2048 hex digits and a newline");
		fprintf(stderr, "cvm-evidence-serve: credential activation requested\n");
		return exec_agent("activate", "--credential", hex);
	}
	if (!hex_valid(req, (size_t)n, NONCE_HEX_MAX))
		return reply_error("expected a nonce of 2..128 hex digits (1..64 bytes) and a newline");

	/* One line per request in the journal and on the console: the operator sees who
	 * asked for evidence when (the peer is in the unit instance name). */
	fprintf(stderr, "cvm-evidence-serve: evidence requested, nonce %.16s…\n", req);
	if (access(WORKLOAD_MEASURED, F_OK) < 0) {
		fprintf(stderr, "cvm-evidence-serve: refused: %s: %s (workload not measured yet)\n",
			WORKLOAD_MEASURED, strerror(errno));
		dprintf(STDOUT_FILENO, "cvm-evidence: error: the workload is not measured yet\n");
		return EXIT_SYSTEM;
	}
	return exec_agent("evidence", "--nonce", req);
}
