/* SPDX-License-Identifier: Apache-2.0 */
/* initrd/cpio.c: newc headers byte for byte (as GNU cpio -H newc writes them, with
 * cvm-mkinitrd's fixed owner/device fields), sorting, inode numbering, padding,
 * refusal of duplicates, missing parents and unsafe names, reproducibility. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cpio.h"
#include "unit.h"

static void test_header(void)
{
	char buf[512];
	size_t len = 0;
	const struct cpio_entry con = { .name = "dev/console", .mode = S_IFCHR | 0600,
					.rdev_major = 5, .rdev_minor = 1, .mtime = 1767225600 };
	const struct cpio_entry f = { .name = "init", .mode = S_IFREG | 0755, .mtime = 1,
				      .data = (const uint8_t *)"abcde", .size = 5 };

	CHECK_EQ_INT(cpio_newc_header(&con, 3, buf, sizeof(buf), &len), 0);
	/* 110-byte header + "dev/console\0" (12) = 122, padded to 124. */
	CHECK_EQ_INT(len, 124);
	CHECK_MEM(buf, "070701" "00000003" "00002180" "00000000" "00000000" "00000001"
		       "6955B900" "00000000" "00000000" "00000000" "00000005" "00000001"
		       "0000000C" "00000000" "dev/console\0\0\0", 124);

	CHECK_EQ_INT(cpio_newc_header(&f, 1, buf, sizeof(buf), &len), 0);
	CHECK_EQ_INT(len, 116); /* 110 + "init\0" = 115 -> 116 */
	CHECK_MEM(buf + 6 + 6 * 8, "00000005", 8); /* filesize */

	CHECK_EQ_INT(cpio_newc_header(&f, 1, buf, 100, &len), -ENOBUFS);
	{
		struct cpio_entry e = f;

		e.name = "/init";
		CHECK_EQ_INT(cpio_newc_header(&e, 1, buf, sizeof(buf), &len), -EINVAL);
		e.name = "a/../../etc";
		CHECK_EQ_INT(cpio_newc_header(&e, 1, buf, sizeof(buf), &len), -EINVAL);
		e.name = "..";
		CHECK_EQ_INT(cpio_newc_header(&e, 1, buf, sizeof(buf), &len), -EINVAL);
		e.name = "a//b";
		CHECK_EQ_INT(cpio_newc_header(&e, 1, buf, sizeof(buf), &len), -EINVAL);
		e.name = "";
		CHECK_EQ_INT(cpio_newc_header(&e, 1, buf, sizeof(buf), &len), -EINVAL);
		e.name = "x";
		e.mode = S_IFLNK | 0777; /* not produced by cvm-mkinitrd */
		CHECK_EQ_INT(cpio_newc_header(&e, 1, buf, sizeof(buf), &len), -EINVAL);
		e.mode = S_IFREG | 0644;
		e.rdev_major = 1;
		CHECK_EQ_INT(cpio_newc_header(&e, 1, buf, sizeof(buf), &len), -EINVAL);
	}
}

static size_t write_archive(struct cpio_entry *e, size_t n, char **ret, int *rc)
{
	size_t len = 0;
	FILE *f = open_memstream(ret, &len);

	*rc = cpio_write(f, e, n);
	fclose(f);
	return len;
}

static void test_archive(void)
{
	const uint8_t data[] = "hello";
	struct cpio_entry a[] = {
		{ .name = "etc/x", .mode = S_IFREG | 0644, .mtime = 7, .data = data, .size = 5 },
		{ .name = "etc", .mode = S_IFDIR | 0755, .mtime = 7 },
		{ .name = "init", .mode = S_IFREG | 0755, .mtime = 7, .data = data, .size = 3 },
	};
	struct cpio_entry b[] = { a[2], a[0], a[1] };
	const struct cpio_entry dir = a[1], file = a[0]; /* cpio_write sorts a[] in place */
	char *out1 = NULL, *out2 = NULL;
	size_t l1, l2;
	int rc;

	l1 = write_archive(a, 3, &out1, &rc);
	CHECK_EQ_INT(rc, 0);
	l2 = write_archive(b, 3, &out2, &rc);
	CHECK_EQ_INT(rc, 0);
	/* Input order does not matter. */
	CHECK_EQ_INT(l1, l2);
	CHECK(l1 == l2 && memcmp(out1, out2, l1) == 0);
	/* etc (ino 1), etc/x (ino 2, 5 bytes + 3 padding), init (ino 3), trailer. */
	CHECK_EQ_INT(l1, 116 + (116 + 8) + (116 + 4) + 124);
	CHECK_MEM(out1 + 6, "00000001", 8);
	CHECK_MEM(out1 + 110, "etc\0", 4);
	CHECK_MEM(out1 + 116 + 6, "00000002", 8);
	CHECK_MEM(out1 + 116 + 116, "hello\0\0\0", 8);
	CHECK_MEM(out1 + 116 + 124 + 6, "00000003", 8);
	CHECK_MEM(out1 + l1 - 124 + 110, "TRAILER!!!\0", 11);
	CHECK_EQ_INT(l1 % 4, 0);
	free(out1);
	free(out2);

	{
		struct cpio_entry dup[] = { dir, dir };

		write_archive(dup, 2, &out1, &rc);
		CHECK_EQ_INT(rc, -EEXIST);
		free(out1);
	}
	{
		struct cpio_entry orphan[] = { file }; /* etc/x without etc */

		write_archive(orphan, 1, &out1, &rc);
		CHECK_EQ_INT(rc, -ENOENT);
		free(out1);
	}
	{
		struct cpio_entry notdir[] = { file, { .name = "etc", .mode = S_IFREG | 0644 } };

		write_archive(notdir, 2, &out1, &rc);
		CHECK_EQ_INT(rc, -ENOENT);
		free(out1);
	}
}

int main(void)
{
	test_header();
	test_archive();
	return unit_finish("test-cpio");
}
