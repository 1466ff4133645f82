/* SPDX-License-Identifier: Apache-2.0 */
/* Initial VMSA of a QEMU/KVM SEV-SNP vCPU (see snp_vmsa.h).
 *
 * Field offsets: AMD64 APM vol. 2 (#24593), appendix B, table B-4 "VMSA Layout, State
 * Save Area for SEV-ES"; the same layout as Linux arch/x86/include/asm/svm.h
 * struct sev_es_save_area (static_asserts there pin every offset used below).
 *
 * Values: the register state KVM writes at LAUNCH_UPDATE_VMSA for a vCPU that QEMU
 * has just reset (arch/x86/kvm/svm/sev.c sev_es_sync_vmsa). Since Linux 6.9 KVM also
 * syncs the FPU reset state, so x87 FCW = 0x37f and MXCSR = 0x1f80 are part of the
 * page (kvm list "KVM: SEV: sync FPU and AVX state at LAUNCH_UPDATE_VMSA", 2024-04;
 * sev-snp-measure PR #49; virtee/sev src/measurement/vmsa.rs, QEMU flavour). SNP
 * host support is newer than 6.9, so every SNP host has this behaviour. */
#include "boot/snp_vmsa.h"

#include <errno.h>
#include <string.h>

#include "util/bytes.h"

/* Segment registers: struct vmcb_seg {u16 selector, u16 attrib, u32 limit, u64 base}. */
#define VMSA_ES 0x000
#define VMSA_CS 0x010
#define VMSA_SS 0x020
#define VMSA_DS 0x030
#define VMSA_FS 0x040
#define VMSA_GS 0x050
#define VMSA_GDTR 0x060
#define VMSA_LDTR 0x070
#define VMSA_IDTR 0x080
#define VMSA_TR 0x090
#define VMSA_EFER 0x0d0
#define VMSA_CR4 0x148
#define VMSA_CR0 0x158
#define VMSA_DR7 0x160
#define VMSA_DR6 0x168
#define VMSA_RFLAGS 0x170
#define VMSA_RIP 0x178
#define VMSA_G_PAT 0x268
#define VMSA_RDX 0x310
#define VMSA_SEV_FEATURES 0x3b0
#define VMSA_XCR0 0x3e8
#define VMSA_MXCSR 0x408
#define VMSA_X87_FCW 0x410

static void put_seg(uint8_t *page, size_t off, uint16_t selector, uint16_t attrib,
		    uint32_t limit, uint64_t base)
{
	put_le16(page + off, selector);
	put_le16(page + off + 2, attrib);
	put_le32(page + off + 4, limit);
	put_le64(page + off + 8, base);
}

uint32_t snp_cpu_sig(unsigned family, unsigned model, unsigned stepping)
{
	/* CPUID Fn0000_0001_EAX: Family = BaseFamily + ExtFamily when BaseFamily is
	 * 0xf; Model = ExtModel:BaseModel (AMD CPUID specification #25481). */
	uint32_t fam_lo = family > 0xf ? 0xf : family;
	uint32_t fam_hi = family > 0xf ? (family - 0xf) & 0xff : 0;

	return fam_hi << 20 | ((model >> 4) & 0xf) << 16 | fam_lo << 8 | (model & 0xf) << 4 |
	       (stepping & 0xf);
}

/* QEMU target/i386/cpu.c builtin_x86_defs: family/model/stepping of the AMD EPYC
 * models. The versioned aliases (-v1 … -vN, up to the newest QEMU 10 version) change
 * feature flags only, never the signature (virtee/sev-snp-measure vcpu_types.py
 * lists the same values). */
static const struct {
	const char *name;
	unsigned family, model, stepping;
	unsigned max_version; /* 0: no versioned aliases */
} cpu_models[] = {
	{ "EPYC", 23, 1, 2, 5 },       /* Naples; EPYC-v2 is EPYC-IBPB */
	{ "EPYC-IBPB", 23, 1, 2, 0 },
	{ "EPYC-Rome", 23, 49, 0, 5 },
	{ "EPYC-Milan", 25, 1, 1, 3 },
	{ "EPYC-Genoa", 25, 17, 0, 2 },
	{ "EPYC-Turin", 26, 0, 0, 1 },
};

