/* SPDX-License-Identifier: Apache-2.0 */
/* lib/doc/refdoc's writer, byte for byte: the reference document is signed, so its
 * layout is part of the format. Fixed, fully populated models are written and compared
 * with the committed files in tests/unit/golden/ (made by the writer as it was when
 * they were committed); a change to any byte fails here before it reaches a signature.
 *
 * CVM_GOLDEN_UPDATE=1 rewrites the golden files instead of comparing: only for a
 * deliberate format change (which also needs a new REFDOC_VERSION). */
#include <stdlib.h>

#include "doc/refdoc.h"
#include "util/file.h"
#include "util/json.h"
#include "unit.h"

#define GOLDEN_DIR "tests/unit/golden/"

/* Distinct, recognisable bytes per field: b[i] = seed + 7 i. */
static void fill(uint8_t *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(seed + 7 * i);
}

static void set(char *dst, size_t size, const char *s)
{
	snprintf(dst, size, "%s", s);
}

static void add_event(struct refdoc_events *e, uint32_t pcr, const char *type, const char *what,
		      unsigned seed)
{
	struct refdoc_event *ev = &e->ev[e->n++];

	ev->pcr = pcr;
	set(ev->type, sizeof ev->type, type);
	set(ev->what, sizeof ev->what, what);
	fill(ev->digest, sizeof ev->digest, seed);
}

static void add_input(struct refdoc *d, const char *role, const char *file, uint64_t size, unsigned seed)
{
	struct refdoc_file *in = &d->inputs[d->n_inputs++];

	set(in->role, sizeof in->role, role);
	set(in->file, sizeof in->file, file);
	in->size = size;
	fill(in->sha256, sizeof in->sha256, seed);
	fill(in->sha384, sizeof in->sha384, seed + 1);
}

static void add_section(struct refdoc *d, const char *name, uint64_t size, unsigned seed)
{
	struct refdoc_section *s = &d->uki.sections[d->uki.n_sections++];

	set(s->name, sizeof s->name, name);
	s->size = size;
	fill(s->sha256, sizeof s->sha256, seed);
}

/* The image part every document has. Strings carry what the escaper must handle:
 * quotes, backslashes, control characters, DEL and multi-byte UTF-8. */
static void make_image(struct refdoc *d)
{
	set(d->uki.file, sizeof d->uki.file, "cvm.efi");
	d->uki.size = 51234567;
	fill(d->uki.sha256, 32, 1);
	fill(d->uki.authenticode_sha256, 32, 2);
	fill(d->uki.authenticode_sha384, 48, 3);
	set(d->uki.stub, sizeof d->uki.stub, "systemd-stub \"257.9\" \\ caf\xc3\xa9");
	d->kernel.size = 12345678;
	fill(d->kernel.sha256, 32, 4);
	fill(d->kernel.authenticode_sha256, 32, 5);
	fill(d->kernel.authenticode_sha384, 48, 6);
	set(d->cmdline, sizeof d->cmdline,
	    "console=ttyS0 quiet q=\"x\" bs=\\ tab=\t nl=\n cr=\r ctl=\x01\x1f del=\x7f \xe2\x82\xac");
}

