/* SPDX-License-Identifier: Apache-2.0 */
/* cvm-reference image: the reference-values document (reference/FORMAT.md) of a built
 * image — artifact digests, vTPM PCR 4/5/9/11/12 and TDX RTMR1/RTMR2 for the UEFI disk
 * boot of the UKI, TDX MRTD of a TDVF, SEV-SNP launch digests of the direct boot of the
 * split artifacts per vCPU count and CPU type. Optionally signs it. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot/boot_pcrs.h"
#include "commands.h"
#include "options.h"
#include "measure/digest.h"
#include "util/hex.h"
#include "boot/ovmf.h"
#include "doc/refdoc.h"
#include "sign.h"
#include "boot/snp_digest.h"
#include "boot/tdx_mrtd.h"
#include "boot/uki.h"
#include "util/strnum.h"

#define MAX_LIST 64
#define INPUT_MAX ((size_t)8 << 30) /* disk images up to 8 GiB */
#define GPT_HEAD (1u << 20)         /* protective MBR, header and entries: first MiB */

struct mapped {
	const char *path;
	uint8_t *buf;
	size_t len;
};

struct opts {
	const char *dir, *uki, *disk, *kernel, *initrd, *cmdline, *roothash;
	const char *ovmf, *ovmf_snp, *ovmf_tdx, *output, *key;
	unsigned vcpus[MAX_LIST];
	size_t n_vcpus;
	char *cpu_types[MAX_LIST];
	size_t n_cpu_types;
	enum tdx_mrtd_order orders[2];
	size_t n_orders;
	uint64_t guest_features;
	char *phases_arg;               /* as given, for the document */
	const char *phases[BOOT_EVENTS_MAX];
	size_t n_phases;
};

/* Read-only mapping: the inputs are hundreds of MiB and only hashed. */
static int map_file(const char *path, size_t max, struct mapped *ret)
{
	struct stat st;
	void *p = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int r = S_ISREG(st.st_mode) ? -errno : -EINVAL;
		close(fd);
		return r;
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return -EFBIG;
	}
	if (st.st_size > 0) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			int r = -errno;
			close(fd);
			return r;
		}
	}
	close(fd);
	ret->path = path;
	ret->buf = p;
	ret->len = (size_t)st.st_size;
	return 0;
}

