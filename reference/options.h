/* SPDX-License-Identifier: Apache-2.0 */
/* How a cvm-reference subcommand reads its options: getopt_long over the command's
 * table, with --help (the usage text on stdout, exit 0) and a bad command line (an
 * unknown option or a missing argument: the usage text on stderr, exit 2) handled in
 * one place, so every subcommand answers them alike. */
#ifndef CVM_REFERENCE_OPTIONS_H
#define CVM_REFERENCE_OPTIONS_H

#include <getopt.h>

/* The end of every subcommand's option table: --help (as 'h'), then the terminator. */
#define OPTIONS_END { "help", no_argument, NULL, 'h' }, { 0 }

/* The next option of argv (shortopts and opts as for getopt_long; opts ends with
 * OPTIONS_END): its value, with its argument in optarg; 0 after the last option
 * (operands start at optind); or -1 when the command line ends the command: *code is
 * then EXIT_OK after --help, or EXIT_USAGE, and usage has been shown. */
int next_option(int argc, char **argv, const char *shortopts, const struct option *opts,
		const char *usage, int *code);

#endif
