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

static const char *prog = "cvm-mkinitrd";

static void usage(FILE *f)
{
	fprintf(f, "usage: %s --modules-dir DIR --modules-list FILE --init PATH --epoch SECONDS -o OUT\n"
		   "       [--print-order]\n", prog);
}

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

int main(int argc, char **argv)
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
	const char *mdir = NULL, *list = NULL, *init = NULL, *out = NULL, *epoch_s = NULL;
	bool print_order = false;
	struct moddep db = { .n_mods = 0 };
	struct wanted w = { .n = 0 };
	struct cpio_entry *ents;
	size_t n_ents = 0, order[256], n_order, len, order_len = 0;
	char *kver, *order_text, *tmp;
	uint8_t *buf;
	uint32_t epoch;
	FILE *f;
	int c, r;

	set_program_name(prog);
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm': mdir = optarg; break;
		case 'l': list = optarg; break;
		case 'i': init = optarg; break;
		case 'e': epoch_s = optarg; break;
		case 'o': out = optarg; break;
		case 'p': print_order = true; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc || !mdir || !list || !init || !out || !epoch_s) {
		usage(stderr);
		return EXIT_USAGE;
	}
	epoch = parse_epoch(epoch_s);
	kver = strrchr(mdir, '/') ? strrchr(mdir, '/') + 1 : (char *)mdir;
	if (!*kver || strchr(kver, ' ') || strlen(kver) > 64)
		die(EXIT_USAGE, "--modules-dir %s: must end in the kernel version", mdir);

	/* Dependencies, soft dependencies, built-ins: all as depmod wrote them. */
	buf = read_file(path_join(mdir, "modules.dep"), MODDEP_TEXT_MAX, &len, false);
	if ((r = moddep_load(&db, (char *)buf, len)) < 0)
		die(EXIT_INPUT, "%s/modules.dep: malformed (%s%s%s)", mdir, strerror(-r),
		    db.bad[0] ? ", module " : "", db.bad);
	free(buf);
	buf = read_file(path_join(mdir, "modules.softdep"), MODDEP_TEXT_MAX, &len, true);
	if (buf && (r = moddep_load_softdep(&db, (char *)buf, len)) < 0)
		die(EXIT_INPUT, "%s/modules.softdep: malformed (%s)", mdir, strerror(-r));
	free(buf);
	buf = read_file(path_join(mdir, "modules.builtin"), MODDEP_TEXT_MAX, &len, true);
	if (buf && (r = moddep_load_builtin(&db, (char *)buf, len)) < 0)
		die(EXIT_INPUT, "%s/modules.builtin: malformed (%s)", mdir, strerror(-r));
	free(buf);

	buf = read_file(list, LIST_MAX, &len, false);
	parse_list((char *)buf, list, &w);
	r = moddep_order(&db, (const char *const *)w.names, w.n, order, 256, &n_order);
	if (r == -ENOENT)
		die(EXIT_INPUT, "%s: module %s: not in modules.dep or modules.builtin", list, db.bad);
	if (r < 0)
		die(EXIT_INPUT, "%s: cannot order modules (%s at %s)", list, strerror(-r), db.bad);

	/* Entries: fixed directories, /dev/console (the kernel opens it for init's
	 * stdio before /init runs: init/main.c console_on_rootfs), /init, the modules
	 * and the order file. */
	ents = calloc(n_order * 8 + 32, sizeof(*ents));
	order_text = malloc(n_order * (PATH_MAX + 16) + 1);
	if (!ents || !order_text)
		die(EXIT_SYSTEM, "out of memory");
	static const char *const dirs[] = { "dev", "etc", "etc/cvm-init", "lib", "lib/modules",
					    "proc", "run", "sys", "sysroot" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++)
		ents[n_ents++] = (struct cpio_entry){ .name = dirs[i], .mode = S_IFDIR | 0755,
						      .mtime = epoch };
	ents[n_ents++] = (struct cpio_entry){ .name = "dev/console", .mode = S_IFCHR | 0600,
					      .rdev_major = 5, .rdev_minor = 1, .mtime = epoch };
	buf = read_file(init, INIT_MAX, &len, false);
	ents[n_ents++] = (struct cpio_entry){ .name = "init", .mode = S_IFREG | 0755,
					      .mtime = clamp_mtime(init, epoch), .data = buf,
					      .size = len };

	char *kdir = path_join("lib/modules", kver);
	ents[n_ents++] = (struct cpio_entry){ .name = kdir, .mode = S_IFDIR | 0755, .mtime = epoch };
	for (size_t k = 0; k < n_order; k++) {
		const struct moddep_mod *m = &db.mods[order[k]];
		char *src = path_join(mdir, m->path), *dst = path_join(kdir, m->path);
		bool optional = false;
		char norm[MODDEP_NAME_MAX];

		/* Parent directories of the module inside the archive. */
		for (char *s = strchr(dst + strlen(kdir) + 1, '/'); s; s = strchr(s + 1, '/')) {
			char *d = strndup(dst, (size_t)(s - dst));
			bool have = false;

			if (!d)
				die(EXIT_SYSTEM, "out of memory");
			for (size_t e = 0; e < n_ents; e++)
				have |= strcmp(ents[e].name, d) == 0;
			if (have)
				free(d);
			else
				ents[n_ents++] = (struct cpio_entry){ .name = d, .mode = S_IFDIR | 0755,
								      .mtime = epoch };
		}
		for (size_t i = 0; i < w.n; i++)
			if (moddep_normalize(w.names[i], norm) == 0 && strcmp(norm, m->name) == 0)
				optional = w.optional[i];
		buf = read_file(src, MODULE_MAX, &len, false);
		ents[n_ents++] = (struct cpio_entry){ .name = dst, .mode = S_IFREG | 0644,
						      .mtime = clamp_mtime(src, epoch),
						      .data = buf, .size = len };
		order_len += (size_t)sprintf(order_text + order_len, "%s /%s\n",
					     optional ? "optional" : "required", dst);
		if (print_order)
			printf("%s%s\n", m->name, optional ? " (optional)" : "");
	}
	ents[n_ents++] = (struct cpio_entry){ .name = ORDER_FILE, .mode = S_IFREG | 0644,
					      .mtime = epoch, .data = (uint8_t *)order_text,
					      .size = order_len };

	/* Write next to the target and rename, so a failed run leaves no half archive. */
	if (asprintf(&tmp, "%s.tmp", out) < 0)
		die(EXIT_SYSTEM, "out of memory");
	f = fopen(tmp, "we");
	if (!f)
		die(EXIT_SYSTEM, "%s: %s", tmp, strerror(errno));
	r = cpio_write(f, ents, n_ents);
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
	return EXIT_OK;
}
