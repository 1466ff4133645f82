/* SPDX-License-Identifier: Apache-2.0 */
#include "boot/authenticode.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Section order for hashing: edk2 copies the section table and insertion-sorts it by
 * PointerToRawData (stable, so equal offsets keep table order). */
static void sort_by_raw_offset(const struct pe_image *pe, unsigned *order)
{
	for (unsigned i = 0; i < pe->n_sections; i++) {
		unsigned pos = i;

		while (pos > 0 && pe->sections[i].raw_offset < pe->sections[order[pos - 1]].raw_offset) {
			order[pos] = order[pos - 1];
			pos--;
		}
		order[pos] = i;
	}
}

static int hash_range(struct digest_ctx *ctx, const uint8_t *buf, size_t from, size_t to)
{
	if (to <= from)
		return 0;
	return digest_update(ctx, buf + from, to - from);
}

int authenticode_digest_pe(const uint8_t *buf, const struct pe_image *pe, enum digest_alg alg,
			   uint8_t *out)
{
	unsigned order[PE_MAX_SECTIONS];
	uint64_t sum = pe->size_of_headers, cert_size = 0;
	struct digest_ctx *ctx;
	int r;

	/* pe_parse() guarantees checksum < dirs < section table <= SizeOfHeaders <= size. */
	ctx = digest_begin(alg);
	if (!ctx)
		return -ENOMEM;
	r = hash_range(ctx, buf, 0, pe->checksum_offset);
	if (r < 0)
		goto fail;
	if (pe->n_dirs <= PE_DIR_SECURITY) {
		r = hash_range(ctx, buf, pe->checksum_offset + 4, pe->size_of_headers);
	} else {
		size_t sec = pe->dirs_offset + 8 * PE_DIR_SECURITY;

		cert_size = pe->cert_size;
		r = hash_range(ctx, buf, pe->checksum_offset + 4, sec);
		if (r >= 0)
			r = hash_range(ctx, buf, sec + 8, pe->size_of_headers);
	}
	if (r < 0)
		goto fail;

	sort_by_raw_offset(pe, order);
	for (unsigned i = 0; i < pe->n_sections; i++) {
		const struct pe_section *s = &pe->sections[order[i]];

		if (s->raw_size == 0)
			continue;
		r = digest_update(ctx, buf + s->raw_offset, s->raw_size);
		if (r < 0)
			goto fail;
		sum += s->raw_size;
	}

	/* Trailing data: edk2 hashes from offset SUM (the count of bytes hashed so far, not
	 * the end of the last section) up to the certificate table, which it assumes is
	 * last in the file. */
	if (pe->file_size > sum) {
		if (pe->file_size < sum + cert_size) {
			r = -EINVAL;
			goto fail;
		}
		r = hash_range(ctx, buf, (size_t)sum, (size_t)(pe->file_size - cert_size));
		if (r < 0)
			goto fail;
	}
	return digest_end(ctx, out);
fail:
	digest_abort(ctx);
	return r;
}

int authenticode_digest(const uint8_t *buf, size_t len, enum digest_alg alg, uint8_t *out)
{
	struct pe_image *pe = malloc(sizeof(*pe));
	int r;

	if (!pe)
		return -ENOMEM;
	r = pe_parse(buf, len, pe);
	if (r >= 0)
		r = authenticode_digest_pe(buf, pe, alg, out);
	free(pe);
	return r;
}
