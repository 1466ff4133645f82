/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel command line as cvm-init reads it: what it needs (roothash=), what it
 * checks (rootfstype=, rootflags=, ro), what it refuses (every key that would
 * choose or relax the root some other way), and cvm.init.* options. */
#ifndef CVM_INITRD_CMDLINE_H
#define CVM_INITRD_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

#define INITRD_ROOTHASH_MIN 32u /* two 16-byte partition UUIDs come from it */
#define INITRD_ROOTHASH_MAX 64u
#define INITRD_TIMEOUT_DEFAULT 30u
#define INITRD_TIMEOUT_MAX 600u

struct initrd_cmdline {
	uint8_t root_hash[INITRD_ROOTHASH_MAX];
	size_t root_hash_len;
	unsigned timeout_sec;        /* cvm.init.timeout=: how long to wait for the disk */
	unsigned long mount_flags;   /* MS_* for the root: always MS_RDONLY|MS_NODEV, */
	                             /* plus MS_NOSUID if rootflags= asks for it */
};

/* Parses a copy of cmdline (at most KCMDLINE_MAX bytes). On error returns
 * -EINVAL and writes a one-line reason naming the key into err (errlen bytes);
 * *ret is written only on success. */
int initrd_cmdline_parse(const char *cmdline, struct initrd_cmdline *ret, char *err,
			 size_t errlen);

#endif
