/* SPDX-License-Identifier: Apache-2.0 */
/* lib/util/json_write: escaping, layouts, helpers, misuse and error propagation. What it
 * writes is read back with lib/util/json where the text is meant to be valid. */
#include <errno.h>
#include <stdlib.h>

#include "util/base64.h"
#include "util/hex.h"
#include "util/json.h"
#include "util/json_write.h"
#include "unit.h"

/* The text written so far to a buffer writer (which stays usable). */
static const char *text(const struct json_writer *w)
{
	return w->buf ? w->buf : "";
}

static char *take(struct json_writer *w, int *ret_err)
{
	char *s = NULL;

	*ret_err = json_writer_take(w, &s, NULL);
	return s;
}

/* The document in w is complete, without error, and reads exactly want. */
static void expect_text(struct json_writer *w, const char *want)
{
	int r;
	char *s = take(w, &r);

	CHECK_EQ_INT(r, 0);
	CHECK_EQ_STR(s, want);
	free(s);
}

static void expect_string(const char *in, const char *want)
{
	struct json_writer w;
	struct json_value *v = NULL;
	char *s;
	int r;

	json_writer_to_buffer(&w, JSON_COMPACT);
	json_write_string(&w, NULL, in);
	s = take(&w, &r);
	CHECK_EQ_INT(r, 0);
	CHECK_EQ_STR(s, want);
	/* and it reads back to the same bytes */
	CHECK_EQ_INT(s ? json_parse(s, strlen(s), &v, NULL) : -1, 0);
	CHECK_EQ_STR(json_string(v), in);
	json_free(v);
	free(s);
}

static void expect_string_refused(const char *in)
{
	struct json_writer w;
	char *s = NULL;

	json_writer_to_buffer(&w, 0);
	json_write_array(&w, NULL, JSON_LINE);
	json_write_string(&w, NULL, in);
	json_write_end(&w);
	CHECK_EQ_INT(json_writer_take(&w, &s, NULL), -EILSEQ);
	CHECK(s == NULL);
}

static void test_escaping(void)
{
	char all_controls[32], want[32 * 6 + 3];
	size_t n = 0;

	expect_string("", "\"\"");
	expect_string("plain", "\"plain\"");
	expect_string("q\"b\\", "\"q\\\"b\\\\\"");
	expect_string("\n\r\t", "\"\\n\\r\\t\"");
	expect_string("\b\f\x7f", "\"\\u0008\\u000c\\u007f\"");
	/* UTF-8 passes through: 2, 3 and 4 byte sequences, U+10FFFF */
	expect_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92 \xf4\x8f\xbf\xbf",
		      "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92 \xf4\x8f\xbf\xbf\"");
	/* every control character */
	for (int c = 1; c < 0x20; c++)
		all_controls[c - 1] = (char)c;
	all_controls[31] = 0;
	want[n++] = '"';
	for (int c = 1; c < 0x20; c++) {
		const char *named = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;

		n += (size_t)(named ? snprintf(want + n, sizeof want - n, "%s", named)
				    : snprintf(want + n, sizeof want - n, "\\u%04x", c));
	}
	want[n++] = '"';
	want[n] = 0;
	expect_string(all_controls, want);

	expect_string_refused("\x80");             /* stray continuation byte */
	expect_string_refused("a\xc3");            /* truncated */
	expect_string_refused("\xc0\xaf");         /* overlong '/' */
	expect_string_refused("\xe0\x80\xaf");     /* overlong */
	expect_string_refused("\xed\xa0\x80");     /* UTF-16 surrogate */
	expect_string_refused("\xf4\x90\x80\x80"); /* above U+10FFFF */
	expect_string_refused("\xff");
}

static void test_keys(void)
{
	struct json_writer w;
	char *s;

	json_writer_to_buffer(&w, JSON_COMPACT);
	json_write_object(&w, NULL, JSON_BLOCK);
	json_write_uint(&w, "k\"\n", 1);
	json_write_end(&w);
	expect_text(&w, "{\"k\\\"\\n\":1}");

	json_writer_to_buffer(&w, 0);
	json_write_object(&w, NULL, JSON_BLOCK);
	json_write_uint(&w, "\xc3", 1);
	json_write_end(&w);
	CHECK_EQ_INT(json_writer_take(&w, &s, NULL), -EILSEQ);
}

