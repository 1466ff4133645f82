/* SPDX-License-Identifier: Apache-2.0 */
/* echo-server: the example workload of cvmforge (README.md, "Walkthrough").
 *
 * A TCP echo server small enough to read in one sitting. It runs as the manifest's
 * user, chrooted into its dm-verity payload (measure-agent/MANIFEST.md), which holds
 * nothing but this static binary: no libc, no shell, no resolver. So it is linked
 * statically and uses only socket/bind/listen/accept/poll/read/write.
 *
 * On start it prints one marker line on stdout, which the unit sends to the serial
 * console (the e2e test waits for it):
 *     cvm-example: echo-server ready port=7001 uid=1000 gid=1000 nnp=1
 * then echoes every byte it receives on each connection back to the sender.
 * Connections are served one at a time (it is an example, not a server farm); a
 * connection that sends nothing for IDLE_SECONDS or more than MAX_BYTES in total is
 * closed, so one client cannot hold the server forever.
 *
 * usage: echo-server [--port N]       (default 7001; IPv4, all addresses)
 * Exit codes: 0 never (it serves until the VM stops), 1 system-call failure, 2 usage. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEFAULT_PORT 7001
#define IDLE_SECONDS 30
#define MAX_BYTES (1u << 20)

static void die(const char *what)
{
	fprintf(stderr, "echo-server: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int parse_port(const char *s, unsigned *ret_port)
{
	char *end;
	unsigned long v;

	if (!*s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v > 65535)
		return -EINVAL;
	*ret_port = (unsigned)v;
	return 0;
}

/* Write all n bytes (a short write on a stream socket is legal). */
static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void serve(int c)
{
	char buf[4096];
	size_t total = 0;
	struct pollfd pfd = { .fd = c, .events = POLLIN };

	while (total < MAX_BYTES) {
		int r = poll(&pfd, 1, IDLE_SECONDS * 1000);
		ssize_t n;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return; /* idle or error: drop the client */
		n = read(c, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || write_all(c, buf, (size_t)n) < 0)
			return;
		total += (size_t)n;
	}
}

static int listen_on(unsigned port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_ANY) };
	int one = 1, s;

	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		die("socket");
	if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		die("SO_REUSEADDR");
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("bind");
	if (listen(s, 8) < 0)
		die("listen");
	return s;
}

int main(int argc, char **argv)
{
	unsigned port = DEFAULT_PORT;
	int s;

	if (argc == 3 && strcmp(argv[1], "--port") == 0) {
		if (parse_port(argv[2], &port) < 0) {
			fprintf(stderr, "echo-server: --port %s: expected 1..65535\n", argv[2]);
			return 2;
		}
	} else if (argc != 1) {
		fprintf(stderr, "usage: echo-server [--port N]\n");
		return 2;
	}
	/* A client that closes early must not kill the server with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	s = listen_on(port);
	printf("cvm-example: echo-server ready port=%u uid=%u gid=%u nnp=%d\n", port, (unsigned)getuid(),
	       (unsigned)getgid(), prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	fflush(stdout);

	for (;;) {
		int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);

		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("accept");
		}
		serve(c);
		close(c);
	}
}
