/* libFuzzer harness for lib/util/json: any input must parse or be refused cleanly, and
 * every accessor must be safe on what was parsed. */
#include <stdint.h>
#include <stdlib.h>

#include "util/json.h"

static void walk(const struct json_value *v)
{
	int64_t i;
	uint64_t u;
	bool b;

	(void)json_int64(v, &i);
	(void)json_uint64(v, &u);
	(void)json_bool(v, &b);
	(void)json_string(v);
	for (size_t k = 0; k < json_array_len(v); k++)
		walk(json_array_at(v, k));
	for (size_t k = 0; k < json_object_len(v); k++) {
		(void)json_get(v, json_object_key(v, k));
		walk(json_object_value(v, k));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_value *v = NULL;

	if (json_parse((const char *)data, size, &v, NULL) == 0) {
		walk(v);
		json_free(v);
	}
	return 0;
}