static void unmap_file(struct mapped *m)
{
	if (m->buf)
		munmap(m->buf, m->len);
	m->buf = NULL;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static int add_input(struct refdoc *d, const char *role, const struct mapped *m)
{
	struct refdoc_file *f;
	struct digest_ctx *c256, *c384;
	int r = 0;

	if (d->n_inputs >= REFDOC_MAX_INPUTS || strlen(base_name(m->path)) >= REFDOC_NAME_MAX)
		return -E2BIG;
	f = &d->inputs[d->n_inputs];
	snprintf(f->role, sizeof(f->role), "%s", role);
	snprintf(f->file, sizeof(f->file), "%s", base_name(m->path));
	f->size = m->len;
	c256 = digest_begin(DIGEST_SHA256);
	c384 = digest_begin(DIGEST_SHA384);
	if (!c256 || !c384) {
		digest_abort(c256);
		digest_abort(c384);
		return -ENOMEM;
	}
	/* Both hashes in one pass over each MiB while it is in cache. */
	for (size_t off = 0; r >= 0 && off < m->len; off += 1u << 20) {
		size_t n = m->len - off < (1u << 20) ? m->len - off : 1u << 20;

		r = digest_update(c256, m->buf + off, n);
		if (r >= 0)
			r = digest_update(c384, m->buf + off, n);
	}
	if (r < 0) {
		digest_abort(c256);
		digest_abort(c384);
		return r;
	}
	r = digest_end(c256, f->sha256);
	if (r >= 0)
		r = digest_end(c384, f->sha384);
	else
		digest_abort(c384);
	if (r >= 0)
		d->n_inputs++;
	return r;
}

static void sort_inputs(struct refdoc *d)
{
	for (size_t i = 1; i < d->n_inputs; i++)
		for (size_t j = i; j > 0 && strcmp(d->inputs[j - 1].role, d->inputs[j].role) > 0; j--) {
			struct refdoc_file t = d->inputs[j];
			d->inputs[j] = d->inputs[j - 1];
			d->inputs[j - 1] = t;
		}
}

static void copy_events(const struct boot_event *ev, size_t n, size_t dlen, struct refdoc_events *out)
{
	out->n = n;
	for (size_t i = 0; i < n; i++) {
		out->ev[i].pcr = ev[i].pcr;
		snprintf(out->ev[i].type, sizeof(out->ev[i].type), "%s", boot_event_type_name(ev[i].type));
		snprintf(out->ev[i].what, sizeof(out->ev[i].what), "%s", ev[i].what);
		memcpy(out->ev[i].digest, ev[i].digest, dlen);
	}
}

static int fill_image(struct refdoc *d, const struct uki *u, const struct mapped *uki_file)
{
	const struct pe_section *lx = u->sections[UKI_LINUX];

	snprintf(d->uki.file, sizeof(d->uki.file), "%s", base_name(uki_file->path));
	d->uki.size = uki_file->len;
	snprintf(d->uki.stub, sizeof(d->uki.stub), "%s", u->stub_version[0] ? u->stub_version : "unknown");
	/* Section digests are the content events of PCR 11 (sha256 bank): every second
	 * PCR 11 event, in the same order as the sections. */
	for (enum uki_section s = 0; s < _UKI_SECTION_MAX; s++) {
		struct refdoc_section *rs = &d->uki.sections[d->uki.n_sections];
		size_t k = 0, want = 2 * d->uki.n_sections + 1;

		if (!uki_section_measured(s) || !u->sections[s])
			continue;
		snprintf(rs->name, sizeof(rs->name), "%s", uki_section_name(s));
		rs->size = u->sections[s]->virtual_size;
		for (size_t i = 0; i < d->events_sha256.n; i++)
			if (d->events_sha256.ev[i].pcr == 11 && k++ == want)
				memcpy(rs->sha256, d->events_sha256.ev[i].digest, 32);
		if (s == UKI_LINUX)
			memcpy(d->kernel.sha256, rs->sha256, 32);
		d->uki.n_sections++;
	}
	d->kernel.size = lx->virtual_size;
	return uki_cmdline(u, d->cmdline);
}

static const char *const vtpm_assumptions[][2] = {
	{ "firmware", "OVMF/edk2 with Tcg2Dxe (checked: Debian 2022.11 and 2025.02), Secure Boot off" },
	{ "boot", "UKI as \\EFI\\BOOT\\BOOTX64.EFI on the GPT disk, no boot manager, one boot attempt, empty LoadOptions" },
	{ "qemu", "-machine q35 -nodefaults (no extra boot devices or option ROMs), swtpm TPM 2.0" },
	{ "stub", "systemd-stub 257: PCR 11 sections in UnifiedSection order; initrd = .initrd padded to 4 + cpio of /.extra/os-release" },
	{ "kernel", "Linux EFI stub measures LoadOptions and the initrd into PCR 9 (EV_EVENT_TAG)" },
	{ "pcr12", "no credentials, add-ons, confexts or command-line override: PCR 12 stays zero" },
};

static int compute_boot(struct refdoc *d, const struct opts *o, const struct uki *u,
			const uint8_t *gpt, size_t gpt_len, bool tdx)
{
	static const unsigned pcrs[] = { 4, 5, 9, 11, 12 };
	struct boot_event *ev256, *ev384, *r1, *r2;
	size_t n256 = 0, n384 = 0, n1 = 0, n2 = 0;
	int r = -ENOMEM;

	ev256 = calloc(BOOT_EVENTS_MAX, sizeof(*ev256));
	ev384 = calloc(BOOT_EVENTS_MAX, sizeof(*ev384));
	r1 = calloc(BOOT_EVENTS_MAX, sizeof(*r1));
	r2 = calloc(BOOT_EVENTS_MAX, sizeof(*r2));
	if (!ev256 || !ev384 || !r1 || !r2)
		goto out;
	if ((r = boot_uefi_disk_events(u, gpt, gpt_len, DIGEST_SHA256, ev256, &n256)) < 0 ||
	    (r = boot_uefi_disk_events(u, gpt, gpt_len, DIGEST_SHA384, ev384, &n384)) < 0 ||
	    (r = boot_add_phases(o->phases, o->n_phases, DIGEST_SHA256, ev256, &n256)) < 0 ||
	    (r = boot_add_phases(o->phases, o->n_phases, DIGEST_SHA384, ev384, &n384)) < 0)
		goto out;
	/* The UKI and kernel Authenticode digests are events 5 and the one after the
	 * sections; take them from the event list rather than hashing 70 MiB again. */
	for (size_t i = 0; i < n256; i++)
		if (ev256[i].type == EV_EFI_BOOT_SERVICES_APPLICATION) {
			bool kernel = strcmp(ev256[i].what, "UKI") != 0;
			memcpy(kernel ? d->kernel.authenticode_sha256 : d->uki.authenticode_sha256, ev256[i].digest, 32);
			memcpy(kernel ? d->kernel.authenticode_sha384 : d->uki.authenticode_sha384, ev384[i].digest, 48);
		}
	for (size_t i = 0; i < sizeof(pcrs) / sizeof(pcrs[0]); i++) {
		if ((r = boot_pcr_value(ev256, n256, DIGEST_SHA256, pcrs[i], d->pcr_sha256[pcrs[i]])) < 0 ||
		    (r = boot_pcr_value(ev384, n384, DIGEST_SHA384, pcrs[i], d->pcr_sha384[pcrs[i]])) < 0)
			goto out;
		d->pcr_mask |= 1u << pcrs[i];
	}
	/* PCR 11 after each prefix of the phases: the phase events are the last ones. */
	for (size_t k = 0; k <= o->n_phases && k < REFDOC_MAX_PHASES; k++) {
		char *w = d->pcr11_phases[k].phases;

		w[0] = 0;
		for (size_t i = 0; i < k; i++)
			snprintf(w + strlen(w), REFDOC_TEXT_MAX - strlen(w), "%s%s", i ? ":" : "", o->phases[i]);
		if ((r = boot_pcr_value(ev256, n256 - o->n_phases + k, DIGEST_SHA256, 11, d->pcr11_phases[k].sha256)) < 0 ||
		    (r = boot_pcr_value(ev384, n384 - o->n_phases + k, DIGEST_SHA384, 11, d->pcr11_phases[k].sha384)) < 0)
			goto out;
		d->n_pcr11_phases++;
	}
	copy_events(ev256, n256, 32, &d->events_sha256);
	copy_events(ev384, n384, 48, &d->events_sha384);
	for (size_t i = 0; i < sizeof(vtpm_assumptions) / sizeof(vtpm_assumptions[0]); i++)
		if ((r = refdoc_assume(&d->vtpm_assumptions, vtpm_assumptions[i][0], vtpm_assumptions[i][1])) < 0)
			goto out;
	if ((r = refdoc_assume(&d->vtpm_assumptions, "pcr11_phases",
			       o->n_phases ? o->phases_arg : "none (no systemd-pcrphase extends before attestation)")) < 0)
		goto out;
	d->has_vtpm = true;
	if (tdx) {
		boot_tdx_split(ev384, n384, r1, &n1, r2, &n2);
		if ((r = boot_rtmr_value(r1, n1, d->rtmr1)) < 0 || (r = boot_rtmr_value(r2, n2, d->rtmr2)) < 0)
			goto out;
		copy_events(r1, n1, 48, &d->events_rtmr1);
		copy_events(r2, n2, 48, &d->events_rtmr2);
	}
	r = 0;
out:
	free(ev256);
	free(ev384);
	free(r1);
	free(r2);
	return r;
}

static const char *const tdx_assumptions[][2] = {
	{ "firmware", "TDVF (OVMF IntelTdx) edk2 >= stable202411: one ReadyToBoot separator in RTMR1, CC measurement enabled" },
	{ "rtmr1", "PCR 2-6 events of the disk boot: Calling EFI Application, separator, GPT, UKI, kernel, Exit Boot Services x2; no option ROMs" },
	{ "rtmr2", "systemd-stub >= 256 measures PCR 11 into the CC protocol; Linux EFI stub measures LoadOptions and initrd into it when no TCG2 protocol exists" },
	{ "rtmr0", "not predicted (firmware configuration, ACPI tables, variables)" },
	{ "checked", "model only: no TDX host was available to check RTMR1/RTMR2 against a real TD" },
};

static int compute_tdx_mrtd(struct refdoc *d, const struct opts *o, const struct mapped *fw)
{
	int r;

	for (size_t i = 0; i < sizeof(tdx_assumptions) / sizeof(tdx_assumptions[0]); i++)
		if ((r = refdoc_assume(&d->tdx_assumptions, tdx_assumptions[i][0], tdx_assumptions[i][1])) < 0)
			return r;
	for (size_t i = 0; i < o->n_orders; i++) {
		snprintf(d->mrtd[i].firmware, REFDOC_NAME_MAX, "%s", base_name(fw->path));
		snprintf(d->mrtd[i].order, REFDOC_NAME_MAX, "%s", tdx_mrtd_order_name(o->orders[i]));
		r = tdx_mrtd(fw->buf, fw->len, o->orders[i], d->mrtd[i].value);
		if (r < 0)
			return r;
		d->n_mrtd++;
	}
	d->has_tdx = true;
	return 0;
}

static int compute_snp(struct refdoc *d, const struct opts *o, const struct mapped *fw,
		       const struct mapped *kernel, const struct mapped *initrd, const char *cmdline)
{
	struct snp_firmware *sf = calloc(1, sizeof(*sf));
	struct snp_kernel_hashes kh;
	char text[REFDOC_TEXT_MAX];
	int r;

	if (!sf)
		return -ENOMEM;
	r = snp_firmware_load(fw->buf, fw->len, sf);
	if (r >= 0)
		r = snp_kernel_hashes(kernel->buf, kernel->len, initrd->buf, initrd->len, cmdline, &kh);
	if (r < 0)
		goto out;
	memcpy(d->snp_kernel_sha256, kh.kernel, 32);
	memcpy(d->snp_initrd_sha256, kh.initrd, 32);
	memcpy(d->snp_cmdline_sha256, kh.cmdline, 32);
	d->snp_guest_features = o->guest_features;
	for (size_t t = 0; t < o->n_cpu_types; t++)
		for (size_t v = 0; v < o->n_vcpus; v++) {
			if (d->n_snp >= REFDOC_MAX_SNP) {
				r = -E2BIG;
				goto out;
			}
			r = snp_finish(sf, &kh, o->vcpus[v], o->cpu_types[t], o->guest_features,
				       d->snp[d->n_snp].value);
			if (r < 0)
				goto out;
			d->snp[d->n_snp].vcpus = o->vcpus[v];
			snprintf(d->snp[d->n_snp].cpu_type, REFDOC_NAME_MAX, "%s", o->cpu_types[t]);
			d->n_snp++;
		}
	snprintf(text, sizeof(text), "QEMU -kernel %s -initrd %s -append \"$(cat %s)\" with the AmdSev OVMF %s (kernel-hashes=on)",
		 base_name(kernel->path), base_name(initrd->path), base_name(o->cmdline), base_name(fw->path));
	if ((r = refdoc_assume(&d->snp_assumptions, "boot", text)) < 0 ||
	    (r = refdoc_assume(&d->snp_assumptions, "vmm", "QEMU; one VMSA per vCPU; vCPU signature from the CPU type")) < 0)
		goto out;
	d->has_snp = true;
out:
	free(sf);
	return r;
}

static int parse_uint_list(const char *s, unsigned *out, size_t *n)
{
	char *copy = strdup(s), *save = NULL;

	if (!copy)
		return -ENOMEM;
	*n = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		uint64_t v;

		if (*n >= MAX_LIST || parse_uint(t, 10, SNP_MAX_VCPUS, &v) < 0 || v == 0) {
			free(copy);
			return -EINVAL;
		}
		out[(*n)++] = (unsigned)v;
	}
	free(copy);
	return *n > 0 ? 0 : -EINVAL;
}

