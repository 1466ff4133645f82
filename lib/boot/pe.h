/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded PE/COFF header parser: the parts Authenticode hashing and UKI section lookup
 * need. Layout: Microsoft PE Format (pecoff), edk2 MdePkg/Include/IndustryStandard/PeImage.h.
 * All fields little-endian; every offset and size is checked against the file length. */
#ifndef CVM_PE_H
#define CVM_PE_H

#include <stddef.h>
#include <stdint.h>

#define PE_MAX_SECTIONS 96u         /* the PE spec's limit on NumberOfSections */
#define PE_DIR_SECURITY 4u          /* EFI_IMAGE_DIRECTORY_ENTRY_SECURITY */
#define PE_SUBSYSTEM_EFI_APPLICATION 10u

struct pe_section {
	char name[9];               /* NUL-terminated copy of the 8-byte name field */
	uint32_t virtual_size;
	uint32_t virtual_address;
	uint32_t raw_size;          /* SizeOfRawData */
	uint32_t raw_offset;        /* PointerToRawData */
};

struct pe_image {
	size_t file_size;
	uint32_t pe_offset;         /* e_lfanew, 0 when the file does not start with "MZ" */
	uint16_t magic;             /* 0x10b PE32, 0x20b PE32+ */
	uint16_t machine;
	uint16_t subsystem;
	uint32_t size_of_headers;
	size_t checksum_offset;     /* file offset of OptionalHeader.CheckSum */
	uint32_t n_dirs;            /* NumberOfRvaAndSizes */
	size_t dirs_offset;         /* file offset of DataDirectory[0] */
	uint32_t cert_offset;       /* DataDirectory[4]: a file offset, not an RVA */
	uint32_t cert_size;
	size_t section_table_offset;
	uint16_t n_sections;
	struct pe_section sections[PE_MAX_SECTIONS];
};

/* Parses buf[0..len). Checks the DOS and PE signatures, the optional header magic and
 * that headers, the section table, SizeOfHeaders and every section's raw data lie
 * inside the file. Returns 0, -EINVAL (malformed) or -E2BIG (too many sections). */
int pe_parse(const uint8_t *buf, size_t len, struct pe_image *ret);

/* The first section whose 8-byte name field equals name exactly (NUL-padded), or NULL. */
const struct pe_section *pe_find_section(const struct pe_image *pe, const char *name);

/* The section's bytes as mapped in memory: VirtualSize bytes, the raw data followed by
 * zeros when VirtualSize exceeds SizeOfRawData (the loader zero-fills). Writes
 * virtual_size bytes into out. */
void pe_section_copy(const uint8_t *buf, const struct pe_section *s, uint8_t *out);

#endif
