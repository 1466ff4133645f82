/* SPDX-License-Identifier: Apache-2.0 */
/* lib/disk/gpt on hostile bytes: input = one 512-byte LBA 1 followed by the entry array.
 * Every entry the parser accepts must lie inside the usable range. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "disk/gpt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gpt_header h;
	struct gpt_entry e;
	size_t n;

	if (size < 512)
		return 0;
	if (gpt_parse_header(data, 512, 1u << 20, &h) < 0)
		return 0;
	n = gpt_entries_size(&h);
	if (n > GPT_ENTRIES_MAX_BYTES)
		abort();
	/* Let the fuzzer reach the entries without having to forge the array CRC. */
	if (size - 512 < n)
		return 0;
	(void)gpt_check_entries(&h, data + 512, n);
	for (uint32_t i = 0; i < h.n_entries; i++) {
		if (gpt_get_entry(&h, data + 512, n, i, &e) < 0)
			continue;
		if (e.first_lba > e.last_lba || e.first_lba < h.first_usable_lba ||
		    e.last_lba > h.last_usable_lba)
			abort();
	}
	return 0;
}
