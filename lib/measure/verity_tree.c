/* SPDX-License-Identifier: Apache-2.0 */
#include "measure/verity_tree.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/io.h"

#define VERITY_MAX_LEVELS 63

static unsigned log2_floor(uint64_t v)
{
	unsigned b = 0;
	while (v >>= 1)
		b++;
	return b;
}

static int geometry(const struct verity_geometry *g, unsigned *ret_bits, size_t *ret_slot,
		    unsigned *ret_levels, uint64_t level_blocks[VERITY_MAX_LEVELS])
{
	size_t dlen = digest_len(g->alg), slot = 1;
	unsigned bits, levels = 0;

	if (dlen == 0 || g->data_blocks == 0 || g->salt_len > 256 ||
	    g->data_block_size < 512 || (g->data_block_size & (g->data_block_size - 1)) ||
	    g->hash_block_size < 512 || (g->hash_block_size & (g->hash_block_size - 1)))
		return -EINVAL;
	while (slot < dlen)
		slot <<= 1;
	if (slot > g->hash_block_size / 2)
		return -EINVAL;
	bits = log2_floor(g->hash_block_size / slot);
	/* cryptsetup VERITY_create/verify: levels until one block covers everything. */
	while (levels < VERITY_MAX_LEVELS && bits * levels < 64 && ((g->data_blocks - 1) >> (bits * levels)) != 0) {
		uint64_t shift = (uint64_t)bits * (levels + 1);
		uint64_t n = shift >= 64 ? 1 : ((g->data_blocks - 1) >> shift) + 1;

		level_blocks[levels++] = n;
	}
	if (levels == VERITY_MAX_LEVELS)
		return -EINVAL;
	*ret_bits = bits;
	*ret_slot = slot;
	*ret_levels = levels;
	return 0;
}

int verity_tree_blocks(const struct verity_geometry *g, uint64_t *ret_blocks)
{
	uint64_t lb[VERITY_MAX_LEVELS], total = 0;
	unsigned bits, levels;
	size_t slot;
	int r = geometry(g, &bits, &slot, &levels, lb);

	if (r < 0)
		return r;
	for (unsigned i = 0; i < levels; i++)
		total += lb[i];
	*ret_blocks = total;
	return 0;
}

static int hash_block(const struct verity_geometry *g, const uint8_t *block, size_t size, uint8_t *out)
{
	struct digest_ctx *ctx = digest_begin(g->alg);

	if (!ctx)
		return -ENOMEM;
	if (digest_update(ctx, g->salt, g->salt_len) < 0 || digest_update(ctx, block, size) < 0) {
		digest_abort(ctx);
		return -EIO;
	}
	return digest_end(ctx, out);
}

int verity_tree_build(const struct verity_geometry *g, int data_fd, uint8_t **ret_tree,
		      uint64_t *ret_blocks, uint8_t *ret_root)
{
	uint64_t lb[VERITY_MAX_LEVELS], start[VERITY_MAX_LEVELS], total = 0;
	uint8_t d[DIGEST_MAX], *tree = NULL, *buf = NULL;
	size_t dlen = digest_len(g->alg), slot, hbs = g->hash_block_size;
	unsigned bits, levels;
	int r = geometry(g, &bits, &slot, &levels, lb);

	if (r < 0)
		return r;
	/* top level first: level levels-1 starts at block 0 */
	for (unsigned i = levels; i-- > 0;) {
		start[i] = total;
		total += lb[i];
	}
	if (total > SIZE_MAX / hbs)
		return -ENOMEM;
	tree = calloc(total ? total : 1, hbs);
	buf = malloc(g->data_block_size);
	if (!tree || !buf) {
		r = -ENOMEM;
		goto out;
	}

	if (levels == 0) {
		r = pread_full(data_fd, buf, g->data_block_size, 0);
		if (r == 0)
			r = hash_block(g, buf, g->data_block_size, d);
		goto done;
	}
	/* level 0: digests of the data blocks */
	for (uint64_t b = 0; b < g->data_blocks; b++) {
		r = pread_full(data_fd, buf, g->data_block_size, b * g->data_block_size);
		if (r < 0)
			goto out;
		r = hash_block(g, buf, g->data_block_size, d);
		if (r < 0)
			goto out;
		memcpy(tree + (start[0] + (b >> bits)) * hbs + (b & ((1u << bits) - 1)) * slot, d, dlen);
	}
	/* level i+1: digests of level i's blocks */
	for (unsigned i = 0; i + 1 < levels; i++)
		for (uint64_t b = 0; b < lb[i]; b++) {
			r = hash_block(g, tree + (start[i] + b) * hbs, hbs, d);
			if (r < 0)
				goto out;
			memcpy(tree + (start[i + 1] + (b >> bits)) * hbs + (b & ((1u << bits) - 1)) * slot, d, dlen);
		}
	r = hash_block(g, tree + start[levels - 1] * hbs, hbs, d);
done:
	if (r < 0)
		goto out;
	memcpy(ret_root, d, dlen);
	*ret_tree = tree;
	*ret_blocks = total;
	tree = NULL;
out:
	free(tree);
	free(buf);
	return r;
}
