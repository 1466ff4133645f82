/* SPDX-License-Identifier: Apache-2.0 */
/* cvm-reference evidence show|verify: parse and verify an SNP report, a TDX quote or
 * a TPM2 quote (TPMS_ATTEST) offline. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "evidence.h"
#include "ev-options.h"
#include "options.h"
#include "util/file.h"
#include "util/hex.h"
#include "util/json_write.h"
#include "evidence/snp_report.h"
#include "evidence/tdx_quote.h"
#include "evidence/tpm_attest.h"

#define EVIDENCE_MAX (1024 * 1024)

/* ---- show ---- */

/* The fields of a report or quote, as "name  value" lines or, with --json, as one
 * JSON object with a member per line. */
struct out {
	int json;
	struct json_writer w; /* when json */
};

static void out_begin(struct out *o)
{
	if (o->json) {
		json_writer_to_file(&o->w, stdout, 0);
		json_write_object(&o->w, NULL, JSON_BLOCK);
	}
}

/* 0, or the JSON writer's error (a failed write). */
static int out_end(struct out *o)
{
	if (!o->json)
		return 0;
	json_write_end(&o->w);
	return json_writer_finish(&o->w);
}

static void out_hex(struct out *o, const char *key, const uint8_t *b, size_t n)
{
	char *h;

	if (o->json) {
		json_write_hex(&o->w, key, b, n);
		return;
	}
	h = malloc(2 * n + 1);
	if (!h)
		return;
	hex_encode(b, n, h);
	printf("%-16s %s\n", key, h);
	free(h);
}

static void out_str(struct out *o, const char *key, const char *s)
{
	if (o->json)
		json_write_string(&o->w, key, s);
	else
		printf("%-16s %s\n", key, s);
}

static void out_u64(struct out *o, const char *key, unsigned long long v)
{
	if (o->json)
		json_write_uint(&o->w, key, v);
	else
		printf("%-16s %llu\n", key, v);
}

static int show_snp(const struct snp_report *r, struct out *o)
{
	uint8_t tcb[8];

	out_begin(o);
	out_str(o, "type", "sev-snp");
	out_u64(o, "version", r->version);
	out_u64(o, "guest_svn", r->guest_svn);
	out_u64(o, "policy", r->policy);
	out_u64(o, "vmpl", r->vmpl);
	out_str(o, "signing_key", snp_signing_key_name(r->signing_key));
	out_hex(o, "report_data", r->report_data, 64);
	out_hex(o, "measurement", r->measurement, 48);
	out_hex(o, "host_data", r->host_data, 32);
	out_hex(o, "id_key_digest", r->id_key_digest, 48);
	out_hex(o, "report_id", r->report_id, 32);
	out_hex(o, "chip_id", r->chip_id, 64);
	/* TCB_VERSION as its 8 little-endian bytes, so the SPL bytes read left to right. */
	for (int i = 0; i < 8; i++)
		tcb[i] = (uint8_t)(r->reported_tcb >> (8 * i));
	out_hex(o, "reported_tcb", tcb, 8);
	out_hex(o, "family_id", r->family_id, 16);
	out_hex(o, "image_id", r->image_id, 16);
	return out_end(o);
}

static int show_tdx(const struct tdx_quote *q, struct out *o)
{
	out_begin(o);
	out_str(o, "type", "tdx");
	out_u64(o, "version", q->version);
	out_u64(o, "tee_type", q->tee_type);
	out_u64(o, "body_type", q->body_type);
	out_hex(o, "tee_tcb_svn", q->body.tee_tcb_svn, 16);
	out_hex(o, "mrseam", q->body.mrseam, 48);
	out_hex(o, "td_attributes", q->body.td_attributes, 8);
	out_hex(o, "xfam", q->body.xfam, 8);
	out_hex(o, "mrtd", q->body.mrtd, 48);
	out_hex(o, "mrconfigid", q->body.mrconfigid, 48);
	out_hex(o, "mrowner", q->body.mrowner, 48);
	out_hex(o, "mrownerconfig", q->body.mrownerconfig, 48);
	out_hex(o, "rtmr0", q->body.rtmr[0], 48);
	out_hex(o, "rtmr1", q->body.rtmr[1], 48);
	out_hex(o, "rtmr2", q->body.rtmr[2], 48);
	out_hex(o, "rtmr3", q->body.rtmr[3], 48);
	out_hex(o, "report_data", q->body.report_data, 64);
	if (q->body.tdx15)
		out_hex(o, "mrservicetd", q->body.mrservicetd, 48);
	return out_end(o);
}

