/* SPDX-License-Identifier: Apache-2.0 */
#include "gpt-write.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "disk/gpt.h"
#include "util/bytes.h"
#include "util/io.h"

#define ENTRY_SIZE 128u
#define ENTRY_SECTORS (GPTW_ENTRIES * ENTRY_SIZE / GPTW_SECTOR) /* 32 */

/* String order → on-disk mixed-endian order (the first three fields little-endian);
 * the transform is its own inverse, like gpt_guid_from_disk(). */
static void guid_to_disk(const uint8_t g[16], uint8_t out[16])
{
	gpt_guid_from_disk(g, out);
}

static uint64_t align_up(uint64_t lba)
{
	uint64_t a = GPTW_ALIGN / GPTW_SECTOR;
	return (lba + a - 1) / a * a;
}

uint64_t gptw_layout(struct gptw_part *parts, size_t n)
{
	uint64_t lba = align_up(2 + ENTRY_SECTORS);

	for (size_t i = 0; i < n; i++) {
		parts[i].first_lba = lba;
		lba = align_up(lba + parts[i].sectors);
	}
	/* backup entry array + backup header after the last partition */
	return lba + ENTRY_SECTORS + 1;
}

static void header(uint8_t *h, uint64_t my, uint64_t alt, uint64_t first, uint64_t last,
		   const uint8_t disk_guid[16], uint64_t entries_lba, uint32_t entries_crc)
{
	memset(h, 0, GPTW_SECTOR);
	memcpy(h, "EFI PART", 8);
	put_le32(h + 8, 0x00010000);
	put_le32(h + 12, 92);
	put_le64(h + 24, my);
	put_le64(h + 32, alt);
	put_le64(h + 40, first);
	put_le64(h + 48, last);
	guid_to_disk(disk_guid, h + 56);
	put_le64(h + 72, entries_lba);
	put_le32(h + 80, GPTW_ENTRIES);
	put_le32(h + 84, ENTRY_SIZE);
	put_le32(h + 88, entries_crc);
	put_le32(h + 16, gpt_crc32(h, 92));
}

int gptw_write(int fd, uint64_t disk_sectors, const uint8_t disk_guid[16],
	       const struct gptw_part *parts, size_t n)
{
	uint8_t mbr[GPTW_SECTOR] = {0}, hdr[GPTW_SECTOR], *entries;
	uint64_t last = disk_sectors - 1, first_usable = 2 + ENTRY_SECTORS,
		 last_usable = disk_sectors - 2 - ENTRY_SECTORS;
	uint32_t crc;
	int r;

	if (n > GPTW_ENTRIES || disk_sectors < 2 * (ENTRY_SECTORS + 1) + 2)
		return -EINVAL;
	entries = calloc(GPTW_ENTRIES, ENTRY_SIZE);
	if (!entries)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		uint8_t *e = entries + i * ENTRY_SIZE;
		size_t len = strlen(parts[i].name);

		if (len > 36 || parts[i].first_lba < first_usable ||
		    parts[i].first_lba + parts[i].sectors - 1 > last_usable || parts[i].sectors == 0) {
			free(entries);
			return -EINVAL;
		}
		guid_to_disk(parts[i].type, e);
		guid_to_disk(parts[i].uuid, e + 16);
		put_le64(e + 32, parts[i].first_lba);
		put_le64(e + 40, parts[i].first_lba + parts[i].sectors - 1);
		for (size_t c = 0; c < len; c++) /* ASCII → UTF-16LE */
			put_le16(e + 56 + 2 * c, (uint8_t)parts[i].name[c]);
	}
	crc = gpt_crc32(entries, GPTW_ENTRIES * ENTRY_SIZE);

	/* Protective MBR (UEFI 2.10 §5.2.3): one partition of type 0xEE from LBA 1. */
	mbr[446 + 1] = 0x00;
	mbr[446 + 2] = 0x02;
	mbr[446 + 4] = 0xEE;
	memset(mbr + 446 + 5, 0xFF, 3);
	put_le32(mbr + 446 + 8, 1);
	put_le32(mbr + 446 + 12, disk_sectors - 1 > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)(disk_sectors - 1));
	mbr[510] = 0x55;
	mbr[511] = 0xAA;

	r = pwrite_full(fd, mbr, sizeof mbr, 0);
	if (r == 0) {
		header(hdr, 1, last, first_usable, last_usable, disk_guid, 2, crc);
		r = pwrite_full(fd, hdr, sizeof hdr, GPTW_SECTOR);
	}
	if (r == 0)
		r = pwrite_full(fd, entries, GPTW_ENTRIES * ENTRY_SIZE, 2 * GPTW_SECTOR);
	if (r == 0)
		r = pwrite_full(fd, entries, GPTW_ENTRIES * ENTRY_SIZE, (last - ENTRY_SECTORS) * GPTW_SECTOR);
	if (r == 0) {
		header(hdr, last, 1, first_usable, last_usable, disk_guid, last - ENTRY_SECTORS, crc);
		r = pwrite_full(fd, hdr, sizeof hdr, last * GPTW_SECTOR);
	}
	free(entries);
	return r;
}
