/* SPDX-License-Identifier: Apache-2.0 */
/* Reading and replaying CEL-JSON logs: systemd's /run/log/systemd/tpm2-measure.log
 * (JSON-SEQ, records with "pcr"), its cc-measure.log variant (records with "rtmr"),
 * and the "event_log" array of a measure-agent evidence document (the same records,
 * verbatim). The writer side is lib/measure/cel.h; record shape in measure-agent/EVIDENCE.md.
 *
 * Replay extends, per record and per listed digest, the named register in that
 * digest's bank with lib/measure/digest's rule, from all zeroes — the same extends the agent
 * and systemd made, in file order. Records for NvPCRs ("nv_index") are counted and
 * skipped: they do not touch PCRs. */
#ifndef CVM_CEL_READ_H
#define CVM_CEL_READ_H

#include <stddef.h>
#include <stdint.h>

#include "measure/cel.h"
#include "measure/digest.h"
#include "util/json.h"

#define CEL_NUM_PCRS 24
#define CEL_NUM_RTMRS 4
#define CEL_NUM_BANKS 4 /* indexed by enum digest_alg */

struct cel_replay {
	uint8_t pcr[CEL_NUM_BANKS][CEL_NUM_PCRS][DIGEST_MAX];
	uint32_t pcr_extended[CEL_NUM_BANKS]; /* bit i: PCR i extended in that bank */
	uint8_t rtmr[CEL_NUM_RTMRS][SHA384_LEN];
	uint32_t rtmr_extended;
	size_t n_records;
	size_t n_skipped; /* nv_index records */
};

/* Parses one record object. Exactly one of "pcr" (0..23) and "rtmr" (0..3) must be
 * present, "digests" must be a non-empty array of {"hashAlg","digest"} with known
 * algorithms, full-length lowercase or uppercase hex and no algorithm twice; RTMR
 * records carry exactly one sha384 digest. content.eventType/name/source/bootId are
 * borrowed from obj if present. Returns 0, -EOPNOTSUPP for an "nv_index" record, or
 * -EBADMSG. */
int cel_record_parse(const struct json_value *obj, struct cel_record *ret);

void cel_replay_init(struct cel_replay *rp);

/* Applies one record. Returns 0 or -EIO. */
int cel_replay_record(struct cel_replay *rp, const struct cel_record *rec);

/* Replays a JSON-SEQ buffer (RS-separated records) or an evidence "event_log" array.
 * On -EBADMSG, *ret_bad_record (if given) is the 0-based record number at fault.
 * *ret is written only on success. */
int cel_replay_seq(const uint8_t *buf, size_t len, struct cel_replay *ret, size_t *ret_bad_record);
int cel_replay_array(const struct json_value *arr, struct cel_replay *ret, size_t *ret_bad_record);

#endif
