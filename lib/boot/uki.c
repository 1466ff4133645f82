/* SPDX-License-Identifier: Apache-2.0 */
#include "boot/uki.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/authenticode.h"

static const char *const section_names[_UKI_SECTION_MAX] = {
	[UKI_LINUX] = ".linux",   [UKI_OSREL] = ".osrel", [UKI_CMDLINE] = ".cmdline",
	[UKI_INITRD] = ".initrd", [UKI_UCODE] = ".ucode", [UKI_SPLASH] = ".splash",
	[UKI_DTB] = ".dtb",       [UKI_UNAME] = ".uname", [UKI_SBAT] = ".sbat",
	[UKI_PCRSIG] = ".pcrsig", [UKI_PCRPKEY] = ".pcrpkey",
};

/* Sections whose effect depends on the machine or on a boot-time choice (systemd 257
 * multi-profile UKIs, device-tree auto-selection by SMBIOS HWIDs, firmware blobs).
 * A static prediction cannot be right for them, so they are refused. */
static const char *const unsupported_sections[] = { ".profile", ".dtbauto", ".hwids", ".efifw" };

/* Generated initrds, in systemd's INITRD_* order after the base initrd; all go to
 * /.extra/ (cpio_target_meta: directory 0555, file 0444). */
static const struct {
	enum uki_section section;
	const char *file;
} meta_initrds[] = {
	{ UKI_PCRSIG, "tpm2-pcr-signature.json" },
	{ UKI_PCRPKEY, "tpm2-pcr-public-key.pem" },
	{ UKI_OSREL, "os-release" },
};

const char *uki_section_name(enum uki_section s)
{
	return s < _UKI_SECTION_MAX ? section_names[s] : NULL;
}

bool uki_section_measured(enum uki_section s)
{
	/* stub.c unified_section_measure(): .pcrsig holds signatures over PCR values, so it
	 * cannot itself be an input to them. */
	return s < _UKI_SECTION_MAX && s != UKI_PCRSIG;
}

static int hash_section(struct digest_ctx *ctx, const struct uki *u, const struct pe_section *s)
{
	static const uint8_t zeros[4096];
	size_t n = s->raw_size < s->virtual_size ? s->raw_size : s->virtual_size;
	size_t rest = s->virtual_size - n;
	int r = digest_update(ctx, u->buf + s->raw_offset, n);

	while (r >= 0 && rest > 0) {
		size_t k = rest < sizeof(zeros) ? rest : sizeof(zeros);

		r = digest_update(ctx, zeros, k);
		rest -= k;
	}
	return r;
}

static void read_stub_version(const uint8_t *buf, const struct pe_image *pe, char *out)
{
	static const char prefix[] = "#### LoaderInfo: ";
	const struct pe_section *s = pe_find_section(pe, ".sdmagic");
	size_t n, plen = sizeof(prefix) - 1, i;

	out[0] = 0;
	if (!s)
		return;
	n = s->raw_size < s->virtual_size ? s->raw_size : s->virtual_size;
	if (n <= plen || memcmp(buf + s->raw_offset, prefix, plen) != 0)
		return;
	for (i = 0; plen + i < n && i < UKI_STUB_VERSION_MAX - 1; i++) {
		char c = (char)buf[s->raw_offset + plen + i];

		if (c == 0 || c == '#' || c < 0x20 || c > 0x7e)
			break;
		out[i] = c;
	}
	while (i > 0 && out[i - 1] == ' ')
		i--;
	out[i] = 0;
}

static int check_cmdline_section(const struct uki *u)
{
	const struct pe_section *s = u->sections[UKI_CMDLINE];

	if (!s)
		return -EOPNOTSUPP;
	for (uint32_t i = 0; i < s->virtual_size && i < s->raw_size; i++) {
		uint8_t c = u->buf[s->raw_offset + i];

		if (c == 0)
			break;
		/* The stub decodes UTF-8; we only model ASCII. */
		if (c > 0x7f)
			return -EOPNOTSUPP;
	}
	return 0;
}

