/* SPDX-License-Identifier: Apache-2.0 */
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/io.h"

int fd_read_all(int fd, size_t max, uint8_t **ret_buf, size_t *ret_len)
{
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap + 1);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			/* Grow by doubling, but never past max+1: one byte more than allowed
			 * is enough to know the input is too large. */
			size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			uint8_t *nbuf;

			if (ncap <= cap) {
				free(buf);
				return -EFBIG;
			}
			nbuf = realloc(buf, ncap + 1);
			if (!nbuf) {
				free(buf);
				return -ENOMEM;
			}
			buf = nbuf;
			cap = ncap;
		}
		n = read_retry(fd, buf + len, cap - len);
		if (n < 0) {
			free(buf);
			return (int)n;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			free(buf);
			return -EFBIG;
		}
	}
	buf[len] = 0;
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

int file_read_all(const char *path, size_t max, uint8_t **ret_buf, size_t *ret_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	int r;

	if (fd < 0)
		return -errno;
	r = fd_read_all(fd, max, ret_buf, ret_len);
	close(fd);
	return r;
}