static void make_full(struct refdoc *d)
{
	static const unsigned pcrs[] = { 0, 1, 2, 4, 7, 9, 11, 12, 23 };

	memset(d, 0, sizeof(*d));
	d->version = REFDOC_VERSION;
	make_image(d);
	add_section(d, ".linux", 11000000, 10);
	add_section(d, ".initrd", 3000000, 11);
	add_section(d, ".cmdline", 200, 12);
	add_section(d, ".osrel", 300, 13);
	d->has_roothash = true;
	set(d->roothash, sizeof d->roothash,
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
	add_input(d, "uki", "cvm.efi", 51234567, 20);
	add_input(d, "ovmf", "OVMF_CODE_4M.fd", 3653632, 22);
	add_input(d, "disk", "cvm \"raw\".img", 1073741824, 24);

	d->has_vtpm = true;
	refdoc_assume(&d->vtpm_assumptions, "firmware", "OVMF_CODE_4M.fd, Secure Boot off");
	refdoc_assume(&d->vtpm_assumptions, "boot\"order", "disk \\ only");
	for (size_t i = 0; i < sizeof pcrs / sizeof *pcrs; i++) {
		d->pcr_mask |= 1u << pcrs[i];
		fill(d->pcr_sha256[pcrs[i]], 32, 30 + pcrs[i]);
		fill(d->pcr_sha384[pcrs[i]], 48, 60 + pcrs[i]);
	}
	add_event(&d->events_sha256, 4, "EV_EFI_BOOT_SERVICES_APPLICATION", "cvm.efi", 90);
	add_event(&d->events_sha256, 11, "EV_IPL", ".linux", 91);
	add_event(&d->events_sha256, 12, "EV_EVENT_TAG", "cmdline \"x\"", 92);
	add_event(&d->events_sha384, 4, "EV_EFI_BOOT_SERVICES_APPLICATION", "cvm.efi", 93);
	add_event(&d->events_sha384, 9, "EV_EVENT_TAG", "initrd", 94);
	d->n_pcr11_phases = 3;
	set(d->pcr11_phases[0].phases, REFDOC_TEXT_MAX, "");
	set(d->pcr11_phases[1].phases, REFDOC_TEXT_MAX, "sysinit");
	set(d->pcr11_phases[2].phases, REFDOC_TEXT_MAX, "sysinit:ready");
	for (size_t i = 0; i < d->n_pcr11_phases; i++) {
		fill(d->pcr11_phases[i].sha256, 32, 100 + (unsigned)i);
		fill(d->pcr11_phases[i].sha384, 48, 110 + (unsigned)i);
	}

	d->has_tdx = true;
	refdoc_assume(&d->tdx_assumptions, "td_hob", "QEMU 9");
	d->n_mrtd = 2;
	set(d->mrtd[0].firmware, REFDOC_NAME_MAX, "OVMF.inteltdx.fd");
	set(d->mrtd[0].order, REFDOC_NAME_MAX, "metadata");
	fill(d->mrtd[0].value, 48, 120);
	set(d->mrtd[1].firmware, REFDOC_NAME_MAX, "OVMF.inteltdx.fd");
	set(d->mrtd[1].order, REFDOC_NAME_MAX, "section");
	fill(d->mrtd[1].value, 48, 121);
	fill(d->rtmr1, 48, 130);
	fill(d->rtmr2, 48, 131);
	add_event(&d->events_rtmr1, 2, "EV_EFI_BOOT_SERVICES_APPLICATION", "cvm.efi", 140);
	add_event(&d->events_rtmr2, 3, "EV_EVENT_TAG", ".cmdline", 141);
	add_event(&d->events_rtmr2, 3, "EV_EVENT_TAG", ".initrd", 142);

	d->has_snp = true;
	refdoc_assume(&d->snp_assumptions, "launch", "QEMU -kernel with kernel-hashes=on");
	refdoc_assume(&d->snp_assumptions, "vmsa", "KVM defaults");
	fill(d->snp_kernel_sha256, 32, 150);
	fill(d->snp_initrd_sha256, 32, 151);
	fill(d->snp_cmdline_sha256, 32, 152);
	d->snp_guest_features = 0x1ull;
	d->n_snp = 3;
	for (size_t i = 0; i < d->n_snp; i++) {
		d->snp[i].vcpus = 1u << i;
		set(d->snp[i].cpu_type, REFDOC_NAME_MAX, i == 2 ? "EPYC-Genoa" : "EPYC-v4");
		fill(d->snp[i].value, 48, 160 + (unsigned)i);
	}
}

/* Every section present and every list in it empty; no root hash. */
static void make_empty_lists(struct refdoc *d)
{
	memset(d, 0, sizeof(*d));
	d->version = REFDOC_VERSION;
	make_image(d);
	d->has_vtpm = d->has_tdx = d->has_snp = true;
	d->snp_guest_features = 0xdeadbeef00ull;
}

/* The image and inputs alone: no platform section follows "inputs". */
static void make_image_only(struct refdoc *d)
{
	memset(d, 0, sizeof(*d));
	d->version = REFDOC_VERSION;
	make_image(d);
	add_section(d, ".linux", 1, 10);
	add_input(d, "uki", "cvm.efi", 2, 20);
}

static char *write_doc(const struct refdoc *d, size_t *ret_len)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	CHECK(f != NULL);
	if (!f)
		return NULL;
	CHECK_EQ_INT(refdoc_write(f, d), 0);
	fclose(f);
	*ret_len = len;
	return text;
}

