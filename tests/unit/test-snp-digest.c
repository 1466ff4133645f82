/* SPDX-License-Identifier: Apache-2.0 */
/* SEV-SNP launch digest: known answers from published vectors, regression values for
 * Debian's AmdSev firmware, VMSA layout, CPU signatures, and refusals.
 *
 * Published vectors (all for tests/data/ovmf_AmdSev_suffix.bin, vCPU type
 * EPYC-v4, QEMU VMM; "kernel" = an empty file, i.e. /dev/null):
 *   [SSM]  virtee/sev-snp-measure tests/test_guest.py (the version whose
 *          calc_launch_digest() takes guest_features; fixture with OVMF hash 086e2e91…)
 *   [SEV]  virtee/sev @ 27b4e174dd6f1a0c55555004a8836378be2b6675 tests/measurement.rs
 *          (same inputs, same expected values)
 *   [GO]   virtee/sev-snp-measure-go guest/guest_test.go TestLaunchDigestFromOVMF
 *          ("success with kernel", "snp_4_vcpus_features_0x21")
 * No published vector exists for EPYC-Milan / EPYC-Genoa VMSAs or for Debian's
 * OVMF.amdsev.fd: those expected values are regressions, cross-checked against an
 * independent Python model of the same specification written for that purpose (not
 * part of the tree); the Milan/Genoa part that differs from EPYC-v4 (RDX) is pinned
 * separately against published CPUID signatures. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "firmware_samples.h"
#include "util/hex.h"
#include "boot/snp_digest.h"
#include "boot/snp_vmsa.h"
#include "unit.h"

#define FEAT_SNP 0x1       /* SNPActive */
#define FEAT_SNP_DEBUGSWAP 0x21 /* + DebugSwap: default of Linux 6.6–6.7 hosts */

static const char *cmdline_ssm = "console=ttyS0 loglevel=7";

struct vector {
	const char *name;
	int direct;          /* kernel = empty file, initrd = empty file */
	const char *cmdline; /* with direct */
	unsigned vcpus;
	const char *vcpu_type;
	uint64_t features;
	const char *expect;
};

static const struct vector published[] = {
	/* [SSM] test_snp_ovmf_hash_gen_default, [SEV] test_snp_ovmf_hash_gen_default */
	{ "empty cmdline 0x21", 1, "", 1, "EPYC-v4", FEAT_SNP_DEBUGSWAP,
	  "329c8ce0972ae52343b64d34a434a86f245dfd74f5ed7aae15d22efc78fb9683632b9b50e4e1d7fa41179ef98a7ef198" },
	/* [SSM] test_snp_ovmf_hash_gen_feature_snp_only, [SEV] test_snp_ovmf_hash_gen_snp_only */
	{ "empty cmdline 0x1", 1, "", 1, "EPYC-v4", FEAT_SNP,
	  "ddc5224521617a536ee7ce9dd6224d1b58a8d4fda1c741f3ac99fc4bfa04ba6e9fc98646d4a07a9079397fa3852819b5" },
	/* [SSM] test_snp_default, [SEV] test_snp_default, [GO] snp_features_0x21_with_cmdline */
	{ "cmdline 0x21", 1, NULL, 1, "EPYC-v4", FEAT_SNP_DEBUGSWAP,
	  "803f691094946e42068aaa3a8f9e26a5c89f36f7b73ecfb28c653360fe4b3aba7e534442e7e1e17895dfe778d0228977" },
	/* [SSM] test_snp_guest_feature_snp_only, [SEV] test_sev_snp_only, [GO] success with kernel */
	{ "cmdline 0x1", 1, NULL, 1, "EPYC-v4", FEAT_SNP,
	  "6d287813eb5222d770f75005c664e34c204f385ce832cc2ce7d0d6f354454362f390ef83a92046c042e706363b4b08fa" },
	/* [SSM] test_snp_without_kernel_default, [SEV] test_snp_without_kernel_default */
	{ "no kernel 0x21", 0, NULL, 1, "EPYC-v4", FEAT_SNP_DEBUGSWAP,
	  "e1e1ca029dd7973ab9513295be68198472dcd4fc834bd9af9b63f6e8a1674dbf281a9278a4a2ebe0eed9f22adbcd0e2b" },
	/* [SSM] test_snp_without_kernel_feature_snp_only, [SEV] test_snp_without_kernel_snp_only */
	{ "no kernel 0x1", 0, NULL, 1, "EPYC-v4", FEAT_SNP,
	  "19358ba9a7615534a9a1e2f0dfc29384dcd4dcb7062ff9c6013b26869a5fc6ecabe033c48dd6f6db5d6d76e7c5df632d" },
	/* [SSM] test_snp_with_multiple_vcpus_default, [GO] snp_4_vcpus_features_0x21 */
	{ "4 vcpus 0x21", 1, "", 4, "EPYC-v4", FEAT_SNP_DEBUGSWAP,
	  "4953b1fb416fa874980e8442b3706d345926d5f38879134e00813c5d7abcbe78eafe7b422907be0b4698e2414a631942" },
	/* [SSM] test_snp_with_multiple_vcpus_feature_snp_only, [SEV] test_snp_with_multiple_vcpus_snp_only */
	{ "4 vcpus 0x1", 1, "", 4, "EPYC-v4", FEAT_SNP,
	  "5061fffb019493a903613d56d54b94912a1a2f9e4502385f5c194616753720a92441310ba6c4933de877c36e23046ad5" },
};

