/* SPDX-License-Identifier: Apache-2.0 */
#include "boot/boot_pcrs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "boot/authenticode.h"
#include "disk/gpt.h"

#define SECTOR 512u

/* MdePkg/Include/IndustryStandard/UefiTcgPlatform.h */
static const char CALLING_EFI_APP[] = "Calling EFI Application from Boot Option";
static const char EXIT_BS_INVOCATION[] = "Exit Boot Services Invocation";
static const char EXIT_BS_SUCCESS[] = "Exit Boot Services Returned with Success";

const char *boot_event_type_name(uint32_t type)
{
	switch (type) {
	case EV_SEPARATOR: return "EV_SEPARATOR";
	case EV_EVENT_TAG: return "EV_EVENT_TAG";
	case EV_IPL: return "EV_IPL";
	case EV_EFI_BOOT_SERVICES_APPLICATION: return "EV_EFI_BOOT_SERVICES_APPLICATION";
	case EV_EFI_GPT_EVENT: return "EV_EFI_GPT_EVENT";
	case EV_EFI_ACTION: return "EV_EFI_ACTION";
	case BOOT_EV_SYSTEMD_PHASE: return "systemd-pcrphase";
	default: return "EV_UNKNOWN";
	}
}

int boot_gpt_event_data(const uint8_t *head, size_t head_len, uint64_t disk_size,
			uint8_t **ret, size_t *ret_len)
{
	struct gpt_header h;
	size_t entries_off, entries_len, n = 0, used = 0;
	const uint8_t *entries;
	uint8_t *out;
	int r;

	if (head_len < 2 * SECTOR)
		return -EINVAL;
	r = gpt_parse_header(head + SECTOR, SECTOR, disk_size / SECTOR, &h);
	if (r < 0)
		return r;
	entries_len = gpt_entries_size(&h);
	if (entries_len > head_len || h.entries_lba > (head_len - entries_len) / SECTOR)
		return -EINVAL;
	entries_off = (size_t)h.entries_lba * SECTOR;
	entries = head + entries_off;
	r = gpt_check_entries(&h, entries, entries_len);
	if (r < 0)
		return r;

	for (uint32_t i = 0; i < h.n_entries; i++) {
		static const uint8_t zero[16];

		if (memcmp(entries + (size_t)i * h.entry_size, zero, 16) != 0)
			used++;
	}
	/* pragma pack(1) EFI_GPT_DATA: header (sizeof(EFI_PARTITION_TABLE_HEADER) = 92),
	 * UINTN NumberOfPartitions (8 bytes on X64), then the used entries. */
	out = malloc(GPT_HEADER_MIN_SIZE + 8 + used * h.entry_size);
	if (!out)
		return -ENOMEM;
	memcpy(out, head + SECTOR, GPT_HEADER_MIN_SIZE);
	n = GPT_HEADER_MIN_SIZE;
	for (int b = 0; b < 8; b++)
		out[n++] = (uint8_t)((uint64_t)used >> (8 * b));
	for (uint32_t i = 0; i < h.n_entries; i++) {
		static const uint8_t zero[16];
		const uint8_t *e = entries + (size_t)i * h.entry_size;

		if (memcmp(e, zero, 16) == 0)
			continue;
		memcpy(out + n, e, h.entry_size);
		n += h.entry_size;
	}
	*ret = out;
	*ret_len = n;
	return 0;
}

struct builder {
	struct boot_event *ev;
	size_t n;
	enum digest_alg alg;
};

static struct boot_event *add(struct builder *b, uint32_t pcr, uint32_t type, const char *what)
{
	struct boot_event *e = &b->ev[b->n++];

	memset(e, 0, sizeof(*e));
	e->pcr = pcr;
	e->type = type;
	e->what = what;
	return e;
}

static int add_data(struct builder *b, uint32_t pcr, uint32_t type, const char *what,
		    const void *data, size_t len)
{
	return digest_buf(b->alg, data, len, add(b, pcr, type, what)->digest);
}

/* systemd-stub measure_sections(): per present section, H(name incl. NUL) then
 * H(content, VirtualSize), EV_IPL into PCR 11. */
