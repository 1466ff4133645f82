/* SPDX-License-Identifier: Apache-2.0 */
/* OVMF firmware metadata: the GUIDed footer table at the end of the image, the SEV
 * metadata ("ASEV") and the TDVF metadata ("TDVF") it points to. The firmware file is
 * untrusted input: every offset and length is checked against the buffer, the number
 * of sections is capped, and nothing is copied by a length read from the file.
 *
 * Sources: edk2 OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.nasm.inc (footer table),
 * OvmfPkg/ResetVector/X64/OvmfSevMetadata.nasm.inc, X64/IntelTdxMetadata.nasm.inc;
 * TDVF design guide, "TDVF metadata". */
#ifndef CVM_OVMF_H
#define CVM_OVMF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest firmware image accepted (OVMF builds are 2–4 MiB; the flash window below
 * 4 GiB is 16 MiB at most on q35). */
#define OVMF_MAX_SIZE (16u << 20)
#define OVMF_SEV_MAX_SECTIONS 64
#define OVMF_TDX_MAX_SECTIONS 64
/* Caps on the guest memory the metadata may ask to launch-measure, so that a hostile
 * image cannot make a digest computation run for hours: all SEV sections together,
 * and all TDVF sections that are added (not PAGE.AUG). Real images use < 1 MiB of
 * SEV sections and < 16 MiB of added TDVF memory. */
#define OVMF_SEV_MAX_BYTES (256u << 20)
#define OVMF_TDX_MAX_ADDED_BYTES (256u << 20)

/* SEV metadata section types (OvmfSevMetadata.nasm.inc). */
enum ovmf_sev_section_type {
	OVMF_SEV_SNP_SEC_MEM = 1,
	OVMF_SEV_SNP_SECRETS = 2,
	OVMF_SEV_CPUID = 3,
	OVMF_SEV_SVSM_CAA = 4,
	OVMF_SEV_SNP_KERNEL_HASHES = 0x10,
};

struct ovmf_sev_section {
	uint32_t gpa;
	uint32_t size;
	uint32_t type;
};

/* What SNP needs from the firmware besides its bytes. */
struct ovmf_sev_info {
	bool has_reset_block;      /* SEV-ES reset block: AP entry point */
	uint32_t reset_eip;
	bool has_hash_table;       /* SEV hash table block: where QEMU puts kernel hashes */
	uint32_t hash_table_gpa;
	uint32_t hash_table_size;
	size_t n_sections;         /* SEV metadata, in firmware order (0 if absent) */
	struct ovmf_sev_section sections[OVMF_SEV_MAX_SECTIONS];
};

/* TDVF section types and attributes (TDVF design guide, table "TDVF_SECTION"). */
enum ovmf_tdx_section_type {
	OVMF_TDX_BFV = 0,
	OVMF_TDX_CFV = 1,
	OVMF_TDX_TD_HOB = 2,
	OVMF_TDX_TEMP_MEM = 3,
	OVMF_TDX_PERM_MEM = 4,
	OVMF_TDX_PAYLOAD = 5,
	OVMF_TDX_PAYLOAD_PARAM = 6,
};
#define OVMF_TDX_ATTR_MR_EXTEND 0x1u
#define OVMF_TDX_ATTR_PAGE_AUG 0x2u

struct ovmf_tdx_section {
	uint32_t data_offset;  /* into the firmware file */
	uint32_t raw_size;
	uint64_t mem_addr;     /* GPA, page-aligned */
	uint64_t mem_size;     /* page multiple */
	uint32_t type;
	uint32_t attributes;
};

struct ovmf_tdx_info {
	size_t n_sections;
	struct ovmf_tdx_section sections[OVMF_TDX_MAX_SECTIONS];
};

/* Finds the footer-table entry with the given GUID (16 bytes, EFI little-endian
 * layout) and points *ret_data at its payload inside fw. Returns 0, -ENOENT (no
 * table or no such entry), -EBADMSG (malformed table), -EFBIG (len > OVMF_MAX_SIZE)
 * or -EINVAL (fw NULL); the same two apply to the parsers below. */
int ovmf_footer_find(const uint8_t *fw, size_t len, const uint8_t guid[16],
		     const uint8_t **ret_data, size_t *ret_len);

/* Parses the SEV parts of the footer table. fw may be just the end of an image
 * (the metadata offsets count from the end). A firmware without SEV entries gives
 * an empty info and 0. Returns 0, -ENOENT (no footer table at all), -EBADMSG
 * (malformed), -E2BIG (more than OVMF_SEV_MAX_SECTIONS, or sections larger than
 * OVMF_SEV_MAX_BYTES together), -EFBIG (fw too large). */
int ovmf_sev_parse(const uint8_t *fw, size_t len, struct ovmf_sev_info *ret);

/* Parses the TDVF metadata. Every section must lie inside the file, be page-aligned
 * and non-overlapping in guest memory. Returns 0, -ENOENT (no TDVF metadata),
 * -EBADMSG, -E2BIG (too many sections, or more than OVMF_TDX_MAX_ADDED_BYTES added),
 * -EFBIG. */
int ovmf_tdx_parse(const uint8_t *fw, size_t len, struct ovmf_tdx_info *ret);

#endif
