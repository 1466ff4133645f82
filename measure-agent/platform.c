/* SPDX-License-Identifier: Apache-2.0 */
/* Which confidential-computing platform this guest runs on, from what the kernel knows
 * about the guest it runs in, not from which guest devices happen to exist: a TDX or
 * SEV-SNP guest whose guest driver did not load (module missing, load refused, probe
 * failed) would otherwise look like an ordinary VM, measure into the host's vTPM only
 * and skip the MRCONFIGID / HOST_DATA binding.
 *
 *   TDX      the CPU flag tdx_guest in /proc/cpuinfo (X86_FEATURE_TDX_GUEST): the
 *            kernel forces it in tdx_early_init() when CPUID leaf 0x21 reads
 *            "IntelTDX    ", a leaf the TDX module answers, not the host.
 *   SEV-SNP  /sys/devices/system/cpu/sev (Linux >= 6.11; a link to /sys/hypervisor/sev
 *            in later kernels): made by sev_sysfs_init() only when
 *            cc_platform_has(CC_ATTR_GUEST_SEV_SNP), i.e. from the SEV_STATUS MSR,
 *            which the host cannot intercept.
 *
 * The kernel's state present and the device absent: refused. The device present
 * without the state (kernels older than the sysfs directory): the platform is used,
 * as before; its driver only binds on that platform. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"

#define CPUINFO "/proc/cpuinfo"
#define SNP_STATE_CPU "/sys/devices/system/cpu/sev"
#define SNP_STATE_HV "/sys/hypervisor/sev"

/* Whether the sysroot has `path`; -errno (with a detail) when that cannot be told. */
static int exists(const char *path, bool *ret)
{
	char p[PATH_MAX];

	if (access(sysroot_path(path, p), F_OK) == 0)
		*ret = true;
	else if (errno == ENOENT || errno == ENOTDIR)
		*ret = false;
	else
		return agent_fail_errno("%s", p);
	return 0;
}

/* Whether the first "flags" line of /proc/cpuinfo lists `flag` as a whole word. Every
 * CPU has the same confidential-computing flags. No /proc/cpuinfo (only in test
 * trees: x86 Linux always has it) means no flag. */
static int cpu_flag(const char *flag, bool *ret)
{
	char p[PATH_MAX], *line = NULL;
	size_t cap = 0, n = strlen(flag);
	FILE *f = fopen(sysroot_path(CPUINFO, p), "re");

	*ret = false;
	if (!f)
		return errno == ENOENT ? 0 : agent_fail_errno("%s", p);
	while (getline(&line, &cap, f) > 0) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "flags", 5) != 0 || !colon || strspn(line + 5, " \t") != (size_t)(colon - line - 5))
			continue;
		for (char *w = colon + 1; (w = strstr(w, flag)); w += n)
			if ((w[-1] == ' ' || w[-1] == '\t') && (w[n] == ' ' || w[n] == '\n' || w[n] == 0))
				*ret = true;
		break;
	}
	free(line);
	fclose(f);
	return 0;
}

int cc_platform_detect(struct cc_platform *ret)
{
	bool tdx_state, snp_cpu, snp_hv;
	int r;

	if ((r = cpu_flag("tdx_guest", &tdx_state)) < 0 || (r = exists(SNP_STATE_CPU, &snp_cpu)) < 0 ||
	    (r = exists(SNP_STATE_HV, &snp_hv)) < 0)
		return r;
	if (tdx_state && (snp_cpu || snp_hv)) {
		agent_set_detail("the kernel reports both TDX (CPU flag tdx_guest) and SEV-SNP (" SNP_STATE_CPU ")");
		return -EINVAL;
	}
	if (tdx_state && !tdx_present()) {
		agent_set_detail("TDX guest (CPU flag tdx_guest) without its guest device "
				 "(/sys/devices/virtual/misc/tdx_guest, /dev/tdx_guest): the tdx_guest driver did not load");
		return -ENODEV;
	}
	if ((snp_cpu || snp_hv) && !snp_present()) {
		agent_set_detail("SEV-SNP guest (%s) without its guest device /dev/sev-guest: the sev-guest driver did not load",
				 snp_cpu ? SNP_STATE_CPU : SNP_STATE_HV);
		return -ENODEV;
	}
	ret->tdx = tdx_state || tdx_present();
	ret->snp = snp_cpu || snp_hv || snp_present();
	return 0;
}
