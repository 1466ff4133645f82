/* SPDX-License-Identifier: Apache-2.0 */
/* SEV-SNP launch digest of a QEMU guest (see snp_digest.h).
 *
 * Every SNP_LAUNCH_UPDATE of one 4 KiB page folds a PAGE_INFO structure into the
 * launch digest (SNP firmware ABI spec #56860, 8.17.2, table "PAGE_INFO"):
 *
 *   LD = SHA-384( LD[48] ‖ CONTENTS[48] ‖ u16 0x70 ‖ u8 PAGE_TYPE ‖ u8 IMI_PAGE=0 ‖
 *                 u8 VMPL3_PERMS=0 ‖ u8 VMPL2_PERMS=0 ‖ u8 VMPL1_PERMS=0 ‖ u8 0 ‖ u64 GPA )
 *
 * CONTENTS is SHA-384 of the page for NORMAL and VMSA pages and zero otherwise.
 * QEMU's order (target/i386/sev.c): the firmware flash pages as NORMAL (the image
 * ends at 4 GiB); then each SEV metadata section in firmware order; then one VMSA
 * per vCPU, BSP first. The same model as virtee/sev-snp-measure gctx.py / guest.py. */
#include "boot/snp_digest.h"

#include <errno.h>
#include <string.h>

#include "measure/digest.h"
#include "boot/snp_vmsa.h"

#define PAGE_SIZE 4096u
#define PAGE_INFO_LEN 0x70

enum snp_page_type {
	PAGE_TYPE_NORMAL = 0x01,
	PAGE_TYPE_VMSA = 0x02,
	PAGE_TYPE_ZERO = 0x03,
	PAGE_TYPE_UNMEASURED = 0x04,
	PAGE_TYPE_SECRETS = 0x05,
	PAGE_TYPE_CPUID = 0x06,
};

/* The RMP records a VMSA page at GPA 2^64-1; the PSP measures it page-aligned with
 * the bits above 51 cleared (sev-snp-measure gctx.py VMSA_GPA). */
#define VMSA_GPA 0xFFFFFFFFF000ull

/* QEMU's kernel-hashes table (target/i386/sev.c struct SevHashTable, packed):
 * header GUID ‖ u16 length ‖ 3 × {GUID ‖ u16 50 ‖ SHA-256}, padded to 16 bytes
 * (PaddedSevHashTable). Entry order: cmdline, initrd, kernel. */
#define HASH_ENTRY_LEN (16 + 2 + 32)
#define HASH_TABLE_LEN (16 + 2 + 3 * HASH_ENTRY_LEN) /* 168 */
#define HASH_TABLE_PADDED ((HASH_TABLE_LEN + 15) & ~15) /* 176 */

static const uint8_t guid_hash_table[16] = { /* 9438d606-4f22-4cc9-b479-a793d411fd21 */
	0x06, 0xd6, 0x38, 0x94, 0x22, 0x4f, 0xc9, 0x4c,
	0xb4, 0x79, 0xa7, 0x93, 0xd4, 0x11, 0xfd, 0x21 };
static const uint8_t guid_cmdline[16] = { /* 97d02dd8-bd20-4c94-aa78-e7714d36ab2a */
	0xd8, 0x2d, 0xd0, 0x97, 0x20, 0xbd, 0x94, 0x4c,
	0xaa, 0x78, 0xe7, 0x71, 0x4d, 0x36, 0xab, 0x2a };
static const uint8_t guid_initrd[16] = { /* 44baf731-3a2f-4bd7-9af1-41e29169781d */
	0x31, 0xf7, 0xba, 0x44, 0x2f, 0x3a, 0xd7, 0x4b,
	0x9a, 0xf1, 0x41, 0xe2, 0x91, 0x69, 0x78, 0x1d };
static const uint8_t guid_kernel[16] = { /* 4de79437-abd2-427f-b835-d5b172d2045b */
	0x37, 0x94, 0xe7, 0x4d, 0xd2, 0xab, 0x7f, 0x42,
	0xb8, 0x35, 0xd5, 0xb1, 0x72, 0xd2, 0x04, 0x5b };

