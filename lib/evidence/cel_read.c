/* SPDX-License-Identifier: Apache-2.0 */
/* CEL-JSON record reader and replay; see cel_read.h. */
#include "evidence/cel_read.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/hex.h"

static int get_index(const struct json_value *v, unsigned max, unsigned *ret)
{
	uint64_t n;

	if (!v || json_uint64(v, &n) < 0 || n >= max)
		return -EBADMSG;
	*ret = (unsigned)n;
	return 0;
}

int cel_record_parse(const struct json_value *obj, struct cel_record *ret)
{
	const struct json_value *pcr, *rtmr, *digests, *content;
	struct cel_record rec;
	size_t n;

	if (!obj || json_type(obj) != JSON_OBJECT)
		return -EBADMSG;
	memset(&rec, 0, sizeof(rec));
	pcr = json_get(obj, "pcr");
	rtmr = json_get(obj, "rtmr");
	if (!pcr && !rtmr && json_get(obj, "nv_index"))
		return -EOPNOTSUPP;
	if (!!pcr == !!rtmr)
		return -EBADMSG;
	if (pcr) {
		rec.reg = CEL_PCR;
		if (get_index(pcr, CEL_NUM_PCRS, &rec.index) < 0)
			return -EBADMSG;
	} else {
		rec.reg = CEL_RTMR;
		if (get_index(rtmr, CEL_NUM_RTMRS, &rec.index) < 0)
			return -EBADMSG;
	}

	digests = json_get(obj, "digests");
	if (!digests || json_type(digests) != JSON_ARRAY)
		return -EBADMSG;
	n = json_array_len(digests);
	if (n == 0 || n > CEL_MAX_DIGESTS)
		return -EBADMSG;
	for (size_t i = 0; i < n; i++) {
		const struct json_value *d = json_array_at(digests, i);
		const char *alg_name = json_get_string(d, "hashAlg");
		const char *hex = json_get_string(d, "digest");
		enum digest_alg alg;

		if (!alg_name || !hex || digest_from_name(alg_name, &alg) < 0)
			return -EBADMSG;
		for (size_t j = 0; j < i; j++)
			if (rec.digests[j].alg == alg)
				return -EBADMSG;
		if (hex_decode_exact(hex, rec.digests[i].digest, digest_len(alg)) < 0)
			return -EBADMSG;
		rec.digests[i].alg = alg;
	}
	rec.n_digests = n;
	/* An RTMR is a SHA-384 register: any other digest would be meaningless. */
	if (rec.reg == CEL_RTMR && (n != 1 || rec.digests[0].alg != DIGEST_SHA384))
		return -EBADMSG;

	content = json_get(obj, "content");
	if (content && json_type(content) == JSON_OBJECT) {
		const struct json_value *ts = json_get(content, "timestamp");

		rec.event_type = json_get_string(content, "eventType");
		rec.name = json_get_string(content, "name");
		rec.source = json_get_string(content, "source");
		rec.boot_id = json_get_string(content, "bootId");
		if (ts)
			(void)json_uint64(ts, &rec.timestamp_usec);
	}
	*ret = rec;
	return 0;
}

void cel_replay_init(struct cel_replay *rp)
{
	memset(rp, 0, sizeof(*rp));
}

int cel_replay_record(struct cel_replay *rp, const struct cel_record *rec)
{
	int r;

	for (size_t i = 0; i < rec->n_digests; i++) {
		const struct cel_digest *d = &rec->digests[i];

		if (rec->reg == CEL_RTMR) {
			r = digest_extend(DIGEST_SHA384, rp->rtmr[rec->index], d->digest);
			rp->rtmr_extended |= UINT32_C(1) << rec->index;
		} else {
			r = digest_extend(d->alg, rp->pcr[d->alg][rec->index], d->digest);
			rp->pcr_extended[d->alg] |= UINT32_C(1) << rec->index;
		}
		if (r < 0)
			return r;
	}
	rp->n_records++;
	return 0;
}

static int apply(struct cel_replay *rp, const struct json_value *obj)
{
	struct cel_record rec;
	int r = cel_record_parse(obj, &rec);

	if (r == -EOPNOTSUPP) {
		rp->n_records++;
		rp->n_skipped++;
		return 0;
	}
	if (r < 0)
		return r;
	return cel_replay_record(rp, &rec);
}

int cel_replay_array(const struct json_value *arr, struct cel_replay *ret, size_t *ret_bad_record)
{
	struct cel_replay *rp;
	int r = 0;

	if (!arr || json_type(arr) != JSON_ARRAY)
		return -EBADMSG;
	rp = malloc(sizeof(*rp));
	if (!rp)
		return -ENOMEM;
	cel_replay_init(rp);
	for (size_t i = 0; i < json_array_len(arr); i++) {
		r = apply(rp, json_array_at(arr, i));
		if (r < 0) {
			if (ret_bad_record)
				*ret_bad_record = i;
			break;
		}
	}
	if (r == 0)
		*ret = *rp;
	free(rp);
	return r;
}

struct seq_state {
	struct cel_replay *rp;
	size_t index;
};

static int seq_cb(const char *json, size_t len, void *userdata)
{
	struct seq_state *st = userdata;
	struct json_value *v = NULL;
	int r;

	r = json_parse(json, len, &v, NULL);
	if (r < 0)
		return -EBADMSG;
	r = apply(st->rp, v);
	json_free(v);
	if (r < 0)
		return r;
	st->index++;
	return 0;
}

int cel_replay_seq(const uint8_t *buf, size_t len, struct cel_replay *ret, size_t *ret_bad_record)
{
	struct seq_state st;
	int r;

	st.rp = malloc(sizeof(*st.rp));
	if (!st.rp)
		return -ENOMEM;
	cel_replay_init(st.rp);
	st.index = 0;
	r = cel_log_split(buf, len, seq_cb, &st);
	if (r >= 0) {
		*ret = *st.rp;
		r = 0;
	} else if (ret_bad_record) {
		*ret_bad_record = st.index;
	}
	free(st.rp);
	return r;
}
