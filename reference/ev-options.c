/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>

#include "ev-options.h"
#include "options.h"
#include "policy.h"
#include "util/exit.h"
#include "util/hex.h"

int ev_option(int opt, const char *arg, struct ev_opts *o)
{
	switch (opt) {
	case 'c': o->cert = arg; return 1;
	case 'C': o->chain = arg; return 1;
	case 'l': o->collateral = arg; return 1;
	case 'r': o->root = arg; return 1;
	case 'n':
		if (hex_decode(arg, o->nonce, sizeof(o->nonce), &o->nonce_len) < 0 || !o->nonce_len) {
			fprintf(stderr, "cvm-reference: --nonce: 1 to 64 bytes of hex expected\n");
			return -1;
		}
		o->have_nonce = 1;
		return 1;
	case 'a':
		if (parse_time_arg(arg, &o->at) < 0) {
			fprintf(stderr, "cvm-reference: --at %s: expected YYYY-MM-DD[THH:MM:SSZ] or @SECONDS\n", arg);
			return -1;
		}
		o->have_at = 1;
		return 1;
	}
	return 0;
}

int next_ev_option(int argc, char **argv, const struct option *opts, const char *usage,
		   struct ev_opts *o, struct appraisal_policy *pol, int *code)
{
	int c, taken;

	while ((c = next_option(argc, argv, "h", opts, usage, code)) > 0) {
		taken = ev_option(c, optarg, o);
		if (!taken && pol)
			taken = policy_option(c, optarg, pol, o);
		if (taken < 0) {
			*code = EXIT_USAGE;
			return -1;
		}
		if (!taken)
			return c;
	}
	return c;
}

int ev_parse_min_tcb(const char *what, const char *arg, struct ev_opts *o)
{
	uint8_t b[8];

	if (hex_decode_exact(arg, b, 8) < 0) {
		fprintf(stderr, "cvm-reference: %s: 16 hex digits (TCB_VERSION bytes, as `evidence show` "
			"prints reported_tcb) expected\n", what);
		return -1;
	}
	o->min_tcb = 0;
	for (int i = 7; i >= 0; i--)
		o->min_tcb = o->min_tcb << 8 | b[i];
	o->have_min_tcb = 1;
	return 0;
}
