/* SPDX-License-Identifier: Apache-2.0 */
/* The command-line options `evidence verify` and `verify` share: where the evidence's
 * signing certificates and collateral come from, the nonce and the time to judge at. */
#ifndef CVM_REFERENCE_EV_OPTIONS_H
#define CVM_REFERENCE_EV_OPTIONS_H

#include <getopt.h>

#include "evidence.h"

/* Their getopt_long entries, for the start of a command's option table. */
#define EV_SHARED_OPTIONS \
	{ "cert", required_argument, NULL, 'c' }, \
	{ "chain", required_argument, NULL, 'C' }, \
	{ "collateral", required_argument, NULL, 'l' }, \
	{ "root", required_argument, NULL, 'r' }, \
	{ "nonce", required_argument, NULL, 'n' }, \
	{ "at", required_argument, NULL, 'a' }

/* Takes option opt (a letter above) with its argument into o. Returns 1 when taken,
 * 0 when opt is not one of them, -1 for a bad value (said on stderr: a usage error). */
int ev_option(int opt, const char *arg, struct ev_opts *o);

struct appraisal_policy;

/* next_option (options.h) for a command whose table starts with EV_SHARED_OPTIONS and,
 * when pol is not NULL, holds POLICY_OPTIONS: takes those into o (and pol) itself and
 * returns only the command's own options. A bad value of a shared option ends the
 * command: -1 with *code EXIT_USAGE. */
int next_ev_option(int argc, char **argv, const struct option *opts, const char *usage,
		   struct ev_opts *o, struct appraisal_policy *pol, int *code);

/* An SNP TCB floor: the TCB_VERSION's 8 bytes in hex, as `evidence show` prints
 * reported_tcb. Returns 0, or -1 (said on stderr, naming the option what). */
int ev_parse_min_tcb(const char *what, const char *arg, struct ev_opts *o);

#endif
