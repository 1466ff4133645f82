/* SPDX-License-Identifier: Apache-2.0 */
/* The cvmforge reference-values document, version 1 (reference/FORMAT.md): one
 * in-memory model, a deterministic writer (cvm-reference image) and a strict reader
 * (cvm-reference verify). Unknown keys are refused except inside "assumptions". */
#ifndef CVM_REFDOC_H
#define CVM_REFDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define REFDOC_VERSION 1
#define REFDOC_KIND "cvmforge-reference-values"

#define REFDOC_NAME_MAX 64      /* file names, roles, cpu types (incl. NUL) */
#define REFDOC_TEXT_MAX 256     /* assumption values, stub version */
#define REFDOC_CMDLINE_MAX 4097
#define REFDOC_MAX_INPUTS 16
#define REFDOC_MAX_SECTIONS 16
#define REFDOC_MAX_EVENTS 48
#define REFDOC_MAX_ASSUMPTIONS 16
#define REFDOC_MAX_MRTD 4
#define REFDOC_MAX_SNP 1024
#define REFDOC_PCRS 24
#define REFDOC_MAX_PHASES 9 /* PCR 11 after 0..8 systemd boot phases */

struct refdoc_file {
	char role[REFDOC_NAME_MAX];
	char file[REFDOC_NAME_MAX];
	uint64_t size;
	uint8_t sha256[32];
	uint8_t sha384[48];
};

struct refdoc_section {
	char name[9];
	uint64_t size;
	uint8_t sha256[32];
};

struct refdoc_event {
	uint32_t pcr;
	char type[REFDOC_NAME_MAX];
	char what[REFDOC_NAME_MAX];
	uint8_t digest[48];
};

struct refdoc_assumptions {
	size_t n;
	char key[REFDOC_MAX_ASSUMPTIONS][REFDOC_NAME_MAX];
	char value[REFDOC_MAX_ASSUMPTIONS][REFDOC_TEXT_MAX];
};

struct refdoc_events {
	size_t n;
	struct refdoc_event ev[REFDOC_MAX_EVENTS];
};

struct refdoc {
	int version;

	/* image */
	struct {
		char file[REFDOC_NAME_MAX];
		uint64_t size;
		uint8_t sha256[32];
		uint8_t authenticode_sha256[32];
		uint8_t authenticode_sha384[48];
		char stub[REFDOC_TEXT_MAX];
		size_t n_sections;
		struct refdoc_section sections[REFDOC_MAX_SECTIONS];
	} uki;
	struct {
		uint64_t size;
		uint8_t sha256[32];
		uint8_t authenticode_sha256[32];
		uint8_t authenticode_sha384[48];
	} kernel;
	char cmdline[REFDOC_CMDLINE_MAX];
	bool has_roothash;
	char roothash[129];

	size_t n_inputs;
	struct refdoc_file inputs[REFDOC_MAX_INPUTS];

	bool has_vtpm;
	struct refdoc_assumptions vtpm_assumptions;
	uint32_t pcr_mask; /* bit n set: PCR n present in both banks */
	uint8_t pcr_sha256[REFDOC_PCRS][32];
	uint8_t pcr_sha384[REFDOC_PCRS][48];
	struct refdoc_events events_sha256, events_sha384;
	/* PCR 11 after each prefix of the boot phases (first entry: none). */
	size_t n_pcr11_phases;
	struct {
		char phases[REFDOC_TEXT_MAX]; /* "enter-initrd:leave-initrd" */
		uint8_t sha256[32];
		uint8_t sha384[48];
	} pcr11_phases[REFDOC_MAX_PHASES];

	bool has_tdx;
	struct refdoc_assumptions tdx_assumptions;
	size_t n_mrtd;
	struct {
		char firmware[REFDOC_NAME_MAX];
		char order[REFDOC_NAME_MAX];
		uint8_t value[48];
	} mrtd[REFDOC_MAX_MRTD];
	uint8_t rtmr1[48], rtmr2[48];
	struct refdoc_events events_rtmr1, events_rtmr2;

	bool has_snp;
	struct refdoc_assumptions snp_assumptions;
	uint8_t snp_kernel_sha256[32], snp_initrd_sha256[32], snp_cmdline_sha256[32];
	uint64_t snp_guest_features;
	size_t n_snp;
	struct {
		unsigned vcpus;
		char cpu_type[REFDOC_NAME_MAX];
		uint8_t value[48];
	} snp[REFDOC_MAX_SNP];
};

/* Sets one assumption; returns -E2BIG when full or a string is too long. */
int refdoc_assume(struct refdoc_assumptions *a, const char *key, const char *value);

/* Writes the document (reference/FORMAT.md layout, deterministic) and flushes f.
 * Returns 0, -EIO (a write failed) or -EILSEQ (a string in d is not valid UTF-8). */
int refdoc_write(FILE *f, const struct refdoc *d);

/* Parses text[0..len) into *ret (caller-allocated; large, use the heap).
 * Returns 0, -EINVAL (malformed JSON or a field missing, of the wrong type, with a
 * bad hex length, or an unknown key), -EPROTONOSUPPORT (version or kind unknown),
 * -E2BIG (more entries than the limits above), -ENOMEM. On failure, if err is not
 * NULL, a short reason naming the field is written to err[errlen]. */
int refdoc_parse(const char *text, size_t len, struct refdoc *ret, char *err, size_t errlen);

/* The expected PCR value from a parsed document: alg_len 32 or 48. Returns a pointer
 * into d or NULL when the document does not predict that PCR. */
const uint8_t *refdoc_pcr(const struct refdoc *d, unsigned pcr, size_t alg_len);

#endif
