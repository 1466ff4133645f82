/* SPDX-License-Identifier: Apache-2.0 */
/* TDX MRTD and the OVMF metadata parser.
 *
 * No published MRTD exists for a firmware image available here, so:
 *   1. a synthetic TDVF image built below, whose expected MRTD is the SHA-384 of the
 *      TDH.MEM.PAGE.ADD / TDH.MR.EXTEND records written out literally, in the order
 *      the TDX module ABI spec and QEMU define (not by calling the code under test);
 *   2. Debian sid's OVMF.inteltdx.ms.fd (ovmf-inteltdx 2025.11) in both orders, and the
 *      TDVF metadata of OVMF.amdsev.fd: regression values cross-checked against an
 *      independent Python model of the same records (not part of the tree);
 *   3. the parser's refusals of malformed metadata. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "firmware_samples.h"
#include "boot/ovmf.h"
#include "boot/tdx_mrtd.h"
#include "util/bytes.h"
#include "unit.h"

#define SYN_LEN 0x3000
#define SYN_DESC 0x2000 /* TDVF descriptor position */
#define SYN_BFV_GPA 0xffffd000ull

static void put_section(uint8_t *fw, int i, uint32_t off, uint32_t raw, uint64_t gpa,
			uint64_t size, uint32_t type, uint32_t attr)
{
	uint8_t *s = fw + SYN_DESC + 16 + 32 * i;

	put_le32(s, off);
	put_le32(s + 4, raw);
	put_le64(s + 8, gpa);
	put_le64(s + 16, size);
	put_le32(s + 24, type);
	put_le32(s + 28, attr);
}

/* A 12 KiB image: two pages of BFV code (MR.EXTEND), a TEMP_MEM section of two
 * pages, a PAGE.AUG section (neither added nor extended), then the TDVF descriptor
 * and the footer table on the last page, as edk2 lays them out. */
static void build_synthetic(uint8_t fw[SYN_LEN])
{
	static const uint8_t footer_guid[16] = { 0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f, 0xf7, 0x45,
						 0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d };
	static const uint8_t tdx_guid[16] = { 0x35, 0x65, 0x7a, 0xe4, 0x4a, 0x98, 0x98, 0x47,
					      0x86, 0x5e, 0x46, 0x85, 0xa7, 0xbf, 0x8e, 0xc2 };
	uint8_t *end = fw + SYN_LEN - 32;

	memset(fw, 0, SYN_LEN);
	for (size_t i = 0; i < 0x2000; i++)
		fw[i] = (uint8_t)(i * 7 + (i >> 8));
	memcpy(fw + SYN_DESC, "TDVF", 4);
	put_le32(fw + SYN_DESC + 4, 16 + 3 * 32);
	put_le32(fw + SYN_DESC + 8, 1);
	put_le32(fw + SYN_DESC + 12, 3);
	put_section(fw, 0, 0, 0x2000, SYN_BFV_GPA, 0x2000, OVMF_TDX_BFV, OVMF_TDX_ATTR_MR_EXTEND);
	put_section(fw, 1, 0, 0, 0x800000, 0x2000, OVMF_TDX_TEMP_MEM, 0);
	put_section(fw, 2, 0, 0, 0x900000, 0x1000, OVMF_TDX_PERM_MEM, OVMF_TDX_ATTR_PAGE_AUG);
	/* footer: [TDX entry: u32 offset ‖ u16 22 ‖ GUID] [u16 40 ‖ footer GUID] [32 bytes]
	 * at LEN-72, LEN-68, LEN-66 | LEN-50, LEN-48 | LEN-32 */
	memcpy(end - 16, footer_guid, 16);
	end[-18] = 40;
	memcpy(end - 34, tdx_guid, 16);
	end[-36] = 22;
	put_le32(end - 40, SYN_LEN - SYN_DESC);
}

static void rec(EVP_MD_CTX *c, const char *op, uint64_t gpa)
{
	uint8_t r[128] = { 0 };

	memcpy(r, op, strlen(op));
	put_le64(r + 16, gpa);
	EVP_DigestUpdate(c, r, 128);
}

