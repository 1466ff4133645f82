/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>

#include "ev-options.h"
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