/* [SSM] test_snp_ovmf_hash_full_default, [SEV] test_snp_ovmf_hash_full_snp_only:
 * calc_snp_ovmf_hash(ovmf_AmdSev_suffix.bin) */
static const char *fixture_ovmf_hash =
	"086e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa16aff8c374c2a55c467a50da6d466b74";

static void test_cpu_signatures(void)
{
	uint32_t sig = 0;

	/* sev-snp-measure tests/test_vcpu_types.py */
	CHECK_EQ_INT(snp_cpu_sig(14, 1, 2), 0x0e12);
	CHECK_EQ_INT(snp_cpu_sig(23, 1, 2), 0x800f12);
	/* AMD revision guides: family 19h model 01h stepping 1 (Milan B1) reads CPUID
	 * Fn0000_0001_EAX = 00A00F11h (#56683); family 19h model 11h = Genoa, whose
	 * QEMU model uses stepping 0 → 00A10F10h; Turin family 1Ah → 00B00F00h. */
	CHECK_EQ_INT(snp_cpu_sig(25, 1, 1), 0xa00f11);
	CHECK_EQ_INT(snp_cpu_sig(25, 17, 0), 0xa10f10);
	CHECK_EQ_INT(snp_cpu_sig(26, 0, 0), 0xb00f00);

	static const struct {
		const char *name;
		uint32_t sig;
	} ok[] = {
		{ "EPYC", 0x800f12 },       { "EPYC-v1", 0x800f12 },  { "EPYC-v4", 0x800f12 },
		{ "EPYC-IBPB", 0x800f12 },  { "EPYC-Rome", 0x830f10 }, { "EPYC-Rome-v3", 0x830f10 },
		{ "EPYC-Milan", 0xa00f11 }, { "EPYC-Milan-v2", 0xa00f11 },
		{ "EPYC-Genoa", 0xa10f10 }, { "EPYC-Genoa-v1", 0xa10f10 }, { "EPYC-Turin", 0xb00f00 },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		sig = 0;
		CHECK_EQ_INT(snp_vcpu_signature(ok[i].name, &sig), 0);
		CHECK_EQ_INT(sig, ok[i].sig);
	}
	static const char *bad[] = { "", "epyc", "EPYC-v0", "EPYC-v9", "EPYC-v10", "EPYC-", "EPYC-Zen9",
				     "EPYC-Milan-v4", "EPYC-Genoa-v3", "EPYC-IBPB-v1", "EPYC ", "host" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sig = 0x1234;
		CHECK_EQ_INT(snp_vcpu_signature(bad[i], &sig), -EINVAL);
		CHECK_EQ_INT(sig, 0x1234);
	}
	CHECK_EQ_INT(snp_vcpu_signature(NULL, &sig), -EINVAL);
}

static uint64_t rd(const uint8_t *p, size_t off, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[off + i] << (8 * i);
	return v;
}

/* Offsets from the AMD APM vol. 2 table B-4 / Linux struct sev_es_save_area
 * (BUILD_BUG_ON offsets in arch/x86/include/asm/svm.h). */
