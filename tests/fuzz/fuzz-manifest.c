/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness for lib/measure/manifest: any input parses or is refused with a reason;
 * whatever parses survives a canonical write and re-parse unchanged (the packer
 * writes what the agent reads). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure/manifest.h"

static char *canonical(const struct manifest *m, size_t *ret_len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, ret_len);

	if (!f)
		abort();
	if (manifest_write(f, m) < 0)
		abort();
	fclose(f);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest *m = NULL, *m2 = NULL;
	const char *err = NULL;
	size_t n1, n2;
	char *c1, *c2;

	if (manifest_parse(data, size, &m, &err) < 0) {
		if (!err)
			abort();
		return 0;
	}
	c1 = canonical(m, &n1);
	if (manifest_parse((const uint8_t *)c1, n1, &m2, &err) < 0) {
		/* only the size cap may refuse the canonical form of a valid document */
		if (n1 <= 65536)
			abort();
	} else {
		c2 = canonical(m2, &n2);
		if (n1 != n2 || memcmp(c1, c2, n1) != 0)
			abort();
		free(c2);
		manifest_free(m2);
	}
	free(c1);
	manifest_free(m);
	return 0;
}