static int parse_str_list(char *s, char **out, size_t *n)
{
	char *save = NULL;

	*n = 0;
	for (char *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (*n >= MAX_LIST || strlen(t) >= REFDOC_NAME_MAX)
			return -EINVAL;
		out[(*n)++] = t;
	}
	return *n > 0 ? 0 : -EINVAL;
}

/* systemd-measure's --phase syntax: words separated by ':'; printable ASCII only, so
 * that the document can show them verbatim. */
static int parse_phases(char *arg, struct opts *o)
{
	char *save = NULL;

	if (strlen(arg) >= REFDOC_TEXT_MAX - 64 || arg[0] == ':' || (*arg && arg[strlen(arg) - 1] == ':') ||
	    strstr(arg, "::"))
		return -EINVAL;
	for (const char *c = arg; *c; c++)
		if (*c <= 0x20 || *c >= 0x7f || *c == '"' || *c == '\\')
			return -EINVAL;
	o->phases_arg = strdup(arg);
	if (!o->phases_arg)
		return -ENOMEM;
	o->n_phases = 0;
	for (char *t = strtok_r(arg, ":", &save); t; t = strtok_r(NULL, ":", &save)) {
		if (o->n_phases >= 8)
			return -EINVAL;
		o->phases[o->n_phases++] = t;
	}
	return 0;
}

