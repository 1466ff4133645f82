/* SPDX-License-Identifier: Apache-2.0 */
/* cvm-kconfig-check — check a kernel .config against cvmforge's requirement fragments.
 *
 *   cvm-kconfig-check [--monolithic] [--all-hard] [--quiet] CONFIG FRAGMENT...
 *
 * Prints one line per requirement: status (ok / missing / wrong value / forbidden present
 * / n/a), policy (hard / rec), the requirement, what the .config has, and the reason from
 * the fragment; then a summary line.
 *   --monolithic  =m does not satisfy a =y requirement (the minimal kernel has no modules)
 *   --all-hard    every requirement is hard: the survival check after merge_config.sh,
 *                 where anything requested but not granted must fail the build
 *   --quiet       print only requirements that are not ok, and the summary
 * Exit (util/exit.h): 0 no hard requirement failed, 1 a hard requirement failed, 2 usage,
 * 3 bad input (unreadable or malformed .config or fragment), 4 out of memory. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kconfig.h"
#include "util/exit.h"
#include "util/file.h"

#define PROG "cvm-kconfig-check"

static const char usage_text[] = "usage: " PROG " [--monolithic] [--all-hard] [--quiet] CONFIG FRAGMENT...\n";

static char *read_input(const char *path, size_t max, size_t *ret_len)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int r = file_read_all(path, max, &buf, &len);

	if (r < 0)
		die(EXIT_INPUT, "%s: %s", path, strerror(-r));
	*ret_len = len;
	return (char *)buf;
}

static _Noreturn void die_parse(const char *path, const struct kc_error *e, int r)
{
	if (e->line)
		die(EXIT_INPUT, "%s:%u: %s", path, e->line, e->what ? e->what : strerror(-r));
	die(EXIT_INPUT, "%s: %s", path, e->what ? e->what : strerror(-r));
}

/* "CONFIG_X=y", "# CONFIG_X is not set", CONFIG_X="s" — as it would appear in .config. */
static void format_req(const struct kc_req *q, char *out, size_t n)
{
	switch (q->kind) {
	case KC_UNSET:  snprintf(out, n, "# CONFIG_%s is not set", q->name); break;
	case KC_YES:    snprintf(out, n, "CONFIG_%s=y%s", q->name, q->module_ok ? "|m" : ""); break;
	case KC_STRING: snprintf(out, n, "CONFIG_%s=\"%s\"", q->name, q->value); break;
	default:        snprintf(out, n, "CONFIG_%s=%s", q->name, q->value); break;
	}
}

static void format_found(const struct kc_symbol *s, char *out, size_t n)
{
	if (!s) {
		snprintf(out, n, "absent");
		return;
	}
	switch (s->kind) {
	case KC_UNSET:  snprintf(out, n, "not set"); break;
	case KC_YES:    snprintf(out, n, "y"); break;
	case KC_MOD:    snprintf(out, n, "m"); break;
	case KC_STRING: snprintf(out, n, "\"%.*s\"", (int)s->value_len, s->value); break;
	default:        snprintf(out, n, "%.*s", (int)s->value_len, s->value); break;
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "monolithic", no_argument, NULL, 'M' },
		{ "all-hard", no_argument, NULL, 'A' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool monolithic = false, all_hard = false, quiet = false;
	size_t count[KC_NOT_APPLICABLE + 1] = { 0 };
	size_t hard_failed = 0, rec_failed = 0, len;
	struct kc_config cfg = { 0 };
	struct kc_reqs reqs;
	struct kc_error e = { 0 };
	const char *config_path;
	char *config_buf;
	int c, r;

	set_program_name(PROG);
	while ((c = getopt_long(argc, argv, "q", opts, NULL)) != -1) {
		switch (c) {
		case 'M': monolithic = true; break;
		case 'A': all_hard = true; break;
		case 'q': quiet = true; break;
		case 'h': return show_usage(usage_text, EXIT_OK);
		default:  return show_usage(usage_text, EXIT_USAGE);
		}
	}
	if (argc - optind < 2)
		return show_usage(usage_text, EXIT_USAGE);
	config_path = argv[optind++];

	if (kc_reqs_init(&reqs) < 0)
		die(EXIT_SYSTEM, "%s", strerror(ENOMEM));
	for (int i = optind; i < argc; i++) {
		char *buf = read_input(argv[i], KC_MAX_FRAGMENT_BYTES, &len);
		const char *base = strrchr(argv[i], '/');

		r = kc_reqs_parse(&reqs, buf, len, base ? base + 1 : argv[i], &e);
		free(buf);
		if (r < 0)
			die_parse(argv[i], &e, r);
	}
	config_buf = read_input(config_path, KC_MAX_CONFIG_BYTES, &len);
	r = kc_config_parse(config_buf, len, &cfg, &e);
	if (r < 0)
		die_parse(config_path, &e, r);

	for (size_t i = 0; i < reqs.n; i++) {
		const struct kc_req *q = &reqs.v[i];
		const struct kc_symbol *found;
		enum kc_status st = kc_check(q, &cfg, monolithic, &found);
		bool hard = q->hard || all_hard;
		char want[KC_NAME_MAX + KC_VALUE_MAX + 32], have[KC_VALUE_MAX + 8];

		count[st]++;
		if (st != KC_OK && st != KC_NOT_APPLICABLE) {
			if (hard)
				hard_failed++;
			else
				rec_failed++;
		}
		if (quiet && (st == KC_OK || st == KC_NOT_APPLICABLE))
			continue;
		format_req(q, want, sizeof(want));
		format_found(found, have, sizeof(have));
		printf("%-17s %-4s %-52s %-9s %s\n", kc_status_name(st), hard ? "hard" : "rec", want,
		       have, q->reason);
	}
	printf("%s: %s: %zu ok, %zu missing, %zu wrong value, %zu forbidden present, %zu n/a; "
	       "%zu hard requirement(s) failed, %zu recommendation(s) missed\n",
	       PROG, config_path, count[KC_OK], count[KC_MISSING], count[KC_WRONG_VALUE],
	       count[KC_FORBIDDEN], count[KC_NOT_APPLICABLE], hard_failed, rec_failed);

	kc_config_free(&cfg);
	free(config_buf);
	kc_reqs_free(&reqs);
	return hard_failed ? EXIT_FAIL : EXIT_OK;
}
