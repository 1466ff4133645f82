/* SPDX-License-Identifier: Apache-2.0 */
/* cvm-mkinitrd: builds cvm-init's initrd, reproducibly, without cpio(1) or depmod.
 *
 *   cvm-mkinitrd --modules-dir DIR --modules-list FILE --init PATH --epoch SECONDS -o OUT
 *
 * DIR is a modules tree (…/usr/lib/modules/KVER, after depmod). The wanted modules in
 * FILE are closed over modules.dep (+ modules.softdep), ordered so each module follows
 * its dependencies, and written with /init, a few directories, /dev/console and the
 * load-order file etc/cvm-init/modules as a sorted newc cpio: uid/gid 0, inodes
 * renumbered, mtimes clamped to SECONDS. The same inputs give the same bytes.
 *
 * Exit codes (util/exit.h): 0 ok, 2 usage, 3 bad input (missing/malformed file,
 * unknown module), 4 system error. Runs with plain libc in the image build chroot. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpio.h"
#include "moddep.h"
#include "util/exit.h"
#include "util/file.h"
#include "util/strnum.h"

#define INIT_MAX (32u << 20)
#define MODULE_MAX (32u << 20)
#define LIST_MAX (64u << 10)
#define WANTED_MAX 128
#define ORDER_FILE "etc/cvm-init/modules"

#define PROG "cvm-mkinitrd"

static const char usage_text[] =
	"usage: " PROG " --modules-dir DIR --modules-list FILE --init PATH --epoch SECONDS -o OUT\n"
	"       [--print-order]\n";

struct wanted {
	char *names[WANTED_MAX];
	bool optional[WANTED_MAX];
	size_t n;
};

/* modules.list: "name [optional]" per line, '#' comments, blank lines. */
static void parse_list(char *text, const char *path, struct wanted *w)
{
	unsigned lineno = 0;

	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *name, *flag, *extra, *ws = NULL;

		lineno++;
		if (strchr(line, '#'))
			*strchr(line, '#') = '\0';
		name = strtok_r(line, " \t", &ws);
		if (!name)
			continue;
		flag = strtok_r(NULL, " \t", &ws);
		extra = strtok_r(NULL, " \t", &ws);
		if (extra || (flag && strcmp(flag, "optional") != 0))
			die(EXIT_INPUT, "%s: line %u: expected \"NAME [optional]\"", path, lineno);
		if (w->n == WANTED_MAX)
			die(EXIT_INPUT, "%s: more than %d modules", path, WANTED_MAX);
		w->names[w->n] = name;
		w->optional[w->n++] = flag != NULL;
	}
	if (w->n == 0)
		die(EXIT_INPUT, "%s: no modules listed", path);
}

static uint8_t *read_file(const char *path, size_t max, size_t *len, bool may_miss)
{
	uint8_t *buf;
	int r = file_read_all(path, max, &buf, len);

	if (r == -ENOENT && may_miss) {
		*len = 0;
		return NULL;
	}
	if (r < 0)
		die(EXIT_INPUT, "%s: %s", path, strerror(-r));
	return buf;
}

static char *path_join(const char *a, const char *b)
{
	char *p;

	if (asprintf(&p, "%s/%s", a, b) < 0)
		die(EXIT_SYSTEM, "out of memory");
	return p;
}

static uint32_t clamp_mtime(const char *path, uint32_t epoch)
{
	struct stat st;

	if (stat(path, &st) < 0)
		die(EXIT_INPUT, "%s: %s", path, strerror(errno));
	return st.st_mtime < 0 ? 0 : (uint64_t)st.st_mtime < epoch ? (uint32_t)st.st_mtime : epoch;
}

static uint32_t parse_epoch(const char *s)
{
	uint64_t v;

	if (parse_uint(s, 10, UINT32_MAX, &v) < 0)
		die(EXIT_USAGE, "--epoch: expected seconds since 1970, got \"%s\"", s ? s : "");
	return (uint32_t)v;
}

struct args {
	const char *modules_dir, *list, *init, *out;
	const char *kver; /* the last component of modules_dir */
	uint32_t epoch;
	bool print_order;
};

