/* SPDX-License-Identifier: Apache-2.0 */
/* TDX MRTD from TDVF metadata (see tdx_mrtd.h).
 *
 * The TDX module keeps MRTD as one running SHA-384 over 128-byte records
 * (Intel TDX module base ABI spec, TDH.MEM.PAGE.ADD and TDH.MR.EXTEND, "MRTD
 * update"), finalised by TDH.MR.FINALIZE:
 *
 *   TDH.MEM.PAGE.ADD:  "MEM.PAGE.ADD" ‖ 0^4 ‖ u64 GPA ‖ 0^104
 *   TDH.MR.EXTEND:     "MR.EXTEND"    ‖ 0^7 ‖ u64 GPA ‖ 0^104, then the 256 bytes
 *                      of guest memory at GPA (two more 128-byte blocks)
 *
 * QEMU adds every page of every TDVF section except PAGE.AUG ones (accepted by the
 * guest later, not measured) and extends the 16 × 256-byte chunks of each page of
 * sections with the MR.EXTEND attribute. Section content is the file's raw data
 * followed by zeros up to MemoryDataSize (TDVF design guide, "TDVF_SECTION").
 * Orders: QEMU >= 9.2 adds and extends page by page (hw/i386/tdx.c
 * tdx_finalize_vm → KVM_TDX_INIT_MEM_REGION with KVM_TDX_MEASURE_MEMORY_REGION);
 * the older out-of-tree TDX QEMU 8.x added all pages of a section first, then
 * extended them (dstack-mr machine.rs two_pass_add_pages; measured-boot-tools
 * calculate-tdx-mrs "8.2.2"). */
#include "boot/tdx_mrtd.h"

#include <errno.h>
#include <string.h>

#include "measure/digest.h"
#include "boot/ovmf.h"

#define PAGE_SIZE 4096u
#define CHUNK 256u
#define RECORD 128u

int tdx_mrtd_order_from_name(const char *name, enum tdx_mrtd_order *ret)
{
	if (name && strcmp(name, "per-page") == 0)
		*ret = TDX_MRTD_PER_PAGE;
	else if (name && strcmp(name, "two-pass") == 0)
		*ret = TDX_MRTD_TWO_PASS;
	else
		return -EINVAL;
	return 0;
}

const char *tdx_mrtd_order_name(enum tdx_mrtd_order order)
{
	return order == TDX_MRTD_TWO_PASS ? "two-pass" : "per-page";
}

static int record(struct digest_ctx *ctx, const char *op, uint64_t gpa)
{
	uint8_t r[RECORD] = { 0 };

	memcpy(r, op, strlen(op)); /* 12 or 9 ASCII bytes, no NUL */
	for (int i = 0; i < 8; i++)
		r[16 + i] = (uint8_t)(gpa >> (8 * i));
	return digest_update(ctx, r, sizeof(r));
}

static int page_add(struct digest_ctx *ctx, const struct ovmf_tdx_section *s, uint64_t page)
{
	if (s->attributes & OVMF_TDX_ATTR_PAGE_AUG)
		return 0;
	return record(ctx, "MEM.PAGE.ADD", s->mem_addr + page * PAGE_SIZE);
}

static int mr_extend(struct digest_ctx *ctx, const uint8_t *fw, const struct ovmf_tdx_section *s,
		     uint64_t page)
{
	static const uint8_t zero[CHUNK];

	if (!(s->attributes & OVMF_TDX_ATTR_MR_EXTEND))
		return 0;
	for (uint64_t off = page * PAGE_SIZE; off < (page + 1) * PAGE_SIZE; off += CHUNK) {
		uint8_t chunk[CHUNK];
		const uint8_t *data = zero;
		int r;

		/* raw data, then zeros (ovmf_tdx_parse bounds data_offset + raw_size) */
		if (off < s->raw_size) {
			size_t n = s->raw_size - off < CHUNK ? (size_t)(s->raw_size - off) : CHUNK;

			memset(chunk, 0, sizeof(chunk));
			memcpy(chunk, fw + s->data_offset + off, n);
			data = chunk;
		}
		r = record(ctx, "MR.EXTEND", s->mem_addr + off);
		if (r >= 0)
			r = digest_update(ctx, data, CHUNK);
		if (r < 0)
			return r;
	}
	return 0;
}

static int measure_section(struct digest_ctx *ctx, const uint8_t *fw,
			   const struct ovmf_tdx_section *s, enum tdx_mrtd_order order)
{
	uint64_t pages = s->mem_size / PAGE_SIZE;
	int r;

	for (uint64_t p = 0; p < pages; p++) {
		r = page_add(ctx, s, p);
		if (r >= 0 && order == TDX_MRTD_PER_PAGE)
			r = mr_extend(ctx, fw, s, p);
		if (r < 0)
			return r;
	}
	if (order == TDX_MRTD_TWO_PASS)
		for (uint64_t p = 0; p < pages; p++) {
			r = mr_extend(ctx, fw, s, p);
			if (r < 0)
				return r;
		}
	return 0;
}

int tdx_mrtd(const uint8_t *fw, size_t len, enum tdx_mrtd_order order,
	     uint8_t ret_mrtd[TDX_MRTD_LEN])
{
	struct ovmf_tdx_info info;
	struct digest_ctx *ctx;
	uint8_t out[TDX_MRTD_LEN];
	int r;

	if (order != TDX_MRTD_PER_PAGE && order != TDX_MRTD_TWO_PASS)
		return -EINVAL;
	r = ovmf_tdx_parse(fw, len, &info);
	if (r < 0)
		return r;
	ctx = digest_begin(DIGEST_SHA384);
	if (!ctx)
		return -EIO;
	for (size_t i = 0; i < info.n_sections; i++) {
		r = measure_section(ctx, fw, &info.sections[i], order);
		if (r < 0) {
			digest_abort(ctx);
			return r;
		}
	}
	r = digest_end(ctx, out);
	if (r < 0)
		return r;
	memcpy(ret_mrtd, out, TDX_MRTD_LEN);
	return 0;
}