/* One document exercising every kind of value and both layouts. */
static void write_sample(struct json_writer *w)
{
	static const uint8_t bytes[] = { 0x00, 0x01, 0xab, 0xff };

	json_write_object(w, NULL, JSON_BLOCK);
	json_write_uint(w, "version", 1);
	json_write_string(w, "name", "x");
	json_write_array(w, "list", JSON_LINE);
	json_write_uint(w, NULL, 4);
	json_write_uint(w, NULL, UINT64_MAX);
	json_write_end(w);
	json_write_array(w, "rows", JSON_BLOCK);
	json_write_object(w, NULL, JSON_LINE);
	json_write_hex(w, "hex", bytes, sizeof bytes);
	json_write_base64(w, "b64", bytes, sizeof bytes);
	json_write_bool(w, "t", true);
	json_write_bool(w, "f", false);
	json_write_end(w);
	json_write_raw(w, NULL, "{\"raw\":[1]}", 11);
	json_write_end(w);
	json_write_object(w, "empty_block", JSON_BLOCK);
	json_write_end(w);
	json_write_array(w, "empty_line", JSON_LINE);
	json_write_end(w);
	json_write_object(w, "nested", JSON_BLOCK);
	json_write_object(w, "deeper", JSON_BLOCK);
	json_write_string(w, "s", "");
	json_write_end(w);
	json_write_end(w);
	json_write_end(w);
}

static void expect_layout(unsigned style, const char *want)
{
	struct json_writer w;
	struct json_value *v = NULL;
	char *s;
	size_t len = 0;
	int r;

	json_writer_to_buffer(&w, style);
	write_sample(&w);
	r = json_writer_take(&w, &s, &len);
	CHECK_EQ_INT(r, 0);
	if (r < 0)
		return;
	CHECK_EQ_STR(s, want);
	CHECK_EQ_INT(len, strlen(want));
	CHECK_EQ_INT(json_parse(s, len, &v, NULL), 0);
	json_free(v);
	free(s);
}

/* The end of write_sample in both pretty styles: they differ only before it. */
#define SAMPLE_PRETTY_TAIL              \
	"  \"empty_line\": [],\n"       \
	"  \"nested\": {\n"             \
	"    \"deeper\": {\n"           \
	"      \"s\": \"\"\n"           \
	"    }\n"                       \
	"  }\n"                         \
	"}\n"

static void test_layouts(void)
{
	expect_layout(0,
		"{\n"
		"  \"version\": 1,\n"
		"  \"name\": \"x\",\n"
		"  \"list\": [4, 18446744073709551615],\n"
		"  \"rows\": [\n"
		"    {\"hex\": \"0001abff\", \"b64\": \"AAGr/w==\", \"t\": true, \"f\": false},\n"
		"    {\"raw\":[1]}\n"
		"  ],\n"
		"  \"empty_block\": {},\n"
		SAMPLE_PRETTY_TAIL);
	/* the reference document's style */
	expect_layout(JSON_PAD_LINE | JSON_OPEN_EMPTY,
		"{\n"
		"  \"version\": 1,\n"
		"  \"name\": \"x\",\n"
		"  \"list\": [ 4, 18446744073709551615 ],\n"
		"  \"rows\": [\n"
		"    { \"hex\": \"0001abff\", \"b64\": \"AAGr/w==\", \"t\": true, \"f\": false },\n"
		"    {\"raw\":[1]}\n"
		"  ],\n"
		"  \"empty_block\": {\n"
		"  },\n"
		SAMPLE_PRETTY_TAIL);
	expect_layout(JSON_COMPACT | JSON_PAD_LINE | JSON_OPEN_EMPTY,
		"{\"version\":1,\"name\":\"x\",\"list\":[4,18446744073709551615],"
		"\"rows\":[{\"hex\":\"0001abff\",\"b64\":\"AAGr/w==\",\"t\":true,\"f\":false},{\"raw\":[1]}],"
		"\"empty_block\":{},\"empty_line\":[],\"nested\":{\"deeper\":{\"s\":\"\"}}}");
}