static char *path_in(const char *dir, const char *name)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return NULL;
	return p;
}

static const char usage_text[] =
	"usage: cvm-reference image BUILD_DIR [options]\n"
	"  --uki FILE        UKI (default BUILD_DIR/cvm.efi)\n"
	"  --disk FILE       disk image (default BUILD_DIR/cvm.raw)\n"
	"  --kernel FILE --initrd FILE --cmdline FILE   split artifacts for SNP direct boot\n"
	"                    (default BUILD_DIR/cvm.vmlinuz, cvm.initrd, cvm.cmdline)\n"
	"  --ovmf FILE       firmware of the vTPM boot (recorded as an input)\n"
	"  --ovmf-snp FILE   AmdSev OVMF: adds SNP launch digests\n"
	"  --ovmf-tdx FILE   IntelTdx OVMF (TDVF): adds MRTD and RTMR1/RTMR2\n"
	"  --vcpus LIST      SNP vCPU counts, e.g. 1,2,4 (default 1)\n"
	"  --cpu-types LIST  SNP CPU types, e.g. EPYC-v4,EPYC-Milan (default EPYC-v4)\n"
	"  --tdx-order LIST  per-page,two-pass (default both)\n"
	"  --pcr11-phases W:W  systemd boot phases extended into PCR 11 before attestation,\n"
	"                    e.g. enter-initrd:leave-initrd (default none)\n"
	"  --guest-features HEX  SNP guest features (default 0x1)\n"
	"  -o, --output FILE write the document here (default stdout)\n"
	"  --key KEY.pem     also sign it into OUTPUT.sig (default $CVMFORGE_SIGNING_KEY)\n";

