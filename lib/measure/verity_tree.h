/* SPDX-License-Identifier: Apache-2.0 */
/* dm-verity hash tree, format 1 (cryptsetup lib/verity/verity_hash.c, hash_type 1),
 * built in memory for a workload payload. No superblock: the geometry is carried by
 * the measured manifest instead (measure-agent/MANIFEST.md).
 *
 *   block digest  = H(salt || block)                        (format 1 puts salt first)
 *   slot size     = digest length rounded up to a power of two (32 for sha256)
 *   per block     = 2^floor(log2(hash_block_size / slot))   (128 for sha256/4096)
 *   levels        = smallest L with (data_blocks - 1) >> (bits * L) == 0
 *   layout        = top level first, level 0 last, from hash block 0
 *   root hash     = H(salt || top hash block), or H(salt || data block) if one block
 */
#ifndef CVM_VERITY_TREE_H
#define CVM_VERITY_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "measure/digest.h"

struct verity_geometry {
	enum digest_alg alg;
	uint32_t data_block_size;
	uint32_t hash_block_size;
	uint64_t data_blocks;
	const uint8_t *salt;
	size_t salt_len;
};

/* Number of hash blocks the tree occupies (0 when data_blocks == 1).
 * Returns 0 or -EINVAL (bad geometry). */
int verity_tree_blocks(const struct verity_geometry *g, uint64_t *ret_blocks);

/* Reads data_blocks * data_block_size bytes from data_fd (from offset 0, pread) and
 * builds the tree. On success *ret_tree is a fresh buffer of
 * ret_blocks * hash_block_size bytes and ret_root gets the root hash
 * (digest_len(alg) bytes). Returns 0, -EINVAL, -EIO (short read), -ENOMEM or -errno. */
int verity_tree_build(const struct verity_geometry *g, int data_fd, uint8_t **ret_tree,
		      uint64_t *ret_blocks, uint8_t *ret_root);

#endif
