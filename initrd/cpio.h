/* SPDX-License-Identifier: Apache-2.0 */
/* Reproducible "newc" cpio archives (the initramfs format, Linux
 * Documentation/driver-api/early-userspace/buffer-format.rst): entries sorted by
 * name, inode numbers assigned in that order from 1, uid/gid 0, nlink 1 (2 for
 * directories), device numbers 0, mtimes supplied by the caller. */
#ifndef CVM_INITRD_CPIO_H
#define CVM_INITRD_CPIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CPIO_NAME_MAX 255

struct cpio_entry {
	const char *name;       /* relative, no leading '/', e.g. "dev/console" */
	uint32_t mode;          /* S_IFREG/S_IFDIR/S_IFCHR | permission bits */
	uint32_t rdev_major, rdev_minor; /* character/block devices only */
	uint32_t mtime;
	const uint8_t *data;    /* regular files only */
	size_t size;
};

/* Encodes the 110-byte header plus name, NUL and padding to 4 bytes into buf.
 * Returns 0, -EINVAL (bad name or type) or -ENOBUFS; *ret_len = bytes written. */
int cpio_newc_header(const struct cpio_entry *e, uint32_t ino, char *buf, size_t size,
		     size_t *ret_len);

/* Sorts entries by name (bytewise) in place, refuses duplicates and entries whose
 * parent directory is not in the archive, and writes the archive with its
 * TRAILER!!! to f. Returns 0, -EINVAL, -EEXIST (duplicate), -ENOENT (missing
 * parent) or -EIO. */
int cpio_write(FILE *f, struct cpio_entry *entries, size_t n);

#endif