static const uint8_t zero48[SNP_DIGEST_LEN];

/* ld = SHA-384(PAGE_INFO(ld, contents, type, gpa)) */
static int ld_update(uint8_t ld[SNP_DIGEST_LEN], const uint8_t contents[SNP_DIGEST_LEN],
		     uint8_t type, uint64_t gpa)
{
	uint8_t info[PAGE_INFO_LEN] = { 0 };

	memcpy(info, ld, SNP_DIGEST_LEN);
	memcpy(info + 48, contents, SNP_DIGEST_LEN);
	info[96] = PAGE_INFO_LEN & 0xff;
	info[97] = PAGE_INFO_LEN >> 8;
	info[98] = type;
	/* 99: IMI_PAGE, 100..102: VMPL3..1 permissions, 103: reserved — all zero */
	for (int i = 0; i < 8; i++)
		info[104 + i] = (uint8_t)(gpa >> (8 * i));
	return digest_buf(DIGEST_SHA384, info, sizeof(info), ld);
}

static int ld_update_page(uint8_t ld[SNP_DIGEST_LEN], const uint8_t *page, uint8_t type,
			  uint64_t gpa)
{
	uint8_t h[SNP_DIGEST_LEN];
	int r;

	r = digest_buf(DIGEST_SHA384, page, PAGE_SIZE, h);
	if (r < 0)
		return r;
	return ld_update(ld, h, type, gpa);
}

/* ZERO, SECRETS, CPUID, UNMEASURED pages: contents are not measured. */
static int ld_update_empty(uint8_t ld[SNP_DIGEST_LEN], uint8_t type, uint64_t gpa, uint64_t size)
{
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		int r = ld_update(ld, zero48, type, gpa + off);
		if (r < 0)
			return r;
	}
	return 0;
}

static void build_hash_table(const struct snp_kernel_hashes *kh, uint8_t t[HASH_TABLE_PADDED])
{
	const struct {
		const uint8_t *guid, *hash;
	} e[3] = { { guid_cmdline, kh->cmdline }, { guid_initrd, kh->initrd },
		   { guid_kernel, kh->kernel } };
	uint8_t *p = t + 18;

	memset(t, 0, HASH_TABLE_PADDED);
	memcpy(t, guid_hash_table, 16);
	t[16] = HASH_TABLE_LEN & 0xff;
	t[17] = HASH_TABLE_LEN >> 8;
	for (int i = 0; i < 3; i++, p += HASH_ENTRY_LEN) {
		memcpy(p, e[i].guid, 16);
		p[16] = HASH_ENTRY_LEN;
		p[17] = 0;
		memcpy(p + 18, e[i].hash, 32);
	}
}

/* The KERNEL_HASHES section with direct boot: QEMU writes the padded table at the
 * GPA of the footer's hash-table block and launches the section's pages as NORMAL
 * (pages without any part of the table are measured as zero-filled NORMAL pages). */
static int update_kernel_hashes(uint8_t ld[SNP_DIGEST_LEN], const struct ovmf_sev_info *sev,
				const struct ovmf_sev_section *s, const struct snp_kernel_hashes *kh)
{
	uint8_t table[HASH_TABLE_PADDED];
	uint8_t page[PAGE_SIZE];
	uint64_t t_start, t_end;

	if (!sev->has_hash_table || sev->hash_table_size < HASH_TABLE_PADDED)
		return -EOPNOTSUPP;
	t_start = sev->hash_table_gpa;
	t_end = t_start + HASH_TABLE_PADDED;
	if (t_start < s->gpa || t_end > (uint64_t)s->gpa + s->size)
		return -EBADMSG;
	build_hash_table(kh, table);

	for (uint64_t gpa = s->gpa; gpa < (uint64_t)s->gpa + s->size; gpa += PAGE_SIZE) {
		uint64_t lo = t_start > gpa ? t_start : gpa;
		uint64_t hi = t_end < gpa + PAGE_SIZE ? t_end : gpa + PAGE_SIZE;
		int r;

		memset(page, 0, sizeof(page));
		if (lo < hi)
			memcpy(page + (lo - gpa), table + (lo - t_start), hi - lo);
		r = ld_update_page(ld, page, PAGE_TYPE_NORMAL, gpa);
		if (r < 0)
			return r;
	}
	return 0;
}

