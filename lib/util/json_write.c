/* SPDX-License-Identifier: Apache-2.0 */
/* Streaming JSON writer (json_write.h). The only state is the stack of open
 * containers: where a value goes (after which separator, at which indentation)
 * follows from the innermost one and from how many members it already has. */
#include "util/json_write.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"
#include "util/hex.h"
#include "util/utf8.h"

static void fail(struct json_writer *w, int err)
{
	if (!w->err)
		w->err = err;
}

static void put(struct json_writer *w, const char *s, size_t n)
{
	if (w->err || n == 0)
		return;
	if (w->f) {
		if (fwrite(s, 1, n, w->f) != n)
			fail(w, -EIO);
		return;
	}
	if (w->cap - w->len <= n) {
		size_t cap = w->cap ? w->cap : 256;
		char *b;

		while (cap - w->len <= n) {
			if (cap > SIZE_MAX / 2) {
				fail(w, -ENOMEM);
				return;
			}
			cap *= 2;
		}
		b = realloc(w->buf, cap);
		if (!b) {
			fail(w, -ENOMEM);
			return;
		}
		w->buf = b;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = 0;
}

static void puts_(struct json_writer *w, const char *s)
{
	put(w, s, strlen(s));
}

static void newline_indent(struct json_writer *w, unsigned depth)
{
	static const char spaces[] = "                                ";

	put(w, "\n", 1);
	for (unsigned n = 2 * depth; n > 0;) {
		unsigned k = n < sizeof spaces - 1 ? n : (unsigned)sizeof spaces - 1;

		put(w, spaces, k);
		n -= k;
	}
}

static void put_escaped(struct json_writer *w, const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t left = strlen(s);

	put(w, "\"", 1);
	while (left > 0 && !w->err) {
		size_t run = 0, k;
		char esc[8];

		/* copy the longest stretch that needs no escape in one piece */
		while (run < left && p[run] >= 0x20 && p[run] != '"' && p[run] != '\\' && p[run] != 0x7F) {
			k = utf8_char_len(p + run, left - run);
			if (k == 0) {
				fail(w, -EILSEQ);
				return;
			}
			run += k;
		}
		put(w, (const char *)p, run);
		p += run;
		left -= run;
		if (left == 0)
			break;
		switch (*p) {
		case '"': puts_(w, "\\\""); break;
		case '\\': puts_(w, "\\\\"); break;
		case '\n': puts_(w, "\\n"); break;
		case '\r': puts_(w, "\\r"); break;
		case '\t': puts_(w, "\\t"); break;
		default:
			snprintf(esc, sizeof esc, "\\u%04x", *p);
			puts_(w, esc);
		}
		p++;
		left--;
	}
	put(w, "\"", 1);
}

/* Everything that comes before a value: the separator after the previous member,
 * the line break and indentation of a block, and the key. */
static bool begin_value(struct json_writer *w, const char *key)
{
	bool compact = w->style & JSON_COMPACT;
	struct json_container *in;

	if (w->err)
		return false;
	if (w->depth == 0) {
		if (w->complete || key) {
			fail(w, -EINVAL);
			return false;
		}
		return true;
	}
	in = &w->open[w->depth - 1];
	if (in->object != (key != NULL)) {
		fail(w, -EINVAL);
		return false;
	}
	if (in->n++ > 0)
		put(w, ",", 1);
	if (!compact) {
		if (in->block)
			newline_indent(w, w->depth);
		else if (in->n > 1 || (w->style & JSON_PAD_LINE))
			put(w, " ", 1);
	}
	if (key) {
		put_escaped(w, key);
		puts_(w, compact ? ":" : ": ");
	}
	return !w->err;
}

static void end_value(struct json_writer *w)
{
	if (w->depth == 0) {
		w->complete = true;
		if (!(w->style & JSON_COMPACT))
			put(w, "\n", 1);
	}
}

static void open_container(struct json_writer *w, const char *key, enum json_layout layout, bool object)
{
	if (w->depth == JSON_WRITE_MAX_DEPTH) {
		fail(w, -E2BIG);
		return;
	}
	if (!begin_value(w, key))
		return;
	put(w, object ? "{" : "[", 1);
	w->open[w->depth++] = (struct json_container){
		.object = object,
		.block = layout == JSON_BLOCK && !(w->style & JSON_COMPACT),
	};
}

void json_write_object(struct json_writer *w, const char *key, enum json_layout layout)
{
	open_container(w, key, layout, true);
}

void json_write_array(struct json_writer *w, const char *key, enum json_layout layout)
{
	open_container(w, key, layout, false);
}

void json_write_end(struct json_writer *w)
{
	const struct json_container *c;

	if (w->err)
		return;
	if (w->depth == 0) {
		fail(w, -EINVAL);
		return;
	}
	c = &w->open[--w->depth];
	if (c->block && (c->n > 0 || (w->style & JSON_OPEN_EMPTY)))
		newline_indent(w, w->depth);
	else if (!c->block && c->n > 0 && (w->style & JSON_PAD_LINE) && !(w->style & JSON_COMPACT))
		put(w, " ", 1);
	put(w, c->object ? "}" : "]", 1);
	end_value(w);
}

void json_write_string(struct json_writer *w, const char *key, const char *s)
{
	if (!begin_value(w, key))
		return;
	put_escaped(w, s);
	end_value(w);
}

void json_write_uint(struct json_writer *w, const char *key, uint64_t v)
{
	char text[24];

	if (!begin_value(w, key))
		return;
	snprintf(text, sizeof text, "%" PRIu64, v);
	puts_(w, text);
	end_value(w);
}

void json_write_bool(struct json_writer *w, const char *key, bool v)
{
	if (!begin_value(w, key))
		return;
	puts_(w, v ? "true" : "false");
	end_value(w);
}

/* Bytes as a hex or base64 string, encoded 48 bytes at a time (whole base64 groups
 * encode independently), so a blob of any size needs no allocation. */
static void put_encoded(struct json_writer *w, const char *key, const uint8_t *b, size_t n, bool base64)
{
	char text[2 * 48 + 1];

	if (!begin_value(w, key))
		return;
	put(w, "\"", 1);
	for (size_t i = 0; i < n; i += 48) {
		size_t k = n - i < 48 ? n - i : 48;

		if (base64) {
			base64_encode(b + i, k, text);
			put(w, text, base64_encoded_len(k));
		} else {
			hex_encode(b + i, k, text);
			put(w, text, 2 * k);
		}
	}
	put(w, "\"", 1);
	/* the bytes may be a secret (a challenge record): no copy stays on the stack */
	explicit_bzero(text, sizeof text);
	end_value(w);
}

void json_write_hex(struct json_writer *w, const char *key, const uint8_t *b, size_t n)
{
	put_encoded(w, key, b, n, false);
}

void json_write_base64(struct json_writer *w, const char *key, const uint8_t *b, size_t n)
{
	put_encoded(w, key, b, n, true);
}

void json_write_raw(struct json_writer *w, const char *key, const char *text, size_t len)
{
	if (!begin_value(w, key))
		return;
	if (len == 0)
		fail(w, -EINVAL);
	put(w, text, len);
	end_value(w);
}

void json_writer_to_file(struct json_writer *w, FILE *f, unsigned style)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->style = style;
}

void json_writer_to_buffer(struct json_writer *w, unsigned style)
{
	memset(w, 0, sizeof(*w));
	w->style = style;
}

int json_writer_finish(struct json_writer *w)
{
	if (!w->err && (!w->complete || w->depth != 0))
		fail(w, -EINVAL);
	if (w->f && (fflush(w->f) != 0 || ferror(w->f)))
		fail(w, -EIO);
	return w->err;
}

int json_writer_take(struct json_writer *w, char **ret, size_t *ret_len)
{
	int r = w->f ? -EINVAL : json_writer_finish(w);

	if (r < 0) {
		json_writer_discard(w);
		return r;
	}
	*ret = w->buf;
	if (ret_len)
		*ret_len = w->len;
	w->buf = NULL;
	w->len = w->cap = 0;
	return 0;
}

void json_writer_discard(struct json_writer *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}
