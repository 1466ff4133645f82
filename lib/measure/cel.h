/* SPDX-License-Identifier: Apache-2.0 */
/* CEL-JSON event records in the JSON-SEQ log systemd keeps at
 * /run/log/systemd/tpm2-measure.log, and systemd's protocol for appending to it.
 *
 * Format (RFC 7464 application/json-seq): every record is 0x1E, one JSON object, '\n'.
 * Records follow TCG CEL-JSON without "recnum" (systemd src/shared/tpm2-util.c
 * tpm2_userspace_log(); systemd-pcrextend(8) "Files").
 *
 * Protocol (same as systemd, so one log stays consistent across writers):
 *   open + flock(LOCK_EX) → check the sticky bit is clear (else a writer died
 *   mid-append and the log is incomplete) → extend the register → set the sticky bit →
 *   append the record → clear the sticky bit → unlock.
 * The record is written only after the extend succeeded. */
#ifndef CVM_CEL_H
#define CVM_CEL_H

#include <stddef.h>
#include <stdint.h>

#include "measure/digest.h"

#define CEL_LOG_PATH "/run/log/systemd/tpm2-measure.log"
#define CEL_LOG_MAX (4u * 1024 * 1024) /* what a reader accepts */
#define CEL_MAX_DIGESTS 4

enum cel_register {
	CEL_PCR,  /* "pcr": N */
	CEL_RTMR, /* "rtmr": N (TDX RTMR index, as systemd's cc-measure.log) */
};

struct cel_digest {
	enum digest_alg alg;
	uint8_t digest[DIGEST_MAX];
};

struct cel_record {
	enum cel_register reg;
	unsigned index;
	size_t n_digests;
	struct cel_digest digests[CEL_MAX_DIGESTS];
	const char *event_type; /* content.eventType, e.g. "cvm-workload" */
	const char *name;       /* content.name (optional) */
	const char *source;     /* content.source (optional) */
	const char *boot_id;    /* 32 lowercase hex digits (optional) */
	uint64_t timestamp_usec; /* CLOCK_BOOTTIME */
};

/* Formats one record as a single-line JSON object (no RS, no newline) into a fresh
 * NUL-terminated string. Returns 0, -EINVAL, -EILSEQ (a string is not UTF-8), -ENOMEM. */
int cel_record_format(const struct cel_record *rec, char **ret);

/* Opens (creating, mode 0600, parent directory 0755) and exclusively locks the log.
 * Returns the fd, -EBADMSG if the sticky "dirty" bit is set (an earlier writer died
 * mid-append: the log no longer matches the registers), or -errno. */
int cel_log_lock(const char *path);

/* Appends RS + json + '\n' under the sticky-bit protocol to a locked log fd.
 * Returns 0 or -errno (the sticky bit then stays set: the log is marked incomplete). */
int cel_log_append(int fd, const char *json);

/* Releases the lock and closes. */
void cel_log_unlock(int fd);

/* Splits a JSON-SEQ buffer into records. For each record calls cb with the JSON text
 * (without RS and the trailing newline); every record must be a JSON object.
 * Returns the number of records, -EBADMSG on framing or JSON errors, or cb's
 * negative return. */
int cel_log_split(const uint8_t *buf, size_t len,
		  int (*cb)(const char *json, size_t len, void *userdata), void *userdata);

/* /proc/sys/kernel/random/boot_id as 32 hex digits (what systemd writes). */
int cel_boot_id(char ret[33]);

#endif
