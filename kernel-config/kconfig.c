/* SPDX-License-Identifier: Apache-2.0 */
/* Strict .config and requirement-fragment parsing; requirement evaluation.
 * Grammar: Linux scripts/kconfig/confdata.c (conf_write_symbol / conf_read_simple). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kconfig.h"

#define PREFIX     "CONFIG_"
#define PREFIX_LEN (sizeof(PREFIX) - 1)
#define NOT_SET    " is not set"
#define NOT_SET_LEN (sizeof(NOT_SET) - 1)
#define NUMBER_MAX 64u

static int fail(struct kc_error *err, unsigned line, const char *what, int r)
{
	if (err) {
		err->line = line;
		err->what = what;
	}
	return r;
}

static bool is_sym_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Length of the symbol name at s (at most n bytes), 0 if none. */
static size_t sym_len(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_sym_char(s[i]))
		i++;
	return i;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A Kconfig int or hex value, whole token: -?[0-9]+ or 0[xX][0-9a-fA-F]+. */
static bool valid_number(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || n > NUMBER_MAX)
		return false;
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (i = 2; i < n; i++)
			if (!is_hex(s[i]))
				return false;
		return true;
	}
	if (s[0] == '-')
		i = 1;
	if (i == n)
		return false;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* The inside of a quoted string as confdata.c writes it: only \" and \\ are escapes,
 * and no unescaped quote. */
static bool valid_string_body(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			return false;
		if (s[i] == '\\') {
			if (i + 1 >= n || (s[i + 1] != '"' && s[i + 1] != '\\'))
				return false;
			i++;
		}
	}
	return true;
}

struct parsed_line {
	bool is_option;         /* false: blank line or plain comment */
	const char *name;
	size_t name_len;
	enum kc_kind kind;
	const char *value;
	size_t value_len;
};

/* Parses one line (without its newline) of either input. Plain comments are returned
 * with is_option = false; "##" and "# [" lines are left for the fragment parser, which
 * looks at them before calling this. */
static int parse_line(const char *s, size_t n, unsigned lineno, struct parsed_line *ret,
		      struct kc_error *err)
{
	struct parsed_line p = { 0 };
	size_t k;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0' || s[i] == '\r' || s[i] == '\t')
			return fail(err, lineno, "NUL, CR or TAB in line", -EINVAL);
	if (n > 0 && s[n - 1] == ' ')
		return fail(err, lineno, "trailing blank", -EINVAL);
	if (n == 0) {
		*ret = p;
		return 0;
	}
	if (s[0] == '#') {
		/* confdata.c: only "# CONFIG_" lines mean anything; they must be exactly
		 * "# CONFIG_NAME is not set" (a near-miss is a typo, not a comment). */
		if (n < 2 + PREFIX_LEN || memcmp(s + 2, PREFIX, PREFIX_LEN) != 0 || s[1] != ' ') {
			*ret = p;
			return 0;
		}
		s += 2 + PREFIX_LEN;
		n -= 2 + PREFIX_LEN;
		k = sym_len(s, n);
		if (k == 0 || k > KC_NAME_MAX || n - k != NOT_SET_LEN || memcmp(s + k, NOT_SET, NOT_SET_LEN) != 0)
			return fail(err, lineno, "expected \"# CONFIG_NAME is not set\"", -EINVAL);
		p.is_option = true;
		p.name = s;
		p.name_len = k;
		p.kind = KC_UNSET;
		*ret = p;
		return 0;
	}
	if (s[0] == ' ')
		return fail(err, lineno, "leading blank", -EINVAL);
	if (n < PREFIX_LEN || memcmp(s, PREFIX, PREFIX_LEN) != 0)
		return fail(err, lineno, "expected CONFIG_NAME=VALUE or a comment", -EINVAL);
	s += PREFIX_LEN;
	n -= PREFIX_LEN;
	k = sym_len(s, n);
	if (k == 0 || k > KC_NAME_MAX)
		return fail(err, lineno, "bad symbol name", -EINVAL);
	if (k >= n || s[k] != '=')
		return fail(err, lineno, "expected '=' after the symbol name", -EINVAL);
	p.is_option = true;
	p.name = s;
	p.name_len = k;
	s += k + 1;
	n -= k + 1;
	if (n == 1 && (s[0] == 'y' || s[0] == 'm' || s[0] == 'n')) {
		p.kind = s[0] == 'y' ? KC_YES : s[0] == 'm' ? KC_MOD : KC_UNSET;
	} else if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		if (n - 2 > KC_VALUE_MAX || !valid_string_body(s + 1, n - 2))
			return fail(err, lineno, "bad or overlong string value", -EINVAL);
		p.kind = KC_STRING;
		p.value = s + 1;
		p.value_len = n - 2;
	} else if (valid_number(s, n)) {
		p.kind = KC_NUMBER;
		p.value = s;
		p.value_len = n;
	} else {
		return fail(err, lineno, "value is not y, m, n, a quoted string or a number", -EINVAL);
	}
	*ret = p;
	return 0;
}