/* Scalars alone are documents too; the top level ends with a newline unless compact. */
static void test_top_level(void)
{
	struct json_writer w;

	json_writer_to_buffer(&w, 0);
	json_write_uint(&w, NULL, 0);
	expect_text(&w, "0\n");

	json_writer_to_buffer(&w, 0);
	json_write_array(&w, NULL, JSON_BLOCK);
	json_write_end(&w);
	expect_text(&w, "[]\n");
}

/* hex and base64 are written in chunks; every length must match the one-piece encoders. */
static void test_hex_base64_lengths(void)
{
	static const size_t lens[] = { 0, 1, 2, 3, 47, 48, 49, 63, 64, 65, 96, 97, 1000 };
	uint8_t data[1000];

	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 31 + 7);
	for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
		size_t n = lens[i];
		char *want = malloc(2 * n + base64_encoded_len(n) + 8), *hex;
		struct json_writer w;

		if (!want)
			return;
		hex = want + 1;
		want[0] = '"';
		hex_encode(data, n, hex);
		strcpy(hex + 2 * n, "\"");

		json_writer_to_buffer(&w, JSON_COMPACT);
		json_write_hex(&w, NULL, data, n);
		expect_text(&w, want);

		base64_encode(data, n, hex);
		strcat(hex, "\"");
		json_writer_to_buffer(&w, JSON_COMPACT);
		json_write_base64(&w, NULL, data, n);
		expect_text(&w, want);
		free(want);
	}
}

static void expect_misuse(void (*f)(struct json_writer *w), int err)
{
	struct json_writer w;
	char *s = NULL;

	json_writer_to_buffer(&w, 0);
	f(&w);
	CHECK_EQ_INT(json_writer_take(&w, &s, NULL), err);
	CHECK(s == NULL);
}

static void key_in_array(struct json_writer *w)
{
	json_write_array(w, NULL, JSON_LINE);
	json_write_uint(w, "k", 1);
	json_write_end(w);
}

static void no_key_in_object(struct json_writer *w)
{
	json_write_object(w, NULL, JSON_LINE);
	json_write_uint(w, NULL, 1);
	json_write_end(w);
}

static void key_at_top(struct json_writer *w)
{
	json_write_uint(w, "k", 1);
}

static void two_values(struct json_writer *w)
{
	json_write_uint(w, NULL, 1);
	json_write_uint(w, NULL, 2);
}

static void end_at_top(struct json_writer *w)
{
	json_write_uint(w, NULL, 1);
	json_write_end(w);
}

static void unclosed(struct json_writer *w)
{
	json_write_object(w, NULL, JSON_BLOCK);
}

static void nothing(struct json_writer *w)
{
	(void)w;
}

static void empty_raw(struct json_writer *w)
{
	json_write_raw(w, NULL, "", 0);
}

static void too_deep(struct json_writer *w)
{
	for (int i = 0; i <= JSON_WRITE_MAX_DEPTH; i++)
		json_write_array(w, NULL, JSON_LINE);
	for (int i = 0; i <= JSON_WRITE_MAX_DEPTH; i++)
		json_write_end(w);
}

