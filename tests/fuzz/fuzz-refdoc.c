/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness for lib/doc/refdoc: any bytes are a valid reference document or are
 * refused; a document that parses must write back and parse again to the same model. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/refdoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct refdoc a, b;
	char err[128], *text = NULL;
	size_t len = 0;
	FILE *f;

	if (refdoc_parse((const char *)data, size, &a, err, sizeof(err)) != 0)
		return 0;
	f = open_memstream(&text, &len);
	if (!f)
		abort();
	if (refdoc_write(f, &a) != 0)
		abort();
	fclose(f);
	if (refdoc_parse(text, len, &b, err, sizeof(err)) != 0)
		abort();
	if (b.n_snp != a.n_snp || b.pcr_mask != a.pcr_mask || strcmp(a.cmdline, b.cmdline) != 0)
		abort();
	free(text);
	return 0;
}
