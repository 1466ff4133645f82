/* SPDX-License-Identifier: Apache-2.0 */
/* Probe /init for tests/boot/reference-probe.sh: prints the vTPM PCRs (sysfs) and the
 * firmware event log (securityfs) in the cvm-boot-report format, then powers off. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <unistd.h>
static void b64(const unsigned char *p, size_t n) {
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = p[i] << 16 | (i + 1 < n ? p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
		putchar(t[v >> 18 & 63]); putchar(t[v >> 12 & 63]);
		putchar(i + 1 < n ? t[v >> 6 & 63] : '='); putchar(i + 2 < n ? t[v & 63] : '=');
	}
}
int main(void) {
	static unsigned char buf[1 << 20];
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL);
	for (int tries = 0; tries < 50 && access("/sys/class/tpm/tpm0/pcr-sha256/0", R_OK) != 0; tries++)
		usleep(100000);
	const char *banks[] = { "sha256", "sha384" };
	for (int b = 0; b < 2; b++)
		for (int i = 0; i < 24; i++) {
			char path[80], v[200] = "";
			snprintf(path, sizeof path, "/sys/class/tpm/tpm0/pcr-%s/%d", banks[b], i);
			int fd = open(path, O_RDONLY);
			if (fd < 0) continue;
			ssize_t r = read(fd, v, sizeof v - 1); close(fd);
			if (r > 0) { v[r] = 0; v[strcspn(v, "\n")] = 0; }
			printf("cvm-boot-report: pcr-%s %d %s\n", banks[b], i, v);
		}
	int fd = open("/sys/kernel/security/tpm0/binary_bios_measurements", O_RDONLY);
	size_t n = 0; ssize_t r;
	while (fd >= 0 && (r = read(fd, buf + n, sizeof buf - n)) > 0) n += r;
	printf("cvm-boot-report: eventlog ");
	b64(buf, n);
	printf("\ncvm-boot-report: done\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
