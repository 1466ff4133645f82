/* SPDX-License-Identifier: Apache-2.0 */
#include "moddep.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const suffixes[] = { ".ko.xz", ".ko.zst", ".ko.gz", ".ko" };

int moddep_normalize(const char *s, char out[MODDEP_NAME_MAX])
{
	const char *base = strrchr(s, '/');
	size_t n;

	base = base ? base + 1 : s;
	n = strlen(base);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
		size_t sl = strlen(suffixes[i]);

		if (n > sl && strcmp(base + n - sl, suffixes[i]) == 0) {
			n -= sl;
			break;
		}
	}
	if (n == 0 || n >= MODDEP_NAME_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		char c = base[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return -EINVAL;
		out[i] = c == '-' ? '_' : c;
	}
	out[n] = '\0';
	return 0;
}

/* Copies text into a NUL-terminated buffer we own and may cut into tokens. */
static char *own_text(const char *text, size_t len)
{
	char *t;

	if (!text || len > MODDEP_TEXT_MAX || memchr(text, '\0', len))
		return NULL;
	t = malloc(len + 1);
	if (t) {
		memcpy(t, text, len);
		t[len] = '\0';
	}
	return t;
}

static char *next_line(char **state)
{
	char *l = *state, *nl;

	if (!*l)
		return NULL;
	nl = strchr(l, '\n');
	if (nl) {
		*nl = '\0';
		*state = nl + 1;
	} else {
		*state = l + strlen(l);
	}
	return l;
}

static char *next_word(char **state)
{
	char *p = *state, *w;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p) {
		*state = p;
		return NULL;
	}
	w = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p)
		*p++ = '\0';
	*state = p;
	return w;
}

static long find_mod(const struct moddep *db, const char *name)
{
	for (size_t i = 0; i < db->n_mods; i++)
		if (strcmp(db->mods[i].name, name) == 0)
			return (long)i;
	return -1;
}

static long find_path(const struct moddep *db, const char *path)
{
	for (size_t i = 0; i < db->n_mods; i++)
		if (strcmp(db->mods[i].path, path) == 0)
			return (long)i;
	return -1;
}

/* Paths are relative, without "..", made of a safe character set: they end up as
 * file names inside the initrd. */
static int path_ok(const char *p)
{
	if (!*p || *p == '/' || strstr(p, "..") || strstr(p, "//"))
		return 0;
	for (; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("_-./+", *p)))
			return 0;
	return 1;
}

int moddep_load(struct moddep *db, const char *text, size_t len)
{
	char *state, *line;
	size_t cap = 0;

	if (db->dep_text)
		return -EINVAL;
	db->dep_text = own_text(text, len);
	if (!db->dep_text)
		return len > MODDEP_TEXT_MAX ? -E2BIG : -EINVAL;
	state = db->dep_text;
	while ((line = next_line(&state))) {
		struct moddep_mod m = { .name = "" };
		char *colon, *rest, *w;

		if (!*line)
			continue;
		colon = strchr(line, ':');
		if (!colon)
			return -EINVAL;
		*colon = '\0';
		rest = colon + 1;
		if (!path_ok(line) || moddep_normalize(line, m.name) < 0)
			return -EINVAL;
		if (find_mod(db, m.name) >= 0) {
			memcpy(db->bad, m.name, sizeof(db->bad));
			return -EINVAL;
		}
		m.path = line;
		while ((w = next_word(&rest))) {
			const char **nd;

			if (!path_ok(w) || m.n_deps >= MODDEP_MAX_DEPS) {
				free(m.deps);
				return -EINVAL;
			}
			nd = realloc(m.deps, (m.n_deps + 1) * sizeof(*nd));
			if (!nd) {
				free(m.deps);
				return -ENOMEM;
			}
			m.deps = nd;
			m.deps[m.n_deps++] = w;
		}
		if (db->n_mods == cap) {
			struct moddep_mod *nm;

			if (cap >= MODDEP_MAX_MODULES) {
				free(m.deps);
				return -E2BIG;
			}
			cap = cap ? cap * 2 : 256;
			nm = realloc(db->mods, cap * sizeof(*nm));
			if (!nm) {
				free(m.deps);
				return -ENOMEM;
			}
			db->mods = nm;
		}
		db->mods[db->n_mods++] = m;
	}
	return 0;
}

static int push_name(const char ***arr, size_t *n, const char *w)
{
	const char **na;

	if (*n >= MODDEP_MAX_DEPS)
		return -E2BIG;
	na = realloc(*arr, (*n + 1) * sizeof(**arr));
	if (!na)
		return -ENOMEM;
	*arr = na;
	(*arr)[(*n)++] = w;
	return 0;
}