static int add_stub_sections(struct builder *b, const struct uki *u)
{
	for (enum uki_section s = 0; s < _UKI_SECTION_MAX; s++) {
		const char *name = uki_section_name(s);
		int r;

		if (!uki_section_measured(s) || !u->sections[s])
			continue;
		r = add_data(b, 11, EV_IPL, name, name, strlen(name) + 1);
		if (r < 0)
			return r;
		r = uki_section_digest(u, s, b->alg, add(b, 11, EV_IPL, name)->digest);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Linux drivers/firmware/efi/libstub: efi_convert_cmdline() measures LoadOptions,
 * efi_load_initrd() the initrd received through LINUX_EFI_INITRD_MEDIA, both as
 * EV_EVENT_TAG into PCR 9. */
static int add_linux_events(struct builder *b, const struct uki *u)
{
	char *cmdline = malloc(UKI_CMDLINE_MAX + 1);
	int r;

	if (!cmdline)
		return -ENOMEM;
	r = uki_cmdline(u, cmdline);
	if (r >= 0 && cmdline[0] != 0)
		r = uki_load_options_digest(cmdline, b->alg,
					    add(b, 9, EV_EVENT_TAG, "LOADED_IMAGE::LoadOptions")->digest);
	free(cmdline);
	if (r < 0)
		return r;
	r = uki_initrd_digest(u, b->alg, add(b, 9, EV_EVENT_TAG, "Linux initrd")->digest);
	if (r == -ENOENT) {
		b->n--;
		r = 0;
	}
	return r;
}

int boot_uefi_disk_events(const struct uki *u, const uint8_t *gpt_data, size_t gpt_len,
			  enum digest_alg alg, struct boot_event *ret, size_t *ret_n)
{
	static const uint8_t separator[4];
	struct builder b = { .ev = ret, .alg = alg };
	int r;

	/* Tcg2Dxe.c OnReadyToBoot: the action string (no NUL), then separators for PCR 0-6
	 * (only 4 and 5 are modelled here). */
	r = add_data(&b, 4, EV_EFI_ACTION, CALLING_EFI_APP, CALLING_EFI_APP, strlen(CALLING_EFI_APP));
	if (r >= 0)
		r = add_data(&b, 4, EV_SEPARATOR, "separator", separator, sizeof(separator));
	if (r >= 0)
		r = add_data(&b, 5, EV_SEPARATOR, "separator", separator, sizeof(separator));
	/* DxeTpm2MeasureBootLib.c: first image from a GPT disk -> the GPT, then the image. */
	if (r >= 0)
		r = add_data(&b, 5, EV_EFI_GPT_EVENT, "GPT", gpt_data, gpt_len);
	if (r >= 0)
		r = authenticode_digest_pe(u->buf, &u->pe, alg,
					   add(&b, 4, EV_EFI_BOOT_SERVICES_APPLICATION, "UKI")->digest);
	if (r >= 0)
		r = add_stub_sections(&b, u);
	/* linux.c: the stub LoadImage()s .linux; with Secure Boot off the firmware's
	 * Security2 handler measures it like any application. */
	if (r >= 0)
		r = uki_kernel_authenticode(u, alg,
					    add(&b, 4, EV_EFI_BOOT_SERVICES_APPLICATION, "kernel (.linux)")->digest);
	if (r >= 0)
		r = add_linux_events(&b, u);
	if (r >= 0)
		r = add_data(&b, 5, EV_EFI_ACTION, EXIT_BS_INVOCATION, EXIT_BS_INVOCATION,
			     strlen(EXIT_BS_INVOCATION));
	if (r >= 0)
		r = add_data(&b, 5, EV_EFI_ACTION, EXIT_BS_SUCCESS, EXIT_BS_SUCCESS, strlen(EXIT_BS_SUCCESS));
	if (r < 0)
		return r;
	*ret_n = b.n;
	return 0;
}

int boot_add_phases(const char *const *words, size_t n_words, enum digest_alg alg,
		    struct boot_event *ev, size_t *n)
{
	size_t k = *n;

	if (n_words > BOOT_EVENTS_MAX - k)
		return -EINVAL;
	for (size_t i = 0; i < n_words; i++) {
		struct boot_event *x = &ev[k++];
		int r;

		if (!words[i][0])
			return -EINVAL;
		memset(x, 0, sizeof(*x));
		x->pcr = 11;
		x->type = BOOT_EV_SYSTEMD_PHASE;
		x->what = words[i];
		r = digest_buf(alg, words[i], strlen(words[i]), x->digest);
		if (r < 0)
			return r;
	}
	*n = k;
	return 0;
}

int boot_pcr_value(const struct boot_event *ev, size_t n, enum digest_alg alg, uint32_t pcr,
		   uint8_t *out)
{
	uint8_t reg[DIGEST_MAX] = { 0 };

	for (size_t i = 0; i < n; i++) {
		if (ev[i].pcr != pcr)
			continue;
		int r = digest_extend(alg, reg, ev[i].digest);
		if (r < 0)
			return r;
	}
	memcpy(out, reg, digest_len(alg));
	return 0;
}

void boot_tdx_split(const struct boot_event *ev384, size_t n, struct boot_event *rtmr1,
		    size_t *ret_n1, struct boot_event *rtmr2, size_t *ret_n2)
{
	size_t n1 = 0, n2 = 0;
	int separator_seen = 0;

	for (size_t i = 0; i < n; i++) {
		const struct boot_event *e = &ev384[i];

		if (e->type == BOOT_EV_SYSTEMD_PHASE)
			continue;
		if (e->pcr >= 2 && e->pcr <= 6) {
			if (e->type == EV_SEPARATOR && separator_seen++)
				continue;
			rtmr1[n1++] = *e;
		} else if (e->pcr >= 8 && e->pcr <= 15) {
			rtmr2[n2++] = *e;
		}
	}
	*ret_n1 = n1;
	*ret_n2 = n2;
}

int boot_rtmr_value(const struct boot_event *ev, size_t n, uint8_t out[SHA384_LEN])
{
	uint8_t reg[SHA384_LEN] = { 0 };

	for (size_t i = 0; i < n; i++) {
		int r = digest_extend(DIGEST_SHA384, reg, ev[i].digest);
		if (r < 0)
			return r;
	}
	memcpy(out, reg, SHA384_LEN);
	return 0;
}
