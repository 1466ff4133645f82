/* SPDX-License-Identifier: Apache-2.0 */
/* read(2) and write(2) that finish what they start: a call a signal interrupts is
 * repeated, a short transfer is continued. Callers see "done", "end of file" or an
 * error, never EINTR or half a buffer. */
#ifndef CVM_IO_H
#define CVM_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One read(2), repeated while a signal interrupts it. Returns the number of bytes
 * read (0 at end of file, fewer than len is fine) or -errno. For "read until end of
 * file" loops and reads of a byte at a time. */
ssize_t read_retry(int fd, void *buf, size_t len);

/* Exactly len bytes from offset off. Returns 0, -EIO if the file ends first, or -errno. */
int pread_full(int fd, void *buf, size_t len, uint64_t off);

/* All len bytes, at the file offset (write_full) or at offset off (pwrite_full).
 * Returns 0 or -errno. */
int write_full(int fd, const void *buf, size_t len);
int pwrite_full(int fd, const void *buf, size_t len, uint64_t off);

#endif