int moddep_load_softdep(struct moddep *db, const char *text, size_t len)
{
	char *state, *line;

	if (db->soft_text)
		return -EINVAL;
	db->soft_text = own_text(text, len);
	if (!db->soft_text)
		return len > MODDEP_TEXT_MAX ? -E2BIG : -EINVAL;
	state = db->soft_text;
	while ((line = next_line(&state))) {
		char *w, *rest = line, name[MODDEP_NAME_MAX];
		struct moddep_mod *m;
		int post = -1; /* -1: no "pre:"/"post:" seen yet */
		long i;

		w = next_word(&rest);
		if (!w || w[0] == '#')
			continue;
		if (strcmp(w, "softdep") != 0)
			return -EINVAL;
		w = next_word(&rest);
		if (!w || moddep_normalize(w, name) < 0)
			return -EINVAL;
		i = find_mod(db, name);
		while ((w = next_word(&rest))) {
			char *dep;
			int r;

			if (strcmp(w, "pre:") == 0 || strcmp(w, "post:") == 0) {
				post = w[1] == 'o';
				continue;
			}
			/* kmod (libkmod-config.c) ignores words before "pre:"/"post:"
			 * (e.g. cifs's MODULE_SOFTDEP("gcm")); so does this. */
			if (post < 0 || i < 0)
				continue;
			/* Normalise in place: the normalised name is never longer. */
			dep = w;
			if (strchr(w, '/') || moddep_normalize(w, name) < 0)
				return -EINVAL;
			strcpy(dep, name);
			m = &db->mods[i];
			r = post ? push_name(&m->post, &m->n_post, dep)
				 : push_name(&m->pre, &m->n_pre, dep);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int moddep_load_builtin(struct moddep *db, const char *text, size_t len)
{
	char *state, *line;
	size_t cap = 0;

	if (db->builtin_text)
		return -EINVAL;
	db->builtin_text = own_text(text, len);
	if (!db->builtin_text)
		return len > MODDEP_TEXT_MAX ? -E2BIG : -EINVAL;
	state = db->builtin_text;
	while ((line = next_line(&state))) {
		char name[MODDEP_NAME_MAX];

		if (!*line)
			continue;
		if (moddep_normalize(line, name) < 0)
			return -EINVAL;
		strcpy(line, name); /* never longer than the path */
		if (db->n_builtin == cap) {
			const char **nb;

			if (cap >= MODDEP_MAX_MODULES)
				return -E2BIG;
			cap = cap ? cap * 2 : 256;
			nb = realloc(db->builtin, cap * sizeof(*nb));
			if (!nb)
				return -ENOMEM;
			db->builtin = nb;
		}
		db->builtin[db->n_builtin++] = line;
	}
	return 0;
}

static int is_builtin(const struct moddep *db, const char *name)
{
	for (size_t i = 0; i < db->n_builtin; i++)
		if (strcmp(db->builtin[i], name) == 0)
			return 1;
	return 0;
}

enum { WHITE, GREY, BLACK };

struct walk {
	struct moddep *db;
	uint8_t *colour;
	size_t *order, max, n;
	unsigned depth;
};

static int visit_name(struct walk *w, const char *name);

/* Depth-first post-order: dependencies are emitted before the module. GREY marks
 * the current path, so meeting a GREY module again is a cycle. */
static int visit(struct walk *w, size_t i)
{
	struct moddep_mod *m = &w->db->mods[i];
	int r;

	if (w->colour[i] == BLACK)
		return 0;
	if (w->colour[i] == GREY || w->depth > 64) {
		memcpy(w->db->bad, m->name, sizeof(w->db->bad));
		return -ELOOP;
	}
	w->colour[i] = GREY;
	w->depth++;
	for (size_t k = 0; k < m->n_pre; k++)
		if ((r = visit_name(w, m->pre[k])) < 0)
			return r;
	for (size_t k = 0; k < m->n_deps; k++) {
		long d = find_path(w->db, m->deps[k]);

		if (d < 0) {
			(void)moddep_normalize(m->deps[k], w->db->bad);
			return -ENOENT;
		}
		if ((r = visit(w, (size_t)d)) < 0)
			return r;
	}
	w->depth--;
	w->colour[i] = BLACK;
	if (w->n >= w->max)
		return -E2BIG;
	w->order[w->n++] = i;
	/* "post:" modules come after this one; a cycle through them is harmless
	 * (this module is already BLACK). */
	for (size_t k = 0; k < m->n_post; k++)
		if ((r = visit_name(w, m->post[k])) < 0)
			return r;
	return 0;
}

static int visit_name(struct walk *w, const char *name)
{
	char norm[MODDEP_NAME_MAX];
	long i;

	if (moddep_normalize(name, norm) < 0) {
		snprintf(w->db->bad, sizeof(w->db->bad), "%.*s", (int)sizeof(w->db->bad) - 1, name);
		return -ENOENT;
	}
	i = find_mod(w->db, norm);
	if (i < 0) {
		if (is_builtin(w->db, norm))
			return 0;
		memcpy(w->db->bad, norm, sizeof(norm));
		return -ENOENT;
	}
	return visit(w, (size_t)i);
}

int moddep_order(struct moddep *db, const char *const *wanted, size_t n_wanted,
		 size_t *order, size_t max, size_t *ret_n)
{
	struct walk w = { .db = db, .order = order, .max = max };
	int r = 0;

	w.colour = calloc(db->n_mods ? db->n_mods : 1, 1);
	if (!w.colour)
		return -ENOMEM;
	for (size_t k = 0; k < n_wanted && r == 0; k++)
		r = visit_name(&w, wanted[k]);
	free(w.colour);
	if (r < 0)
		return r;
	*ret_n = w.n;
	return 0;
}

void moddep_free(struct moddep *db)
{
	for (size_t i = 0; i < db->n_mods; i++) {
		free(db->mods[i].deps);
		free(db->mods[i].pre);
		free(db->mods[i].post);
	}
	free(db->mods);
	free(db->builtin);
	free(db->dep_text);
	free(db->soft_text);
	free(db->builtin_text);
	memset(db, 0, sizeof(*db));
}
