/* SPDX-License-Identifier: Apache-2.0 */
#include "cpio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NEWC_HDR 110

static int name_ok(const char *n)
{
	size_t len = n ? strlen(n) : 0;

	if (len == 0 || len > CPIO_NAME_MAX || n[0] == '/' || n[len - 1] == '/')
		return 0;
	if (strstr(n, "//") || strcmp(n, "..") == 0 || strncmp(n, "../", 3) == 0 ||
	    strstr(n, "/../") || (len >= 3 && strcmp(n + len - 3, "/..") == 0))
		return 0;
	return 1;
}

int cpio_newc_header(const struct cpio_entry *e, uint32_t ino, char *buf, size_t size,
		     size_t *ret_len)
{
	size_t nlen, total;
	uint32_t type, fsize = 0, nlink = 1;
	int n;

	if (!name_ok(e->name))
		return -EINVAL;
	type = e->mode & S_IFMT;
	switch (type) {
	case S_IFREG:
		if (e->size > UINT32_MAX || (e->size && !e->data))
			return -EINVAL;
		fsize = (uint32_t)e->size;
		break;
	case S_IFDIR:
		nlink = 2;
		break;
	case S_IFCHR:
	case S_IFBLK:
		break;
	default:
		return -EINVAL;
	}
	if (type != S_IFCHR && type != S_IFBLK && (e->rdev_major || e->rdev_minor))
		return -EINVAL;
	nlen = strlen(e->name) + 1;
	total = (NEWC_HDR + nlen + 3) & ~(size_t)3;
	if (total > size)
		return -ENOBUFS;
	/* magic ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor
	 * rdevminor namesize check; uid/gid/dev are 0 for reproducibility. */
	n = snprintf(buf, size, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		     ino, e->mode, 0u, 0u, nlink, e->mtime, fsize, 0u, 0u, e->rdev_major,
		     e->rdev_minor, (unsigned)nlen, 0u);
	if (n != NEWC_HDR)
		return -EINVAL;
	memcpy(buf + NEWC_HDR, e->name, nlen);
	memset(buf + NEWC_HDR + nlen, 0, total - NEWC_HDR - nlen);
	*ret_len = total;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct cpio_entry *)a)->name, ((const struct cpio_entry *)b)->name);
}

static int has_dir(const struct cpio_entry *entries, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(entries[i].name) == len && memcmp(entries[i].name, name, len) == 0)
			return (entries[i].mode & S_IFMT) == S_IFDIR;
	return 0;
}

int cpio_write(FILE *f, struct cpio_entry *entries, size_t n)
{
	static const uint8_t zero[4];
	const struct cpio_entry trailer = { .name = "TRAILER!!!", .mode = S_IFREG };
	char hdr[NEWC_HDR + CPIO_NAME_MAX + 8];
	size_t len;
	int r;

	if (n > UINT32_MAX - 1)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!name_ok(entries[i].name))
			return -EINVAL;
	qsort(entries, n, sizeof(*entries), by_name);
	for (size_t i = 0; i < n; i++) {
		const char *slash = strrchr(entries[i].name, '/');

		if (i && strcmp(entries[i - 1].name, entries[i].name) == 0)
			return -EEXIST;
		if (slash && !has_dir(entries, n, entries[i].name, (size_t)(slash - entries[i].name)))
			return -ENOENT;
	}

	for (size_t i = 0; i < n; i++) {
		const struct cpio_entry *e = &entries[i];

		r = cpio_newc_header(e, (uint32_t)(i + 1), hdr, sizeof(hdr), &len);
		if (r < 0)
			return r;
		if (fwrite(hdr, 1, len, f) != len)
			return -EIO;
		if ((e->mode & S_IFMT) == S_IFREG && e->size) {
			if (fwrite(e->data, 1, e->size, f) != e->size ||
			    fwrite(zero, 1, (4 - e->size % 4) % 4, f) != (4 - e->size % 4) % 4)
				return -EIO;
		}
	}
	/* GNU cpio's trailer: inode 0, nlink 1, everything else 0. */
	r = cpio_newc_header(&trailer, 0, hdr, sizeof(hdr), &len);
	if (r < 0)
		return r;
	if (fwrite(hdr, 1, len, f) != len)
		return -EIO;
	return 0;
}
