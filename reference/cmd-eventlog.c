/* SPDX-License-Identifier: Apache-2.0 */
/* cvm-reference eventlog: replay a firmware event log (TCG2 crypto-agile, legacy
 * SHA-1, TDX CCEL) or a CEL-JSON log (systemd / measure-agent JSON-SEQ, or an
 * evidence document's "event_log" array), list its events and print the register
 * values it produces. Replay uses lib/evidence/tcg_eventlog and lib/evidence/cel_read, which extend
 * through lib/measure/digest: the same rule the agent and the firmware use. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence/cel_read.h"
#include "commands.h"
#include "options.h"
#include "util/file.h"
#include "util/hex.h"
#include "util/json.h"
#include "util/json_write.h"
#include "evidence/tcg_eventlog.h"
#include "evidence/tpm_attest.h"

#define EVENTLOG_MAX TCG_LOG_MAX_SIZE

static void put_hex(const uint8_t *b, size_t n)
{
	char h[2 * DIGEST_MAX + 1];

	hex_encode(b, n, h);
	fputs(h, stdout);
}

/* The JSON form (--json): one member per line, each event and each bank's registers
 * on one line; empty lists still span two lines. */
#define EVENTLOG_JSON_STYLE JSON_OPEN_EMPTY

/* ---- firmware logs ---- */

/* w: the JSON writer, or NULL for text. */
static void tcg_print_header(const struct tcg_log *log, struct json_writer *w)
{
	if (w) {
		json_write_object(w, NULL, JSON_BLOCK);
		json_write_string(w, "format", tcg_log_format_name(log->format));
		json_write_array(w, "events", JSON_BLOCK);
	} else {
		printf("format %s, banks", tcg_log_format_name(log->format));
		for (size_t b = 0; b < log->n_algs; b++)
			printf(" %s", tpm_alg_name(log->algs[b]) ? tpm_alg_name(log->algs[b]) : "?");
		printf("\n");
	}
}

static void tcg_print_event_json(struct json_writer *w, const struct tcg_event *ev, size_t n, int ccel,
				 const char *tn, const char *desc)
{
	char type[16];

	json_write_object(w, NULL, JSON_LINE);
	json_write_uint(w, "n", n);
	json_write_uint(w, ccel ? "mr_index" : "pcr", ev->index);
	snprintf(type, sizeof(type), "0x%08x", ev->type);
	json_write_string(w, "type", tn ? tn : type);
	json_write_object(w, "digests", JSON_LINE);
	for (size_t i = 0; i < ev->n_digests; i++) {
		const char *an = tpm_alg_name(ev->digests[i].alg);

		json_write_hex(w, an ? an : "unknown", ev->digests[i].d, ev->digests[i].len);
	}
	json_write_end(w);
	json_write_string(w, "description", desc);
	json_write_end(w);
}

/* One line: number, register, type, the digest of bank pref_alg (or the only one). */
static void tcg_print_event_text(const struct tcg_event *ev, size_t n, int ccel, uint16_t pref_alg,
				 const char *tn, const char *desc)
{
	char reg[16];

	if (ccel)
		snprintf(reg, sizeof(reg), ev->index >= 1 && ev->index <= 4 ? "RTMR%u" : "MR%u",
			 ev->index >= 1 && ev->index <= 4 ? ev->index - 1 : ev->index);
	else
		snprintf(reg, sizeof(reg), "PCR%u", ev->index);
	printf("%4zu %-6s %-32s ", n, reg, tn ? tn : "?");
	for (size_t i = 0; i < ev->n_digests; i++)
		if (ev->digests[i].alg == pref_alg || ev->n_digests == 1)
			put_hex(ev->digests[i].d, ev->digests[i].len);
	printf("%s%s\n", desc[0] ? "  " : "", desc);
}