static void test_vmsa_layout(void)
{
	uint8_t *p = calloc(1, SNP_VMSA_SIZE);
	size_t nonzero = 0;

	CHECK(p != NULL);
	if (!p)
		return;
	snp_vmsa_build(0x0080b004, 0xa00f11, 0x21, p);
	CHECK_EQ_INT(rd(p, 0x10, 2), 0xf000);       /* cs.selector */
	CHECK_EQ_INT(rd(p, 0x12, 2), 0x9b);         /* cs.attrib */
	CHECK_EQ_INT(rd(p, 0x14, 4), 0xffff);       /* cs.limit */
	CHECK_EQ_INT(rd(p, 0x18, 8), 0x00800000);   /* cs.base = eip & 0xffff0000 */
	CHECK_EQ_INT(rd(p, 0x178, 8), 0xb004);      /* rip = eip & 0xffff */
	CHECK_EQ_INT(rd(p, 0x72, 2), 0x82);         /* ldtr.attrib */
	CHECK_EQ_INT(rd(p, 0x92, 2), 0x8b);         /* tr.attrib */
	CHECK_EQ_INT(rd(p, 0xd0, 8), 0x1000);       /* efer */
	CHECK_EQ_INT(rd(p, 0x148, 8), 0x40);        /* cr4 */
	CHECK_EQ_INT(rd(p, 0x158, 8), 0x10);        /* cr0 */
	CHECK_EQ_INT(rd(p, 0x160, 8), 0x400);       /* dr7 */
	CHECK_EQ_INT(rd(p, 0x168, 8), 0xffff0ff0);  /* dr6 */
	CHECK_EQ_INT(rd(p, 0x170, 8), 0x2);         /* rflags */
	CHECK_EQ_INT(rd(p, 0x268, 8), 0x0007040600070406LL); /* g_pat */
	CHECK_EQ_INT(rd(p, 0x310, 8), 0xa00f11);    /* rdx */
	CHECK_EQ_INT(rd(p, 0x3b0, 8), 0x21);        /* sev_features */
	CHECK_EQ_INT(rd(p, 0x3e8, 8), 0x1);         /* xcr0 */
	CHECK_EQ_INT(rd(p, 0x408, 4), 0x1f80);      /* mxcsr */
	CHECK_EQ_INT(rd(p, 0x410, 2), 0x37f);       /* x87_fcw */
	for (size_t i = 0x418; i < SNP_VMSA_SIZE; i++)
		nonzero += p[i] != 0;
	CHECK_EQ_INT(nonzero, 0);

	snp_vmsa_build(SNP_VMSA_BSP_EIP, 0x800f12, 0x1, p);
	CHECK_EQ_INT(rd(p, 0x18, 8), 0xffff0000);
	CHECK_EQ_INT(rd(p, 0x178, 8), 0xfff0);
	free(p);
}

static void test_published(const uint8_t *fx, size_t fx_len)
{
	struct snp_firmware fw, fw_h;
	uint8_t hash[48], d[48];

	CHECK_EQ_INT(snp_firmware_load(fx, fx_len, &fw), 0);
	CHECK(digest_is(fw.ovmf_hash, fixture_ovmf_hash));
	/* The fixture's metadata as edk2's AmdSev build lays it out. */
	CHECK_EQ_INT(fw.sev.n_sections, 7);
	CHECK(fw.sev.has_reset_block);
	CHECK_EQ_INT(fw.sev.reset_eip, 0x0080b004);
	CHECK(fw.sev.has_hash_table);
	CHECK_EQ_INT(fw.sev.hash_table_gpa, 0x00810c00);
	CHECK_EQ_INT(fw.sev.sections[5].type, OVMF_SEV_SNP_KERNEL_HASHES);

	/* sev-snp-measure's snp:ovmf-hash mode: the hash plus the file for metadata. */
	CHECK_EQ_INT(hex_decode_exact(fixture_ovmf_hash, hash, 48), 0);
	CHECK_EQ_INT(snp_firmware_from_hash(hash, fx, fx_len, &fw_h), 0);

	for (size_t i = 0; i < sizeof(published) / sizeof(published[0]); i++) {
		const struct vector *v = &published[i];
		const char *cmd = v->cmdline ? v->cmdline : cmdline_ssm;
		struct snp_launch_params p = {
			.ovmf = fx, .ovmf_len = fx_len, .vcpus = v->vcpus,
			.vcpu_type = v->vcpu_type, .guest_features = v->features,
		};
		struct snp_kernel_hashes kh;

		if (v->direct) {
			p.kernel = (const uint8_t *)"";
			p.cmdline = cmd;
		}
		memset(d, 0, sizeof(d));
		CHECK_EQ_INT(snp_launch_digest(&p, d), 0);
		CHECK(digest_is(d, v->expect) || (fprintf(stderr, "^ %s, one call\n", v->name), 0));

		CHECK_EQ_INT(snp_kernel_hashes(NULL, 0, NULL, 0, cmd, &kh), 0);
		memset(d, 0, sizeof(d));
		CHECK_EQ_INT(snp_finish(&fw_h, v->direct ? &kh : NULL, v->vcpus, v->vcpu_type,
					v->features, d), 0);
		CHECK(digest_is(d, v->expect) || (fprintf(stderr, "^ %s, from hash\n", v->name), 0));
	}
}

