/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness for the CEL-JSON / JSON-SEQ log splitter (the evidence command
 * reads a log other writers append to). */
#include <stdint.h>
#include <stdlib.h>

#include "measure/cel.h"

static int cb(const char *json, size_t len, void *userdata)
{
	size_t *total = userdata;

	if (len == 0 || json[0] == 0x1E)
		abort();
	*total += len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t total = 0;
	int n = cel_log_split(data, size, cb, &total);

	if (n >= 0 && total + 2 * (size_t)n != size)
		abort();
	return 0;
}
