/* SPDX-License-Identifier: Apache-2.0 */
/* Strict JSON reader (RFC 8259) for untrusted documents. Recursive descent with an
 * explicit depth bound; every node is a separate allocation owned by its parent. */
#include "util/json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

struct json_member {
	char *key;
	struct json_value *value;
};

struct json_value {
	enum json_type type;
	size_t start, end; /* the value's own bytes in the parsed text: [start, end) */
	union {
		bool boolean;
		char *text; /* JSON_STRING: decoded, NUL-terminated; JSON_NUMBER: as written */
		struct {
			struct json_value **items;
			size_t len;
		} array;
		struct {
			struct json_member *members;
			size_t len;
		} object;
	} u;
};

struct parser {
	const char *s;
	size_t len;
	size_t pos;
	int err;
};

static struct json_value *parse_value(struct parser *p, unsigned depth);

static int fail(struct parser *p, int err)
{
	if (!p->err)
		p->err = err;
	return p->err;
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len) {
		char c = p->s[p->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->pos++;
	}
}

static bool literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return false;
	p->pos += n;
	return true;
}

static struct json_value *new_value(struct parser *p, enum json_type type)
{
	struct json_value *v = calloc(1, sizeof(*v));

	if (!v) {
		fail(p, -ENOMEM);
		return NULL;
	}
	v->type = type;
	return v;
}

static int hex4(struct parser *p, size_t end, unsigned *ret)
{
	unsigned v = 0;

	if (p->pos > end || end - p->pos < 4)
		return fail(p, -EINVAL);
	for (int i = 0; i < 4; i++) {
		char c = p->s[p->pos++];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return fail(p, -EINVAL);
	}
	*ret = v;
	return 0;
}

