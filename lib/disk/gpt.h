/* SPDX-License-Identifier: Apache-2.0 */
/* GUID Partition Table: header and entry parsing with CRC32 checks, bounded.
 * Layout: UEFI Specification 2.10, §5.3.2 (header) and §5.3.3 (entries). All fields
 * are little-endian; GUIDs are stored mixed-endian (first three fields LE). */
#ifndef CVM_GPT_H
#define CVM_GPT_H

#include <stddef.h>
#include <stdint.h>

#define GPT_HEADER_MIN_SIZE 92u
#define GPT_ENTRY_MIN_SIZE 128u
/* Refuse entry arrays above 1 MiB: the spec's minimum is 16 KiB and every tool
 * writes exactly that, so anything much larger is hostile or broken. */
#define GPT_ENTRIES_MAX_BYTES (1024u * 1024u)

struct gpt_header {
	uint64_t my_lba;
	uint64_t alternate_lba;
	uint64_t first_usable_lba;
	uint64_t last_usable_lba;
	uint64_t entries_lba;
	uint32_t n_entries;
	uint32_t entry_size;
	uint32_t entries_crc32;
	uint8_t disk_guid[16]; /* in string order (see gpt_guid_from_disk) */
};

struct gpt_entry {
	uint32_t index;        /* 0-based slot; the kernel's partition number is index+1 */
	uint8_t type[16];      /* string order */
	uint8_t uuid[16];      /* string order */
	uint64_t first_lba;
	uint64_t last_lba;     /* inclusive */
	uint64_t attrs;
};

/* IEEE 802.3 CRC32 (reflected, poly 0xEDB88320, init and final XOR ~0) as GPT uses it. */
uint32_t gpt_crc32(const void *buf, size_t len);

/* Converts an on-disk (mixed-endian) GUID to the byte order of its string form,
 * which is also how sd_id128 values and root-hash halves are compared. */
void gpt_guid_from_disk(const uint8_t disk[16], uint8_t ret_guid[16]);

/* Parses and checks the primary GPT header in the sector buffer buf (len bytes =
 * one logical sector, at LBA 1). disk_sectors is the device size in sectors.
 * Checks signature, revision 1.x, header size, header CRC, my_lba == 1, the usable
 * range and the entry array bounds. Returns 0, -EINVAL (malformed), -EBADMSG (CRC). */
int gpt_parse_header(const uint8_t *buf, size_t len, uint64_t disk_sectors,
		     struct gpt_header *ret);

/* Bytes of the entry array described by h (n_entries * entry_size, already
 * bounded by gpt_parse_header). */
size_t gpt_entries_size(const struct gpt_header *h);

/* Checks the entry array's CRC: entries must be gpt_entries_size(h) bytes.
 * Returns 0, -EINVAL (wrong length) or -EBADMSG. */
int gpt_check_entries(const struct gpt_header *h, const uint8_t *entries, size_t len);

/* Decodes slot index of a CRC-checked entry array. Returns 0, -ENOENT for an
 * unused slot (zero type GUID), -EINVAL for a malformed entry (first > last or
 * outside the usable range) or an index out of range. */
int gpt_get_entry(const struct gpt_header *h, const uint8_t *entries, size_t len,
		  uint32_t index, struct gpt_entry *ret);

#endif