static int parse_opts(int argc, char **argv, struct opts *o)
{
	enum { O_UKI = 256, O_DISK, O_KERNEL, O_INITRD, O_CMDLINE, O_OVMF, O_SNP, O_TDX, O_VCPUS,
	       O_CPUS, O_ORDER, O_GF, O_KEY, O_PHASES };
	static const struct option opts[] = {
		{ "uki", required_argument, NULL, O_UKI },
		{ "disk", required_argument, NULL, O_DISK },
		{ "kernel", required_argument, NULL, O_KERNEL },
		{ "initrd", required_argument, NULL, O_INITRD },
		{ "cmdline", required_argument, NULL, O_CMDLINE },
		{ "ovmf", required_argument, NULL, O_OVMF },
		{ "ovmf-snp", required_argument, NULL, O_SNP },
		{ "ovmf-tdx", required_argument, NULL, O_TDX },
		{ "vcpus", required_argument, NULL, O_VCPUS },
		{ "cpu-types", required_argument, NULL, O_CPUS },
		{ "tdx-order", required_argument, NULL, O_ORDER },
		{ "guest-features", required_argument, NULL, O_GF },
		{ "key", required_argument, NULL, O_KEY },
		{ "pcr11-phases", required_argument, NULL, O_PHASES },
		{ "output", required_argument, NULL, 'o' },
		OPTIONS_END,
	};
	char *orders[MAX_LIST];
	size_t n;
	int c, code;

	o->vcpus[0] = 1;
	o->n_vcpus = 1;
	o->cpu_types[0] = (char *)"EPYC-v4";
	o->n_cpu_types = 1;
	o->orders[0] = TDX_MRTD_PER_PAGE;
	o->orders[1] = TDX_MRTD_TWO_PASS;
	o->n_orders = 2;
	o->guest_features = SNP_GUEST_FEATURES_DEFAULT;
	o->key = getenv("CVMFORGE_SIGNING_KEY");
	while ((c = next_option(argc, argv, "o:h", opts, usage_text, &code)) > 0)
		switch (c) {
		case O_UKI: o->uki = optarg; break;
		case O_DISK: o->disk = optarg; break;
		case O_KERNEL: o->kernel = optarg; break;
		case O_INITRD: o->initrd = optarg; break;
		case O_CMDLINE: o->cmdline = optarg; break;
		case O_OVMF: o->ovmf = optarg; break;
		case O_SNP: o->ovmf_snp = optarg; break;
		case O_TDX: o->ovmf_tdx = optarg; break;
		case O_KEY: o->key = optarg; break;
		case 'o': o->output = optarg; break;
		case O_PHASES:
			if (parse_phases(optarg, o) < 0)
				return complain(EXIT_USAGE, "--pcr11-phases: not a colon-separated list of phase words");
			break;
		case O_VCPUS:
			if (parse_uint_list(optarg, o->vcpus, &o->n_vcpus) < 0)
				return complain(EXIT_USAGE, "--vcpus: not a list of vCPU counts 1..4096");
			break;
		case O_CPUS:
			if (parse_str_list(optarg, o->cpu_types, &o->n_cpu_types) < 0)
				return complain(EXIT_USAGE, "--cpu-types: not a list of CPU type names");
			break;
		case O_ORDER:
			if (parse_str_list(optarg, orders, &n) < 0 || n > 2)
				return complain(EXIT_USAGE, "--tdx-order: not a list of per-page,two-pass");
			for (size_t i = 0; i < n; i++)
				if (tdx_mrtd_order_from_name(orders[i], &o->orders[i]) < 0)
					return complain(EXIT_USAGE, "--tdx-order: not a list of per-page,two-pass");
			o->n_orders = n;
			break;
		case O_GF:
			if (parse_uint(optarg, 16, UINT64_MAX, &o->guest_features) < 0)
				return complain(EXIT_USAGE, "--guest-features: not a hex number");
			break;
		}
	if (c < 0)
		return code == EXIT_OK ? -1 : code;
	if (optind + 1 != argc)
		return show_usage(usage_text, EXIT_USAGE);
	o->dir = argv[optind];
	return 0;
}

/* Optional artifact: absent is fine, unreadable is not. */
static int map_optional(const char *path, struct mapped *m, bool *present)
{
	int r = map_file(path, INPUT_MAX, m);

	*present = r >= 0;
	return r == -ENOENT ? 0 : r;
}