/* Finds the line starting at pos: its length in *ret_n, the next line's start as the
 * result. The last line may lack its newline. */
static size_t next_line(const char *buf, size_t len, size_t pos, size_t *ret_n)
{
	const char *nl = memchr(buf + pos, '\n', len - pos);
	size_t end = nl ? (size_t)(nl - buf) : len;

	*ret_n = end - pos;
	return nl ? end + 1 : end;
}

static int name_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int r = memcmp(a, b, an < bn ? an : bn);

	if (r != 0)
		return r;
	return an < bn ? -1 : an > bn ? 1 : 0;
}

static int sym_cmp(const void *x, const void *y)
{
	const struct kc_symbol *a = x, *b = y;

	return name_cmp(a->name, a->name_len, b->name, b->name_len);
}

int kc_config_parse(const char *buf, size_t len, struct kc_config *ret, struct kc_error *err)
{
	struct kc_symbol *syms;
	size_t lines = 1, n = 0, pos = 0;
	unsigned lineno = 0;

	if (!buf || len > KC_MAX_CONFIG_BYTES)
		return fail(err, 0, "input larger than the .config size cap", -EFBIG);
	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	/* One slot per line at most: the table is sized once from the input, never grown. */
	if (lines > KC_MAX_SYMBOLS)
		lines = KC_MAX_SYMBOLS;
	syms = calloc(lines, sizeof(*syms));
	if (!syms)
		return fail(err, 0, "out of memory", -ENOMEM);

	while (pos < len) {
		struct parsed_line p;
		size_t start = pos, ln;
		int r;

		lineno++;
		pos = next_line(buf, len, pos, &ln);
		r = parse_line(buf + start, ln, lineno, &p, err);
		if (r < 0) {
			free(syms);
			return r;
		}
		if (!p.is_option)
			continue;
		if (n == lines) {
			free(syms);
			return fail(err, lineno, "too many symbols", -E2BIG);
		}
		syms[n++] = (struct kc_symbol){ .name = p.name, .name_len = p.name_len, .kind = p.kind,
						.value = p.value, .value_len = p.value_len, .line = lineno };
	}
	qsort(syms, n, sizeof(*syms), sym_cmp);
	for (size_t i = 1; i < n; i++)
		if (sym_cmp(&syms[i - 1], &syms[i]) == 0) {
			unsigned dup = syms[i].line > syms[i - 1].line ? syms[i].line : syms[i - 1].line;
			free(syms);
			return fail(err, dup, "symbol occurs twice", -EEXIST);
		}
	ret->syms = syms;
	ret->n = n;
	return 0;
}

void kc_config_free(struct kc_config *c)
{
	if (!c)
		return;
	free(c->syms);
	c->syms = NULL;
	c->n = 0;
}