int uki_parse(const uint8_t *buf, size_t len, struct uki *ret)
{
	struct uki *u = calloc(1, sizeof(*u));
	int r;

	if (!u)
		return -ENOMEM;
	u->buf = buf;
	u->len = len;
	r = pe_parse(buf, len, &u->pe);
	if (r < 0)
		goto out;
	for (unsigned i = 0; i < u->pe.n_sections; i++) {
		const struct pe_section *s = &u->pe.sections[i];

		for (size_t k = 0; k < sizeof(unsupported_sections) / sizeof(unsupported_sections[0]); k++)
			if (strcmp(s->name, unsupported_sections[k]) == 0) {
				r = -EOPNOTSUPP;
				goto out;
			}
		for (enum uki_section k = 0; k < _UKI_SECTION_MAX; k++) {
			if (strcmp(s->name, section_names[k]) != 0)
				continue;
			/* Duplicates: which copy a stub uses has changed between versions. */
			if (u->sections[k] || s->virtual_size > len) {
				r = -EINVAL;
				goto out;
			}
			/* The stub treats a section with memory size 0 as absent. */
			if (s->virtual_size > 0)
				u->sections[k] = s;
		}
	}
	if (!u->sections[UKI_LINUX]) {
		r = -ENOENT;
		goto out;
	}
	r = check_cmdline_section(u);
	if (r < 0)
		goto out;
	read_stub_version(buf, &u->pe, u->stub_version);
	/* Re-point section pointers into the caller's copy. */
	memcpy(ret, u, sizeof(*u));
	for (enum uki_section k = 0; k < _UKI_SECTION_MAX; k++)
		if (u->sections[k])
			ret->sections[k] = &ret->pe.sections[u->sections[k] - u->pe.sections];
out:
	free(u);
	return r;
}

int uki_section_digest(const struct uki *u, enum uki_section s, enum digest_alg alg, uint8_t *out)
{
	struct digest_ctx *ctx;
	int r;

	if (s >= _UKI_SECTION_MAX || !u->sections[s])
		return -ENOENT;
	ctx = digest_begin(alg);
	if (!ctx)
		return -ENOMEM;
	r = hash_section(ctx, u, u->sections[s]);
	if (r < 0) {
		digest_abort(ctx);
		return r;
	}
	return digest_end(ctx, out);
}

int uki_cmdline(const struct uki *u, char *ret)
{
	const struct pe_section *s = u->sections[UKI_CMDLINE];
	size_t n = 0, end = 0, i = 0;
	char *tmp;

	if (!s)
		return -ENOENT;
	tmp = malloc(UKI_CMDLINE_MAX + 1);
	if (!tmp)
		return -ENOMEM;
	/* src/boot/util.c mangle_stub_cmdline(): skip leading whitespace, turn every
	 * character <= 0x20 and 0x7F into a space, drop trailing whitespace. The section is
	 * read as a C string (xstrn8_to_16 stops at NUL). */
	for (; i < s->virtual_size && i < s->raw_size && u->buf[s->raw_offset + i] != 0; i++) {
		uint8_t c = u->buf[s->raw_offset + i];

		if (n == 0 && c <= 0x20)
			continue;
		if (n >= UKI_CMDLINE_MAX) {
			free(tmp);
			return -E2BIG;
		}
		if (c <= 0x20 || c == 0x7f) {
			tmp[n++] = ' ';
		} else {
			tmp[n++] = (char)c;
			end = n;
		}
	}
	tmp[end] = 0;
	memcpy(ret, tmp, end + 1);
	free(tmp);
	return 0;
}

int uki_load_options_digest(const char *cmdline, enum digest_alg alg, uint8_t *out)
{
	size_t n = strlen(cmdline);
	uint8_t *w = malloc(2 * (n + 1));
	int r;

	if (!w)
		return -ENOMEM;
	for (size_t i = 0; i <= n; i++) {
		w[2 * i] = (uint8_t)cmdline[i];
		w[2 * i + 1] = 0;
	}
	r = digest_buf(alg, w, 2 * (n + 1), out);
	free(w);
	return r;
}

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static size_t cpio_header(uint8_t *p, uint32_t ino, uint32_t mode, uint32_t size, const char *name)
{
	size_t nlen = strlen(name) + 1;
	/* 6 + 13 * 8 = 110 header characters; callers pass names of at most 64 bytes. */
	int w = snprintf((char *)p, 111, "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
			ino, mode, 0u, 0u, 1u, 0u, size, 0u, 0u, 0u, 0u, (unsigned)nlen, 0u);

	memcpy(p + w, name, nlen);
	memset(p + w + nlen, 0, align4((size_t)w + nlen) - ((size_t)w + nlen));
	return align4((size_t)w + nlen);
}

