/* SPDX-License-Identifier: Apache-2.0 */
/* The JSON writer every cvmforge program prints JSON with: a streaming writer to a
 * FILE or to a growable memory buffer, with RFC 8259 string escaping and one layout
 * model for all documents (the signed reference document among them, whose bytes must
 * never change).
 *
 * Layout. Each object or array is opened as
 *   JSON_BLOCK  one member per line, indented two spaces per level of nesting:
 *                 {
 *                   "a": 1,
 *                   "b": 2
 *                 }
 *   JSON_LINE   all members on the line it opens on: {"a": 1, "b": [1, 2]}
 * The writer's style flags adjust this for a document as a whole:
 *   JSON_COMPACT     no whitespace at all: {"a":1,"b":[1,2]} (layouts are ignored)
 *   JSON_PAD_LINE    a space inside the brackets of a non-empty line: { "a": 1 }
 *   JSON_OPEN_EMPTY  an empty block still spans two lines ("[\n  ]"), not "[]"
 * A document that is not compact ends with a newline.
 *
 * Values. Every value function takes the member's key: non-NULL inside an object,
 * NULL inside an array and for the top-level value. Keys are escaped like strings.
 *
 * Errors are sticky: the first one (-EIO for a failed write, -ENOMEM, -EILSEQ for a
 * string that is not valid UTF-8, -EINVAL for calls that do not make one JSON value,
 * -E2BIG for nesting deeper than JSON_WRITE_MAX_DEPTH) turns every later call into a
 * no-op and is what json_writer_finish() / json_writer_take() return, so a caller
 * checks once, at the end. */
#ifndef CVM_JSON_WRITE_H
#define CVM_JSON_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_COMPACT (1u << 0)
#define JSON_PAD_LINE (1u << 1)
#define JSON_OPEN_EMPTY (1u << 2)

#define JSON_WRITE_MAX_DEPTH 16

enum json_layout {
	JSON_BLOCK,
	JSON_LINE,
};

struct json_container {
	bool object, block;
	size_t n; /* members written so far */
};

struct json_writer {
	FILE *f;      /* the sink, or NULL: the memory buffer below */
	char *buf;    /* NUL-terminated */
	size_t len, cap;
	unsigned style;
	int err;
	bool complete; /* the top-level value has been written */
	unsigned depth;
	struct json_container open[JSON_WRITE_MAX_DEPTH]; /* [depth - 1]: the innermost */
};

/* Start a document written to f, or into memory. */
void json_writer_to_file(struct json_writer *w, FILE *f, unsigned style);
void json_writer_to_buffer(struct json_writer *w, unsigned style);

/* Ends a document: 0, or the first error (-EINVAL if the value is incomplete).
 * A FILE sink is flushed, and its error flag counts as a write error (-EIO). */
int json_writer_finish(struct json_writer *w);

/* For a buffer sink: finishes and hands over the NUL-terminated text (*ret, free()
 * it) and its length. On error the text is freed and *ret is untouched. */
int json_writer_take(struct json_writer *w, char **ret, size_t *ret_len);

/* Frees a buffer sink's text without finishing (a document given up half-way). */
void json_writer_discard(struct json_writer *w);

void json_write_object(struct json_writer *w, const char *key, enum json_layout layout);
void json_write_array(struct json_writer *w, const char *key, enum json_layout layout);
/* Closes the innermost open object or array. */
void json_write_end(struct json_writer *w);

/* s must be valid UTF-8 (else -EILSEQ). '"', '\\', \n, \r and \t are escaped as
 * such; other control characters and DEL as \u00XX; everything else is copied. */
void json_write_string(struct json_writer *w, const char *key, const char *s);
void json_write_uint(struct json_writer *w, const char *key, uint64_t v);
void json_write_bool(struct json_writer *w, const char *key, bool v);
/* A string of the bytes in lowercase hex, or in base64 (RFC 4648, padded). */
void json_write_hex(struct json_writer *w, const char *key, const uint8_t *b, size_t n);
void json_write_base64(struct json_writer *w, const char *key, const uint8_t *b, size_t n);
/* text[0..len), copied as it is: the caller vouches that it is one JSON value. */
void json_write_raw(struct json_writer *w, const char *key, const char *text, size_t len);

#endif