static int update_metadata(uint8_t ld[SNP_DIGEST_LEN], const struct ovmf_sev_info *sev,
			   const struct snp_kernel_hashes *kh)
{
	bool have_hashes_section = false;

	for (size_t i = 0; i < sev->n_sections; i++) {
		const struct ovmf_sev_section *s = &sev->sections[i];
		int r;

		switch (s->type) {
		case OVMF_SEV_SNP_SEC_MEM:
		case OVMF_SEV_SVSM_CAA: /* QEMU: snp_metadata_desc_to_page_type() → ZERO */
			r = ld_update_empty(ld, PAGE_TYPE_ZERO, s->gpa, s->size);
			break;
		case OVMF_SEV_SNP_SECRETS:
			r = ld_update_empty(ld, PAGE_TYPE_SECRETS, s->gpa, s->size);
			break;
		case OVMF_SEV_CPUID:
			r = ld_update_empty(ld, PAGE_TYPE_CPUID, s->gpa, s->size);
			break;
		case OVMF_SEV_SNP_KERNEL_HASHES:
			have_hashes_section = true;
			if (kh)
				r = update_kernel_hashes(ld, sev, s, kh);
			else
				r = ld_update_empty(ld, PAGE_TYPE_ZERO, s->gpa, s->size);
			break;
		default:
			/* Upstream QEMU launches types it does not know as ZERO pages,
			 * earlier SNP trees refused them, and sev-snp-measure refuses
			 * them too: a new type may well need its own handling (as
			 * KERNEL_HASHES did), so refuse rather than guess. */
			return -EOPNOTSUPP;
		}
		if (r < 0)
			return r;
	}
	/* Without the section QEMU cannot measure -kernel: refuse rather than
	 * return a digest no guest will ever report. */
	if (kh && !have_hashes_section)
		return -EOPNOTSUPP;
	return 0;
}

int snp_firmware_load(const uint8_t *ovmf, size_t len, struct snp_firmware *ret)
{
	struct snp_firmware fw = { 0 };
	uint64_t gpa;
	int r;

	if (!ovmf || len == 0 || len % PAGE_SIZE)
		return -EINVAL;
	if (len > OVMF_MAX_SIZE)
		return -EFBIG;
	r = ovmf_sev_parse(ovmf, len, &fw.sev);
	if (r < 0)
		return r;
	if (fw.sev.n_sections == 0)
		return -ENOENT;
	/* The flash image is mapped so that it ends at 4 GiB. */
	gpa = (UINT64_C(1) << 32) - len;
	for (size_t off = 0; off < len; off += PAGE_SIZE) {
		r = ld_update_page(fw.ovmf_hash, ovmf + off, PAGE_TYPE_NORMAL, gpa + off);
		if (r < 0)
			return r;
	}
	*ret = fw;
	return 0;
}

int snp_firmware_from_hash(const uint8_t ovmf_hash[SNP_DIGEST_LEN], const uint8_t *meta,
			   size_t meta_len, struct snp_firmware *ret)
{
	struct snp_firmware fw = { 0 };
	int r;

	if (!ovmf_hash || !meta)
		return -EINVAL;
	r = ovmf_sev_parse(meta, meta_len, &fw.sev);
	if (r < 0)
		return r;
	if (fw.sev.n_sections == 0)
		return -ENOENT;
	memcpy(fw.ovmf_hash, ovmf_hash, SNP_DIGEST_LEN);
	*ret = fw;
	return 0;
}