static void ext_page(EVP_MD_CTX *c, const uint8_t *fw, int page)
{
	for (int i = 0; i < 16; i++) {
		rec(c, "MR.EXTEND", SYN_BFV_GPA + page * 0x1000 + i * 256);
		EVP_DigestUpdate(c, fw + page * 0x1000 + i * 256, 256);
	}
}

static void expected(const uint8_t *fw, enum tdx_mrtd_order order, uint8_t out[48])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned n = 0;

	EVP_DigestInit_ex(c, EVP_sha384(), NULL);
	if (order == TDX_MRTD_PER_PAGE) {
		rec(c, "MEM.PAGE.ADD", SYN_BFV_GPA);
		ext_page(c, fw, 0);
		rec(c, "MEM.PAGE.ADD", SYN_BFV_GPA + 0x1000);
		ext_page(c, fw, 1);
	} else {
		rec(c, "MEM.PAGE.ADD", SYN_BFV_GPA);
		rec(c, "MEM.PAGE.ADD", SYN_BFV_GPA + 0x1000);
		ext_page(c, fw, 0);
		ext_page(c, fw, 1);
	}
	rec(c, "MEM.PAGE.ADD", 0x800000);
	rec(c, "MEM.PAGE.ADD", 0x801000);
	EVP_DigestFinal_ex(c, out, &n);
	EVP_MD_CTX_free(c);
}

