/* SPDX-License-Identifier: Apache-2.0 */
/* What every part of measure-agent shares: where the kernel's files are (the sysroot),
 * the one-line failure detail, and the fail-closed exit. Kept apart from main() so a
 * unit test can link a backend with this file alone and point it at a temporary tree. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "util/exit.h"

static const char *sysroot = "";
static char detail[512];

void agent_set_sysroot(const char *root)
{
	sysroot = root ? root : "";
}

const char *sysroot_path(const char *path, char buf[PATH_MAX])
{
	if (snprintf(buf, PATH_MAX, "%s%s", sysroot, path) >= PATH_MAX)
		buf[0] = 0; /* an empty path fails every open with ENOENT */
	return buf;
}

void agent_set_detail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
}

int agent_fail_errno(const char *fmt, ...)
{
	int e = errno ? errno : EIO; /* saved first: vsnprintf may change errno */
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	n = strlen(detail);
	snprintf(detail + n, sizeof detail - n, ": %s", strerror(e));
	return -e;
}

void agent_clear_detail(void)
{
	detail[0] = 0;
}

const char *agent_detail(void)
{
	return detail;
}

_Noreturn void agent_fatal(const char *what, int r)
{
	fprintf(stderr, "measure-agent: FATAL: %s: %s\n", what, detail[0] ? detail : strerror(r < 0 ? -r : r));
	exit(EXIT_FAIL);
}