static int show_tpm(const uint8_t *buf, size_t len, struct out *o)
{
	struct tpm_attest a;
	int e;

	e = tpm_attest_parse(buf, len, &a);
	if (e < 0)
		return e;
	out_begin(o);
	out_str(o, "type", "tpm-quote");
	out_hex(o, "qualified_signer", a.qualified_signer, a.qualified_signer_len);
	out_hex(o, "extra_data", a.extra_data, a.extra_data_len);
	/* pcr_select: {"sha256": [0, 1, …], …} in the quote's bank order; text form
	 * "sha256:0,1,…". */
	if (o->json)
		json_write_object(&o->w, "pcr_select", JSON_LINE);
	else
		printf("%-16s ", "pcr_select");
	for (size_t b = 0; b < a.n_banks; b++) {
		const char *name = tpm_alg_name(a.banks[b].hash);
		int first = 1;

		if (o->json)
			json_write_array(&o->w, name ? name : "unknown", JSON_LINE);
		else
			printf("%s%s:", b ? " " : "", name ? name : "unknown");
		for (unsigned p = 0; p < 8u * a.banks[b].size; p++) {
			if (!tpm_pcr_is_selected(&a.banks[b], p))
				continue;
			if (o->json)
				json_write_uint(&o->w, NULL, p);
			else
				printf("%s%u", first ? "" : ",", p);
			first = 0;
		}
		if (o->json)
			json_write_end(&o->w);
	}
	if (o->json)
		json_write_end(&o->w);
	else
		putchar('\n');
	out_hex(o, "pcr_digest", a.pcr_digest, a.pcr_digest_len);
	out_u64(o, "clock", a.clock);
	out_u64(o, "reset_count", a.reset_count);
	out_u64(o, "restart_count", a.restart_count);
	return out_end(o);
}

/* Parses buf as what it looks like and shows it. Returns 0, -EPROTONOSUPPORT when it
 * is none of the kinds, or the parser's or writer's negative errno. */
static int show_evidence(const uint8_t *buf, size_t len, struct out *o)
{
	union {
		struct snp_report snp;
		struct tdx_quote tdx;
	} *ev = malloc(sizeof(*ev)); /* too big for the stack */
	int r;

	if (!ev)
		return -ENOMEM;
	switch (ev_detect(buf, len)) {
	case EV_SNP:
		r = snp_report_parse(buf, len, &ev->snp);
		if (r == 0)
			r = show_snp(&ev->snp, o);
		break;
	case EV_TDX:
		r = tdx_quote_parse(buf, len, &ev->tdx);
		if (r == 0)
			r = show_tdx(&ev->tdx, o);
		break;
	case EV_TPM: r = show_tpm(buf, len, o); break;
	default: r = -EPROTONOSUPPORT; break;
	}
	free(ev);
	return r;
}

