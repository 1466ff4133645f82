/* libFuzzer harness for lib/util/json: any input must parse or be refused cleanly, and
 * every accessor must be safe on what was parsed. Spans (json_span): every value's
 * span lies inside its parent's, in document order, starts and ends on the value's own
 * first and last byte, and the text of a span parses on its own to the same type. */
#include <stdint.h>
#include <stdlib.h>

#include "util/json.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_value *v = NULL;
	struct walk wk = { .text = (const char *)data, .reparse_budget = 16 };

	if (json_parse((const char *)data, size, &v, NULL) == 0) {
		walk(&wk, v, 0, size);
		json_free(v);
	}
	return 0;
}