/* Lists every event; returns 0 or the log's parse error. */
static int tcg_print_events(struct tcg_log *log, struct json_writer *w)
{
	struct tcg_event ev;
	size_t n = 0, pref = 0;
	int r, ccel = log->format == TCG_LOG_CCEL;

	/* Text output shows one digest per event: SHA-256 if the log has it. */
	for (size_t b = 0; b < log->n_algs; b++)
		if (log->algs[b] == TPM_ALG_SHA256)
			pref = b;
	while ((r = tcg_log_next(log, &ev)) > 0) {
		char desc[160];
		const char *tn = tcg_event_type_name(ev.type);

		tcg_event_describe(&ev, desc, sizeof(desc));
		if (w)
			tcg_print_event_json(w, &ev, n, ccel, tn, desc);
		else
			tcg_print_event_text(&ev, n, ccel, log->algs[pref], tn, desc);
		n++;
	}
	return r < 0 ? r : 0;
}

static void tcg_print_registers(const struct tcg_replay *rp, int ccel, struct json_writer *w)
{
	if (w) {
		json_write_end(w); /* events */
		json_write_object(w, "registers", JSON_BLOCK);
	} else if (rp->n_banks == 0) {
		printf("registers not computed: the log uses a hash algorithm this tool cannot replay\n");
	} else {
		printf("registers after %zu measured events:\n", rp->n_events);
	}
	for (size_t b = 0; b < rp->n_banks; b++) {
		if (w)
			json_write_object(w, digest_name(rp->bank_alg[b]), JSON_LINE);
		for (unsigned i = 0; i < (ccel ? TCG_NUM_RTMRS : TCG_NUM_PCRS); i++) {
			char key[16];

			if (!(rp->extended[b] >> i & 1))
				continue;
			if (w) {
				snprintf(key, sizeof(key), "%s%u", ccel ? "rtmr" : "", i);
				json_write_hex(w, key, rp->reg[b][i], digest_len(rp->bank_alg[b]));
				continue;
			}
			printf("  %-7s %s%-2u ", digest_name(rp->bank_alg[b]), ccel ? "RTMR" : "PCR", i);
			put_hex(rp->reg[b][i], digest_len(rp->bank_alg[b]));
			printf("\n");
		}
		if (w)
			json_write_end(w);
	}
	if (w) {
		json_write_end(w); /* registers */
		json_write_end(w); /* the document */
	}
}

static int show_tcg(const uint8_t *buf, size_t len, enum tcg_log_format fmt, int json)
{
	struct tcg_replay *rp = malloc(sizeof(*rp));
	struct json_writer jw, *w = NULL;
	struct tcg_log log;
	int r;

	if (!rp)
		return -ENOMEM;
	/* Replay first, so a malformed log fails before anything is printed. A bank
	 * lib/measure/digest cannot hash (SM3) still lets the events be listed. */
	r = tcg_log_replay(buf, len, fmt, rp);
	if (r == -EOPNOTSUPP) {
		memset(rp, 0, sizeof(*rp));
		r = 0;
	}
	if (r == 0)
		r = tcg_log_open(buf, len, fmt, &log);
	if (r == 0 && json) {
		w = &jw;
		json_writer_to_file(w, stdout, EVENTLOG_JSON_STYLE);
	}
	if (r == 0) {
		tcg_print_header(&log, w);
		r = tcg_print_events(&log, w);
	}
	if (r == 0)
		tcg_print_registers(rp, log.format == TCG_LOG_CCEL, w);
	if (r == 0 && w)
		r = json_writer_finish(w); /* a failed write is an error, not a short document */
	free(rp);
	return r;
}

/* ---- CEL-JSON ---- */

struct cel_show {
	int json;
	struct json_writer w; /* when json */
	size_t n;
	struct cel_replay rp;
};

static void json_cel_record(struct cel_show *st, const struct cel_record *rec, const char *ct,
			    const char *what)
{
	struct json_writer *w = &st->w;

	json_write_object(w, NULL, JSON_LINE);
	json_write_uint(w, "n", st->n);
	json_write_uint(w, rec->reg == CEL_RTMR ? "rtmr" : "pcr", rec->index);
	json_write_string(w, "content_type", ct ? ct : "");
	json_write_object(w, "digests", JSON_LINE);
	for (size_t i = 0; i < rec->n_digests; i++)
		json_write_hex(w, digest_name(rec->digests[i].alg), rec->digests[i].digest,
			       digest_len(rec->digests[i].alg));
	json_write_end(w);
	json_write_string(w, "description", what ? what : "");
	json_write_end(w);
}