static void test_synthetic(void)
{
	uint8_t *fw = malloc(SYN_LEN), *bad = malloc(SYN_LEN);
	uint8_t got[48], want[48], keep[48], pp[48];
	struct ovmf_tdx_info info;

	CHECK(fw && bad);
	if (!fw || !bad)
		goto out;
	build_synthetic(fw);
	CHECK_EQ_INT(ovmf_tdx_parse(fw, SYN_LEN, &info), 0);
	CHECK_EQ_INT(info.n_sections, 3);
	CHECK_EQ_INT(info.sections[0].mem_addr, SYN_BFV_GPA);

	expected(fw, TDX_MRTD_PER_PAGE, want);
	CHECK_EQ_INT(tdx_mrtd(fw, SYN_LEN, TDX_MRTD_PER_PAGE, got), 0);
	CHECK_MEM(got, want, 48);
	memcpy(pp, got, 48);
	expected(fw, TDX_MRTD_TWO_PASS, want);
	CHECK_EQ_INT(tdx_mrtd(fw, SYN_LEN, TDX_MRTD_TWO_PASS, got), 0);
	CHECK_MEM(got, want, 48);
	CHECK(memcmp(pp, got, 48) != 0);

	/* One flipped code byte changes MRTD; a byte outside every section does not. */
	memcpy(bad, fw, SYN_LEN);
	bad[0x1234] ^= 1;
	CHECK_EQ_INT(tdx_mrtd(bad, SYN_LEN, TDX_MRTD_PER_PAGE, got), 0);
	CHECK(memcmp(pp, got, 48) != 0);
	memcpy(bad, fw, SYN_LEN);
	bad[0x2800] ^= 1;
	CHECK_EQ_INT(tdx_mrtd(bad, SYN_LEN, TDX_MRTD_PER_PAGE, got), 0);
	CHECK_MEM(pp, got, 48);

	/* Refusals: each leaves the output untouched. */
	memset(keep, 0x5a, 48);
	static const struct {
		const char *what;
		size_t off;
		uint32_t val;
		int err;
	} mut[] = {
		{ "signature", SYN_DESC, 0x46564455, -EBADMSG },
		{ "version", SYN_DESC + 8, 2, -EBADMSG },
		{ "descriptor length < sections", SYN_DESC + 4, 16 + 2 * 32, -EBADMSG },
		{ "descriptor length past end", SYN_DESC + 4, 0x2000, -EBADMSG },
		{ "too many sections", SYN_DESC + 12, OVMF_TDX_MAX_SECTIONS + 1, -E2BIG },
		{ "raw data past end of file", SYN_DESC + 16, 0x2000, -EBADMSG },
		{ "raw > memory", SYN_DESC + 16 + 4, 0x3000, -EBADMSG },
		{ "GPA not page-aligned", SYN_DESC + 16 + 8, 0xffffd100, -EBADMSG },
		{ "size not page multiple", SYN_DESC + 16 + 32 + 16, 0x1800, -EBADMSG },
		{ "unknown attribute", SYN_DESC + 16 + 28, 0x5, -EBADMSG },
		{ "overlapping sections", SYN_DESC + 16 + 64 + 8, 0x801000, -EBADMSG },
		{ "added memory over the cap", SYN_DESC + 16 + 32 + 16, OVMF_TDX_MAX_ADDED_BYTES + 0x1000, -E2BIG },
		{ "GPA beyond 2^52 (high word)", SYN_DESC + 16 + 32 + 12, 0x00100000, -EBADMSG },
		{ "descriptor offset too big", SYN_LEN - 72, SYN_LEN + 1, -EBADMSG },
		{ "descriptor offset too small", SYN_LEN - 72, 8, -EBADMSG },
		{ "entry length < 18", SYN_LEN - 68, 17, -EBADMSG },
		{ "entry length past table", SYN_LEN - 68, 23, -EBADMSG },
		{ "table length past image", SYN_LEN - 50, 0xfff0, -EBADMSG },
		{ "table length < 18", SYN_LEN - 50, 10, -EBADMSG },
		{ "footer GUID", SYN_LEN - 48, 0, -ENOENT },
		{ "TDX entry GUID", SYN_LEN - 66, 0, -ENOENT },
	};
	for (size_t i = 0; i < sizeof(mut) / sizeof(mut[0]); i++) {
		int r;

		memcpy(bad, fw, SYN_LEN);
		if (mut[i].off == SYN_LEN - 68 || mut[i].off == SYN_LEN - 50) {
			bad[mut[i].off] = (uint8_t)mut[i].val; /* u16 fields */
			bad[mut[i].off + 1] = (uint8_t)(mut[i].val >> 8);
		} else
			put_le32(bad + mut[i].off, mut[i].val);
		memcpy(got, keep, 48);
		r = tdx_mrtd(bad, SYN_LEN, TDX_MRTD_PER_PAGE, got);
		if (r != mut[i].err)
			fprintf(stderr, "mutation \"%s\": %d, expected %d\n", mut[i].what, r, mut[i].err);
		CHECK_EQ_INT(r, mut[i].err);
		CHECK_MEM(got, keep, 48);
	}
	/* PAGE.AUG memory is not measured, so it does not count against the cap. */
	memcpy(bad, fw, SYN_LEN);
	put_le64(bad + SYN_DESC + 16 + 64 + 16, 1ull << 30);
	CHECK_EQ_INT(tdx_mrtd(bad, SYN_LEN, TDX_MRTD_PER_PAGE, got), 0);
	CHECK_MEM(got, pp, 48);
	memcpy(got, keep, 48);
	CHECK_EQ_INT(tdx_mrtd(fw, SYN_LEN, (enum tdx_mrtd_order)7, got), -EINVAL);
	CHECK_EQ_INT(tdx_mrtd(fw, 40, TDX_MRTD_PER_PAGE, got), -ENOENT);
	CHECK_EQ_INT(tdx_mrtd(fw, 0, TDX_MRTD_PER_PAGE, got), -ENOENT);
	CHECK_EQ_INT(tdx_mrtd(fw, OVMF_MAX_SIZE + 1, TDX_MRTD_PER_PAGE, got), -EFBIG);
	/* The last page alone keeps footer and descriptor (offsets count from the
	 * end) but the BFV data is no longer inside the file. */
	CHECK_EQ_INT(tdx_mrtd(fw + 0x2000, SYN_LEN - 0x2000, TDX_MRTD_PER_PAGE, got), -EBADMSG);
	CHECK_MEM(got, keep, 48);
out:
	free(fw);
	free(bad);
}

static void test_order_names(void)
{
	enum tdx_mrtd_order o = TDX_MRTD_TWO_PASS;

	CHECK_EQ_INT(tdx_mrtd_order_from_name("per-page", &o), 0);
	CHECK_EQ_INT(o, TDX_MRTD_PER_PAGE);
	CHECK_EQ_INT(tdx_mrtd_order_from_name("two-pass", &o), 0);
	CHECK_EQ_INT(o, TDX_MRTD_TWO_PASS);
	CHECK_EQ_INT(tdx_mrtd_order_from_name("Two-Pass", &o), -EINVAL);
	CHECK_EQ_INT(tdx_mrtd_order_from_name("", &o), -EINVAL);
	CHECK_EQ_INT(tdx_mrtd_order_from_name(NULL, &o), -EINVAL);
	CHECK_EQ_STR(tdx_mrtd_order_name(TDX_MRTD_PER_PAGE), "per-page");
	CHECK_EQ_STR(tdx_mrtd_order_name(TDX_MRTD_TWO_PASS), "two-pass");
}