static size_t put_utf8(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Parses a string literal at p->pos (which is at the opening quote). The decoded
 * form is never longer than the literal, so one allocation of that size suffices. */
static char *parse_string(struct parser *p)
{
	size_t start = ++p->pos, end = start, n = 0;
	char *out;

	/* Find the closing quote first to size the buffer. */
	while (end < p->len && p->s[end] != '"') {
		if (p->s[end] == '\\')
			end++;
		end++;
	}
	if (end >= p->len) {
		fail(p, -EINVAL);
		return NULL;
	}
	out = malloc(end - start + 1);
	if (!out) {
		fail(p, -ENOMEM);
		return NULL;
	}

	while (p->pos < end) {
		unsigned char c = (unsigned char)p->s[p->pos];

		if (c < 0x20)
			goto bad; /* raw control characters must be escaped */
		if (c != '\\') {
			size_t k = utf8_char_len((const uint8_t *)p->s + p->pos, end - p->pos);
			if (k == 0)
				goto bad;
			memcpy(out + n, p->s + p->pos, k);
			n += k;
			p->pos += k;
			continue;
		}
		p->pos++;
		c = (unsigned char)p->s[p->pos++];
		switch (c) {
		case '"': out[n++] = '"'; break;
		case '\\': out[n++] = '\\'; break;
		case '/': out[n++] = '/'; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'u': {
			unsigned cp, lo;

			if (hex4(p, end, &cp) < 0)
				goto bad;
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				goto bad; /* lone low surrogate */
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (p->pos + 2 > end || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u')
					goto bad;
				p->pos += 2;
				if (hex4(p, end, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF)
					goto bad;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			}
			if (cp == 0)
				goto bad; /* strings are C strings: NUL would truncate them */
			/* \uXXXX is 6 bytes and yields at most 3; a pair is 12 → 4. */
			n += put_utf8(out + n, cp);
			break;
		}
		default:
			goto bad;
		}
	}
	if (p->pos != end)
		goto bad; /* an escape ran past the closing quote */
	p->pos = end + 1;
	out[n] = '\0';
	return out;
bad:
	free(out);
	fail(p, -EINVAL);
	return NULL;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static struct json_value *parse_number(struct parser *p)
{
	size_t start = p->pos;
	struct json_value *v;

	if (p->pos < p->len && p->s[p->pos] == '-')
		p->pos++;
	if (p->pos >= p->len || !is_digit(p->s[p->pos]))
		goto bad;
	if (p->s[p->pos] == '0') {
		p->pos++;
		if (p->pos < p->len && is_digit(p->s[p->pos]))
			goto bad; /* leading zero */
	} else {
		while (p->pos < p->len && is_digit(p->s[p->pos]))
			p->pos++;
	}
	if (p->pos < p->len && p->s[p->pos] == '.') {
		p->pos++;
		if (p->pos >= p->len || !is_digit(p->s[p->pos]))
			goto bad;
		while (p->pos < p->len && is_digit(p->s[p->pos]))
			p->pos++;
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
			p->pos++;
		if (p->pos >= p->len || !is_digit(p->s[p->pos]))
			goto bad;
		while (p->pos < p->len && is_digit(p->s[p->pos]))
			p->pos++;
	}

	v = new_value(p, JSON_NUMBER);
	if (!v)
		return NULL;
	v->u.text = strndup(p->s + start, p->pos - start);
	if (!v->u.text) {
		free(v);
		fail(p, -ENOMEM);
		return NULL;
	}
	return v;
bad:
	fail(p, -EINVAL);
	return NULL;
}

static int cmp_members(const void *a, const void *b)
{
	const struct json_member *x = *(const struct json_member *const *)a;
	const struct json_member *y = *(const struct json_member *const *)b;

	return strcmp(x->key, y->key);
}

/* Duplicate keys are refused: two parsers could otherwise disagree about which
 * value counts (first or last), and a manifest must mean one thing. Sorting keeps
 * the check O(n log n) for hostile inputs. */
static bool has_duplicate_keys(struct parser *p, const struct json_member *m, size_t n)
{
	const struct json_member **sorted;
	bool dup = false;

	if (n < 2)
		return false;
	sorted = malloc(n * sizeof(*sorted));
	if (!sorted) {
		fail(p, -ENOMEM);
		return true;
	}
	for (size_t i = 0; i < n; i++)
		sorted[i] = &m[i];
	qsort(sorted, n, sizeof(*sorted), cmp_members);
	for (size_t i = 1; i < n && !dup; i++)
		dup = strcmp(sorted[i - 1]->key, sorted[i]->key) == 0;
	free(sorted);
	if (dup)
		fail(p, -EINVAL);
	return dup;
}

/* Grows *items (of element size sz) to hold one more element. */
static int grow(struct parser *p, void **items, size_t len, size_t *cap, size_t sz)
{
	void *n;
	size_t ncap;

	if (len < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	n = realloc(*items, ncap * sz);
	if (!n)
		return fail(p, -ENOMEM);
	*items = n;
	*cap = ncap;
	return 0;
}

static struct json_value *parse_array(struct parser *p, unsigned depth)
{
	struct json_value *v = new_value(p, JSON_ARRAY);
	size_t cap = 0;

	if (!v)
		return NULL;
	p->pos++; /* '[' */
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == ']') {
		p->pos++;
		return v;
	}
	for (;;) {
		struct json_value *item;

		if (grow(p, (void **)&v->u.array.items, v->u.array.len, &cap, sizeof(item)) < 0)
			goto bad;
		item = parse_value(p, depth + 1);
		if (!item)
			goto bad;
		v->u.array.items[v->u.array.len++] = item;
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == ']') {
			p->pos++;
			return v;
		}
		fail(p, -EINVAL);
		goto bad;
	}
bad:
	json_free(v);
	return NULL;
}

static struct json_value *parse_object(struct parser *p, unsigned depth)
{
	struct json_value *v = new_value(p, JSON_OBJECT);
	size_t cap = 0;

	if (!v)
		return NULL;
	p->pos++; /* '{' */
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == '}') {
		p->pos++;
		return v;
	}
	for (;;) {
		struct json_member *m;

		skip_ws(p);
		if (p->pos >= p->len || p->s[p->pos] != '"') {
			fail(p, -EINVAL);
			goto bad;
		}
		if (grow(p, (void **)&v->u.object.members, v->u.object.len, &cap, sizeof(*m)) < 0)
			goto bad;
		m = &v->u.object.members[v->u.object.len];
		m->value = NULL;
		m->key = parse_string(p);
		if (!m->key)
			goto bad;
		v->u.object.len++;
		skip_ws(p);
		if (p->pos >= p->len || p->s[p->pos] != ':') {
			fail(p, -EINVAL);
			goto bad;
		}
		p->pos++;
		m->value = parse_value(p, depth + 1);
		if (!m->value)
			goto bad;
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == '}') {
			p->pos++;
			if (has_duplicate_keys(p, v->u.object.members, v->u.object.len))
				goto bad;
			return v;
		}
		fail(p, -EINVAL);
		goto bad;
	}
bad:
	json_free(v);
	return NULL;
}

static struct json_value *parse_token(struct parser *p, unsigned depth)
{
	struct json_value *v;

	if (depth > JSON_MAX_DEPTH) {
		fail(p, -E2BIG);
		return NULL;
	}
	skip_ws(p);
	if (p->pos >= p->len) {
		fail(p, -EINVAL);
		return NULL;
	}
	switch (p->s[p->pos]) {
	case '{':
		return parse_object(p, depth);
	case '[':
		return parse_array(p, depth);
	case '"':
		v = new_value(p, JSON_STRING);
		if (!v)
			return NULL;
		v->u.text = parse_string(p);
		if (!v->u.text) {
			free(v);
			return NULL;
		}
		return v;
	case 't':
	case 'f':
		if (literal(p, "true") || literal(p, "false")) {
			v = new_value(p, JSON_BOOL);
			if (v)
				v->u.boolean = p->s[p->pos - 4] == 't';
			return v;
		}
		break;
	case 'n':
		if (literal(p, "null"))
			return new_value(p, JSON_NULL);
		break;
	default:
		if (p->s[p->pos] == '-' || is_digit(p->s[p->pos]))
			return parse_number(p);
	}
	fail(p, -EINVAL);
	return NULL;
}