static void parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{ "modules-dir", required_argument, NULL, 'm' },
		{ "modules-list", required_argument, NULL, 'l' },
		{ "init", required_argument, NULL, 'i' },
		{ "epoch", required_argument, NULL, 'e' },
		{ "output", required_argument, NULL, 'o' },
		{ "print-order", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *epoch_s = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm': a->modules_dir = optarg; break;
		case 'l': a->list = optarg; break;
		case 'i': a->init = optarg; break;
		case 'e': epoch_s = optarg; break;
		case 'o': a->out = optarg; break;
		case 'p': a->print_order = true; break;
		case 'h': exit(show_usage(usage_text, EXIT_OK));
		default: exit(show_usage(usage_text, EXIT_USAGE));
		}
	}
	if (optind != argc || !a->modules_dir || !a->list || !a->init || !a->out || !epoch_s)
		exit(show_usage(usage_text, EXIT_USAGE));
	a->epoch = parse_epoch(epoch_s);
	a->kver = strrchr(a->modules_dir, '/') ? strrchr(a->modules_dir, '/') + 1 : a->modules_dir;
	if (!*a->kver || strchr(a->kver, ' ') || strlen(a->kver) > 64)
		die(EXIT_USAGE, "--modules-dir %s: must end in the kernel version", a->modules_dir);
}

/* Dependencies, soft dependencies, built-ins: all as depmod wrote them. */
static void load_moddep(const char *mdir, struct moddep *db)
{
	uint8_t *buf;
	size_t len;
	int r;

	buf = read_file(path_join(mdir, "modules.dep"), MODDEP_TEXT_MAX, &len, false);
	if ((r = moddep_load(db, (char *)buf, len)) < 0)
		die(EXIT_INPUT, "%s/modules.dep: malformed (%s%s%s)", mdir, strerror(-r),
		    db->bad[0] ? ", module " : "", db->bad);
	free(buf);
	buf = read_file(path_join(mdir, "modules.softdep"), MODDEP_TEXT_MAX, &len, true);
	if (buf && (r = moddep_load_softdep(db, (char *)buf, len)) < 0)
		die(EXIT_INPUT, "%s/modules.softdep: malformed (%s)", mdir, strerror(-r));
	free(buf);
	buf = read_file(path_join(mdir, "modules.builtin"), MODDEP_TEXT_MAX, &len, true);
	if (buf && (r = moddep_load_builtin(db, (char *)buf, len)) < 0)
		die(EXIT_INPUT, "%s/modules.builtin: malformed (%s)", mdir, strerror(-r));
	free(buf);
}

/* The modules the list wants and everything they depend on, each after what it
 * needs. Returns how many indexes into db->mods it wrote to order. */
static size_t order_modules(struct moddep *db, const char *list, struct wanted *w, size_t *order,
			    size_t max)
{
	size_t len, n_order;
	uint8_t *buf = read_file(list, LIST_MAX, &len, false);
	int r;

	parse_list((char *)buf, list, w); /* w points into buf from now on */
	r = moddep_order(db, (const char *const *)w->names, w->n, order, max, &n_order);
	if (r == -ENOENT)
		die(EXIT_INPUT, "%s: module %s: not in modules.dep or modules.builtin", list, db->bad);
	if (r < 0)
		die(EXIT_INPUT, "%s: cannot order modules (%s at %s)", list, strerror(-r), db->bad);
	return n_order;
}

/* The archive's entries; ents has room for every entry main can add. */
struct archive {
	struct cpio_entry *ents;
	size_t n;
	uint32_t epoch;
};

static void add_dir(struct archive *a, const char *name)
{
	a->ents[a->n++] = (struct cpio_entry){ .name = name, .mode = S_IFDIR | 0755, .mtime = a->epoch };
}

/* A file copied from the host, its mtime clamped to the epoch. */
static void add_file(struct archive *a, const char *name, const char *src, uint32_t perm, size_t max)
{
	size_t len;
	uint8_t *buf = read_file(src, max, &len, false);

	a->ents[a->n++] = (struct cpio_entry){ .name = name, .mode = S_IFREG | perm,
					       .mtime = clamp_mtime(src, a->epoch), .data = buf,
					       .size = len };
}

/* Fixed directories, /dev/console (the kernel opens it for init's stdio before /init
 * runs: init/main.c console_on_rootfs) and /init. */
static void add_base(struct archive *a, const char *init)
{
	static const char *const dirs[] = { "dev", "etc", "etc/cvm-init", "lib", "lib/modules",
					    "proc", "run", "sys", "sysroot" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++)
		add_dir(a, dirs[i]);
	a->ents[a->n++] = (struct cpio_entry){ .name = "dev/console", .mode = S_IFCHR | 0600,
					       .rdev_major = 5, .rdev_minor = 1, .mtime = a->epoch };
	add_file(a, "init", init, 0755, INIT_MAX);
}

