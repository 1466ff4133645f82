/* SPDX-License-Identifier: Apache-2.0 */
/* The dm-verity superblock as cryptsetup (and systemd-repart, through libcryptsetup)
 * writes it at the start of the hash area. Layout: cryptsetup lib/verity/verity.c
 * `struct verity_sb` (512 bytes, little-endian), checks as in VERITY_read_sb. */
#ifndef CVM_VERITY_SB_H
#define CVM_VERITY_SB_H

#include <stddef.h>
#include <stdint.h>

#define VERITY_SB_SIZE 512u
#define VERITY_SALT_MAX 256u
#define VERITY_ALG_MAX 32u

struct verity_sb {
	uint32_t hash_type;            /* 1 = normal (salt first), 0 = Chrome OS */
	uint8_t uuid[16];
	char algorithm[VERITY_ALG_MAX]; /* NUL-terminated, lower case, e.g. "sha256" */
	uint32_t data_block_size;
	uint32_t hash_block_size;
	uint64_t data_blocks;
	uint16_t salt_size;
	uint8_t salt[VERITY_SALT_MAX];
};

/* Parses the superblock in buf (at least VERITY_SB_SIZE bytes). Checks the
 * signature, version 1, hash type 0/1, power-of-two block sizes 512 B..512 KiB,
 * a non-empty NUL-terminated [a-z0-9] algorithm name, data_blocks > 0 with no
 * overflow of the data size, salt_size <= 256 and zero padding.
 * Returns 0 or -EINVAL. */
int verity_sb_parse(const uint8_t *buf, size_t len, struct verity_sb *ret);

/* First hash block of a tree whose superblock sits at byte offset sb_offset of
 * the hash device: ceil((sb_offset + 512) / hash_block_size), in hash blocks
 * (cryptsetup VERITY_hash_offset_block). */
uint64_t verity_hash_start_block(uint64_t sb_offset, uint32_t hash_block_size);

#endif
