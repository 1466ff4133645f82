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

static void test_malformed(void)
{
	struct verity_sb v;

	reset();
	CHECK_EQ_INT(verity_sb_parse(sb, 511, &v), -EINVAL);
	sb[0] = 'V';
	CHECK_EQ_INT(verity_sb_parse(sb, sizeof(sb), &v), -EINVAL);
	reset();
	sb[8] = 2; /* version */
	CHECK_EQ_INT(verity_sb_parse(sb, sizeof(sb), &v), -EINVAL);
	reset();
	sb[12] = 2; /* hash type */
	CHECK_EQ_INT(verity_sb_parse(sb, sizeof(sb), &v), -EINVAL);
	reset();
	memset(sb + 32, 'a', 32); /* algorithm without NUL */
	CHECK_EQ_INT(verity_sb_parse(sb, sizeof(sb), &v), -EINVAL);
	reset();
	sb[32] = 0; /* empty algorithm */
	CHECK_EQ_INT(verity_sb_parse(sb, sizeof(sb), &v), -EINVAL);
	reset();
	sb[33] = 'H'; /* upper case */
	CHECK_EQ_INT(verity_sb_parse(sb, sizeof(sb), &v), -EINVAL);
	reset();
	sb[60] = 'x'; /* junk after the algorithm's NUL */
	CHECK_EQ_INT(verity_sb_parse(sb, sizeof(sb), &v), -EINVAL);
	reset();
	sb[64] = 0x00; sb[65] = 0x03; /* data block size 768 */
	CHECK_EQ_INT(verity_sb_parse(sb, sizeof(sb), &v), -EINVAL);
	reset();
	sb[68] = 0x00; sb[69] = 0x01; /* hash block size 256 */
	CHECK_EQ_INT(verity_sb_parse(sb, sizeof(sb), &v), -EINVAL);
	reset();
	memset(sb + 72, 0, 8); /* zero data blocks */
	CHECK_EQ_INT(verity_sb_parse(sb, sizeof(sb), &v), -EINVAL);
	reset();
	memset(sb + 72, 0xff, 8); /* data size overflows 64 bits */
	CHECK_EQ_INT(verity_sb_parse(sb, sizeof(sb), &v), -EINVAL);
	reset();
	sb[80] = 0x01; sb[81] = 0x01; /* salt 257 bytes */
	CHECK_EQ_INT(verity_sb_parse(sb, sizeof(sb), &v), -EINVAL);
	reset();
	sb[80] = 16; /* shorter salt: the rest of the salt field must be zero */
	CHECK_EQ_INT(verity_sb_parse(sb, sizeof(sb), &v), -EINVAL);
	reset();
	sb[84] = 1; /* padding */
	CHECK_EQ_INT(verity_sb_parse(sb, sizeof(sb), &v), -EINVAL);
	reset();
	sb[511] = 1; /* trailing padding */
	CHECK_EQ_INT(verity_sb_parse(sb, sizeof(sb), &v), -EINVAL);
}

int main(void)
{
	test_real();
	test_malformed();
	return unit_finish("test-verity-sb");
}
