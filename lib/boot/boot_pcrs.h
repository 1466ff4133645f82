/* SPDX-License-Identifier: Apache-2.0 */
/* The measurement model of a UEFI disk boot of a cvmforge image under OVMF: firmware
 * loads \EFI\BOOT\BOOTX64.EFI = the UKI (no boot manager, Secure Boot off, one boot
 * attempt, QEMU -nodefaults), systemd-stub 257 measures its sections and starts the
 * kernel through LoadImage, Linux's EFI stub measures LoadOptions and the initrd.
 * Events are produced in boot order with their PCR; TPM PCR values and TDX RTMRs are
 * replays of that one list, so vTPM and TDX can never disagree about an event.
 * Sources: docs/algorithms.md §2-3 (edk2 Tcg2Dxe.c, DxeTpm2MeasureBootLib.c, TdTcg2Dxe.c,
 * systemd stub.c), checked event by event against an OVMF + swtpm boot log. */
#ifndef CVM_BOOT_PCRS_H
#define CVM_BOOT_PCRS_H

#include <stddef.h>
#include <stdint.h>

#include "measure/digest.h"
#include "boot/uki.h"

/* TCG PC Client PFP spec, event types. */
#define EV_SEPARATOR 0x4u
#define EV_EVENT_TAG 0x6u
#define EV_IPL 0xdu
#define EV_EFI_BOOT_SERVICES_APPLICATION 0x80000003u
#define EV_EFI_GPT_EVENT 0x80000006u
#define EV_EFI_ACTION 0x80000007u
/* Not a firmware event: systemd-pcrextend's boot-phase extends of PCR 11 (logged in
 * systemd's CEL-JSON log, /run/log/systemd/tpm2-measure.log, not in the firmware log). */
#define BOOT_EV_SYSTEMD_PHASE 0xfffffff0u

#define BOOT_EVENTS_MAX (16 + 2 * _UKI_SECTION_MAX)
/* Header + partition entries as edk2 measures them; 128 entries of 128 bytes + slack. */
#define BOOT_GPT_DATA_MAX (92u + 8u + 1024u * 1024u)

struct boot_event {
	uint32_t pcr;
	uint32_t type;
	const char *what;      /* static description, for logs and the document */
	uint8_t digest[DIGEST_MAX];
};

const char *boot_event_type_name(uint32_t type);

/* EFI_GPT_DATA as edk2 (DxeTpm2MeasureBootLib.c Tcg2MeasureGptTable) measures it for
 * the disk whose first bytes are head[0..head_len) and whose size is disk_size:
 * the 92-byte primary header ‖ UINT64 number of used entries ‖ every entry with a
 * non-zero type GUID, in table order, SizeOfPartitionEntry bytes each.
 * 512-byte sectors. Returns 0, -EINVAL/-EBADMSG (no valid GPT; CRCs checked), -ENOMEM.
 * *ret is malloc()ed. */
int boot_gpt_event_data(const uint8_t *head, size_t head_len, uint64_t disk_size,
			uint8_t **ret, size_t *ret_len);

/* All modelled events of the boot, in order, for one hash bank. gpt_data from
 * boot_gpt_event_data(). ret has BOOT_EVENTS_MAX entries. Returns 0 or -errno. */
int boot_uefi_disk_events(const struct uki *u, const uint8_t *gpt_data, size_t gpt_len,
			  enum digest_alg alg, struct boot_event *ret, size_t *ret_n);

/* Appends systemd's boot-phase extends of PCR 11, one per word in order (the words of
 * systemd-measure --phase=a:b:c, e.g. enter-initrd, leave-initrd): each extended as
 * H(word), UTF-8, no NUL (src/pcrextend, units/systemd-pcrphase*.service). Which phases
 * a boot reaches depends on the initrd and root, so the caller says. "what" points to
 * the caller's words. ev has BOOT_EVENTS_MAX entries; *n is updated. Returns 0,
 * -EINVAL (empty word, no room) or -EIO. */
int boot_add_phases(const char *const *words, size_t n_words, enum digest_alg alg,
		    struct boot_event *ev, size_t *n);

/* Replays the events of one PCR from zero. */
int boot_pcr_value(const struct boot_event *ev, size_t n, enum digest_alg alg, uint32_t pcr,
		   uint8_t *out);

/* TDX: maps SHA-384 events to RTMRs with edk2's TdxMeasurementMapPcrToMrIndex
 * (PCR 2-6 -> RTMR1, 8-15 -> RTMR2). Under TDX edk2 (>= stable202411) logs a single
 * ReadyToBoot separator into RTMR1 instead of one per PCR, so only the first
 * EV_SEPARATOR is kept. systemd boot phases are skipped: systemd-pcrextend only
 * extends TPM PCRs. rtmr1/rtmr2 have BOOT_EVENTS_MAX entries. */
void boot_tdx_split(const struct boot_event *ev384, size_t n, struct boot_event *rtmr1,
		    size_t *ret_n1, struct boot_event *rtmr2, size_t *ret_n2);

/* Replays a list from 48 zero bytes with SHA-384. */
int boot_rtmr_value(const struct boot_event *ev, size_t n, uint8_t out[SHA384_LEN]);

#endif