static void check_golden(const struct refdoc *d, const char *name)
{
	char path[256];
	uint8_t *want = NULL;
	size_t len = 0, want_len = 0;
	char *got = write_doc(d, &len);

	snprintf(path, sizeof path, GOLDEN_DIR "%s", name);
	if (!got)
		return;
	if (getenv("CVM_GOLDEN_UPDATE")) {
		FILE *f = fopen(path, "wb");

		CHECK(f && fwrite(got, 1, len, f) == len && fclose(f) == 0);
		free(got);
		return;
	}
	CHECK_EQ_INT(file_read_all(path, 1u << 20, &want, &want_len), 0);
	CHECK_EQ_INT(len, want_len);
	CHECK(want && len == want_len && memcmp(got, want, len) == 0);
	if (!want || len != want_len || memcmp(got, want, len) != 0) {
		char actual[300];
		FILE *f;

		snprintf(actual, sizeof actual, "/tmp/%s.actual", name);
		f = fopen(actual, "wb");
		if (f) {
			fwrite(got, 1, len, f);
			fclose(f);
		}
		fprintf(stderr, "  %s differs: diff -u %s %s\n", name, path, actual);
	}
	free(want);
	free(got);
}

/* What the writer produced reads back to the same model. */
static void check_roundtrip(const struct refdoc *d)
{
	static struct refdoc back;
	char err[128];
	size_t len = 0;
	char *text = write_doc(d, &len);

	if (!text)
		return;
	CHECK_EQ_INT(refdoc_parse(text, len, &back, err, sizeof err), 0);
	CHECK_EQ_STR(back.cmdline, d->cmdline);
	CHECK_EQ_STR(back.uki.stub, d->uki.stub);
	/* a section the document leaves out reads back empty */
	CHECK_EQ_INT(back.pcr_mask, d->has_vtpm ? d->pcr_mask : 0);
	CHECK_EQ_INT(back.events_sha256.n, d->has_vtpm ? d->events_sha256.n : 0);
	CHECK_EQ_INT(back.n_mrtd, d->has_tdx ? d->n_mrtd : 0);
	CHECK_EQ_INT(back.n_snp, d->has_snp ? d->n_snp : 0);
	CHECK_EQ_INT(back.has_vtpm, d->has_vtpm);
	CHECK_EQ_INT(back.has_tdx, d->has_tdx);
	CHECK_EQ_INT(back.has_snp, d->has_snp);
	CHECK_EQ_INT(back.has_roothash, d->has_roothash);
	free(text);
}

/* Every combination of the optional platform sections is valid JSON (the commas
 * between sections depend on which follow). */
static void check_section_combinations(void)
{
	static struct refdoc d;

	for (unsigned m = 0; m < 8; m++) {
		make_full(&d);
		d.has_vtpm = m & 1;
		d.has_tdx = m >> 1 & 1;
		d.has_snp = m >> 2 & 1;
		d.has_roothash = m != 0;
		check_roundtrip(&d);
	}
}

int main(void)
{
	static struct refdoc d;

	make_full(&d);
	check_golden(&d, "refdoc-v1.json");
	check_roundtrip(&d);
	make_empty_lists(&d);
	check_golden(&d, "refdoc-v1-empty-lists.json");
	check_roundtrip(&d);
	make_image_only(&d);
	check_golden(&d, "refdoc-v1-image-only.json");
	check_roundtrip(&d);
	check_section_combinations();
	return unit_finish("test-refdoc-golden");
}