const struct kc_symbol *kc_config_find(const struct kc_config *c, const char *name)
{
	size_t lo = 0, hi = c->n, nl = strlen(name);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = name_cmp(c->syms[mid].name, c->syms[mid].name_len, name, nl);

		if (r == 0)
			return &c->syms[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int kc_reqs_init(struct kc_reqs *r)
{
	r->v = calloc(KC_MAX_REQS, sizeof(*r->v));
	r->n = 0;
	return r->v ? 0 : -ENOMEM;
}

void kc_reqs_free(struct kc_reqs *r)
{
	if (!r)
		return;
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

/* "# [hard,m,if=SYM] reason": fills the policy part of req. */
static int parse_policy(const char *s, size_t n, unsigned lineno, struct kc_req *req,
			struct kc_error *err)
{
	const char *close, *t, *end;
	bool have_level = false;

	/* s starts with "# [" */
	close = memchr(s, ']', n);
	if (!close)
		return fail(err, lineno, "policy line without ']'", -EINVAL);
	t = s + 3;
	end = close;
	while (t < end) {
		const char *comma = memchr(t, ',', (size_t)(end - t));
		size_t k = (size_t)((comma ? comma : end) - t);

		if (k == 4 && memcmp(t, "hard", 4) == 0 && !have_level) {
			req->hard = true;
			have_level = true;
		} else if (k == 3 && memcmp(t, "rec", 3) == 0 && !have_level) {
			req->hard = false;
			have_level = true;
		} else if (k == 1 && t[0] == 'm' && !req->module_ok) {
			req->module_ok = true;
		} else if (k > 3 && memcmp(t, "if=", 3) == 0 && !req->cond[0] &&
			   sym_len(t + 3, k - 3) == k - 3 && k - 3 <= KC_NAME_MAX) {
			memcpy(req->cond, t + 3, k - 3);
			req->cond[k - 3] = '\0';
		} else {
			return fail(err, lineno, "unknown or repeated policy tag (hard|rec, m, if=SYM)", -EINVAL);
		}
		if (!comma)
			break;
		t = comma + 1;
		if (t == end)
			return fail(err, lineno, "empty policy tag", -EINVAL);
	}
	if (!have_level)
		return fail(err, lineno, "policy needs hard or rec", -EINVAL);
	t = close + 1;
	n -= (size_t)(t - s);
	if (n < 2 || t[0] != ' ' || t[1] == ' ')
		return fail(err, lineno, "policy line needs a reason after ']'", -EINVAL);
	if (n - 1 > KC_REASON_MAX)
		return fail(err, lineno, "reason longer than one line", -EINVAL);
	memcpy(req->reason, t + 1, n - 1);
	req->reason[n - 1] = '\0';
	return 0;
}

static bool req_exists(const struct kc_reqs *r, size_t upto, const char *name)
{
	for (size_t i = 0; i < upto; i++)
		if (strcmp(r->v[i].name, name) == 0)
			return true;
	return false;
}

/* A fragment being parsed: requirements are added at r->v[n]; pending is the one
 * whose reason line was read and whose option line must come next. */
struct fragment {
	struct kc_reqs *r;
	size_t n;
	struct kc_req *pending;
	const char *origin;
};

/* "# [policy] reason": starts a requirement. */
static int reason_line(struct fragment *f, const char *s, size_t ln, unsigned lineno,
		       struct kc_error *err)
{
	if (f->pending)
		return fail(err, lineno, "two reasons in a row (one option per reason)", -EINVAL);
	if (f->n == KC_MAX_REQS)
		return fail(err, lineno, "too many requirements", -E2BIG);
	for (size_t i = 0; i < ln; i++)
		if (s[i] == '\0' || s[i] == '\r' || s[i] == '\t')
			return fail(err, lineno, "NUL, CR or TAB in line", -EINVAL);
	f->pending = &f->r->v[f->n];
	memset(f->pending, 0, sizeof(*f->pending));
	return parse_policy(s, ln, lineno, f->pending, err);
}

/* "## commentary": only between requirements. */
static int commentary_line(const struct fragment *f, const char *s, size_t ln, unsigned lineno,
			   struct kc_error *err)
{
	if (f->pending)
		return fail(err, lineno, "reason not followed by its option", -EINVAL);
	if (ln > 2 && s[2] != ' ')
		return fail(err, lineno, "commentary lines start with \"## \"", -EINVAL);
	return 0;
}

/* Any other line: the option that completes the pending requirement, or a blank line
 * between requirements. */
static int option_line(struct fragment *f, const char *s, size_t ln, unsigned lineno,
		       struct kc_error *err)
{
	struct kc_req *q = f->pending;
	struct parsed_line p;
	int rc = parse_line(s, ln, lineno, &p, err);

	if (rc < 0)
		return rc;
	if (!p.is_option) {
		/* Blank lines are fine between entries; any other comment would be a
		 * reason the checker cannot attach to an option. */
		if (ln != 0 || q)
			return fail(err, lineno, ln ? "comment is neither \"## ...\" nor \"# [policy] reason\""
						  : "reason not followed by its option", -EINVAL);
		return 0;
	}
	if (!q)
		return fail(err, lineno, "option without a \"# [policy] reason\" line above it", -EINVAL);
	if (p.kind == KC_MOD)
		return fail(err, lineno, "require =y with the m tag, not =m", -EINVAL);
	if (p.kind != KC_UNSET && p.kind != KC_YES && q->module_ok)
		return fail(err, lineno, "the m tag applies only to =y", -EINVAL);
	if (p.kind == KC_UNSET && q->module_ok)
		return fail(err, lineno, "the m tag makes no sense for \"is not set\"", -EINVAL);
	memcpy(q->name, p.name, p.name_len);
	q->name[p.name_len] = '\0';
	if (req_exists(f->r, f->n, q->name))
		return fail(err, lineno, "symbol already required (here or in an earlier fragment)", -EEXIST);
	q->kind = p.kind;
	if (p.value_len) {
		memcpy(q->value, p.value, p.value_len);
		q->value[p.value_len] = '\0';
	}
	/* Keep the tail of a long path: the fragment's file name is what matters. */
	{
		size_t ol = strlen(f->origin);
		const char *o = ol > KC_ORIGIN_MAX ? f->origin + ol - KC_ORIGIN_MAX : f->origin;

		memcpy(q->origin, o, strlen(o) + 1);
	}
	q->line = lineno;
	f->pending = NULL;
	f->n++;
	return 0;
}

int kc_reqs_parse(struct kc_reqs *r, const char *buf, size_t len, const char *origin,
		  struct kc_error *err)
{
	struct fragment f = { .r = r, .n = r->n, .origin = origin };
	size_t n0 = r->n, pos = 0;
	unsigned lineno = 0;
	int rc = 0;

	if (!buf || len > KC_MAX_FRAGMENT_BYTES)
		return fail(err, 0, "fragment larger than its size cap", -EFBIG);
	while (rc >= 0 && pos < len) {
		const char *s = buf + pos;
		size_t ln;

		lineno++;
		pos = next_line(buf, len, pos, &ln);
		if (ln >= 3 && memcmp(s, "# [", 3) == 0)
			rc = reason_line(&f, s, ln, lineno, err);
		else if (ln >= 2 && s[0] == '#' && s[1] == '#')
			rc = commentary_line(&f, s, ln, lineno, err);
		else
			rc = option_line(&f, s, ln, lineno, err);
	}
	if (rc >= 0 && f.pending)
		rc = fail(err, lineno, "reason not followed by its option", -EINVAL);
	if (rc < 0) {
		/* Nothing of a refused fragment stays: not even the half-filled entry. */
		memset(&r->v[n0], 0, (f.n - n0 + (f.pending ? 1 : 0)) * sizeof(*r->v));
		r->n = n0;
		return rc;
	}
	r->n = f.n;
	return 0;
}

static bool value_equals(const struct kc_symbol *s, const struct kc_req *req)
{
	return s->value_len == strlen(req->value) && memcmp(s->value, req->value, s->value_len) == 0;
}

enum kc_status kc_check(const struct kc_req *req, const struct kc_config *c, bool monolithic,
			const struct kc_symbol **ret_found)
{
	const struct kc_symbol *s = kc_config_find(c, req->name);
	enum kc_status st;

	if (ret_found)
		*ret_found = s;
	if (req->cond[0]) {
		const struct kc_symbol *cs = kc_config_find(c, req->cond);

		if (!cs || cs->kind != KC_YES)
			return KC_NOT_APPLICABLE;
	}
	if (req->kind == KC_UNSET)
		return (!s || s->kind == KC_UNSET) ? KC_OK : KC_FORBIDDEN;
	if (!s || s->kind == KC_UNSET)
		return KC_MISSING;
	switch (req->kind) {
	case KC_YES:
		if (s->kind == KC_YES)
			st = KC_OK;
		else if (s->kind == KC_MOD && req->module_ok && !monolithic)
			st = KC_OK;
		else
			st = KC_WRONG_VALUE;
		break;
	case KC_STRING:
	case KC_NUMBER:
		st = (s->kind == req->kind && value_equals(s, req)) ? KC_OK : KC_WRONG_VALUE;
		break;
	default:
		st = KC_WRONG_VALUE;
		break;
	}
	return st;
}

const char *kc_status_name(enum kc_status s)
{
	static const char *const names[] = {
		[KC_OK] = "ok",
		[KC_MISSING] = "missing",
		[KC_WRONG_VALUE] = "wrong value",
		[KC_FORBIDDEN] = "forbidden present",
		[KC_NOT_APPLICABLE] = "n/a",
	};

	return (size_t)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}
