/* SPDX-License-Identifier: Apache-2.0 */
/* The workload disk layout shared by `cvm-workload pack` (writer) and measure-agent
 * (reader): partition types and names, and the manifest record that stores the
 * exact manifest bytes M with their length (measure-agent/MANIFEST.md). */
#ifndef CVM_WORKLOAD_DISK_H
#define CVM_WORKLOAD_DISK_H

#include <stddef.h>
#include <stdint.h>

#define WLDISK_MAGIC "CVMMANI1"
#define WLDISK_RECORD_HEADER 16

/* Partition type GUIDs (string byte order) and GPT partition names. */
extern const uint8_t wldisk_type_manifest[16]; /* 5d0f7f5c-3a9b-4a4e-9e2a-8f1c6b2d4a01 */
extern const uint8_t wldisk_type_payload[16];  /* …4a02 */
extern const uint8_t wldisk_type_verity[16];   /* …4a03 */
#define WLDISK_LABEL_MANIFEST "cvm-manifest"
#define WLDISK_LABEL_PAYLOAD "cvm-payload"
#define WLDISK_LABEL_VERITY "cvm-payload-verity"

/* Bytes the record for an L-byte manifest needs (header + L). */
size_t wldisk_record_size(size_t manifest_len);

/* Writes the record header and M into out (size >= wldisk_record_size(len)); the
 * caller zero-fills the rest of the partition. Returns 0 or -EINVAL. */
int wldisk_record_encode(const uint8_t *manifest, size_t len, uint8_t *out, size_t size);

/* Parses a manifest partition's content (the whole partition, or at least the
 * record plus everything up to its end): checks magic, reserved field, 1 <= L <=
 * 64 KiB, L fits, and that every byte after M is zero. *ret_manifest points into
 * buf. Returns 0, -EBADMSG (not a record / trailing garbage), -EFBIG (L too big). */
int wldisk_record_parse(const uint8_t *buf, size_t len, const uint8_t **ret_manifest,
			size_t *ret_len);

/* The three partitions of a workload disk, found by type GUID *and* name. */
struct wldisk_part {
	uint32_t number;    /* kernel partition number (GPT slot + 1) */
	uint64_t offset;    /* bytes from the start of the disk */
	uint64_t size;      /* bytes */
};
struct wldisk {
	struct wldisk_part manifest, payload, verity;
};

/* Reads the primary GPT of the disk open at fd (size bytes, 512-byte sectors; the
 * CRCs are checked by lib/disk/gpt) and locates the partitions. Returns 0, -ENOENT (a valid
 * GPT without a cvm-manifest partition: not a workload disk), -EBADMSG (GPT broken,
 * a role found twice, or payload/verity missing), or -errno. */
int wldisk_find(int fd, uint64_t size, struct wldisk *ret);

/* Reads and parses the manifest record of a found disk into a fresh buffer holding
 * exactly M. Returns 0, -EBADMSG, -EFBIG (L over 64 KiB), -E2BIG (the partition is
 * larger than any valid record needs: not read at all) or -errno. */
int wldisk_read_manifest(int fd, const struct wldisk *d, uint8_t **ret_buf, size_t *ret_len);

/* The same for a disk image file at path (host tools: cvm-workload identity,
 * cvm-reference workload/verify): open, find, read. Same return values, plus -errno
 * from open/fstat. */
int wldisk_read_manifest_path(const char *path, uint8_t **ret_buf, size_t *ret_len);

#endif