/* The directories between kdir (kdir_len bytes of path) and a module, each once. */
static void add_parent_dirs(struct archive *a, const char *path, size_t kdir_len)
{
	for (size_t i = kdir_len + 1; path[i]; i++) {
		char *d;
		bool have = false;

		if (path[i] != '/')
			continue;
		d = strndup(path, i);
		if (!d)
			die(EXIT_SYSTEM, "out of memory");
		for (size_t e = 0; e < a->n; e++)
			have |= strcmp(a->ents[e].name, d) == 0;
		if (have)
			free(d);
		else
			add_dir(a, d);
	}
}

static bool is_optional(const struct wanted *w, const char *name)
{
	char norm[MODDEP_NAME_MAX];
	bool optional = false;

	for (size_t i = 0; i < w->n; i++)
		if (moddep_normalize(w->names[i], norm) == 0 && strcmp(norm, name) == 0)
			optional = w->optional[i];
	return optional;
}

/* The modules in load order under lib/modules/KVER, and the order file cvm-init
 * loads them by. */
static void add_modules(struct archive *a, const struct args *args, const struct moddep *db,
			const struct wanted *w, const size_t *order, size_t n_order)
{
	char *kdir = path_join("lib/modules", args->kver);
	char *order_text = malloc(n_order * (PATH_MAX + 16) + 1);
	size_t order_len = 0;

	if (!order_text)
		die(EXIT_SYSTEM, "out of memory");
	add_dir(a, kdir);
	for (size_t k = 0; k < n_order; k++) {
		const struct moddep_mod *m = &db->mods[order[k]];
		char *dst = path_join(kdir, m->path);
		bool optional = is_optional(w, m->name);

		add_parent_dirs(a, dst, strlen(kdir));
		add_file(a, dst, path_join(args->modules_dir, m->path), 0644, MODULE_MAX);
		order_len += (size_t)sprintf(order_text + order_len, "%s /%s\n",
					     optional ? "optional" : "required", dst);
		if (args->print_order)
			printf("%s%s\n", m->name, optional ? " (optional)" : "");
	}
	a->ents[a->n++] = (struct cpio_entry){ .name = ORDER_FILE, .mode = S_IFREG | 0644,
					       .mtime = a->epoch, .data = (uint8_t *)order_text,
					       .size = order_len };
}

/* Written next to the target and renamed, so a failed run leaves no half archive. */
static void write_archive(const char *out, struct archive *a)
{
	char *tmp;
	FILE *f;
	int r;

	if (asprintf(&tmp, "%s.tmp", out) < 0)
		die(EXIT_SYSTEM, "out of memory");
	f = fopen(tmp, "we");
	if (!f)
		die(EXIT_SYSTEM, "%s: %s", tmp, strerror(errno));
	r = cpio_write(f, a->ents, a->n);
	if (r < 0) {
		unlink(tmp);
		die(r == -EIO ? EXIT_SYSTEM : EXIT_INPUT, "%s: cannot write archive: %s", tmp,
		    strerror(-r));
	}
	if (fflush(f) != 0 || fsync(fileno(f)) < 0 || fclose(f) != 0) {
		unlink(tmp);
		die(EXIT_SYSTEM, "%s: %s", tmp, strerror(errno));
	}
	if (rename(tmp, out) < 0)
		die(EXIT_SYSTEM, "%s: %s", out, strerror(errno));
}

int main(int argc, char **argv)
{
	struct args args = { 0 };
	struct moddep db = { .n_mods = 0 };
	struct wanted w = { .n = 0 };
	struct archive a = { .n = 0 };
	size_t order[256], n_order;

	set_program_name(PROG);
	parse_args(argc, argv, &args);
	load_moddep(args.modules_dir, &db);
	n_order = order_modules(&db, args.list, &w, order, sizeof(order) / sizeof(*order));

	/* Per module: itself and at most a few parent directories; plus the fixed ones. */
	a.ents = calloc(n_order * 8 + 32, sizeof(*a.ents));
	if (!a.ents)
		die(EXIT_SYSTEM, "out of memory");
	a.epoch = args.epoch;
	add_base(&a, args.init);
	add_modules(&a, &args, &db, &w, order, n_order);
	write_archive(args.out, &a);
	return EXIT_OK;
}
