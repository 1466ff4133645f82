/* SPDX-License-Identifier: Apache-2.0 */
/* lib/util/json: strictness (what must be refused) and accessors. */
#include <errno.h>
#include <stdlib.h>

#include "util/json.h"
#include "unit.h"

static int parse(const char *s, struct json_value **v)
{
	return json_parse(s, strlen(s), v, NULL);
}

static void refuses(const char *s, int err)
{
	struct json_value *v = NULL;
	int r = parse(s, &v);

	if (r != err)
		fprintf(stderr, "input: %s\n", s);
	CHECK_EQ_INT(r, err);
	CHECK(v == NULL);
}

static void test_refusals(void)
{
	refuses("", -EINVAL);
	refuses("{", -EINVAL);
	refuses("{\"a\":1,}", -EINVAL);
	refuses("[1,]", -EINVAL);
	refuses("{\"a\":1,\"a\":2}", -EINVAL);          /* duplicate key */
	refuses("{\"b\":{\"x\":1,\"y\":2,\"x\":3}}", -EINVAL);
	refuses("01", -EINVAL);                         /* leading zero */
	refuses("1.", -EINVAL);
	refuses("-", -EINVAL);
	refuses("1e", -EINVAL);
	refuses("{} x", -EINVAL);                       /* trailing bytes */
	refuses("\"a\tb\"", -EINVAL);                   /* raw control char */
	refuses("\"\\u0000\"", -EINVAL);                /* NUL */
	refuses("\"\\ud800\"", -EINVAL);                /* lone surrogate */
	refuses("\"\\udc00\"", -EINVAL);
	refuses("\"\\ud800\\u0041\"", -EINVAL);
	refuses("\"\\u12\"", -EINVAL);
	refuses("\"\\x\"", -EINVAL);
	refuses("\"\xc0\xaf\"", -EINVAL);               /* overlong '/' */
	refuses("\"\xed\xa0\x80\"", -EINVAL);           /* encoded surrogate */
	refuses("\"\xf4\x90\x80\x80\"", -EINVAL);       /* > U+10FFFF */
	refuses("\"\xff\"", -EINVAL);
	refuses("tru", -EINVAL);
	refuses("nul", -EINVAL);
	refuses("'a'", -EINVAL);

	/* Depth: JSON_MAX_DEPTH+2 nested arrays are too deep. */
	char deep[2 * (JSON_MAX_DEPTH + 2) + 1];
	memset(deep, '[', JSON_MAX_DEPTH + 2);
	memset(deep + JSON_MAX_DEPTH + 2, ']', JSON_MAX_DEPTH + 2);
	deep[sizeof(deep) - 1] = 0;
	refuses(deep, -E2BIG);
}

static void test_values(void)
{
	struct json_value *v = NULL;
	const char *doc = " {\"s\":\"a\\\"b\\u00e9\\ud83d\\ude00\",\"n\":-12,\"big\":18446744073709551615,"
			  "\"f\":1.5e3,\"t\":true,\"F\":false,\"z\":null,\"arr\":[1,[2],{}]} ";
	int64_t i;
	uint64_t u;
	bool b;

	CHECK_EQ_INT(parse(doc, &v), 0);
	CHECK_EQ_INT(json_type(v), JSON_OBJECT);
	CHECK_EQ_INT(json_object_len(v), 8);
	CHECK_EQ_STR(json_object_key(v, 0), "s");
	CHECK_EQ_STR(json_get_string(v, "s"), "a\"b\xc3\xa9\xf0\x9f\x98\x80");
	CHECK_EQ_INT(json_int64(json_get(v, "n"), &i), 0);
	CHECK_EQ_INT(i, -12);
	CHECK_EQ_INT(json_uint64(json_get(v, "n"), &u), -ERANGE);
	CHECK_EQ_INT(json_uint64(json_get(v, "big"), &u), 0);
	CHECK(u == UINT64_MAX);
	CHECK_EQ_INT(json_int64(json_get(v, "big"), &i), -ERANGE);
	CHECK_EQ_INT(json_int64(json_get(v, "f"), &i), -EINVAL);
	CHECK_EQ_STR(json_number_text(json_get(v, "f")), "1.5e3");
	CHECK_EQ_INT(json_bool(json_get(v, "t"), &b), 0);
	CHECK(b);
	CHECK_EQ_INT(json_bool(json_get(v, "F"), &b), 0);
	CHECK(!b);
	CHECK_EQ_INT(json_type(json_get(v, "z")), JSON_NULL);
	CHECK_EQ_INT(json_array_len(json_get(v, "arr")), 3);
	CHECK_EQ_INT(json_type(json_array_at(json_get(v, "arr"), 2)), JSON_OBJECT);
	CHECK(json_array_at(json_get(v, "arr"), 3) == NULL);
	CHECK(json_get(v, "missing") == NULL);
	CHECK(json_get_string(v, "n") == NULL);
	json_free(v);

	CHECK_EQ_INT(json_parse("-9223372036854775808", 20, &v, NULL), 0);
	CHECK_EQ_INT(json_int64(v, &i), 0);
	CHECK(i == INT64_MIN);
	json_free(v);
}

/* json_span: each value's own bytes, whatever whitespace or escapes surround it. */
static void expect_span(const char *text, const struct json_value *v, const char *want)
{
	size_t a, b;

	json_span(v, &a, &b);
	CHECK(b >= a && b <= strlen(text));
	CHECK_EQ_INT(b - a, strlen(want));
	CHECK(b >= a && strncmp(text + a, want, b - a) == 0);
}

static void test_spans(void)
{
	static const char doc[] =
		" \r\n{ \"tcbInfo\" :\t{\"id\":\"TDX\", \"a\\\"b\": [1, -2.5e3 , true,null], \"s\": \"x\\u0041\"} ,\n"
		"  \"signature\":\"00ff\" }\n ";
	struct json_value *v = NULL;
	const struct json_value *body, *arr;
	size_t a, b;

	CHECK_EQ_INT(parse(doc, &v), 0);
	if (!v)
		return;
	body = json_get(v, "tcbInfo");
	arr = json_get(body, "a\"b");
	/* the document without the whitespace before and after it */
	json_span(v, &a, &b);
	CHECK_EQ_INT(a, 3);
	CHECK_EQ_INT(b, strlen(doc) - 2);
	expect_span(doc, body, "{\"id\":\"TDX\", \"a\\\"b\": [1, -2.5e3 , true,null], \"s\": \"x\\u0041\"}");
	expect_span(doc, json_get(body, "id"), "\"TDX\"");
	expect_span(doc, arr, "[1, -2.5e3 , true,null]");
	expect_span(doc, json_array_at(arr, 1), "-2.5e3");
	expect_span(doc, json_array_at(arr, 2), "true");
	expect_span(doc, json_array_at(arr, 3), "null");
	expect_span(doc, json_get(body, "s"), "\"x\\u0041\"");
	CHECK_EQ_STR(json_get_string(body, "s"), "xA");
	expect_span(doc, json_get(v, "signature"), "\"00ff\"");
	json_span(NULL, &a, &b);
	CHECK(a == 0 && b == 0);
	json_free(v);
}

int main(void)
{
	test_refusals();
	test_values();
	test_spans();
	return unit_finish("test-json");
}