static int cel_show_record(const struct json_value *obj, struct cel_show *st)
{
	struct cel_record rec;
	const struct json_value *content;
	const char *ct = json_get_string(obj, "content_type");
	const char *what = NULL;
	int r;

	r = cel_record_parse(obj, &rec);
	if (r == -EOPNOTSUPP) { /* NvPCR record: listed, not replayed */
		if (st->json) {
			json_write_object(&st->w, NULL, JSON_LINE);
			json_write_uint(&st->w, "n", st->n);
			json_write_bool(&st->w, "nv_index", true);
			json_write_end(&st->w);
		} else
			printf("%4zu NvPCR  (not a PCR; skipped)\n", st->n);
		st->n++;
		st->rp.n_records++;
		st->rp.n_skipped++;
		return 0;
	}
	if (r < 0)
		return r;
	r = cel_replay_record(&st->rp, &rec);
	if (r < 0)
		return r;
	content = json_get(obj, "content");
	what = rec.event_type ? rec.event_type : json_get_string(content, "string");
	if (st->json) {
		json_cel_record(st, &rec, ct, what);
	} else {
		printf("%4zu %s%-2u %-10s ", st->n, rec.reg == CEL_RTMR ? "RTMR" : "PCR", rec.index, ct ? ct : "-");
		for (size_t i = 0; i < rec.n_digests; i++) {
			printf("%s%s:", i ? " " : "", digest_name(rec.digests[i].alg));
			put_hex(rec.digests[i].digest, digest_len(rec.digests[i].alg));
		}
		printf("%s%s%s%s\n", what ? "  " : "", what ? what : "", rec.name ? " " : "", rec.name ? rec.name : "");
	}
	st->n++;
	return 0;
}

static int cel_seq_cb(const char *text, size_t len, void *userdata)
{
	struct json_value *v = NULL;
	int r;

	if (json_parse(text, len, &v, NULL) < 0)
		return -EBADMSG;
	r = cel_show_record(v, userdata);
	json_free(v);
	return r;
}

static void cel_print_registers(struct cel_show *st)
{
	if (st->json) {
		json_write_end(&st->w);
		json_write_object(&st->w, "registers", JSON_BLOCK);
	} else {
		printf("registers after %zu records (%zu NvPCR records skipped), from zero:\n", st->rp.n_records,
		       st->rp.n_skipped);
	}
	for (int b = 0; b < CEL_NUM_BANKS; b++) {
		if (!st->rp.pcr_extended[b])
			continue;
		if (st->json)
			json_write_object(&st->w, digest_name((enum digest_alg)b), JSON_LINE);
		for (unsigned i = 0; i < CEL_NUM_PCRS; i++) {
			char key[16];

			if (!(st->rp.pcr_extended[b] >> i & 1))
				continue;
			if (st->json) {
				snprintf(key, sizeof(key), "%u", i);
				json_write_hex(&st->w, key, st->rp.pcr[b][i], digest_len((enum digest_alg)b));
				continue;
			}
			printf("  %-7s PCR%-2u ", digest_name((enum digest_alg)b), i);
			put_hex(st->rp.pcr[b][i], digest_len((enum digest_alg)b));
			printf("\n");
		}
		if (st->json)
			json_write_end(&st->w);
	}
	if (st->rp.rtmr_extended) {
		if (st->json)
			json_write_object(&st->w, "rtmr", JSON_LINE);
		for (unsigned i = 0; i < CEL_NUM_RTMRS; i++) {
			char key[16];

			if (!(st->rp.rtmr_extended >> i & 1))
				continue;
			if (st->json) {
				snprintf(key, sizeof(key), "rtmr%u", i);
				json_write_hex(&st->w, key, st->rp.rtmr[i], SHA384_LEN);
				continue;
			}
			printf("  sha384  RTMR%u ", i);
			put_hex(st->rp.rtmr[i], SHA384_LEN);
			printf("\n");
		}
		if (st->json)
			json_write_end(&st->w);
	}
	if (st->json) {
		json_write_end(&st->w);
		json_write_end(&st->w);
	}
}

