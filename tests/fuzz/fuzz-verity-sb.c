/* SPDX-License-Identifier: Apache-2.0 */
/* lib/disk/verity_sb on hostile superblocks: accepted values stay inside the bounds
 * cvm-init and the dm table builder rely on. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "disk/verity_sb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verity_sb sb;

	if (verity_sb_parse(data, size, &sb) < 0)
		return 0;
	if (sb.salt_size > VERITY_SALT_MAX || sb.data_blocks == 0 ||
	    strnlen(sb.algorithm, VERITY_ALG_MAX) == VERITY_ALG_MAX ||
	    sb.data_block_size < 512 || (sb.data_block_size & (sb.data_block_size - 1)) ||
	    sb.hash_block_size < 512 || (sb.hash_block_size & (sb.hash_block_size - 1)))
		abort();
	return 0;
}
