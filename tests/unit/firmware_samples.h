/* SPDX-License-Identifier: Apache-2.0 */
/* Locating firmware inputs for the SNP / TDX measurement tests:
 *   - tests/data/ovmf_AmdSev_suffix.bin (origin in its README; override the
 *     directory with CVM_TESTDATA_DIR);
 *   - Debian sid's OVMF.amdsev.fd / OVMF.inteltdx.ms.fd (packages ovmf-amdsev,
 *     ovmf-inteltdx), unpacked by scripts/host-setup under
 *     /var/lib/cvmforge/firmware/root/usr/share/ovmf (override: CVM_FIRMWARE_DIR).
 * A missing input is a test failure, not a skip: they are part of the project set-up. */
#ifndef CVM_FIRMWARE_SAMPLES_H
#define CVM_FIRMWARE_SAMPLES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"
#include "util/hex.h"
#include "boot/ovmf.h"

static inline uint8_t *fw_read(const char *env, const char *def, const char *name, size_t *ret_len)
{
	const char *d = getenv(env);
	char path[4096];
	uint8_t *buf = NULL;
	int r;

	snprintf(path, sizeof(path), "%s/%s", d && *d ? d : def, name);
	r = file_read_all(path, OVMF_MAX_SIZE, &buf, ret_len);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(-r));
		return NULL;
	}
	return buf;
}

static inline uint8_t *testdata_read(const char *name, size_t *ret_len)
{
	return fw_read("CVM_TESTDATA_DIR", "tests/data", name, ret_len);
}

static inline uint8_t *firmware_read(const char *name, size_t *ret_len)
{
	return fw_read("CVM_FIRMWARE_DIR", "/var/lib/cvmforge/firmware/root/usr/share/ovmf", name,
		       ret_len);
}

/* Compares a 48-byte digest with its hex spelling; prints both on mismatch. */
static inline int digest_is(const uint8_t *d, const char *hex)
{
	char got[2 * 48 + 1];

	hex_encode(d, 48, got);
	if (strcmp(got, hex) == 0)
		return 1;
	fprintf(stderr, "  got  %s\n  want %s\n", got, hex);
	return 0;
}

#endif
