/* SPDX-License-Identifier: Apache-2.0 */
/* Writes a small, deterministic GPT disk image (the workload disk): protective MBR,
 * primary and backup headers and entry arrays with CRCs (UEFI 2.10 §5.2.3, §5.3). */
#ifndef CVM_GPT_WRITE_H
#define CVM_GPT_WRITE_H

#include <stddef.h>
#include <stdint.h>

#define GPTW_SECTOR 512u
#define GPTW_ENTRIES 128u
#define GPTW_ALIGN 4096u

struct gptw_part {
	const uint8_t *type; /* 16 bytes, string order */
	uint8_t uuid[16];    /* string order */
	const char *name;    /* ASCII, <= 36 characters */
	uint64_t first_lba;  /* filled by gptw_layout */
	uint64_t sectors;    /* size in sectors (set by the caller) */
};

/* Places n partitions one after another, GPTW_ALIGN aligned, after the primary
 * entry array, and returns the total disk size in sectors. */
uint64_t gptw_layout(struct gptw_part *parts, size_t n);

/* Writes MBR, both headers and both entry arrays of a disk of disk_sectors sectors
 * into fd (partition contents are the caller's). Returns 0 or -errno. */
int gptw_write(int fd, uint64_t disk_sectors, const uint8_t disk_guid[16],
	       const struct gptw_part *parts, size_t n);

#endif
