/* SPDX-License-Identifier: Apache-2.0 */
/* Kernel module dependency closure and load order from depmod's text files
 * (modules.dep, modules.softdep, modules.builtin; format: kmod depmod.c and
 * modprobe.d(5)). Used at build time by cvm-mkinitrd, so the initrd carries exactly
 * the .ko files it loads, in an order fixed before boot. Pure; no file access. */
#ifndef CVM_MODDEP_H
#define CVM_MODDEP_H

#include <stddef.h>

#define MODDEP_NAME_MAX 64        /* MODULE_NAME_LEN in the kernel is 56 */
#define MODDEP_MAX_MODULES 65536
#define MODDEP_MAX_DEPS 256       /* per module */
#define MODDEP_TEXT_MAX (16u << 20)

struct moddep_mod {
	char name[MODDEP_NAME_MAX];   /* normalised: '-' -> '_', no suffix */
	const char *path;             /* as in modules.dep, relative to the modules dir */
	const char **deps;            /* hard dependencies (paths), in file order */
	size_t n_deps;
	const char **pre, **post;     /* softdep names (normalised) */
	size_t n_pre, n_post;
};

struct moddep {
	char *dep_text, *soft_text, *builtin_text;  /* owned, tokenised in place */
	struct moddep_mod *mods;
	size_t n_mods;
	const char **builtin;         /* normalised names of built-in modules */
	size_t n_builtin;
	char bad[MODDEP_NAME_MAX];    /* the name an error was about, for messages */
};

/* Writes the normalised module name of a path or name into out: basename without
 * ".ko", ".ko.xz", ".ko.zst", ".ko.gz", '-' replaced by '_'. Returns 0 or -EINVAL. */
int moddep_normalize(const char *path_or_name, char out[MODDEP_NAME_MAX]);

/* Parses modules.dep ("path: dep dep ..." per line). db must be zeroed.
 * Returns 0, -EINVAL (malformed line, duplicate module), -E2BIG, -ENOMEM. */
int moddep_load(struct moddep *db, const char *text, size_t len);

/* Adds modules.softdep ("softdep NAME pre: A B post: C", '#' comments) and
 * modules.builtin (one path per line). Softdeps of unknown modules are ignored. */
int moddep_load_softdep(struct moddep *db, const char *text, size_t len);
int moddep_load_builtin(struct moddep *db, const char *text, size_t len);

/* Computes the load order for the wanted names: every module after its hard
 * dependencies and softdep "pre:" modules, before its "post:" modules; each once;
 * built-in names are skipped. order[] receives indices into db->mods.
 * Returns 0, -ENOENT (unknown name, db->bad says which), -ELOOP (cycle),
 * -E2BIG (more than max modules). */
int moddep_order(struct moddep *db, const char *const *wanted, size_t n_wanted,
		 size_t *order, size_t max, size_t *ret_n);

void moddep_free(struct moddep *db);

#endif