static void test_debian(void)
{
	size_t len = 0, alen = 0;
	uint8_t *fw = firmware_read("OVMF.inteltdx.ms.fd", &len);
	uint8_t *amd = firmware_read("OVMF.amdsev.fd", &alen);
	struct ovmf_tdx_info info;
	uint8_t d[48];

	CHECK(fw != NULL);
	CHECK(amd != NULL);
	if (fw) {
		/* Sections as read off the image (BFV at 0xffc84000, CFV at 0xffc00000). */
		CHECK_EQ_INT(ovmf_tdx_parse(fw, len, &info), 0);
		CHECK_EQ_INT(info.n_sections, 6);
		CHECK_EQ_INT(info.sections[0].type, OVMF_TDX_BFV);
		CHECK_EQ_INT(info.sections[0].mem_addr, 0xffc84000);
		CHECK_EQ_INT(info.sections[0].attributes, OVMF_TDX_ATTR_MR_EXTEND);
		CHECK_EQ_INT(info.sections[1].type, OVMF_TDX_CFV);
		CHECK_EQ_INT(info.sections[4].type, OVMF_TDX_TD_HOB);
		CHECK_EQ_INT(tdx_mrtd(fw, len, TDX_MRTD_PER_PAGE, d), 0);
		CHECK(digest_is(d, "a7a1f751abc454f9cbab198ca8d2edb2821935df525c74182b5e776cb0929e8c59aefecce725b0d08a5e9d3d3183bd08"));
		CHECK_EQ_INT(tdx_mrtd(fw, len, TDX_MRTD_TWO_PASS, d), 0);
		CHECK(digest_is(d, "b90b236113eb4c0d4df4ef590568c14e6028a3a31d7e8ac63dee9845df5008d3ebf82d4f5974e933798f65d7a279b9a9"));
	}
	if (amd) {
		CHECK_EQ_INT(tdx_mrtd(amd, alen, TDX_MRTD_PER_PAGE, d), 0);
		CHECK(digest_is(d, "5f77220a7135b2be2087c3555b897a1c56ca84516fafc622a33fa498a46305a12597a18bb57bc50f714ffab9fe6f004d"));
	}
	free(fw);
	free(amd);
}

/* The 4 KiB AmdSev suffix carries TDVF metadata whose BFV lies outside the file. */
static void test_suffix(void)
{
	size_t len = 0;
	uint8_t *fx = testdata_read("ovmf_AmdSev_suffix.bin", &len);
	struct ovmf_sev_info sev;
	struct ovmf_tdx_info tdx;
	const uint8_t *data = NULL;
	size_t n = 0;
	static const uint8_t reset_guid[16] = { 0xde, 0x71, 0xf7, 0x00, 0x7e, 0x1a, 0xcb, 0x4f,
						0x89, 0x0e, 0x68, 0xc7, 0x7e, 0x2f, 0xb4, 0x4e };

	CHECK(fx != NULL);
	if (!fx)
		return;
	CHECK_EQ_INT(ovmf_tdx_parse(fx, len, &tdx), -EBADMSG);
	CHECK_EQ_INT(ovmf_footer_find(fx, len, reset_guid, &data, &n), 0);
	CHECK_EQ_INT(n, 4);
	CHECK(data == fx + len - 32 - 18 - 22);
	CHECK_EQ_INT(ovmf_sev_parse(fx, len, &sev), 0);
	CHECK_EQ_INT(sev.n_sections, 7);
	CHECK_EQ_INT(sev.sections[6].gpa, 0x811000);
	CHECK_EQ_INT(sev.sections[6].size, 0xf000);
	CHECK_EQ_INT(sev.hash_table_size, 0x400);
	free(fx);
}

int main(void)
{
	test_synthetic();
	test_order_names();
	test_debian();
	test_suffix();
	return unit_finish("test-tdx-mrtd");
}