/* Expected launch digests of 2 vCPUs of plain SNP (FEAT_SNP), one per CPU type. */
struct cpu_digest {
	const char *type, *expect;
};

static void check_cpu_digests(const struct snp_firmware *fw, const struct snp_kernel_hashes *kh,
			      const struct cpu_digest *v, size_t n)
{
	uint8_t d[48];

	for (size_t i = 0; i < n; i++) {
		CHECK_EQ_INT(snp_finish(fw, kh, 2, v[i].type, FEAT_SNP, d), 0);
		CHECK(digest_is(d, v[i].expect));
	}
}

/* Only the VMSA's RDX differs between these CPU types; regression values (see top). */
static void test_cpu_types(const uint8_t *fx, size_t fx_len)
{
	static const struct cpu_digest v[] = {
		{ "EPYC", "3b19810237c822c8093beb6acb50c78e3c3b0289ba07c1c8a245d68168bb6f017063252c57a7192e214bfe2f105fe6ad" },
		{ "EPYC-Milan", "f1ef6c0c669736182670ebd9f53ff4f2b9066d6ad72fcd0ca417e6f0326b76fb529d1ac9ce251d2a060f144410ae97b5" },
		{ "EPYC-Genoa", "cc9900376ed72eb2c52638b072725ea62cabee8f4dbd3d19a7b6b9714a51cf794867d9b586ee75d3e25e78e572602716" },
	};
	struct snp_firmware fw;
	struct snp_kernel_hashes kh;

	CHECK_EQ_INT(snp_firmware_load(fx, fx_len, &fw), 0);
	CHECK_EQ_INT(snp_kernel_hashes((const uint8_t *)"", 0, NULL, 0, cmdline_ssm, &kh), 0);
	check_cpu_digests(&fw, &kh, v, sizeof(v) / sizeof(v[0]));
}

/* Debian sid ovmf-amdsev 2025.11: SVSM_CAA section, KERNEL_HASHES after the last
 * SEC_MEM. Regression values (see top). */
