/* SPDX-License-Identifier: Apache-2.0 */
/* cvm-init's command-line parser (initrd/cmdline.c, initrd/kcmdline.c) on arbitrary
 * text: no crash, and an accepted line always carries a roothash of 32 or 64 bytes
 * and a root mount that is read-only and nodev. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "cmdline.h"
#include "kcmdline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[KCMDLINE_MAX + 64], err[256];
	struct initrd_cmdline c;

	if (size >= sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (initrd_cmdline_parse(buf, &c, err, sizeof(err)) == 0) {
		if (c.root_hash_len != 32 && c.root_hash_len != 64)
			abort();
		if ((c.mount_flags & (MS_RDONLY | MS_NODEV)) != (MS_RDONLY | MS_NODEV))
			abort();
		if (c.timeout_sec < 1 || c.timeout_sec > INITRD_TIMEOUT_MAX)
			abort();
	} else if (!memchr(err, '\0', sizeof(err)) || err[0] == '\0') {
		abort(); /* every refusal says why */
	}
	return 0;
}
