/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: CEL-JSON replay from JSON-SEQ bytes and from a JSON array. */
#include <stddef.h>
#include <stdint.h>

#include "evidence/cel_read.h"
#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cel_replay rp;
	struct json_value *v = NULL;
	size_t bad;

	(void)cel_replay_seq(data, size, &rp, &bad);
	if (json_parse((const char *)data, size, &v, NULL) == 0) {
		(void)cel_replay_array(v, &rp, &bad);
		json_free(v);
	}
	return 0;
}
