/* SPDX-License-Identifier: Apache-2.0 */
#include "util/exit.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const char *program_name;

void set_program_name(const char *name)
{
	program_name = name;
}

__attribute__((format(printf, 1, 0))) static void vreport(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", program_name ? program_name : program_invocation_short_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

_Noreturn void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	exit(code);
}

int show_usage(const char *text, int code)
{
	fputs(text, code == EXIT_OK ? stdout : stderr);
	return code;
}

int complain(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	return code;
}
