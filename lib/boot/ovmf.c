/* SPDX-License-Identifier: Apache-2.0 */
/* OVMF footer table, SEV metadata and TDVF metadata parsers (see ovmf.h).
 *
 * Layout at the end of every OVMF image (edk2 OvmfPkg/ResetVector/Ia16/
 * ResetVectorVtf0.nasm.inc, "guidedStructureStart"):
 *
 *   … | entry_k | … | entry_1 | u16 table_len | footer GUID | 32 bytes (reset vector)
 *
 * Each entry is  data ‖ u16 len(data)+18 ‖ GUID  and the entries are found by walking
 * backwards from the footer; table_len counts every entry plus the footer's own
 * 18 bytes. Entries that matter here carry a u32 "offset from the end of the image"
 * to a descriptor elsewhere in the file: "ASEV" (SEV metadata) or "TDVF". */
#include "boot/ovmf.h"

#include <errno.h>
#include <string.h>

#include "util/bytes.h"

#define FOOTER_TAIL 32 /* bytes between the table footer and the end of the image */
#define ENTRY_HDR 18   /* u16 length + GUID */
#define PAGE_SIZE 4096u

/* GUIDs in the byte order they have in the file (EFI_GUID, first three fields
 * little-endian). */
static const uint8_t guid_footer[16] = { /* 96b582de-1fb2-45f7-baea-a366c55a082d */
	0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f, 0xf7, 0x45,
	0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d };
static const uint8_t guid_sev_metadata[16] = { /* dc886566-984a-4798-a75e-5585a7bf67cc */
	0x66, 0x65, 0x88, 0xdc, 0x4a, 0x98, 0x98, 0x47,
	0xa7, 0x5e, 0x55, 0x85, 0xa7, 0xbf, 0x67, 0xcc };
static const uint8_t guid_sev_hash_table[16] = { /* 7255371f-3a3b-4b04-927b-1da6efa8d454 */
	0x1f, 0x37, 0x55, 0x72, 0x3b, 0x3a, 0x04, 0x4b,
	0x92, 0x7b, 0x1d, 0xa6, 0xef, 0xa8, 0xd4, 0x54 };
static const uint8_t guid_sev_es_reset[16] = { /* 00f771de-1a7e-4fcb-890e-68c77e2fb44e */
	0xde, 0x71, 0xf7, 0x00, 0x7e, 0x1a, 0xcb, 0x4f,
	0x89, 0x0e, 0x68, 0xc7, 0x7e, 0x2f, 0xb4, 0x4e };
static const uint8_t guid_tdx_metadata[16] = { /* e47a6535-984a-4798-865e-4685a7bf8ec2 */
	0x35, 0x65, 0x7a, 0xe4, 0x4a, 0x98, 0x98, 0x47,
	0x86, 0x5e, 0x46, 0x85, 0xa7, 0xbf, 0x8e, 0xc2 };

/* Checks the footer GUID and the table length; ret_start and ret_end delimit the
 * entries (the footer's own 18 bytes excluded). */
static int footer_bounds(const uint8_t *fw, size_t len, size_t *ret_start, size_t *ret_end)
{
	size_t end;
	uint16_t table_len;

	if (!fw)
		return -EINVAL;
	if (len > OVMF_MAX_SIZE)
		return -EFBIG;
	if (len < FOOTER_TAIL + ENTRY_HDR)
		return -ENOENT;
	end = len - FOOTER_TAIL;
	if (memcmp(fw + end - 16, guid_footer, 16) != 0)
		return -ENOENT;
	table_len = le16(fw + end - ENTRY_HDR);
	if (table_len < ENTRY_HDR || table_len > end)
		return -EBADMSG;
	*ret_start = end - table_len;
	*ret_end = end - ENTRY_HDR;
	return 0;
}

int ovmf_footer_find(const uint8_t *fw, size_t len, const uint8_t guid[16],
		     const uint8_t **ret_data, size_t *ret_len)
{
	size_t start, pos;
	int r;

	r = footer_bounds(fw, len, &start, &pos);
	if (r < 0)
		return r;

	/* pos is the end of the next entry to look at; it only ever decreases, by at
	 * least ENTRY_HDR per step, and never below start. */
	while (pos > start) {
		uint16_t elen;

		if (pos - start < ENTRY_HDR)
			return -EBADMSG;
		elen = le16(fw + pos - ENTRY_HDR);
		if (elen < ENTRY_HDR || elen > pos - start)
			return -EBADMSG;
		if (memcmp(fw + pos - 16, guid, 16) == 0) {
			*ret_data = fw + pos - elen;
			*ret_len = elen - ENTRY_HDR;
			return 0;
		}
		pos -= elen;
	}
	return -ENOENT;
}

/* The u32 at the start of an entry's data; -ENOENT if absent, -EBADMSG if short. */
static int footer_u32(const uint8_t *fw, size_t len, const uint8_t guid[16], uint32_t *ret)
{
	const uint8_t *data;
	size_t n;
	int r;

	r = ovmf_footer_find(fw, len, guid, &data, &n);
	if (r < 0)
		return r;
	if (n < 4)
		return -EBADMSG;
	*ret = le32(data);
	return 0;
}

/* Resolves an "offset from the end of the image" to a descriptor of at least 16
 * bytes with the given signature; returns its position in fw. */
static int descriptor_at(const uint8_t *fw, size_t len, uint32_t off_from_end,
			 const char sig[4], size_t *ret_pos, uint32_t *ret_len, uint32_t *ret_n)
{
	size_t pos;
	uint32_t dlen;

	if (off_from_end < 16 || off_from_end > len)
		return -EBADMSG;
	pos = len - off_from_end;
	if (memcmp(fw + pos, sig, 4) != 0)
		return -EBADMSG;
	dlen = le32(fw + pos + 4);
	if (le32(fw + pos + 8) != 1) /* version */
		return -EBADMSG;
	if (dlen < 16 || dlen > len - pos)
		return -EBADMSG;
	*ret_pos = pos;
	*ret_len = dlen;
	*ret_n = le32(fw + pos + 12);
	return 0;
}

