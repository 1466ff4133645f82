/* SPDX-License-Identifier: Apache-2.0 */
#include "disk/verity_sb.h"

#include <errno.h>
#include <string.h>

#include "util/bytes.h"

/* Offsets in struct verity_sb (cryptsetup lib/verity/verity.c). */
enum {
	SB_SIGNATURE = 0,   /* "verity\0\0" */
	SB_VERSION = 8,     /* u32, 1 */
	SB_HASH_TYPE = 12,  /* u32 */
	SB_UUID = 16,       /* u8[16] */
	SB_ALGORITHM = 32,  /* char[32] */
	SB_DATA_BS = 64,    /* u32 */
	SB_HASH_BS = 68,    /* u32 */
	SB_DATA_BLOCKS = 72, /* u64 */
	SB_SALT_SIZE = 80,  /* u16 */
	SB_PAD1 = 82,       /* u8[6] */
	SB_SALT = 88,       /* u8[256] */
	SB_PAD2 = 344,      /* u8[168] */
};

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* cryptsetup accepts 512 B .. 512 KiB, powers of two (utils_crypt.c). */
static int block_size_ok(uint32_t bs)
{
	return bs >= 512 && bs <= 512u * 1024 && (bs & (bs - 1)) == 0;
}

int verity_sb_parse(const uint8_t *buf, size_t len, struct verity_sb *ret)
{
	struct verity_sb sb;
	size_t alen;

	if (!buf || len < VERITY_SB_SIZE)
		return -EINVAL;
	if (memcmp(buf + SB_SIGNATURE, "verity\0\0", 8) != 0)
		return -EINVAL;
	if (le32(buf + SB_VERSION) != 1)
		return -EINVAL;

	memset(&sb, 0, sizeof(sb));
	sb.hash_type = le32(buf + SB_HASH_TYPE);
	if (sb.hash_type > 1)
		return -EINVAL;
	memcpy(sb.uuid, buf + SB_UUID, 16);

	alen = strnlen((const char *)buf + SB_ALGORITHM, VERITY_ALG_MAX);
	if (alen == 0 || alen == VERITY_ALG_MAX)
		return -EINVAL;
	for (size_t i = 0; i < alen; i++) {
		char c = (char)buf[SB_ALGORITHM + i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return -EINVAL;
	}
	if (!all_zero(buf + SB_ALGORITHM + alen, VERITY_ALG_MAX - alen))
		return -EINVAL;
	memcpy(sb.algorithm, buf + SB_ALGORITHM, alen);

	sb.data_block_size = le32(buf + SB_DATA_BS);
	sb.hash_block_size = le32(buf + SB_HASH_BS);
	if (!block_size_ok(sb.data_block_size) || !block_size_ok(sb.hash_block_size))
		return -EINVAL;
	sb.data_blocks = le64(buf + SB_DATA_BLOCKS);
	/* The data size in bytes and in 512-byte sectors must be representable. */
	if (sb.data_blocks == 0 || sb.data_blocks > UINT64_MAX / sb.data_block_size)
		return -EINVAL;

	sb.salt_size = (uint16_t)(buf[SB_SALT_SIZE] | buf[SB_SALT_SIZE + 1] << 8);
	if (sb.salt_size > VERITY_SALT_MAX)
		return -EINVAL;
	if (!all_zero(buf + SB_PAD1, 6) || !all_zero(buf + SB_SALT + sb.salt_size,
						    VERITY_SALT_MAX - sb.salt_size) ||
	    !all_zero(buf + SB_PAD2, VERITY_SB_SIZE - SB_PAD2))
		return -EINVAL;
	memcpy(sb.salt, buf + SB_SALT, sb.salt_size);

	*ret = sb;
	return 0;
}

uint64_t verity_hash_start_block(uint64_t sb_offset, uint32_t hash_block_size)
{
	return (sb_offset + VERITY_SB_SIZE + hash_block_size - 1) / hash_block_size;
}
