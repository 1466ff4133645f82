/* SPDX-License-Identifier: Apache-2.0 */
#include "boot/pe.h"

#include <errno.h>
#include <string.h>

#include "util/bytes.h"

#define DOS_LFANEW 0x3c
#define COFF_SIZE 20
#define SECTION_SIZE 40
#define OPT_PE32 0x10b
#define OPT_PE32PLUS 0x20b

/* Reads the fixed COFF and optional-header fields. Offsets from the PE spec §3.3 and
 * edk2 PeImage.h; the data directory moves by 16 bytes in PE32+ (64-bit ImageBase and
 * stack/heap sizes). */
static int parse_headers(const uint8_t *buf, size_t len, struct pe_image *pe)
{
	size_t coff, opt, opt_size, dirs_min;

	if (len >= 2 && buf[0] == 'M' && buf[1] == 'Z') {
		if (len < DOS_LFANEW + 4)
			return -EINVAL;
		pe->pe_offset = le32(buf + DOS_LFANEW);
	}
	if (pe->pe_offset > len || len - pe->pe_offset < 4 + COFF_SIZE)
		return -EINVAL;
	if (memcmp(buf + pe->pe_offset, "PE\0\0", 4) != 0)
		return -EINVAL;
	coff = (size_t)pe->pe_offset + 4;
	pe->machine = le16(buf + coff);
	pe->n_sections = le16(buf + coff + 2);
	opt_size = le16(buf + coff + 16);
	opt = coff + COFF_SIZE;
	if (opt_size < 2 || len - opt < opt_size)
		return -EINVAL;
	pe->magic = le16(buf + opt);
	if (pe->magic == OPT_PE32) {
		dirs_min = 96;
	} else if (pe->magic == OPT_PE32PLUS) {
		dirs_min = 112;
	} else {
		return -EINVAL;
	}
	if (opt_size < dirs_min)
		return -EINVAL;
	pe->size_of_headers = le32(buf + opt + 60);
	pe->checksum_offset = opt + 64;
	pe->subsystem = le16(buf + opt + 68);
	pe->n_dirs = le32(buf + opt + dirs_min - 4);
	pe->dirs_offset = opt + dirs_min;
	/* Only the directories that fit in SizeOfOptionalHeader exist. */
	if (pe->n_dirs > (opt_size - dirs_min) / 8)
		return -EINVAL;
	if (pe->n_dirs > PE_DIR_SECURITY) {
		pe->cert_offset = le32(buf + pe->dirs_offset + 8 * PE_DIR_SECURITY);
		pe->cert_size = le32(buf + pe->dirs_offset + 8 * PE_DIR_SECURITY + 4);
	}
	pe->section_table_offset = opt + opt_size;
	return 0;
}

static int parse_sections(const uint8_t *buf, size_t len, struct pe_image *pe)
{
	if (pe->n_sections > PE_MAX_SECTIONS)
		return -E2BIG;
	if (pe->section_table_offset > len ||
	    (len - pe->section_table_offset) / SECTION_SIZE < pe->n_sections)
		return -EINVAL;
	/* edk2 hashes [0, SizeOfHeaders) and needs the section table inside it. */
	if (pe->size_of_headers > len ||
	    pe->section_table_offset + (size_t)pe->n_sections * SECTION_SIZE > pe->size_of_headers)
		return -EINVAL;
	for (unsigned i = 0; i < pe->n_sections; i++) {
		const uint8_t *s = buf + pe->section_table_offset + (size_t)i * SECTION_SIZE;
		struct pe_section *out = &pe->sections[i];

		memcpy(out->name, s, 8);
		out->name[8] = 0;
		out->virtual_size = le32(s + 8);
		out->virtual_address = le32(s + 12);
		out->raw_size = le32(s + 16);
		out->raw_offset = le32(s + 20);
		if (out->raw_size > 0 &&
		    (out->raw_offset > len || len - out->raw_offset < out->raw_size))
			return -EINVAL;
	}
	return 0;
}

int pe_parse(const uint8_t *buf, size_t len, struct pe_image *ret)
{
	struct pe_image pe = { .file_size = len };
	int r;

	r = parse_headers(buf, len, &pe);
	if (r < 0)
		return r;
	r = parse_sections(buf, len, &pe);
	if (r < 0)
		return r;
	memcpy(ret, &pe, sizeof(pe));
	return 0;
}

const struct pe_section *pe_find_section(const struct pe_image *pe, const char *name)
{
	char want[8] = { 0 };
	size_t n = strlen(name);

	if (n > 8)
		return NULL;
	memcpy(want, name, n);
	for (unsigned i = 0; i < pe->n_sections; i++)
		if (memcmp(pe->sections[i].name, want, 8) == 0)
			return &pe->sections[i];
	return NULL;
}

void pe_section_copy(const uint8_t *buf, const struct pe_section *s, uint8_t *out)
{
	size_t n = s->raw_size < s->virtual_size ? s->raw_size : s->virtual_size;

	memcpy(out, buf + s->raw_offset, n);
	memset(out + n, 0, s->virtual_size - n);
}
