/* SPDX-License-Identifier: Apache-2.0 */
/* Crafted TCG2 crypto-agile firmware logs for tests: a SpecID header listing SHA-256
 * only, then TCG_PCR_EVENT2 records whose digest is 32 bytes of one fill value
 * (layouts: TCG PC Client Platform Firmware Profile §10.2, as lib/evidence/tcg_eventlog.h). */
#ifndef CVM_TCG_LOG_BUILD_H
#define CVM_TCG_LOG_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "evidence/tcg_eventlog.h"

struct log_builder {
	uint8_t b[2048];
	size_t n;
};

static inline void log_put_le(struct log_builder *l, uint32_t v, size_t bytes)
{
	for (size_t i = 0; i < bytes && l->n < sizeof(l->b); i++)
		l->b[l->n++] = (uint8_t)(v >> (8 * i));
}

static inline void log_put_bytes(struct log_builder *l, const void *p, size_t n)
{
	if (n <= sizeof(l->b) - l->n) {
		memcpy(l->b + l->n, p, n);
		l->n += n;
	}
}

/* Starts l with the SpecID header record (SHA-1 form): one algorithm, SHA-256. */
static inline void log_spec_id(struct log_builder *l)
{
	static const uint8_t zero[20];

	memset(l, 0, sizeof(*l));
	log_put_le(l, 0, 4);
	log_put_le(l, EV_NO_ACTION, 4);
	log_put_bytes(l, zero, 20);
	log_put_le(l, 33, 4);
	log_put_bytes(l, "Spec ID Event03", 16);
	log_put_le(l, 0, 4);      /* platformClass */
	log_put_le(l, 0x0200, 4); /* minor 0, major 2, errata 0, uintnSize 2 */
	log_put_le(l, 1, 4);      /* numberOfAlgorithms */
	log_put_le(l, 0x000B, 2); /* sha256 */
	log_put_le(l, 32, 2);
	log_put_le(l, 0, 1);      /* vendorInfoSize */
}

/* One TCG_PCR_EVENT2 whose SHA-256 digest is 32 bytes of fill. */
static inline void log_event(struct log_builder *l, uint32_t pcr, uint32_t type, uint8_t fill,
			     const void *data, size_t n)
{
	uint8_t d[32];

	memset(d, fill, sizeof(d));
	log_put_le(l, pcr, 4);
	log_put_le(l, type, 4);
	log_put_le(l, 1, 4);
	log_put_le(l, 0x000B, 2);
	log_put_bytes(l, d, sizeof(d));
	log_put_le(l, (uint32_t)n, 4);
	log_put_bytes(l, data, n);
}

/* A measured event: PCR pcr extended with 32 bytes of fill. */
static inline void log_measure(struct log_builder *l, uint32_t pcr, uint8_t fill)
{
	log_event(l, pcr, EV_POST_CODE, fill, "x", 1);
}

/* A StartupLocality record (EV_NO_ACTION) of n bytes (17 is the real size). */
static inline void log_startup_locality(struct log_builder *l, uint32_t pcr, uint8_t locality, size_t n)
{
	uint8_t data[17] = "StartupLocality";

	data[16] = locality;
	log_event(l, pcr, EV_NO_ACTION, 0, data, n);
}

#endif