/* A value and where it lies in the text (without the whitespace around it). */
static struct json_value *parse_value(struct parser *p, unsigned depth)
{
	struct json_value *v;
	size_t start;

	skip_ws(p);
	start = p->pos;
	v = parse_token(p, depth);
	if (v) {
		v->start = start;
		v->end = p->pos;
	}
	return v;
}

int json_parse(const char *text, size_t len, struct json_value **ret, size_t *ret_err_offset)
{
	struct parser p = { .s = text, .len = len };
	struct json_value *v;

	if (len > JSON_MAX_INPUT)
		return -E2BIG;
	v = parse_value(&p, 0);
	if (v) {
		skip_ws(&p);
		if (p.pos != p.len) {
			fail(&p, -EINVAL); /* trailing bytes */
			json_free(v);
			v = NULL;
		}
	}
	if (!v) {
		if (ret_err_offset)
			*ret_err_offset = p.pos;
		return p.err ? p.err : -EINVAL;
	}
	*ret = v;
	return 0;
}

void json_free(struct json_value *v)
{
	if (!v)
		return;
	switch (v->type) {
	case JSON_STRING:
	case JSON_NUMBER:
		free(v->u.text);
		break;
	case JSON_ARRAY:
		for (size_t i = 0; i < v->u.array.len; i++)
			json_free(v->u.array.items[i]);
		free(v->u.array.items);
		break;
	case JSON_OBJECT:
		for (size_t i = 0; i < v->u.object.len; i++) {
			free(v->u.object.members[i].key);
			json_free(v->u.object.members[i].value);
		}
		free(v->u.object.members);
		break;
	default:
		break;
	}
	free(v);
}

enum json_type json_type(const struct json_value *v)
{
	return v ? v->type : JSON_NULL;
}

const struct json_value *json_get(const struct json_value *obj, const char *key)
{
	if (!obj || obj->type != JSON_OBJECT || !key)
		return NULL;
	for (size_t i = 0; i < obj->u.object.len; i++)
		if (strcmp(obj->u.object.members[i].key, key) == 0)
			return obj->u.object.members[i].value;
	return NULL;
}

size_t json_object_len(const struct json_value *obj)
{
	return obj && obj->type == JSON_OBJECT ? obj->u.object.len : 0;
}

const char *json_object_key(const struct json_value *obj, size_t i)
{
	return i < json_object_len(obj) ? obj->u.object.members[i].key : NULL;
}

const struct json_value *json_object_value(const struct json_value *obj, size_t i)
{
	return i < json_object_len(obj) ? obj->u.object.members[i].value : NULL;
}

size_t json_array_len(const struct json_value *arr)
{
	return arr && arr->type == JSON_ARRAY ? arr->u.array.len : 0;
}

const struct json_value *json_array_at(const struct json_value *arr, size_t i)
{
	return i < json_array_len(arr) ? arr->u.array.items[i] : NULL;
}

const char *json_string(const struct json_value *v)
{
	return v && v->type == JSON_STRING ? v->u.text : NULL;
}

const char *json_get_string(const struct json_value *obj, const char *key)
{
	return json_string(json_get(obj, key));
}

const char *json_number_text(const struct json_value *v)
{
	return v && v->type == JSON_NUMBER ? v->u.text : NULL;
}

/* Integer numbers only: the digits (after an optional '-') with overflow checks. */
static int parse_integer(const struct json_value *v, bool *ret_neg, uint64_t *ret_mag)
{
	const char *s;
	uint64_t mag = 0;
	bool neg = false;

	if (!v || v->type != JSON_NUMBER)
		return -EINVAL;
	s = v->u.text;
	if (*s == '-') {
		neg = true;
		s++;
	}
	for (; *s; s++) {
		if (!is_digit(*s))
			return -EINVAL; /* fraction or exponent */
		if (mag > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -ERANGE;
		mag = mag * 10 + (uint64_t)(*s - '0');
	}
	*ret_neg = neg;
	*ret_mag = mag;
	return 0;
}

int json_uint64(const struct json_value *v, uint64_t *ret)
{
	uint64_t mag;
	bool neg;
	int r = parse_integer(v, &neg, &mag);

	if (r < 0)
		return r;
	if (neg && mag != 0)
		return -ERANGE;
	*ret = mag;
	return 0;
}

int json_int64(const struct json_value *v, int64_t *ret)
{
	uint64_t mag;
	bool neg;
	int r = parse_integer(v, &neg, &mag);

	if (r < 0)
		return r;
	if (neg) {
		if (mag > (uint64_t)INT64_MAX + 1)
			return -ERANGE;
		*ret = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	} else {
		if (mag > INT64_MAX)
			return -ERANGE;
		*ret = (int64_t)mag;
	}
	return 0;
}

void json_span(const struct json_value *v, size_t *ret_start, size_t *ret_end)
{
	*ret_start = v ? v->start : 0;
	*ret_end = v ? v->end : 0;
}

int json_bool(const struct json_value *v, bool *ret)
{
	if (!v || v->type != JSON_BOOL)
		return -EINVAL;
	*ret = v->u.boolean;
	return 0;
}