static void test_debian_amdsev(void)
{
	static const struct cpu_digest nok[] = {
		{ "EPYC", "a3c946257b3cef8f1e25dd03cb84f9f01313ae9135c32acc7e01f4204aa447aaa196530d5999be0f114462d2546cd02d" },
		{ "EPYC-v4", "a3c946257b3cef8f1e25dd03cb84f9f01313ae9135c32acc7e01f4204aa447aaa196530d5999be0f114462d2546cd02d" },
		{ "EPYC-Milan", "54a8c0dd731ffacb4980b3bf926adcbfef705146fdf443ca2a03c3104610a8add28b31c86df235618a610a94797f056d" },
		{ "EPYC-Genoa", "237d08f6443ab3f7310ffd20b6cc30ec3c0356324a052ca682c16c8c8dcc223865c5c1b7eabb26b63f315e28c5cc6614" },
	};
	const char *kernel = "kernel-bytes", *initrd = "initrd-bytes";
	size_t len = 0;
	uint8_t *fwb = firmware_read("OVMF.amdsev.fd", &len);
	struct snp_firmware fw;
	uint8_t d[48];

	CHECK(fwb != NULL);
	if (!fwb)
		return;
	CHECK_EQ_INT(snp_firmware_load(fwb, len, &fw), 0);
	CHECK(digest_is(fw.ovmf_hash,
			"9d0dd8be18c86e3fe3bf0038ed75ebf5340bee69fd2632c8ff9409964575960ae1f7e84be387d2e3467bc3508d1e4806"));
	CHECK_EQ_INT(fw.sev.n_sections, 7);
	CHECK_EQ_INT(fw.sev.sections[4].type, OVMF_SEV_SVSM_CAA);
	CHECK_EQ_INT(fw.sev.sections[6].type, OVMF_SEV_SNP_KERNEL_HASHES);
	check_cpu_digests(&fw, NULL, nok, sizeof(nok) / sizeof(nok[0]));

	struct snp_launch_params p = {
		.ovmf = fwb, .ovmf_len = len,
		.kernel = (const uint8_t *)kernel, .kernel_len = strlen(kernel),
		.initrd = (const uint8_t *)initrd, .initrd_len = strlen(initrd),
		.cmdline = "console=ttyS0 root=/dev/vda", .vcpus = 4, .vcpu_type = "EPYC-Milan",
		.guest_features = FEAT_SNP,
	};
	CHECK_EQ_INT(snp_launch_digest(&p, d), 0);
	CHECK(digest_is(d, "2f2a609964518abf42f806410ba35839b86a5d8c67eabb00089c3655d56d34853ba20e80962c358277f78f685b634a8f"));
	p = (struct snp_launch_params){
		.ovmf = fwb, .ovmf_len = len, .kernel = (const uint8_t *)kernel,
		.kernel_len = strlen(kernel), .vcpus = 1, .vcpu_type = "EPYC-Genoa",
		.guest_features = FEAT_SNP_DEBUGSWAP,
	};
	CHECK_EQ_INT(snp_launch_digest(&p, d), 0);
	CHECK(digest_is(d, "a735f864d6ac2894d253a6c451919271045d3bc14698310b68510abe86a671ff8d10ef604b9369570b31db76d602afd8"));
	free(fwb);
}

/* The TDX build carries SEV metadata but no kernel-hashes section: disk boot works,
 * direct boot must be refused (QEMU could not measure -kernel). */
