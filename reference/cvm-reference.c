/* SPDX-License-Identifier: Apache-2.0 */
/* cvm-reference: compute, sign and verify reference values for cvmforge images.
 * Each subcommand lives in its own file (reference/cmd-*.c) and is listed here. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static const struct command commands[] = {
	COMMAND_LIST
};

static int usage(FILE *f)
{
	fprintf(f, "usage: cvm-reference COMMAND [ARGS…]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-20s %s\n", commands[i].name, commands[i].summary);
	return f == stdout ? EXIT_OK : EXIT_USAGE;
}

int main(int argc, char **argv)
{
	set_program_name("cvm-reference");
	if (argc < 2)
		return usage(stderr);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0)
		return usage(stdout);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	complain(EXIT_USAGE, "unknown command '%s'", argv[1]);
	return usage(stderr);
}