/* "" → 0, "-vN" → N (1..9), anything else → -1. */
static int version_suffix(const char *v)
{
	if (*v == '\0')
		return 0;
	if (v[0] == '-' && v[1] == 'v' && v[2] >= '1' && v[2] <= '9' && v[3] == '\0')
		return v[2] - '0';
	return -1;
}

int snp_vcpu_signature(const char *vcpu_type, uint32_t *ret_sig)
{
	if (!vcpu_type)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(cpu_models) / sizeof(cpu_models[0]); i++) {
		size_t n = strlen(cpu_models[i].name);
		int v;

		if (strncmp(vcpu_type, cpu_models[i].name, n) != 0)
			continue;
		v = version_suffix(vcpu_type + n);
		if (v < 0 || (unsigned)v > cpu_models[i].max_version)
			continue;
		*ret_sig = snp_cpu_sig(cpu_models[i].family, cpu_models[i].model,
				       cpu_models[i].stepping);
		return 0;
	}
	return -EINVAL;
}

void snp_vmsa_build(uint32_t eip, uint32_t vcpu_sig, uint64_t sev_features,
		    uint8_t ret_page[SNP_VMSA_SIZE])
{
	uint8_t *p = ret_page;

	memset(p, 0, SNP_VMSA_SIZE);
	/* Real-mode reset state (x86 "INIT/RESET": CS.selector 0xf000, limit 0xffff);
	 * CS.base/RIP split the entry point so that an AP starts at the reset-block
	 * EIP the firmware publishes (QEMU sev_es_set_reset_vector). Attributes are
	 * the VMCB encoding of KVM's reset segments: data 0x93, code 0x9b, LDT 0x82,
	 * busy TSS 0x8b. */
	put_seg(p, VMSA_ES, 0, 0x93, 0xffff, 0);
	put_seg(p, VMSA_CS, 0xf000, 0x9b, 0xffff, eip & 0xffff0000u);
	put_seg(p, VMSA_SS, 0, 0x93, 0xffff, 0);
	put_seg(p, VMSA_DS, 0, 0x93, 0xffff, 0);
	put_seg(p, VMSA_FS, 0, 0x93, 0xffff, 0);
	put_seg(p, VMSA_GS, 0, 0x93, 0xffff, 0);
	put_seg(p, VMSA_GDTR, 0, 0, 0xffff, 0);
	put_seg(p, VMSA_LDTR, 0, 0x82, 0xffff, 0);
	put_seg(p, VMSA_IDTR, 0, 0, 0xffff, 0);
	put_seg(p, VMSA_TR, 0, 0x8b, 0xffff, 0);
	put_le64(p + VMSA_EFER, 0x1000);           /* EFER.SVME: KVM sets it for SEV-ES guests */
	put_le64(p + VMSA_CR4, 0x40);              /* CR4.MCE, set by KVM */
	put_le64(p + VMSA_CR0, 0x10);              /* CR0.ET, reset value */
	put_le64(p + VMSA_DR7, 0x400);             /* reset values */
	put_le64(p + VMSA_DR6, 0xffff0ff0);
	put_le64(p + VMSA_RFLAGS, 0x2);
	put_le64(p + VMSA_RIP, eip & 0xffff);
	put_le64(p + VMSA_G_PAT, 0x0007040600070406ull); /* PAT reset value, APM vol. 2 A.3 */
	put_le64(p + VMSA_RDX, vcpu_sig);          /* RDX = CPUID signature after reset */
	put_le64(p + VMSA_SEV_FEATURES, sev_features);
	put_le64(p + VMSA_XCR0, 0x1);              /* XCR0 reset value: x87 only */
	put_le32(p + VMSA_MXCSR, 0x1f80);          /* FPU reset state (KVM >= 6.9, see top) */
	put_le16(p + VMSA_X87_FCW, 0x37f);
}