static int read_roothash(const struct mapped *m, char *out)
{
	size_t n = m->len;
	uint8_t tmp[64];

	while (n > 0 && (m->buf[n - 1] == '\n' || m->buf[n - 1] == ' '))
		n--;
	if (n == 0 || n > 128 || n % 2)
		return -EINVAL;
	memcpy(out, m->buf, n);
	out[n] = 0;
	for (size_t i = 0; i < n; i++)
		if (!((out[i] >= '0' && out[i] <= '9') || (out[i] >= 'a' && out[i] <= 'f')))
			return -EINVAL;
	return hex_decode_exact(out, tmp, n / 2);
}

/* The SNP command line is what the launcher passes to -append: the cmdline file
 * without its final newline or NUL (the build writes the UKI's .cmdline bytes, NUL
 * included; "$(cat FILE)" drops both). QEMU hashes it with one NUL appended. */
static char *cmdline_text(const struct mapped *m)
{
	size_t n = m->len;
	char *s;

	while (n > 0 && (m->buf[n - 1] == '\n' || m->buf[n - 1] == 0))
		n--;
	if (memchr(m->buf, 0, n))
		return NULL;
	s = malloc(n + 1);
	if (s) {
		memcpy(s, m->buf, n);
		s[n] = 0;
	}
	return s;
}

static int write_output(const struct opts *o, const char *doc, size_t len)
{
	char *tmp = NULL;
	FILE *f;

	if (!o->output)
		return fwrite(doc, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : -EIO;
	if (asprintf(&tmp, "%s.tmp", o->output) < 0)
		return -ENOMEM;
	f = fopen(tmp, "we");
	if (!f || fwrite(doc, 1, len, f) != len || fclose(f) != 0 || rename(tmp, o->output) < 0) {
		int r = -errno;
		if (f)
			(void)remove(tmp);
		free(tmp);
		return r ? r : -EIO;
	}
	free(tmp);
	return 0;
}

struct inputs {
	struct mapped uki, disk, kernel, initrd, cmdline, roothash, packages, ovmf, ovmf_snp, ovmf_tdx;
	bool has_kernel, has_initrd, has_cmdline, has_roothash, has_packages;
};

static void unmap_all(struct inputs *in)
{
	struct mapped *all[] = { &in->uki, &in->disk, &in->kernel, &in->initrd, &in->cmdline,
				 &in->roothash, &in->packages, &in->ovmf, &in->ovmf_snp, &in->ovmf_tdx };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		unmap_file(all[i]);
}

/* The build's file names under DIR: paths[0..6], and the default of each option not
 * given. */
static int default_paths(struct opts *o, char **paths)
{
	static const char *const names[] = { "cvm.efi", "cvm.raw", "cvm.vmlinuz", "cvm.initrd",
					     "cvm.cmdline", "cvm.roothash", "cvm.packages" };
	const char **dflt[] = { &o->uki, &o->disk, &o->kernel, &o->initrd, &o->cmdline, &o->roothash, NULL };

	for (size_t i = 0; i < 7; i++) {
		paths[i] = path_in(o->dir, names[i]);
		if (!paths[i])
			return complain(EXIT_SYSTEM, "%s: %s", o->dir, strerror(ENOMEM));
		if (dflt[i] && !*dflt[i])
			*dflt[i] = paths[i];
	}
	return 0;
}

/* Maps every input file. present == NULL: the file must exist; no path: the option
 * was not given. */
static int map_inputs(const struct opts *o, struct inputs *in, const char *packages)
{
	const struct {
		const char *path;
		struct mapped *m;
		bool *present;
		size_t max;
	} files[] = {
		{ o->uki, &in->uki, NULL, INPUT_MAX },
		{ o->disk, &in->disk, NULL, INPUT_MAX },
		{ o->kernel, &in->kernel, &in->has_kernel, INPUT_MAX },
		{ o->initrd, &in->initrd, &in->has_initrd, INPUT_MAX },
		{ o->cmdline, &in->cmdline, &in->has_cmdline, INPUT_MAX },
		{ o->roothash, &in->roothash, &in->has_roothash, INPUT_MAX },
		{ packages, &in->packages, &in->has_packages, INPUT_MAX },
		{ o->ovmf, &in->ovmf, NULL, OVMF_MAX_SIZE },
		{ o->ovmf_snp, &in->ovmf_snp, NULL, OVMF_MAX_SIZE },
		{ o->ovmf_tdx, &in->ovmf_tdx, NULL, OVMF_MAX_SIZE },
	};
	int r;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (!files[i].path)
			continue;
		r = files[i].present ? map_optional(files[i].path, files[i].m, files[i].present)
				     : map_file(files[i].path, files[i].max, files[i].m);
		if (r < 0)
			return complain(EXIT_INPUT, "%s: %s", files[i].path, strerror(-r));
	}
	if (o->ovmf_snp && !(in->has_kernel && in->has_initrd && in->has_cmdline))
		return complain(EXIT_INPUT, "%s: SNP direct boot needs the kernel, initrd and cmdline files", o->dir);
	return 0;
}

