/* SPDX-License-Identifier: Apache-2.0 */
/* measure-agent's platform detection (measure-agent/platform.c) against a temporary
 * sysroot. The platform comes from what the kernel knows about the guest it runs in:
 * the CPU flag tdx_guest in /proc/cpuinfo (X86_FEATURE_TDX_GUEST, forced by the kernel
 * when CPUID leaf 0x21 says "IntelTDX", which the TDX module and not the host
 * answers), and /sys/devices/system/cpu/sev or /sys/hypervisor/sev (created by the
 * kernel only when cc_platform_has(CC_ATTR_GUEST_SEV_SNP), from the SEV_STATUS MSR the
 * host cannot intercept; Linux >= 6.11). A guest in which the kernel sees TDX or
 * SEV-SNP but the guest driver's device is missing is refused: it would otherwise
 * measure into the host's vTPM only and skip the MRCONFIGID / HOST_DATA binding. */
#include <errno.h>
#include <string.h>

#include "../../measure-agent/agent.h"
#include "agent-sysroot.h"
#include "tmptree.h"
#include "unit.h"

#define CPUINFO_HEAD "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R)\n"
#define FLAGS_PLAIN "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic hypervisor lahf_lm\n"
#define FLAGS_TDX "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic hypervisor tdx_guest lahf_lm\n"
#define CPUINFO_TAIL "bugs\t\t: spectre_v1\n\n"

static void cpuinfo(const char *root, const char *flags)
{
	char text[1024];
	int n = snprintf(text, sizeof text, CPUINFO_HEAD "%s" CPUINFO_TAIL "processor\t: 1\n%s", flags, flags);

	CHECK_EQ_INT(tree_write(root, "proc/cpuinfo", text, (size_t)n), 0);
}

static int detect(struct cc_platform *cc)
{
	memset(cc, 0x5a, sizeof *cc);
	agent_clear_detail();
	return cc_platform_detect(cc);
}

static char *new_root(void)
{
	char *root = agent_sysroot_new("test-agent-platform");

	CHECK(root != NULL);
	return root;
}

static void test_plain_vm(void)
{
	struct cc_platform cc;
	char *root = new_root();

	/* no /proc/cpuinfo at all (a test tree), then an ordinary VM's */
	CHECK_EQ_INT(detect(&cc), 0);
	CHECK(!cc.tdx && !cc.snp);
	cpuinfo(root, FLAGS_PLAIN);
	CHECK_EQ_INT(detect(&cc), 0);
	CHECK(!cc.tdx && !cc.snp);
	/* a word that merely contains the flag's name is not the flag */
	cpuinfo(root, "flags\t\t: fpu tdx_guest_x xtdx_guest\n");
	CHECK_EQ_INT(detect(&cc), 0);
	CHECK(!cc.tdx);
	tree_remove(root);
}

/* With the guest device node dev added, root is found to be a TDX (tdx) or an SEV-SNP
 * guest; then root is removed. */
static void check_found_with_device(char *root, const char *dev, bool tdx)
{
	struct cc_platform cc;

	CHECK_EQ_INT(tree_write(root, dev, "", 0), 0);
	CHECK_EQ_INT(detect(&cc), 0);
	CHECK(tdx ? cc.tdx && !cc.snp : cc.snp && !cc.tdx);
	tree_remove(root);
}

static void test_tdx(void)
{
	struct cc_platform cc;
	char *root = new_root();

	cpuinfo(root, FLAGS_TDX);
	CHECK_EQ_INT(detect(&cc), -ENODEV);
	CHECK(agent_detail_has("TDX guest (CPU flag tdx_guest) without its guest device"));
	CHECK(agent_detail_has("tdx_guest"));

	CHECK_EQ_INT(tree_mkdir(root, "sys/devices/virtual/misc/tdx_guest"), 0);
	CHECK_EQ_INT(detect(&cc), 0);
	CHECK(cc.tdx && !cc.snp);
	tree_remove(root);

	/* the device node alone (kernels before the sysfs measurements) */
	root = new_root();
	cpuinfo(root, "flags\t\t: tdx_guest\n");
	check_found_with_device(root, "dev/tdx_guest", true);
}

static void test_snp(void)
{
	static const char *const state[] = { "sys/devices/system/cpu/sev/vmpl", "sys/hypervisor/sev/vmpl" };
	struct cc_platform cc;

	for (size_t i = 0; i < 2; i++) {
		char *root = new_root();

		cpuinfo(root, FLAGS_PLAIN);
		CHECK_EQ_INT(tree_write(root, state[i], "0\n", 2), 0);
		CHECK_EQ_INT(detect(&cc), -ENODEV);
		CHECK(agent_detail_has("SEV-SNP guest"));
		CHECK(agent_detail_has("without its guest device /dev/sev-guest"));
		check_found_with_device(root, "dev/sev-guest", false);
	}
}

/* Without the kernel's state (an older kernel), a guest device still counts. */
static void test_device_only(void)
{
	check_found_with_device(new_root(), "dev/sev-guest", false);
}

/* No CPU is both: a kernel state claiming TDX and SEV-SNP is refused. */
static void test_both(void)
{
	struct cc_platform cc;
	char *root = new_root();

	cpuinfo(root, FLAGS_TDX);
	CHECK_EQ_INT(tree_write(root, "sys/devices/system/cpu/sev/vmpl", "0\n", 2), 0);
	CHECK_EQ_INT(tree_write(root, "dev/sev-guest", "", 0), 0);
	CHECK_EQ_INT(tree_write(root, "dev/tdx_guest", "", 0), 0);
	CHECK_EQ_INT(detect(&cc), -EINVAL);
	CHECK(agent_detail_has("both TDX (CPU flag tdx_guest) and SEV-SNP"));
	tree_remove(root);
}

int main(void)
{
	test_plain_vm();
	test_tdx();
	test_snp();
	test_device_only();
	test_both();
	return unit_finish("test-agent-platform");
}
