/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness for lib/util/json: any input must parse or be refused cleanly, and
 * every accessor must be safe on what was parsed. Spans (json_span): every value's
 * span lies inside its parent's, in document order, starts and ends on the value's own
 * first and last byte, and the text of a span parses on its own to the same type.
 * Round trip: what was parsed, written again with lib/util/json_write, parses to the
 * same tree. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "util/json_write.h"

struct walk {
	const char *text;
	unsigned reparse_budget; /* re-parsing every span is quadratic: a few per input */
};

static void check_span(struct walk *wk, const struct json_value *v, size_t lo, size_t hi,
		       size_t *ret_start, size_t *ret_end)
{
	size_t a, b;

	json_span(v, &a, &b);
	if (a < lo || b > hi || b <= a)
		abort();
	switch (json_type(v)) {
	case JSON_OBJECT:
		if (wk->text[a] != '{' || wk->text[b - 1] != '}')
			abort();
		break;
	case JSON_ARRAY:
		if (wk->text[a] != '[' || wk->text[b - 1] != ']')
			abort();
		break;
	case JSON_STRING:
		if (wk->text[a] != '"' || wk->text[b - 1] != '"' || b - a < 2)
			abort();
		break;
	default:
		break;
	}
	if (wk->reparse_budget > 0) {
		struct json_value *again = NULL;

		wk->reparse_budget--;
		if (json_parse(wk->text + a, b - a, &again, NULL) != 0 || json_type(again) != json_type(v))
			abort();
		json_free(again);
	}
	*ret_start = a;
	*ret_end = b;
}

static void walk(struct walk *wk, const struct json_value *v, size_t lo, size_t hi)
{
	int64_t i;
	uint64_t u;
	bool b;
	size_t start, end, next;

	check_span(wk, v, lo, hi, &start, &end);
	(void)json_int64(v, &i);
	(void)json_uint64(v, &u);
	(void)json_bool(v, &b);
	(void)json_string(v);
	/* children: inside the brackets, one after the other */
	next = start + 1;
	for (size_t k = 0; k < json_array_len(v); k++) {
		size_t cs, ce;

		walk(wk, json_array_at(v, k), next, end - 1);
		json_span(json_array_at(v, k), &cs, &ce);
		next = ce;
	}
	for (size_t k = 0; k < json_object_len(v); k++) {
		size_t cs, ce;

		(void)json_get(v, json_object_key(v, k));
		walk(wk, json_object_value(v, k), next, end - 1);
		json_span(json_object_value(v, k), &cs, &ce);
		next = ce;
	}
}

static void rewrite(struct json_writer *w, const char *key, const struct json_value *v)
{
	bool b = false;

	switch (json_type(v)) {
	case JSON_NULL: json_write_raw(w, key, "null", 4); break;
	case JSON_BOOL: (void)json_bool(v, &b); json_write_bool(w, key, b); break;
	case JSON_NUMBER: json_write_raw(w, key, json_number_text(v), strlen(json_number_text(v))); break;
	case JSON_STRING: json_write_string(w, key, json_string(v)); break;
	case JSON_ARRAY:
		json_write_array(w, key, JSON_LINE);
		for (size_t k = 0; k < json_array_len(v); k++)
			rewrite(w, NULL, json_array_at(v, k));
		json_write_end(w);
		break;
	case JSON_OBJECT:
		json_write_object(w, key, JSON_BLOCK);
		for (size_t k = 0; k < json_object_len(v); k++)
			rewrite(w, json_object_key(v, k), json_object_value(v, k));
		json_write_end(w);
		break;
	}
}

static bool same(const struct json_value *a, const struct json_value *b)
{
	if (json_type(a) != json_type(b))
		return false;
	switch (json_type(a)) {
	case JSON_STRING: return strcmp(json_string(a), json_string(b)) == 0;
	case JSON_NUMBER: return strcmp(json_number_text(a), json_number_text(b)) == 0;
	case JSON_BOOL: {
		bool x = false, y = false;

		(void)json_bool(a, &x);
		(void)json_bool(b, &y);
		return x == y;
	}
	case JSON_ARRAY:
		if (json_array_len(a) != json_array_len(b))
			return false;
		for (size_t k = 0; k < json_array_len(a); k++)
			if (!same(json_array_at(a, k), json_array_at(b, k)))
				return false;
		return true;
	case JSON_OBJECT:
		if (json_object_len(a) != json_object_len(b))
			return false;
		for (size_t k = 0; k < json_object_len(a); k++)
			if (strcmp(json_object_key(a, k), json_object_key(b, k)) != 0 ||
			    !same(json_object_value(a, k), json_object_value(b, k)))
				return false;
		return true;
	default:
		return true;
	}
}

static void round_trip(const struct json_value *v, unsigned style)
{
	struct json_writer w;
	struct json_value *again = NULL;
	char *text = NULL;
	size_t len = 0;
	int r;

	json_writer_to_buffer(&w, style);
	rewrite(&w, NULL, v);
	r = json_writer_take(&w, &text, &len);
	if (r == -E2BIG)
		return; /* deeper than the writer nests (JSON_WRITE_MAX_DEPTH) */
	if (r != 0 || json_parse(text, len, &again, NULL) != 0 || !same(v, again))
		abort();
	json_free(again);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_value *v = NULL;
	struct walk wk = { .text = (const char *)data, .reparse_budget = 16 };

	if (json_parse((const char *)data, size, &v, NULL) == 0) {
		walk(&wk, v, 0, size);
		round_trip(v, 0);
		round_trip(v, JSON_PAD_LINE | JSON_OPEN_EMPTY);
		round_trip(v, JSON_COMPACT);
		json_free(v);
	}
	return 0;
}
