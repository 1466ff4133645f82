/* SPDX-License-Identifier: Apache-2.0 */
/* Firmware event logs: TCG PC Client "crypto-agile" logs (TCG2, EFI_TCG2_EVENT_LOG_
 * FORMAT_TCG_2), legacy SHA-1 logs (TCG 1.2 TCG_PCR_EVENT records) and the TDX CCEL
 * log (same framing, SHA-384 only, MR index 1..4 = RTMR0..3 instead of a PCR).
 * All little-endian. Layouts: TCG PC Client Platform Firmware Profile 1.05 §10.2
 * (TCG_PCR_EVENT, TCG_PCR_EVENT2, TCG_EfiSpecIDEvent); Linux include/linux/
 * tpm_eventlog.h; edk2 MdePkg/Include/Protocol/CcMeasurement.h (CC_EVENT) and
 * OvmfPkg/Tcg/TdTcg2Dxe SetupCcEventLog (SpecID header PCRIndex 1, 0xFF fill).
 *
 * Iterating yields events that point into the caller's buffer; tcg_log_replay()
 * extends every register through lib/measure/digest (the one extend rule). */
#ifndef CVM_TCG_EVENTLOG_H
#define CVM_TCG_EVENTLOG_H

#include <stddef.h>
#include <stdint.h>

#include "measure/digest.h"

#define TCG_LOG_MAX_SIZE (16u * 1024 * 1024)
#define TCG_MAX_ALGS 5 /* SpecID tables list at most sha1, sha256, sha384, sha512, sm3 */
#define TCG_NUM_PCRS 24
#define TCG_NUM_RTMRS 4

#define EV_PREBOOT_CERT 0x0
#define EV_POST_CODE 0x1
#define EV_NO_ACTION 0x3
#define EV_SEPARATOR 0x4
#define EV_ACTION 0x5
#define EV_EVENT_TAG 0x6
#define EV_S_CRTM_CONTENTS 0x7
#define EV_S_CRTM_VERSION 0x8
#define EV_IPL 0xD
#define EV_EFI_VARIABLE_DRIVER_CONFIG 0x80000001u
#define EV_EFI_VARIABLE_BOOT 0x80000002u
#define EV_EFI_BOOT_SERVICES_APPLICATION 0x80000003u
#define EV_EFI_ACTION 0x80000007u
#define EV_EFI_VARIABLE_BOOT2 0x8000000Cu
#define EV_EFI_VARIABLE_AUTHORITY 0x800000E0u

enum tcg_log_format {
	TCG_LOG_AUTO = 0,
	TCG_LOG_SHA1,         /* TCG 1.2 style: every record a TCG_PCR_EVENT */
	TCG_LOG_CRYPTO_AGILE, /* SpecID header, then TCG_PCR_EVENT2 records */
	TCG_LOG_CCEL,         /* crypto-agile framing, SHA-384, MR index 1..4 */
};

struct tcg_digest {
	uint16_t alg; /* TPM_ALG_ID */
	const uint8_t *d;
	size_t len;
};

struct tcg_event {
	size_t offset;   /* of the record in the log */
	uint32_t index;  /* PCR, or (CCEL) CC MR index: 1..4 = RTMR0..3 */
	uint32_t type;
	size_t n_digests;
	struct tcg_digest digests[TCG_MAX_ALGS];
	const uint8_t *data;
	size_t data_len;
};

struct tcg_log {
	enum tcg_log_format format;
	size_t n_algs;        /* from the SpecID event (SHA-1 only for legacy logs) */
	uint16_t algs[TCG_MAX_ALGS];
	uint16_t alg_sizes[TCG_MAX_ALGS];
	const uint8_t *buf;
	size_t len;
	size_t pos;           /* next record */
	int header_pending;   /* the SpecID event has not been returned yet */
};

/* Recognises the format (or checks the one asked for) and prepares iteration.
 * Returns 0, -EINVAL (empty, too large, or not the format asked for) or -EBADMSG
 * (malformed SpecID event: unknown algorithm size, too many algorithms). */
int tcg_log_open(const uint8_t *buf, size_t len, enum tcg_log_format want, struct tcg_log *ret);

/* Next event (the SpecID header event first, as an EV_NO_ACTION in SHA-1 form).
 * Returns 1 with *ret filled, 0 at the end of the log (end of buffer, or only 0x00
 * or 0xFF fill left), -EBADMSG for a malformed record (then stop). */
int tcg_log_next(struct tcg_log *log, struct tcg_event *ret);

/* Register values after replaying a whole log. Banks follow log->algs (CCEL: one
 * SHA-384 bank with RTMR0..3 in reg[0][0..3]). */
struct tcg_replay {
	enum tcg_log_format format;
	size_t n_banks;
	enum digest_alg bank_alg[TCG_MAX_ALGS];
	uint16_t bank_tpm_alg[TCG_MAX_ALGS];
	uint8_t reg[TCG_MAX_ALGS][TCG_NUM_PCRS][DIGEST_MAX];
	uint32_t extended[TCG_MAX_ALGS]; /* bit i: register i was extended at least once */
	size_t n_events;
};

/* Replays every measured event: reg = H(reg || digest) per bank, skipping
 * EV_NO_ACTION, starting from zero except PCR 0 after a StartupLocality event
 * (PC Client FP spec §10.4.5.3: the last byte is the locality). Returns 0,
 * -EBADMSG (malformed record, PCR/MR index out of range, a digest for an algorithm
 * the SpecID does not list, a bank missing from an event, or a StartupLocality
 * record that is not PCR 0's only one, 17 bytes, before PCR 0's first extend — a
 * later one would hide the PCR 0 events before it), -EOPNOTSUPP (a bank
 * lib/measure/digest cannot compute) or -EIO. */
int tcg_log_replay(const uint8_t *buf, size_t len, enum tcg_log_format want, struct tcg_replay *ret);

/* "EV_SEPARATOR", … or NULL for an unknown type. */
const char *tcg_event_type_name(uint32_t type);

/* A one-line human description of the event data where the type is standard
 * (strings, UEFI variable names, Linux event tags, SpecID/StartupLocality),
 * printable ASCII only, truncated to fit; "" otherwise. */
void tcg_event_describe(const struct tcg_event *ev, char *out, size_t size);

const char *tcg_log_format_name(enum tcg_log_format f);

#endif