static void test_misuse(void)
{
	struct json_writer w;
	char *s;
	int r;

	expect_misuse(key_in_array, -EINVAL);
	expect_misuse(no_key_in_object, -EINVAL);
	expect_misuse(key_at_top, -EINVAL);
	expect_misuse(two_values, -EINVAL);
	expect_misuse(end_at_top, -EINVAL);
	expect_misuse(unclosed, -EINVAL);
	expect_misuse(nothing, -EINVAL);
	expect_misuse(empty_raw, -EINVAL);
	expect_misuse(too_deep, -E2BIG);

	/* exactly the limit is fine */
	json_writer_to_buffer(&w, JSON_COMPACT);
	for (int i = 0; i < JSON_WRITE_MAX_DEPTH; i++)
		json_write_array(&w, NULL, JSON_LINE);
	for (int i = 0; i < JSON_WRITE_MAX_DEPTH; i++)
		json_write_end(&w);
	s = take(&w, &r);
	CHECK_EQ_INT(r, 0);
	CHECK(s && strlen(s) == 2 * JSON_WRITE_MAX_DEPTH);
	free(s);

	/* the first error sticks: nothing is written after it */
	json_writer_to_buffer(&w, JSON_COMPACT);
	json_write_array(&w, NULL, JSON_LINE);
	json_write_string(&w, NULL, "\xff");
	json_write_string(&w, NULL, "after");
	json_write_end(&w);
	CHECK_EQ_INT(w.err, -EILSEQ);
	CHECK(strstr(text(&w), "after") == NULL);
	json_writer_discard(&w);
	CHECK(w.buf == NULL);

	/* take refuses a FILE writer (there is no buffer to hand over) */
	json_writer_to_file(&w, stdout, 0);
	CHECK_EQ_INT(json_writer_take(&w, &s, NULL), -EINVAL);
}

/* The sample written to a stream opened on path; w.err after writing must be
 * err_while_writing, and finish() must report -EIO. */
static void expect_stream_error(const char *path, const char *mode, bool unbuffered, int err_while_writing)
{
	struct json_writer w;
	FILE *f = fopen(path, mode);

	CHECK(f != NULL);
	if (!f)
		return;
	if (unbuffered)
		setvbuf(f, NULL, _IONBF, 0);
	json_writer_to_file(&w, f, 0);
	write_sample(&w);
	CHECK_EQ_INT(w.err, err_while_writing);
	CHECK_EQ_INT(json_writer_finish(&w), -EIO);
	fclose(f);
}

/* A FILE sink: the same bytes as the buffer, and write errors reach finish(). */
static void test_file_sink(void)
{
	struct json_writer w;
	char *mem = NULL, *s;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	int r;

	CHECK(f != NULL);
	if (!f)
		return;
	json_writer_to_file(&w, f, 0);
	write_sample(&w);
	CHECK_EQ_INT(json_writer_finish(&w), 0);
	fclose(f);
	json_writer_to_buffer(&w, 0);
	write_sample(&w);
	s = take(&w, &r);
	CHECK_EQ_INT(r, 0);
	CHECK_EQ_STR(mem, s);
	free(s);
	free(mem);

	/* /dev/full unbuffered: the first write fails and the error sticks */
	expect_stream_error("/dev/full", "w", true, -EIO);
	/* /dev/full buffered: every fwrite succeeds, the flush in finish() fails */
	expect_stream_error("/dev/full", "w", false, 0);
	/* a stream that cannot be written at all */
	expect_stream_error("/dev/null", "r", false, -EIO);
}

/* A large document grows the buffer many times and still parses. */
static void test_large(void)
{
	struct json_writer w;
	struct json_value *v = NULL;
	char *s;
	size_t len = 0;
	int r;

	json_writer_to_buffer(&w, 0);
	json_write_array(&w, NULL, JSON_BLOCK);
	for (unsigned i = 0; i < 20000; i++) {
		json_write_object(&w, NULL, JSON_LINE);
		json_write_uint(&w, "i", i);
		json_write_string(&w, "s", "a \"quoted\" \\ string");
		json_write_end(&w);
	}
	json_write_end(&w);
	r = json_writer_take(&w, &s, &len);
	CHECK_EQ_INT(r, 0);
	if (r < 0)
		return;
	CHECK_EQ_INT(strlen(s), len);
	CHECK_EQ_INT(json_parse(s, len, &v, NULL), 0);
	CHECK_EQ_INT(json_array_len(v), 20000);
	CHECK_EQ_STR(json_get_string(json_array_at(v, 19999), "s"), "a \"quoted\" \\ string");
	json_free(v);
	free(s);
}

int main(void)
{
	test_escaping();
	test_keys();
	test_layouts();
	test_top_level();
	test_hex_base64_lengths();
	test_misuse();
	test_file_sink();
	test_large();
	return unit_finish("test-json-write");
}
