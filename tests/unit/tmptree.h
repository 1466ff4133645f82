/* SPDX-License-Identifier: Apache-2.0 */
/* A temporary directory tree for unit tests that run real code against files (a
 * sysroot reproducing the kernel ABI, for example). Paths are relative to the root;
 * parent directories are created as needed. Functions return 0 or -errno. */
#ifndef CVM_TMPTREE_H
#define CVM_TMPTREE_H

#include <stddef.h>
#include <sys/types.h>

/* mkdtemp under $TMPDIR (or /tmp); returns a fresh string, NULL on failure. */
char *tree_new(const char *name);
int tree_mkdir(const char *root, const char *rel);
int tree_write(const char *root, const char *rel, const void *data, size_t len);
int tree_mkfifo(const char *root, const char *rel);
/* root/rel into buf (PATH_MAX). */
const char *tree_path(const char *root, const char *rel, char *buf);
/* rm -rf root, then free it. */
void tree_remove(char *root);

#endif
