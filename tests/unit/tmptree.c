/* SPDX-License-Identifier: Apache-2.0 */
#include "tmptree.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *tree_new(const char *name)
{
	const char *tmp = getenv("TMPDIR");
	char *root;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	if (asprintf(&root, "%s/%s.XXXXXX", tmp, name) < 0)
		return NULL;
	if (!mkdtemp(root)) {
		free(root);
		return NULL;
	}
	return root;
}

const char *tree_path(const char *root, const char *rel, char *buf)
{
	if (snprintf(buf, PATH_MAX, "%s/%s", root, rel) >= PATH_MAX)
		buf[0] = 0;
	return buf;
}

/* Creates every directory of root/rel up to, not including, the last component. */
static int make_parents(const char *root, const char *rel)
{
	char p[PATH_MAX];
	size_t skip = strlen(root) + 1;

	tree_path(root, rel, p);
	for (char *s = p + skip; (s = strchr(s, '/')); s++) {
		*s = 0;
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return 0;
}

int tree_mkdir(const char *root, const char *rel)
{
	char p[PATH_MAX];
	int r = make_parents(root, rel);

	if (r == 0 && mkdir(tree_path(root, rel, p), 0755) < 0 && errno != EEXIST)
		r = -errno;
	return r;
}

int tree_write(const char *root, const char *rel, const void *data, size_t len)
{
	char p[PATH_MAX];
	int fd, r = make_parents(root, rel);

	if (r < 0)
		return r;
	fd = open(tree_path(root, rel, p), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len)
		r = -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

int tree_mkfifo(const char *root, const char *rel)
{
	char p[PATH_MAX];
	int r = make_parents(root, rel);

	if (r == 0 && mkfifo(tree_path(root, rel, p), 0600) < 0)
		r = -errno;
	return r;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

void tree_remove(char *root)
{
	if (!root)
		return;
	nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	free(root);
}
