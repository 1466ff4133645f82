/* SPDX-License-Identifier: Apache-2.0 */
#include "options.h"

#include <stddef.h>

#include "util/exit.h"

int next_option(int argc, char **argv, const char *shortopts, const struct option *opts,
		const char *usage, int *code)
{
	int c = getopt_long(argc, argv, shortopts, opts, NULL);

	switch (c) {
	case -1:
		return 0;
	case 'h':
		*code = show_usage(usage, EXIT_OK);
		return -1;
	case '?':
	case ':':
		*code = show_usage(usage, EXIT_USAGE);
		return -1;
	default:
		return c;
	}
}