int ovmf_sev_parse(const uint8_t *fw, size_t len, struct ovmf_sev_info *ret)
{
	struct ovmf_sev_info info = { 0 };
	const uint8_t *data;
	size_t n, pos;
	uint32_t off, dlen, count;
	int r;

	if (!fw)
		return -EINVAL;
	if (len > OVMF_MAX_SIZE)
		return -EFBIG;
	/* A footer table must exist at all; the individual entries are optional. */
	r = footer_bounds(fw, len, &pos, &n);
	if (r < 0)
		return r;

	r = footer_u32(fw, len, guid_sev_es_reset, &info.reset_eip);
	if (r == 0)
		info.has_reset_block = true;
	else if (r != -ENOENT)
		return r;

	r = ovmf_footer_find(fw, len, guid_sev_hash_table, &data, &n);
	if (r == 0) {
		if (n < 8)
			return -EBADMSG;
		info.hash_table_gpa = le32(data);
		info.hash_table_size = le32(data + 4);
		/* GPA 0 / size 0 is how non-AmdSev builds say "no hash table". */
		info.has_hash_table = info.hash_table_gpa != 0 && info.hash_table_size != 0;
	} else if (r != -ENOENT)
		return r;

	r = footer_u32(fw, len, guid_sev_metadata, &off);
	if (r == -ENOENT)
		goto done;
	if (r < 0)
		return r;
	r = descriptor_at(fw, len, off, "ASEV", &pos, &dlen, &count);
	if (r < 0)
		return r;
	if (count > OVMF_SEV_MAX_SECTIONS)
		return -E2BIG;
	if (16 + (size_t)count * 12 > dlen)
		return -EBADMSG;
	for (uint32_t i = 0, total = 0; i < count; i++) {
		const uint8_t *p = fw + pos + 16 + (size_t)i * 12;
		struct ovmf_sev_section *s = &info.sections[i];

		s->gpa = le32(p);
		s->size = le32(p + 4);
		s->type = le32(p + 8);
		/* QEMU launches these pages one by one: both ends page-aligned, no
		 * wrap past 4 GiB. */
		if (s->gpa % PAGE_SIZE || s->size % PAGE_SIZE ||
		    (uint64_t)s->gpa + s->size > UINT64_C(1) << 32)
			return -EBADMSG;
		if (s->size > OVMF_SEV_MAX_BYTES - total)
			return -E2BIG;
		total += s->size;
	}
	info.n_sections = count;
done:
	*ret = info;
	return 0;
}

int ovmf_tdx_parse(const uint8_t *fw, size_t len, struct ovmf_tdx_info *ret)
{
	struct ovmf_tdx_info info = { 0 };
	size_t pos;
	uint32_t off, dlen, count;
	int r;

	if (!fw)
		return -EINVAL;
	if (len > OVMF_MAX_SIZE)
		return -EFBIG;
	r = footer_u32(fw, len, guid_tdx_metadata, &off);
	if (r < 0)
		return r;
	/* The u32 points at the descriptor itself (edk2: fourGigabytes -
	 * TdxMetadataGuid - 16, the descriptor follows the 16-byte GUID). */
	r = descriptor_at(fw, len, off, "TDVF", &pos, &dlen, &count);
	if (r < 0)
		return r;
	if (count > OVMF_TDX_MAX_SECTIONS)
		return -E2BIG;
	if (16 + (size_t)count * 32 > dlen)
		return -EBADMSG;
	for (uint64_t i = 0, added = 0; i < count; i++) {
		const uint8_t *p = fw + pos + 16 + (size_t)i * 32;
		struct ovmf_tdx_section *s = &info.sections[i];

		s->data_offset = le32(p);
		s->raw_size = le32(p + 4);
		s->mem_addr = le64(p + 8);
		s->mem_size = le64(p + 16);
		s->type = le32(p + 24);
		s->attributes = le32(p + 28);
		/* TDVF design guide: memory address and size page-aligned, raw data no
		 * larger than the memory it is loaded into and inside the file. GPAs
		 * stay below 2^52 (the TD's maximum physical address width). */
		if (s->mem_addr % PAGE_SIZE || s->mem_size % PAGE_SIZE ||
		    s->raw_size > s->mem_size || s->mem_addr >> 52 || s->mem_size >> 52 ||
		    (s->mem_addr + s->mem_size) >> 52 ||
		    (uint64_t)s->data_offset + s->raw_size > len)
			return -EBADMSG;
		if (s->attributes & ~(OVMF_TDX_ATTR_MR_EXTEND | OVMF_TDX_ATTR_PAGE_AUG))
			return -EBADMSG;
		/* Two sections at the same guest page would make QEMU fail the
		 * launch (TDH.MEM.PAGE.ADD of a page twice); refuse them here. */
		if (!(s->attributes & OVMF_TDX_ATTR_PAGE_AUG)) {
			if (s->mem_size > OVMF_TDX_MAX_ADDED_BYTES - added)
				return -E2BIG;
			added += s->mem_size;
		}
		for (uint64_t j = 0; j < i; j++) {
			const struct ovmf_tdx_section *o = &info.sections[j];

			if (s->mem_size && o->mem_size && s->mem_addr < o->mem_addr + o->mem_size &&
			    o->mem_addr < s->mem_addr + s->mem_size)
				return -EBADMSG;
		}
	}
	info.n_sections = count;
	*ret = info;
	return 0;
}
