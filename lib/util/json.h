/* SPDX-License-Identifier: Apache-2.0 */
/* A strict, bounded JSON (RFC 8259) reader for untrusted documents — workload
 * manifests, reference-value documents, evidence, CEL-JSON log records. (The
 * writer is util/json_write.h.)
 *
 * Refused: input over JSON_MAX_INPUT, nesting deeper than JSON_MAX_DEPTH, duplicate
 * object keys, invalid UTF-8, unpaired surrogates, strings containing NUL (\u0000),
 * leading zeros, trailing bytes after the value (whitespace excepted), and numbers
 * that are not integers representable in int64/uint64 are kept as text only. */
#ifndef CVM_JSON_H
#define CVM_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_INPUT (16u * 1024 * 1024)
#define JSON_MAX_DEPTH 32

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_value;

/* Parses text[0..len). On success *ret owns the tree (free with json_free).
 * Returns 0, -EINVAL (malformed; *ret_err_offset, if given, gets the byte offset),
 * -E2BIG (too large or too deep), -ENOMEM. */
int json_parse(const char *text, size_t len, struct json_value **ret, size_t *ret_err_offset);
void json_free(struct json_value *v);

enum json_type json_type(const struct json_value *v);

/* Objects keep their members in document order. */
const struct json_value *json_get(const struct json_value *obj, const char *key);
size_t json_object_len(const struct json_value *obj);
const char *json_object_key(const struct json_value *obj, size_t i);
const struct json_value *json_object_value(const struct json_value *obj, size_t i);

size_t json_array_len(const struct json_value *arr);
const struct json_value *json_array_at(const struct json_value *arr, size_t i);

/* NULL unless v is a string. Strings never contain NUL, so the C string is exact. */
const char *json_string(const struct json_value *v);
/* Convenience: json_string(json_get(obj, key)). */
const char *json_get_string(const struct json_value *obj, const char *key);

/* Integers only (no fraction/exponent). Return 0, -EINVAL (not an integer number)
 * or -ERANGE. */
int json_int64(const struct json_value *v, int64_t *ret);
int json_uint64(const struct json_value *v, uint64_t *ret);
/* The number's text exactly as written. NULL unless v is a number. */
const char *json_number_text(const struct json_value *v);
int json_bool(const struct json_value *v, bool *ret);

/* Where v lies in the text it was parsed from: text[*ret_start .. *ret_end) is the
 * value exactly as written, from its first byte to its last (no whitespace around
 * it). For a signature over part of a document, so that the bytes checked are the
 * bytes that were parsed. NULL gives the empty span 0..0. */
void json_span(const struct json_value *v, size_t *ret_start, size_t *ret_end);

#endif