static int evidence_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		OPTIONS_END,
	};
	struct out o = { 0 };
	uint8_t *buf = NULL;
	size_t len;
	int c, r;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1)
		switch (c) {
		case 'j': o.json = 1; break;
		case 'h': printf("usage: cvm-reference evidence show [--json] FILE\n"); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: cvm-reference evidence show [--json] FILE\n");
		return EXIT_USAGE;
	}
	r = file_read_all(argv[optind], EVIDENCE_MAX, &buf, &len);
	if (r < 0) {
		fprintf(stderr, "cvm-reference: %s: %s\n", argv[optind], strerror(-r));
		return EXIT_INPUT;
	}
	r = show_evidence(buf, len, &o);
	free(buf);
	if (r == -EIO) /* from the JSON writer */
		return complain(EXIT_SYSTEM, "writing the output: %s", strerror(-r));
	if (r < 0) {
		fprintf(stderr, "cvm-reference: %s: %s\n", argv[optind],
			r == -EPROTONOSUPPORT ? "not an SNP report, TDX quote or TPMS_ATTEST" :
						"malformed evidence");
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

/* ---- verify ---- */

static int parse_expect(const char *arg, struct ev_opts *o)
{
	const char *eq = strchr(arg, '=');
	struct ev_expect *e;
	size_t n;

	if (!eq || eq == arg || o->n_expect == EV_MAX_EXPECT)
		return -EINVAL;
	e = &o->expect[o->n_expect];
	n = (size_t)(eq - arg);
	e->field = strndup(arg, n);
	if (!e->field)
		return -ENOMEM;
	if (hex_decode(eq + 1, e->value, sizeof(e->value), &e->len) < 0 || e->len == 0) {
		free((char *)e->field);
		return -EINVAL;
	}
	o->n_expect++;
	return 0;
}

static const char verify_usage[] =
	"usage: cvm-reference evidence verify FILE [--cert FILE] [--chain FILE] [--collateral DIR]\n"
	"         [--root FILE] [--nonce HEX] [--at TIME] [--signature FILE] [--pcrs FILE]\n"
	"         [--eventlog FILE] [--no-debug] [--min-tcb HEX] [--allow-tcb LIST]\n"
	"         [--expect FIELD=HEX]...\n";

/* Fills o and *file from the command line. Returns -1 to go on, else the exit code. */
static int verify_parse_args(int argc, char **argv, struct ev_opts *o, const char **file)
{
	static const struct option opts[] = {
		EV_SHARED_OPTIONS,
		{ "signature", required_argument, NULL, 's' },
		{ "pcrs", required_argument, NULL, 'p' },
		{ "eventlog", required_argument, NULL, 'e' },
		{ "no-debug", no_argument, NULL, 'D' },
		{ "min-tcb", required_argument, NULL, 'm' },
		{ "allow-tcb", required_argument, NULL, 'A' },
		{ "expect", required_argument, NULL, 'x' },
		OPTIONS_END,
	};
	int c, code;

	while ((c = next_ev_option(argc, argv, opts, verify_usage, o, NULL, &code)) > 0) {
		switch (c) {
		case 's': o->signature = optarg; break;
		case 'p': o->pcrs = optarg; break;
		case 'e': o->eventlog = optarg; break;
		case 'D': o->no_debug = 1; break;
		case 'A': o->allow_tcb = optarg; break;
		case 'm':
			if (ev_parse_min_tcb("--min-tcb", optarg, o) < 0)
				return EXIT_USAGE;
			break;
		case 'x':
			if (parse_expect(optarg, o) < 0) {
				fprintf(stderr, "cvm-reference: --expect %s: FIELD=HEX expected (at most %d)\n",
					optarg, EV_MAX_EXPECT);
				return EXIT_USAGE;
			}
			break;
		}
	}
	if (c < 0)
		return code;
	if (optind + 1 != argc)
		return show_usage(verify_usage, EXIT_USAGE);
	*file = argv[optind];
	return -1;
}

/* Runs the verifier for the kind of evidence in file and reports the outcome. */
static int verify_file(const char *file, const struct ev_opts *o)
{
	struct checks ck = { .out = stdout };
	enum ev_kind kind;
	uint8_t *buf = NULL;
	size_t len;
	int r, ret;

	r = file_read_all(file, EVIDENCE_MAX, &buf, &len);
	if (r < 0) {
		fprintf(stderr, "cvm-reference: %s: %s\n", file, strerror(-r));
		return EXIT_INPUT;
	}
	kind = ev_detect(buf, len);
	switch (kind) {
	case EV_SNP: ck.prefix = "snp."; r = ev_verify_snp(buf, len, o, &ck); break;
	case EV_TDX: ck.prefix = "tdx."; r = ev_verify_tdx(buf, len, o, &ck); break;
	case EV_TPM: ck.prefix = "tpm."; r = ev_verify_tpm(buf, len, o, &ck); break;
	default:
		fprintf(stderr, "cvm-reference: %s: not an SNP report, TDX quote or TPMS_ATTEST\n", file);
		ret = EXIT_INPUT;
		goto out;
	}
	if (r < 0) {
		fprintf(stderr, "cvm-reference: %s: verification could not run: %s\n", file, strerror(-r));
		ret = r == -EIO || r == -ENOMEM ? EXIT_SYSTEM : EXIT_INPUT;
		goto out;
	}
	/* "valid" only when every check ran and passed: a check skipped for want of an
	 * input (collateral, CRLs, nonce) vouches for nothing. */
	printf("%s: %s (%u checks passed, %u failed, %u skipped)\n", ev_kind_name(kind),
	       ck.fail ? "INVALID" : ck.skip ? "INCOMPLETE" : "valid", ck.pass, ck.fail, ck.skip);
	ret = ck.fail || ck.skip ? EXIT_FAIL : EXIT_OK;
out:
	free(buf);
	return ret;
}

static int evidence_verify(int argc, char **argv)
{
	struct ev_opts o = { 0 };
	const char *file = NULL;
	int ret;

	ret = verify_parse_args(argc, argv, &o, &file);
	if (ret < 0)
		ret = verify_file(file, &o);
	for (size_t i = 0; i < o.n_expect; i++)
		free((char *)o.expect[i].field);
	return ret;
}

int cmd_evidence(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return evidence_show(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return evidence_verify(argc - 1, argv + 1);
	fprintf(stderr, "usage: cvm-reference evidence show|verify …\n");
	return EXIT_USAGE;
}