static int show_cel(const uint8_t *buf, size_t len, int json)
{
	struct cel_show *st = calloc(1, sizeof(*st));
	struct json_value *doc = NULL;
	const struct json_value *arr = NULL;
	int r = 0;

	if (!st)
		return -ENOMEM;
	st->json = json;
	if (json) {
		json_writer_to_file(&st->w, stdout, EVENTLOG_JSON_STYLE);
		json_write_object(&st->w, NULL, JSON_BLOCK);
		json_write_string(&st->w, "format", "cel-json");
		json_write_array(&st->w, "events", JSON_BLOCK);
	} else
		printf("format cel-json\n");
	if (len > 0 && buf[0] == 0x1E) {
		r = cel_log_split(buf, len, cel_seq_cb, st);
	} else {
		/* A JSON array of records, or an evidence document with "event_log". */
		if (json_parse((const char *)buf, len, &doc, NULL) < 0) {
			r = -EBADMSG;
		} else {
			arr = json_type(doc) == JSON_ARRAY ? doc : json_get(doc, "event_log");
			if (!arr || json_type(arr) != JSON_ARRAY)
				r = -EBADMSG;
			for (size_t i = 0; r == 0 && i < json_array_len(arr); i++)
				r = cel_show_record(json_array_at(arr, i), st);
		}
	}
	if (r >= 0) {
		cel_print_registers(st);
		r = json ? json_writer_finish(&st->w) : 0;
	} else if (json) {
		printf("\n"); /* end the line of the document given up half-way */
	}
	json_free(doc);
	free(st);
	return r;
}

static const char usage[] = "usage: cvm-reference eventlog [--json] [--format auto|tcg2|sha1|ccel|cel] FILE\n";

int cmd_eventlog(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		OPTIONS_END,
	};
	enum tcg_log_format fmt = TCG_LOG_AUTO;
	int json = 0, cel = -1, c, r;
	uint8_t *buf = NULL;
	size_t len;

	while ((c = next_option(argc, argv, "jf:h", opts, usage, &r)) > 0)
		switch (c) {
		case 'j': json = 1; break;
		case 'f':
			if (strcmp(optarg, "auto") == 0) { fmt = TCG_LOG_AUTO; cel = -1; }
			else if (strcmp(optarg, "tcg2") == 0) { fmt = TCG_LOG_CRYPTO_AGILE; cel = 0; }
			else if (strcmp(optarg, "sha1") == 0) { fmt = TCG_LOG_SHA1; cel = 0; }
			else if (strcmp(optarg, "ccel") == 0) { fmt = TCG_LOG_CCEL; cel = 0; }
			else if (strcmp(optarg, "cel") == 0) cel = 1;
			else
				return show_usage(usage, EXIT_USAGE);
			break;
		}
	if (c < 0)
		return r;
	if (optind + 1 != argc)
		return show_usage(usage, EXIT_USAGE);
	r = file_read_all(argv[optind], EVENTLOG_MAX, &buf, &len);
	if (r < 0) {
		fprintf(stderr, "cvm-reference: %s: %s\n", argv[optind],
			r == -EFBIG ? "larger than 16 MiB" : strerror(-r));
		return EXIT_INPUT;
	}
	/* JSON text (JSON-SEQ RS, an array or an object) cannot be a binary TCG log:
	 * those start with a little-endian PCR index 0..23 (or 1 for CCEL). */
	if (cel < 0)
		cel = len > 0 && (buf[0] == 0x1E || buf[0] == '[' || buf[0] == '{');
	fflush(stdout);
	r = cel ? show_cel(buf, len, json) : show_tcg(buf, len, fmt, json);
	free(buf);
	if (r == -EIO) /* from the JSON writer */
		return complain(EXIT_SYSTEM, "writing the output: %s", strerror(-r));
	if (r < 0) {
		fprintf(stderr, "cvm-reference: %s: %s\n", argv[optind],
			r == -EBADMSG ? "malformed event log" :
			r == -EINVAL ? "not an event log of the requested format" :
			r == -EOPNOTSUPP ? "the log uses a hash algorithm this tool cannot replay" : strerror(-r));
		return r == -ENOMEM || r == -EIO ? EXIT_SYSTEM : EXIT_INPUT;
	}
	return EXIT_OK;
}
