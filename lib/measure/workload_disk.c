/* SPDX-License-Identifier: Apache-2.0 */
#include "measure/workload_disk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk/gpt.h"

#include <stdbool.h>

#include "util/bytes.h"
#include "util/io.h"
#include "measure/workload_identity.h"

/* cvmforge's own partition types, chosen once at random (uuidgen) and fixed; the last
 * byte numbers the role. String byte order (see lib/disk/gpt.h). */
const uint8_t wldisk_type_manifest[16] = { 0x5d, 0x0f, 0x7f, 0x5c, 0x3a, 0x9b, 0x4a, 0x4e,
					   0x9e, 0x2a, 0x8f, 0x1c, 0x6b, 0x2d, 0x4a, 0x01 };
const uint8_t wldisk_type_payload[16] = { 0x5d, 0x0f, 0x7f, 0x5c, 0x3a, 0x9b, 0x4a, 0x4e,
					  0x9e, 0x2a, 0x8f, 0x1c, 0x6b, 0x2d, 0x4a, 0x02 };
const uint8_t wldisk_type_verity[16] = { 0x5d, 0x0f, 0x7f, 0x5c, 0x3a, 0x9b, 0x4a, 0x4e,
					 0x9e, 0x2a, 0x8f, 0x1c, 0x6b, 0x2d, 0x4a, 0x03 };

size_t wldisk_record_size(size_t manifest_len)
{
	return WLDISK_RECORD_HEADER + manifest_len;
}

int wldisk_record_encode(const uint8_t *manifest, size_t len, uint8_t *out, size_t size)
{
	if (len == 0 || len > MANIFEST_MAX_SIZE || size < wldisk_record_size(len))
		return -EINVAL;
	memcpy(out, WLDISK_MAGIC, 8);
	for (int i = 0; i < 4; i++)
		out[8 + i] = (uint8_t)(len >> (8 * i));
	memset(out + 12, 0, 4);
	memcpy(out + WLDISK_RECORD_HEADER, manifest, len);
	return 0;
}

int wldisk_record_parse(const uint8_t *buf, size_t len, const uint8_t **ret_manifest,
			size_t *ret_len)
{
	uint32_t mlen;

	if (len < WLDISK_RECORD_HEADER || memcmp(buf, WLDISK_MAGIC, 8) != 0 || le32(buf + 12) != 0)
		return -EBADMSG;
	mlen = le32(buf + 8);
	if (mlen == 0)
		return -EBADMSG;
	if (mlen > MANIFEST_MAX_SIZE)
		return -EFBIG;
	if (mlen > len - WLDISK_RECORD_HEADER)
		return -EBADMSG;
	/* Nothing may hide after M: the partition is M and zeros, nothing else. */
	for (size_t i = WLDISK_RECORD_HEADER + mlen; i < len; i++)
		if (buf[i] != 0)
			return -EBADMSG;
	*ret_manifest = buf + WLDISK_RECORD_HEADER;
	*ret_len = mlen;
	return 0;
}

#define SECTOR 512u

/* GPT partition name: UTF-16LE, 36 code units, NUL-padded; ours are ASCII. */
static bool name_is(const uint8_t *raw, const char *want)
{
	size_t n = strlen(want);

	for (size_t i = 0; i < 36; i++) {
		uint16_t c = le16(raw + 2 * i);
		if (i < n ? c != (uint8_t)want[i] : c != 0)
			return false;
	}
	return true;
}

int wldisk_find(int fd, uint64_t size, struct wldisk *ret)
{
	struct wldisk_part *slot[3] = { NULL };
	struct wldisk d = {0};
	struct gpt_header h;
	uint8_t hdr[SECTOR], *entries = NULL;
	size_t elen;
	int r;

	if (size < 3 * SECTOR)
		return -ENOENT;
	r = pread_full(fd, hdr, sizeof hdr, SECTOR);
	if (r < 0)
		return r;
	if (memcmp(hdr, "EFI PART", 8) != 0)
		return -ENOENT;
	r = gpt_parse_header(hdr, sizeof hdr, size / SECTOR, &h);
	if (r < 0)
		return -EBADMSG;
	elen = gpt_entries_size(&h);
	entries = malloc(elen);
	if (!entries)
		return -ENOMEM;
	r = pread_full(fd, entries, elen, h.entries_lba * SECTOR);
	if (r == 0 && gpt_check_entries(&h, entries, elen) < 0)
		r = -EBADMSG;
	for (uint32_t i = 0; r == 0 && i < h.n_entries; i++) {
		static const struct {
			const uint8_t *type;
			const char *name;
		} roles[3] = {
			{ wldisk_type_manifest, WLDISK_LABEL_MANIFEST },
			{ wldisk_type_payload, WLDISK_LABEL_PAYLOAD },
			{ wldisk_type_verity, WLDISK_LABEL_VERITY },
		};
		struct wldisk_part *parts[3] = { &d.manifest, &d.payload, &d.verity };
		struct gpt_entry e;
		int q = gpt_get_entry(&h, entries, elen, i, &e);

		if (q == -ENOENT)
			continue;
		if (q < 0) {
			r = -EBADMSG;
			break;
		}
		for (int k = 0; k < 3; k++) {
			if (memcmp(e.type, roles[k].type, 16) != 0 ||
			    !name_is(entries + (size_t)i * h.entry_size + 56, roles[k].name))
				continue;
			if (slot[k]) { /* a role twice: which one would we use? neither. */
				r = -EBADMSG;
				break;
			}
			slot[k] = parts[k];
			parts[k]->number = i + 1;
			parts[k]->offset = e.first_lba * SECTOR;
			parts[k]->size = (e.last_lba - e.first_lba + 1) * SECTOR;
		}
	}
	free(entries);
	if (r < 0)
		return r;
	if (!slot[0])
		return -ENOENT;
	if (!slot[1] || !slot[2])
		return -EBADMSG;
	*ret = d;
	return 0;
}

int wldisk_read_manifest(int fd, const struct wldisk *d, uint8_t **ret_buf, size_t *ret_len)
{
	/* The record never needs more than header + 64 KiB, rounded to 4 KiB; a larger
	 * partition is refused rather than read (bounded input). */
	size_t max = (WLDISK_RECORD_HEADER + MANIFEST_MAX_SIZE + 4095) / 4096 * 4096;
	const uint8_t *m;
	uint8_t *buf, *out;
	size_t len;
	int r;

	if (d->manifest.size == 0 || d->manifest.size > max)
		return -E2BIG;
	buf = malloc(d->manifest.size);
	if (!buf)
		return -ENOMEM;
	r = pread_full(fd, buf, d->manifest.size, d->manifest.offset);
	if (r == 0)
		r = wldisk_record_parse(buf, d->manifest.size, &m, &len);
	if (r == 0) {
		out = malloc(len + 1);
		if (!out)
			r = -ENOMEM;
		else {
			memcpy(out, m, len);
			out[len] = 0;
			*ret_buf = out;
			*ret_len = len;
		}
	}
	free(buf);
	return r;
}

int wldisk_read_manifest_path(const char *path, uint8_t **ret_buf, size_t *ret_len)
{
	struct wldisk d;
	struct stat st;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else
		r = wldisk_find(fd, (uint64_t)st.st_size, &d);
	if (r == 0)
		r = wldisk_read_manifest(fd, &d, ret_buf, ret_len);
	close(fd);
	return r;
}