static int open_inputs(struct opts *o, struct inputs *in, char **paths)
{
	int r = default_paths(o, paths);

	return r ? r : map_inputs(o, in, paths[6]);
}

static int record_inputs(struct refdoc *d, const struct opts *o, struct inputs *in)
{
	const struct {
		const char *role;
		const struct mapped *m;
		bool present;
	} files[] = {
		{ "disk", &in->disk, true },
		{ "uki", &in->uki, true },
		{ "kernel", &in->kernel, in->has_kernel },
		{ "initrd", &in->initrd, in->has_initrd },
		{ "cmdline", &in->cmdline, in->has_cmdline },
		{ "roothash", &in->roothash, in->has_roothash },
		{ "packages", &in->packages, in->has_packages },
		{ "ovmf", &in->ovmf, o->ovmf != NULL },
		{ "ovmf-snp", &in->ovmf_snp, o->ovmf_snp != NULL },
		{ "ovmf-tdx", &in->ovmf_tdx, o->ovmf_tdx != NULL },
	};
	int r = 0;

	for (size_t i = 0; r >= 0 && i < sizeof(files) / sizeof(files[0]); i++)
		if (files[i].present)
			r = add_input(d, files[i].role, files[i].m);
	sort_inputs(d);
	return r;
}

struct input_job {
	struct refdoc *d;
	const struct opts *o;
	struct inputs *in;
	int r;
};

/* Touches only d->inputs and the mappings, which the main thread only reads. */
static void *input_job_run(void *arg)
{
	struct input_job *j = arg;

	j->r = record_inputs(j->d, j->o, j->in);
	return NULL;
}

/* The split artifacts must be the UKI's own payloads, or SNP and vTPM values would
 * describe two different systems. */
static int check_split_artifacts(const struct opts *o, const struct inputs *in, const struct uki *u)
{
	const struct pe_section *s;

	if (in->has_kernel) {
		s = u->sections[UKI_LINUX];
		if (s->virtual_size != in->kernel.len || s->raw_size < s->virtual_size ||
		    memcmp(u->buf + s->raw_offset, in->kernel.buf, in->kernel.len) != 0)
			return complain(EXIT_INPUT, "%s: differs from the UKI's .linux section", o->kernel);
	}
	if (in->has_initrd) {
		s = u->sections[UKI_INITRD];
		if (!s || s->virtual_size != in->initrd.len || s->raw_size < s->virtual_size ||
		    memcmp(u->buf + s->raw_offset, in->initrd.buf, in->initrd.len) != 0)
			return complain(EXIT_INPUT, "%s: differs from the UKI's .initrd section", o->initrd);
	}
	return 0;
}

/* What the boot model needs besides the files: the parsed UKI (checked against the
 * split artifacts), the GPT as the firmware measures it, the root hash. Returns 0 or
 * an exit code. */
static int read_model_inputs(const struct opts *o, const struct inputs *in, struct refdoc *d,
			     struct uki *u, uint8_t **gpt, size_t *gpt_len)
{
	int r = uki_parse(in->uki.buf, in->uki.len, u);

	if (r < 0)
		return complain(EXIT_INPUT, "%s: %s", o->uki, r == -EOPNOTSUPP ? "UKI uses features this model does not predict "
			"(multi-profile, .dtbauto/.hwids/.efifw, no or non-ASCII .cmdline)" :
			r == -ENOENT ? "no .linux section: not a UKI" : "not a valid PE/COFF UKI");
	r = check_split_artifacts(o, in, u);
	if (r)
		return r;
	r = boot_gpt_event_data(in->disk.buf, in->disk.len < GPT_HEAD ? in->disk.len : GPT_HEAD,
				in->disk.len, gpt, gpt_len);
	if (r < 0)
		return complain(EXIT_INPUT, "%s: no valid GPT with 512-byte sectors (header/entries CRC)", o->disk);
	if (in->has_roothash) {
		if (read_roothash(&in->roothash, d->roothash) < 0)
			return complain(EXIT_INPUT, "%s: not a lower-case hex root hash", o->roothash);
		d->has_roothash = true;
	}
	return 0;
}

/* The predicted values: vTPM PCRs (and TDX RTMRs) of the UKI's disk boot, the TDX
 * MRTD, the SNP launch digests. *snp_cmdline keeps the SNP command line for the
 * caller to free. Returns 0 or an exit code. */
