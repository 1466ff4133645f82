/* SPDX-License-Identifier: Apache-2.0 */
/* The test workload packed into QEMU tests' payloads (built static: the workload runs
 * chrooted in its payload, which has no libc). It reports what the agent promised:
 * the manifest's user, no_new_privs, the manifest's environment only. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	int n = 0;

	for (char **e = environ; *e; e++)
		n++;
	printf("cvm-workload-marker-ok uid=%u gid=%u nnp=%d env=%d CVM_TEST=%s arg=%s\n", (unsigned)getuid(),
	       (unsigned)getgid(), prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), n,
	       getenv("CVM_TEST") ? getenv("CVM_TEST") : "-", argc > 1 ? argv[1] : "-");
	fflush(stdout);
	return 0;
}
