/* SPDX-License-Identifier: Apache-2.0 */
/* cvm-boot-report: the image's boot marker. Prints, on the serial console, the vTPM
 * PCRs (sha256 and sha384 banks) and the firmware's TCG event log, then the marker
 * line the boot tests wait for. Runs once, after multi-user.target, as a oneshot.
 * Always exits EXIT_OK: what cannot be read is reported as unavailable, and the boot
 * must reach the marker line anyway. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "util/base64.h"
#include "util/exit.h"
#include "util/file.h"

#define PCR_COUNT 24
#define EVENTLOG "/sys/kernel/security/tpm0/binary_bios_measurements"
#define EVENTLOG_MAX (1024 * 1024)
#define B64_LINE 96 /* short console lines survive serial consoles intact */

static void report_pcrs(const char *bank)
{
	for (int i = 0; i < PCR_COUNT; i++) {
		char path[96];
		uint8_t *buf;
		size_t len;

		snprintf(path, sizeof(path), "/sys/class/tpm/tpm0/pcr-%s/%d", bank, i);
		if (file_read_all(path, 256, &buf, &len) < 0)
			return; /* bank not allocated */
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
			buf[--len] = 0;
		for (size_t k = 0; k < len; k++)
			if (buf[k] >= 'A' && buf[k] <= 'F')
				buf[k] = (uint8_t)(buf[k] - 'A' + 'a');
		printf("cvm-boot-report: pcr-%s %d %s\n", bank, i, (char *)buf);
		free(buf);
	}
}

static void report_eventlog(void)
{
	uint8_t *log;
	size_t len;
	char *b64;
	int r = file_read_all(EVENTLOG, EVENTLOG_MAX, &log, &len);

	if (r < 0) {
		printf("cvm-boot-report: eventlog unavailable: %s\n", strerror(-r));
		return;
	}
	b64 = malloc(base64_encoded_len(len) + 1);
	if (!b64) {
		free(log);
		printf("cvm-boot-report: eventlog unavailable: %s\n", strerror(ENOMEM));
		return;
	}
	base64_encode(log, len, b64);
	printf("cvm-boot-report: eventlog-bytes %zu\n", len);
	for (size_t off = 0, n = strlen(b64); off < n; off += B64_LINE)
		printf("cvm-boot-report: eventlog-b64 %.*s\n", B64_LINE, b64 + off);
	free(b64);
	free(log);
}

/* Every listening TCP socket and bound UDP socket, from /proc/net: the boot test
 * checks that nothing but the DHCP clients is reachable from the network. */
static void report_sockets(void)
{
	static const struct {
		const char *file, *proto, *state;
	} tables[] = {
		{ "/proc/net/tcp", "tcp", "0A" }, /* TCP_LISTEN */
		{ "/proc/net/tcp6", "tcp6", "0A" },
		{ "/proc/net/udp", "udp", "07" }, /* TCP_CLOSE: bound, unconnected */
		{ "/proc/net/udp6", "udp6", "07" },
	};

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		FILE *f = fopen(tables[t].file, "re");
		char line[512];

		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			char local[64], state[8];
			unsigned port;

			/* "  sl  local_address rem_address   st ..." — skip the header. */
			if (sscanf(line, " %*s %63[0-9A-Fa-f]:%x %*s %7s", local, &port, state) != 3)
				continue;
			if (strcmp(state, tables[t].state) == 0)
				printf("cvm-boot-report: listening %s %s port %u\n", tables[t].proto, local, port);
		}
		fclose(f);
	}
}

int main(void)
{
	struct timespec ts;
	struct utsname u;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (uname(&u) == 0)
		printf("cvm-boot-report: kernel %s %s\n", u.release, u.version);
	report_pcrs("sha256");
	report_pcrs("sha384");
	report_eventlog();
	report_sockets();
	clock_gettime(CLOCK_BOOTTIME, &ts);
	printf("cvm-boot: ready boottime-ms %lld\n", (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	return EXIT_OK;
}
