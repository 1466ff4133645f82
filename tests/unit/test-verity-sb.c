/* SPDX-License-Identifier: Apache-2.0 */
/* lib/disk/verity_sb: the superblock systemd-repart 257 wrote on the root-verity partition
 * of an early cvmforge image (`make image`, 2026-11-23; SectorSize=512 gives 512-byte
 * data and hash blocks), and malformed variants. Only the first 120 bytes are
 * non-zero; the rest of the 512-byte superblock is zero. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "disk/verity_sb.h"

static const uint8_t b1_sb_head[120] = {
	0x76, 0x65, 0x72, 0x69, 0x74, 0x79, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0xed, 0xf5, 0x66, 0x4e, 0xab, 0x45, 0x44, 0xdd, 0x9f, 0x59, 0xd1, 0xf9, 0x38, 0x80, 0x7d, 0x99,
	0x73, 0x68, 0x61, 0x32, 0x35, 0x36, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0xc0, 0xb1, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x6d, 0x11, 0x07, 0x42, 0xf5, 0x12, 0xb0, 0x8b,
	0x13, 0x74, 0x68, 0x4f, 0x3a, 0x37, 0x71, 0x7f, 0xbf, 0x8c, 0x9e, 0xe1, 0xf8, 0xd0, 0xdf, 0xa9,
	0x25, 0x39, 0x8a, 0xe8, 0x95, 0x1b, 0xb7, 0x57,
};

static uint8_t sb[VERITY_SB_SIZE];

static void reset(void)
{
	memset(sb, 0, sizeof(sb));
	memcpy(sb, b1_sb_head, sizeof(b1_sb_head));
}

static void test_real(void)
{
	const uint8_t uuid[16] = { 0xed, 0xf5, 0x66, 0x4e, 0xab, 0x45, 0x44, 0xdd,
				   0x9f, 0x59, 0xd1, 0xf9, 0x38, 0x80, 0x7d, 0x99 };
	struct verity_sb v;

	reset();
	CHECK_EQ_INT(verity_sb_parse(sb, sizeof(sb), &v), 0);
	CHECK_EQ_INT(v.hash_type, 1);
	CHECK_MEM(v.uuid, uuid, 16);
	CHECK_EQ_STR(v.algorithm, "sha256");
	CHECK_EQ_INT(v.data_block_size, 512);
	CHECK_EQ_INT(v.hash_block_size, 512);
	CHECK_EQ_INT(v.data_blocks, 307648); /* = the root partition's size in sectors */
	CHECK_EQ_INT(v.salt_size, 32);
	CHECK_MEM(v.salt, sb + 88, 32);
	CHECK_EQ_INT(verity_hash_start_block(0, 512), 1);
	CHECK_EQ_INT(verity_hash_start_block(0, 4096), 1);
	CHECK_EQ_INT(verity_hash_start_block(4096, 4096), 2);
	CHECK_EQ_INT(verity_hash_start_block(3584, 4096), 1);
}

/* Each case overwrites n bytes at off with fill in a good superblock; every result
 * must be refused. */
static const struct {
	size_t off, n;
	uint8_t fill;
} malformed[] = {
	{ 0, 1, 'V' },     /* magic */
	{ 8, 1, 2 },       /* version */
	{ 12, 1, 2 },      /* hash type */
	{ 32, 32, 'a' },   /* algorithm without NUL */
	{ 32, 1, 0 },      /* empty algorithm */
	{ 33, 1, 'H' },    /* upper case */
	{ 60, 1, 'x' },    /* junk after the algorithm's NUL */
	{ 65, 1, 0x03 },   /* data block size 768 */
	{ 69, 1, 0x01 },   /* hash block size 256 */
	{ 72, 8, 0 },      /* zero data blocks */
	{ 72, 8, 0xff },   /* data size overflows 64 bits */
	{ 80, 2, 0x01 },   /* salt 257 bytes */
	{ 80, 1, 16 },     /* shorter salt: the rest of the salt field must be zero */
	{ 84, 1, 1 },      /* padding */
	{ 511, 1, 1 },     /* trailing padding */
};

static void test_malformed(void)
{
	struct verity_sb v;
	int r;

	reset();
	CHECK_EQ_INT(verity_sb_parse(sb, 511, &v), -EINVAL);
	for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		reset();
		memset(sb + malformed[i].off, malformed[i].fill, malformed[i].n);
		r = verity_sb_parse(sb, sizeof(sb), &v);
		if (r != -EINVAL)
			fprintf(stderr, "malformed case at offset %zu not refused\n", malformed[i].off);
		CHECK_EQ_INT(r, -EINVAL);
	}
}

int main(void)
{
	test_real();
	test_malformed();
	return unit_finish("test-verity-sb");
}