static void test_refusals(const uint8_t *fx, size_t fx_len)
{
	size_t len = 0;
	uint8_t *tdx = firmware_read("OVMF.inteltdx.ms.fd", &len);
	uint8_t d[48], keep[48];
	struct snp_firmware fw;
	struct snp_kernel_hashes kh;
	uint8_t *bad;

	memset(keep, 0xa5, sizeof(keep));
	CHECK(tdx != NULL);
	if (tdx) {
		struct snp_launch_params p = { .ovmf = tdx, .ovmf_len = len, .vcpus = 2,
					       .vcpu_type = "EPYC-Milan", .guest_features = 1 };

		CHECK_EQ_INT(snp_launch_digest(&p, d), 0);
		p.cmdline = "";
		memcpy(d, keep, 48);
		CHECK_EQ_INT(snp_launch_digest(&p, d), -EOPNOTSUPP);
		CHECK_MEM(d, keep, 48);
		free(tdx);
	}

	CHECK_EQ_INT(snp_firmware_load(fx, fx_len, &fw), 0);
	CHECK_EQ_INT(snp_kernel_hashes(NULL, 0, NULL, 0, NULL, &kh), 0);
	memcpy(d, keep, 48);
	CHECK_EQ_INT(snp_finish(&fw, &kh, 0, "EPYC", 1, d), -EINVAL);
	CHECK_EQ_INT(snp_finish(&fw, &kh, SNP_MAX_VCPUS + 1, "EPYC", 1, d), -EINVAL);
	CHECK_EQ_INT(snp_finish(&fw, &kh, 1, "EPYC-Zen9", 1, d), -EINVAL);
	CHECK_EQ_INT(snp_finish(&fw, &kh, 1, NULL, 1, d), -EINVAL);
	CHECK_MEM(d, keep, 48);
	CHECK_EQ_INT(snp_kernel_hashes(NULL, 5, NULL, 0, NULL, &kh), -EINVAL);

	/* APs without a reset block cannot start. */
	fw.sev.has_reset_block = false;
	CHECK_EQ_INT(snp_finish(&fw, NULL, 1, "EPYC", 1, d), 0);
	CHECK_EQ_INT(snp_finish(&fw, NULL, 2, "EPYC", 1, d), -EINVAL);
	/* Hash table outside the kernel-hashes section. */
	CHECK_EQ_INT(snp_firmware_load(fx, fx_len, &fw), 0);
	fw.sev.hash_table_gpa = 0x00811000;
	CHECK_EQ_INT(snp_finish(&fw, &kh, 1, "EPYC", 1, d), -EBADMSG);
	/* Unknown section type. */
	CHECK_EQ_INT(snp_firmware_load(fx, fx_len, &fw), 0);
	fw.sev.sections[0].type = 7;
	memcpy(d, keep, 48);
	CHECK_EQ_INT(snp_finish(&fw, NULL, 1, "EPYC", 1, d), -EOPNOTSUPP);
	CHECK_MEM(d, keep, 48);

	/* Size not a page multiple, empty, too large. */
	CHECK_EQ_INT(snp_firmware_load(fx, fx_len - 1, &fw), -EINVAL);
	CHECK_EQ_INT(snp_firmware_load(fx, 0, &fw), -EINVAL);
	CHECK_EQ_INT(snp_firmware_load(fx, OVMF_MAX_SIZE + 4096, &fw), -EFBIG);

	/* A firmware without SEV metadata (ASEV entry removed by renaming its GUID). */
	bad = malloc(fx_len);
	CHECK(bad != NULL);
	if (!bad)
		return;
	memcpy(bad, fx, fx_len);
	for (size_t i = 0; i + 16 <= fx_len; i++)
		if (memcmp(bad + i, "\x66\x65\x88\xdc\x4a\x98\x98\x47", 8) == 0)
			bad[i] ^= 0xff;
	CHECK_EQ_INT(snp_firmware_load(bad, fx_len, &fw), -ENOENT);
	/* SEV sections asking for more than OVMF_SEV_MAX_BYTES (the fixture's ASEV
	 * descriptor is 0x554 bytes before the end; last section's size field). */
	memcpy(bad, fx, fx_len);
	CHECK_EQ_INT(memcmp(bad + fx_len - 0x554, "ASEV", 4), 0);
	bad[fx_len - 0x554 + 16 + 6 * 12 + 7] = 0x10; /* size 0x1000f000 */
	CHECK_EQ_INT(snp_firmware_load(bad, fx_len, &fw), -E2BIG);
	bad[fx_len - 0x554 + 16 + 6 * 12 + 7] = 0;
	bad[fx_len - 0x554 + 16 + 6 * 12 + 4] = 0x01; /* size not a page multiple */
	CHECK_EQ_INT(snp_firmware_load(bad, fx_len, &fw), -EBADMSG);
	memcpy(bad, fx, fx_len);
	bad[fx_len - 0x554 + 12] = OVMF_SEV_MAX_SECTIONS + 1; /* item count */
	CHECK_EQ_INT(snp_firmware_load(bad, fx_len, &fw), -E2BIG);
	bad[fx_len - 0x554 + 12] = 9; /* more items than the descriptor length holds */
	CHECK_EQ_INT(snp_firmware_load(bad, fx_len, &fw), -EBADMSG);
	memcpy(bad, fx, fx_len);
	/* No footer at all. */
	memset(bad + fx_len - 48, 0, 16);
	CHECK_EQ_INT(snp_firmware_load(bad, fx_len, &fw), -ENOENT);
	free(bad);
}

int main(void)
{
	size_t fx_len = 0;
	uint8_t *fx = testdata_read("ovmf_AmdSev_suffix.bin", &fx_len);

	test_cpu_signatures();
	test_vmsa_layout();
	CHECK(fx != NULL);
	if (fx) {
		test_published(fx, fx_len);
		test_cpu_types(fx, fx_len);
		test_refusals(fx, fx_len);
	}
	test_debian_amdsev();
	free(fx);
	return unit_finish("test-snp-digest");
}