int snp_cmdline_hash(const char *cmdline, uint8_t ret[32])
{
	/* QEMU hashes the command line with its terminating NUL; no -append is
	 * the empty string, i.e. a single NUL. */
	if (!cmdline)
		cmdline = "";
	return digest_buf(DIGEST_SHA256, cmdline, strlen(cmdline) + 1, ret);
}

int snp_kernel_hashes(const uint8_t *kernel, size_t kernel_len, const uint8_t *initrd,
		      size_t initrd_len, const char *cmdline, struct snp_kernel_hashes *ret)
{
	static const uint8_t empty[1];
	struct snp_kernel_hashes kh;
	int r;

	if ((!kernel && kernel_len) || (!initrd && initrd_len))
		return -EINVAL;
	r = snp_cmdline_hash(cmdline, kh.cmdline);
	if (r >= 0)
		r = digest_buf(DIGEST_SHA256, initrd ? initrd : empty, initrd_len, kh.initrd);
	if (r >= 0)
		r = digest_buf(DIGEST_SHA256, kernel ? kernel : empty, kernel_len, kh.kernel);
	if (r < 0)
		return r;
	*ret = kh;
	return 0;
}

int snp_finish(const struct snp_firmware *fw, const struct snp_kernel_hashes *kh,
	       unsigned vcpus, const char *vcpu_type, uint64_t guest_features,
	       uint8_t ret_digest[SNP_DIGEST_LEN])
{
	uint8_t ld[SNP_DIGEST_LEN];
	uint8_t page[SNP_VMSA_SIZE];
	uint8_t bsp[SNP_DIGEST_LEN], ap[SNP_DIGEST_LEN];
	uint32_t sig;
	int r;

	if (!fw || vcpus == 0 || vcpus > SNP_MAX_VCPUS)
		return -EINVAL;
	r = snp_vcpu_signature(vcpu_type, &sig);
	if (r < 0)
		return r;
	/* APs start at the firmware's SEV-ES reset block; without one QEMU cannot
	 * start them. */
	if (vcpus > 1 && !fw->sev.has_reset_block)
		return -EINVAL;

	memcpy(ld, fw->ovmf_hash, SNP_DIGEST_LEN);
	r = update_metadata(ld, &fw->sev, kh);
	if (r < 0)
		return r;

	/* All APs share one VMSA page: hash it once, not once per vCPU. */
	snp_vmsa_build(SNP_VMSA_BSP_EIP, sig, guest_features, page);
	r = digest_buf(DIGEST_SHA384, page, sizeof(page), bsp);
	if (r < 0)
		return r;
	if (vcpus > 1) {
		snp_vmsa_build(fw->sev.reset_eip, sig, guest_features, page);
		r = digest_buf(DIGEST_SHA384, page, sizeof(page), ap);
		if (r < 0)
			return r;
	}
	for (unsigned i = 0; i < vcpus; i++) {
		r = ld_update(ld, i == 0 ? bsp : ap, PAGE_TYPE_VMSA, VMSA_GPA);
		if (r < 0)
			return r;
	}
	memcpy(ret_digest, ld, SNP_DIGEST_LEN);
	return 0;
}

int snp_launch_digest(const struct snp_launch_params *p, uint8_t ret_digest[SNP_DIGEST_LEN])
{
	struct snp_firmware fw;
	struct snp_kernel_hashes kh;
	bool direct;
	int r;

	if (!p)
		return -EINVAL;
	r = snp_firmware_load(p->ovmf, p->ovmf_len, &fw);
	if (r < 0)
		return r;
	direct = p->kernel || p->initrd || p->cmdline;
	if (direct) {
		r = snp_kernel_hashes(p->kernel, p->kernel_len, p->initrd, p->initrd_len,
				      p->cmdline, &kh);
		if (r < 0)
			return r;
	}
	return snp_finish(&fw, direct ? &kh : NULL, p->vcpus, p->vcpu_type, p->guest_features,
			  ret_digest);
}
