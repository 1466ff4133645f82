/* SPDX-License-Identifier: Apache-2.0 */
#include "util/io.h"

#include <errno.h>
#include <stdbool.h>
#include <unistd.h>

ssize_t read_retry(int fd, void *buf, size_t len)
{
	for (;;) {
		ssize_t n = read(fd, buf, len);

		if (n >= 0)
			return n;
		if (errno != EINTR)
			return -errno;
	}
}

/* The one loop behind pread_full, write_full and pwrite_full; off < 0 means "at the
 * file offset" (write only). The buffer is only written to when reading. */
static int transfer_all(int fd, uint8_t *p, size_t len, int64_t off, bool writing)
{
	while (len > 0) {
		ssize_t n;

		if (!writing)
			n = pread(fd, p, len, (off_t)off);
		else if (off < 0)
			n = write(fd, p, len);
		else
			n = pwrite(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) /* end of file, or a write that made no progress */
			return -EIO;
		p += n;
		len -= (size_t)n;
		if (off >= 0)
			off += n;
	}
	return 0;
}

int pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	return off > INT64_MAX ? -EINVAL : transfer_all(fd, buf, len, (int64_t)off, false);
}

int write_full(int fd, const void *buf, size_t len)
{
	return transfer_all(fd, (uint8_t *)buf, len, -1, true);
}

int pwrite_full(int fd, const void *buf, size_t len, uint64_t off)
{
	return off > INT64_MAX ? -EINVAL : transfer_all(fd, (uint8_t *)buf, len, (int64_t)off, true);
}
