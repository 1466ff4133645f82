/* SPDX-License-Identifier: Apache-2.0 */
/* Locating the real captured evidence samples (tests/data/evidence, origins
 * in its README) from unit tests. CVM_EVIDENCE_DIR overrides the location. A missing
 * sample is a failed check, not a skip: the samples are part of the project. */
#ifndef CVM_EVIDENCE_SAMPLES_H
#define CVM_EVIDENCE_SAMPLES_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"
#include "util/hex.h"
#include "unit.h"

static inline const char *evidence_dir(void)
{
	const char *d = getenv("CVM_EVIDENCE_DIR");

	return d && *d ? d : "tests/data/evidence";
}

static inline void sample_path(const char *rel, char *out, size_t n)
{
	snprintf(out, n, "%s/%s", evidence_dir(), rel);
}

/* Reads a sample into a fresh buffer; when unreadable, prints why, fails a check and
 * returns NULL. */
static inline uint8_t *sample_read(const char *rel, size_t *ret_len)
{
	char path[4096];
	uint8_t *buf = NULL;
	int r;

	sample_path(rel, path, sizeof(path));
	r = file_read_all(path, 64u << 20, &buf, ret_len);
	if (r < 0)
		fprintf(stderr, "%s: %s\n", path, strerror(-r));
	CHECK(r == 0);
	return r < 0 ? NULL : buf;
}

/* Lowercase hex of b[0..n) in a static buffer (one use per expression). */
static inline const char *hexs(const uint8_t *b, size_t n)
{
	static char s[2 * 1024 + 1];

	if (n > 1024)
		n = 1024;
	hex_encode(b, n, s);
	return s;
}

#endif