/* src/boot/cpio.c pack_cpio_literal(): directory ".extra" (mode 0555), one file
 * ".extra/NAME" (0444), mtime 0, uid/gid 0, inodes from 1, then the 120-byte trailer;
 * every header and the contents padded to 4 bytes. */
static int hash_meta_cpio(struct digest_ctx *ctx, const struct uki *u, const struct pe_section *s,
			  const char *file)
{
	static const char trailer[] = "070701"
				      "00000000000000000000000000000000"
				      "00000001"
				      "000000000000000000000000000000000000000000000000"
				      "0000000B00000000TRAILER!!!\0\0\0";
	uint8_t hdr[256];
	char path[64];
	size_t n;
	int r;

	snprintf(path, sizeof(path), ".extra/%s", file);
	n = cpio_header(hdr, 1, 0040000 | 0555, 0, ".extra");
	r = digest_update(ctx, hdr, n);
	if (r < 0)
		return r;
	n = cpio_header(hdr, 2, 0100000 | 0444, s->virtual_size, path);
	r = digest_update(ctx, hdr, n);
	if (r >= 0)
		r = hash_section(ctx, u, s);
	if (r >= 0)
		r = digest_update(ctx, "\0\0\0", align4(s->virtual_size) - s->virtual_size);
	if (r >= 0)
		r = digest_update(ctx, trailer, sizeof(trailer));
	return r;
}

int uki_initrd_digest(const struct uki *u, enum digest_alg alg, uint8_t *out)
{
	static const enum uki_section embedded[] = { UKI_UCODE, UKI_INITRD };
	struct digest_ctx *ctx;
	unsigned pieces = 0;
	int r = 0;

	for (size_t i = 0; i < sizeof(embedded) / sizeof(embedded[0]); i++)
		pieces += !!u->sections[embedded[i]];
	for (size_t i = 0; i < sizeof(meta_initrds) / sizeof(meta_initrds[0]); i++)
		pieces += !!u->sections[meta_initrds[i].section];
	/* No initrd at all: Linux measures nothing. One piece: handed over as is, unpadded
	 * (stub.c: combine_initrds() only runs for more than one). */
	if (pieces == 0)
		return -ENOENT;
	if (pieces == 1 && u->sections[UKI_INITRD])
		return uki_section_digest(u, UKI_INITRD, alg, out);
	if (pieces == 1 && u->sections[UKI_UCODE])
		return uki_section_digest(u, UKI_UCODE, alg, out);

	ctx = digest_begin(alg);
	if (!ctx)
		return -ENOMEM;
	for (size_t i = 0; r >= 0 && i < sizeof(embedded) / sizeof(embedded[0]); i++) {
		const struct pe_section *s = u->sections[embedded[i]];

		if (!s)
			continue;
		r = hash_section(ctx, u, s);
		if (r >= 0)
			r = digest_update(ctx, "\0\0\0", align4(s->virtual_size) - s->virtual_size);
	}
	for (size_t i = 0; r >= 0 && i < sizeof(meta_initrds) / sizeof(meta_initrds[0]); i++) {
		const struct pe_section *s = u->sections[meta_initrds[i].section];

		if (s)
			r = hash_meta_cpio(ctx, u, s, meta_initrds[i].file);
	}
	if (r < 0) {
		digest_abort(ctx);
		return r;
	}
	return digest_end(ctx, out);
}

int uki_kernel_authenticode(const struct uki *u, enum digest_alg alg, uint8_t *out)
{
	const struct pe_section *s = u->sections[UKI_LINUX];
	uint8_t *k = malloc(s->virtual_size ? s->virtual_size : 1);
	int r;

	if (!k)
		return -ENOMEM;
	pe_section_copy(u->buf, s, k);
	r = authenticode_digest(k, s->virtual_size, alg, out);
	free(k);
	return r;
}