static int compute_values(struct refdoc *d, const struct opts *o, const struct inputs *in,
			  const struct uki *u, const uint8_t *gpt, size_t gpt_len, char **snp_cmdline)
{
	int r;

	if ((r = compute_boot(d, o, u, gpt, gpt_len, o->ovmf_tdx != NULL)) < 0 || (r = fill_image(d, u, &in->uki)) < 0)
		return complain(EXIT_SYSTEM, "%s: %s", o->uki, strerror(-r));
	if (d->has_roothash) {
		char needle[140];

		snprintf(needle, sizeof(needle), "roothash=%s", d->roothash);
		if (!strstr(d->cmdline, needle))
			return complain(EXIT_INPUT, "%s: root hash is not the one in the UKI's command line", o->roothash);
	}
	if (o->ovmf_tdx && (r = compute_tdx_mrtd(d, o, &in->ovmf_tdx)) < 0)
		return complain(r == -EIO || r == -ENOMEM ? EXIT_SYSTEM : EXIT_INPUT, "%s: %s", o->ovmf_tdx,
				r == -ENOENT ? "no TDVF metadata: not an IntelTdx OVMF" : strerror(-r));
	if (o->ovmf_snp) {
		*snp_cmdline = cmdline_text(&in->cmdline);
		if (!*snp_cmdline)
			return complain(EXIT_INPUT, "%s: contains a NUL byte", o->cmdline);
		r = compute_snp(d, o, &in->ovmf_snp, &in->kernel, &in->initrd, *snp_cmdline);
		if (r < 0)
			return complain(r == -EIO || r == -ENOMEM ? EXIT_SYSTEM : EXIT_INPUT, "%s: %s", o->ovmf_snp,
					r == -EOPNOTSUPP ? "no SNP kernel-hashes section: not an AmdSev OVMF" :
					r == -EINVAL ? "unusable for SNP (unknown CPU type or bad metadata)" : strerror(-r));
	}
	return 0;
}

/* The UKI's file digest is its input digest (hashed by the input thread). */
static void copy_uki_digest(struct refdoc *d)
{
	for (size_t i = 0; i < d->n_inputs; i++)
		if (strcmp(d->inputs[i].role, "uki") == 0)
			memcpy(d->uki.sha256, d->inputs[i].sha256, 32);
}

/* Formats the document, writes it (stdout or -o FILE) and, given a key, signs it
 * into FILE.sig. Returns an exit code. */
static int emit_document(const struct opts *o, const struct refdoc *d)
{
	char *doc = NULL, *sig = NULL;
	size_t doc_len = 0;
	FILE *mem = open_memstream(&doc, &doc_len);
	int r, ret;

	if (!mem || refdoc_write(mem, d) < 0 || fclose(mem) != 0)
		ret = complain(EXIT_SYSTEM, "document: cannot format");
	else if ((r = write_output(o, doc, doc_len)) < 0)
		ret = complain(EXIT_SYSTEM, "%s: %s", o->output ? o->output : "stdout", strerror(-r));
	else if (!o->key || !*o->key)
		ret = EXIT_OK;
	else if (!o->output)
		ret = complain(EXIT_USAGE, "--key: signing needs -o FILE (the signature goes to FILE.sig)");
	else if (asprintf(&sig, "%s.sig", o->output) < 0) {
		sig = NULL;
		ret = EXIT_SYSTEM;
	} else
		ret = sign_document_file((const uint8_t *)doc, doc_len, o->key, sig);
	free(doc);
	free(sig);
	return ret;
}

int cmd_image(int argc, char **argv)
{
	struct opts o = { 0 };
	struct inputs in = { 0 };
	char *paths[7] = { 0 }, *snp_cmdline = NULL;
	uint8_t *gpt = NULL;
	size_t gpt_len = 0;
	struct refdoc *d = NULL;
	struct uki *u = NULL;
	struct input_job ia;
	pthread_t inputs_thread;
	int ret;

	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = open_inputs(&o, &in, paths);
	if (ret)
		goto out;
	d = calloc(1, sizeof(*d));
	u = calloc(1, sizeof(*u));
	if (!d || !u) {
		ret = EXIT_SYSTEM;
		goto out;
	}
	ret = read_model_inputs(&o, &in, d, u, &gpt, &gpt_len);
	if (ret)
		goto out;
	/* Hashing the inputs (the disk is hundreds of MiB) runs beside the boot model. */
	ia = (struct input_job){ .d = d, .o = &o, .in = &in };
	if ((errno = pthread_create(&inputs_thread, NULL, input_job_run, &ia)) != 0) {
		ret = complain(EXIT_SYSTEM, "thread: %s", strerror(errno));
		goto out;
	}
	ret = compute_values(d, &o, &in, u, gpt, gpt_len, &snp_cmdline);
	pthread_join(inputs_thread, NULL);
	if (ret)
		goto out;
	if (ia.r < 0) {
		ret = complain(EXIT_SYSTEM, "%s: %s", o.dir, strerror(-ia.r));
		goto out;
	}
	copy_uki_digest(d);
	ret = emit_document(&o, d);
out:
	for (size_t i = 0; i < 7; i++)
		free(paths[i]);
	unmap_all(&in);
	free(gpt);
	free(d);
	free(u);
	free(snp_cmdline);
	free(o.phases_arg);
	return ret;
}
