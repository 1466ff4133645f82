/* SPDX-License-Identifier: Apache-2.0 */
#include "disk/gpt.h"

#include <errno.h>
#include <string.h>

#include "util/bytes.h"

/* Offsets of the header fields, UEFI 2.10 Table 5-5. */
enum {
	HDR_SIGNATURE = 0,
	HDR_REVISION = 8,
	HDR_SIZE = 12,
	HDR_CRC = 16,
	HDR_RESERVED = 20,
	HDR_MY_LBA = 24,
	HDR_ALT_LBA = 32,
	HDR_FIRST_USABLE = 40,
	HDR_LAST_USABLE = 48,
	HDR_DISK_GUID = 56,
	HDR_ENTRIES_LBA = 72,
	HDR_N_ENTRIES = 80,
	HDR_ENTRY_SIZE = 84,
	HDR_ENTRIES_CRC = 88,
};

/* Offsets inside one entry, UEFI 2.10 Table 5-6. */
enum {
	ENT_TYPE = 0,
	ENT_UUID = 16,
	ENT_FIRST_LBA = 32,
	ENT_LAST_LBA = 40,
	ENT_ATTRS = 48,
};

uint32_t gpt_crc32(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t crc = 0xffffffffu;

	/* Bitwise: GPT headers and entry arrays are a few KiB, read once per boot. */
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

void gpt_guid_from_disk(const uint8_t d[16], uint8_t ret_guid[16])
{
	uint8_t g[16] = {
		d[3], d[2], d[1], d[0], d[5], d[4], d[7], d[6],
		d[8], d[9], d[10], d[11], d[12], d[13], d[14], d[15],
	};

	memcpy(ret_guid, g, sizeof(g));
}

int gpt_parse_header(const uint8_t *buf, size_t len, uint64_t disk_sectors,
		     struct gpt_header *ret)
{
	uint8_t tmp[512];
	struct gpt_header h;
	uint32_t hdr_size, crc;
	uint64_t entry_sectors;

	if (!buf || len < 512 || len > 65536 || (len & (len - 1)) != 0)
		return -EINVAL;
	if (memcmp(buf + HDR_SIGNATURE, "EFI PART", 8) != 0)
		return -EINVAL;
	/* Revision 1.0 is the only one defined; a higher major would change the layout. */
	if ((le32(buf + HDR_REVISION) >> 16) != 1)
		return -EINVAL;
	hdr_size = le32(buf + HDR_SIZE);
	if (hdr_size < GPT_HEADER_MIN_SIZE || hdr_size > len || hdr_size > sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, buf, hdr_size);
	memset(tmp + HDR_CRC, 0, 4);
	crc = gpt_crc32(tmp, hdr_size);
	if (crc != le32(buf + HDR_CRC))
		return -EBADMSG;
	if (le32(buf + HDR_RESERVED) != 0)
		return -EINVAL;

	h.my_lba = le64(buf + HDR_MY_LBA);
	h.alternate_lba = le64(buf + HDR_ALT_LBA);
	h.first_usable_lba = le64(buf + HDR_FIRST_USABLE);
	h.last_usable_lba = le64(buf + HDR_LAST_USABLE);
	h.entries_lba = le64(buf + HDR_ENTRIES_LBA);
	h.n_entries = le32(buf + HDR_N_ENTRIES);
	h.entry_size = le32(buf + HDR_ENTRY_SIZE);
	h.entries_crc32 = le32(buf + HDR_ENTRIES_CRC);
	gpt_guid_from_disk(buf + HDR_DISK_GUID, h.disk_guid);

	/* Only the primary header is read (at LBA 1); the kernel's own scan
	 * (block/partitions/efi.c) is cross-checked by the caller. */
	if (h.my_lba != 1)
		return -EINVAL;
	if (h.first_usable_lba > h.last_usable_lba || h.first_usable_lba < 2)
		return -EINVAL;
	if (disk_sectors && h.last_usable_lba >= disk_sectors)
		return -EINVAL;
	/* Entry size is 128 * 2^n (UEFI 2.10 §5.3.2). */
	if (h.entry_size < GPT_ENTRY_MIN_SIZE || h.entry_size % GPT_ENTRY_MIN_SIZE != 0 ||
	    ((h.entry_size / GPT_ENTRY_MIN_SIZE) & (h.entry_size / GPT_ENTRY_MIN_SIZE - 1)) != 0)
		return -EINVAL;
	if (h.n_entries == 0 || h.n_entries > GPT_ENTRIES_MAX_BYTES / h.entry_size)
		return -EINVAL;
	/* The primary entry array lies between the header and the first usable LBA. */
	entry_sectors = ((uint64_t)h.n_entries * h.entry_size + len - 1) / len;
	if (h.entries_lba < 2 || h.entries_lba > h.first_usable_lba ||
	    h.first_usable_lba - h.entries_lba < entry_sectors)
		return -EINVAL;

	*ret = h;
	return 0;
}

size_t gpt_entries_size(const struct gpt_header *h)
{
	return (size_t)h->n_entries * h->entry_size;
}

int gpt_check_entries(const struct gpt_header *h, const uint8_t *entries, size_t len)
{
	if (!entries || len != gpt_entries_size(h))
		return -EINVAL;
	if (gpt_crc32(entries, len) != h->entries_crc32)
		return -EBADMSG;
	return 0;
}

int gpt_get_entry(const struct gpt_header *h, const uint8_t *entries, size_t len,
		  uint32_t index, struct gpt_entry *ret)
{
	static const uint8_t zero[16];
	const uint8_t *p;
	struct gpt_entry e;

	if (!entries || len != gpt_entries_size(h) || index >= h->n_entries)
		return -EINVAL;
	p = entries + (size_t)index * h->entry_size;
	if (memcmp(p + ENT_TYPE, zero, 16) == 0)
		return -ENOENT;

	e.index = index;
	gpt_guid_from_disk(p + ENT_TYPE, e.type);
	gpt_guid_from_disk(p + ENT_UUID, e.uuid);
	e.first_lba = le64(p + ENT_FIRST_LBA);
	e.last_lba = le64(p + ENT_LAST_LBA);
	e.attrs = le64(p + ENT_ATTRS);
	if (e.first_lba > e.last_lba || e.first_lba < h->first_usable_lba ||
	    e.last_lba > h->last_usable_lba)
		return -EINVAL;

	*ret = e;
	return 0;
}
