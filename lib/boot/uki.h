/* SPDX-License-Identifier: Apache-2.0 */
/* Unified kernel images (UKI spec, uapi-group specs/unified_kernel_image.md) and what
 * systemd-stub 257 does with them when booted directly by firmware: which sections it
 * measures into PCR 11 (and RTMR2), the command line and the initrd it hands to Linux.
 * Sources: systemd v257 src/boot/stub.c, src/boot/cpio.c, src/boot/util.c,
 * src/fundamental/uki.c; proven against a real OVMF + swtpm boot (tests/boot/). */
#ifndef CVM_UKI_H
#define CVM_UKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "measure/digest.h"
#include "boot/pe.h"

/* systemd's UnifiedSection enum order = the PCR 11 measurement order ("PLEASE DO NOT
 * REORDER"). .pcrsig is never measured. */
enum uki_section {
	UKI_LINUX,
	UKI_OSREL,
	UKI_CMDLINE,
	UKI_INITRD,
	UKI_UCODE,
	UKI_SPLASH,
	UKI_DTB,
	UKI_UNAME,
	UKI_SBAT,
	UKI_PCRSIG,
	UKI_PCRPKEY,
	_UKI_SECTION_MAX,
};

#define UKI_CMDLINE_MAX 4096u
#define UKI_STUB_VERSION_MAX 128u

struct uki {
	const uint8_t *buf;
	size_t len;
	struct pe_image pe;
	const struct pe_section *sections[_UKI_SECTION_MAX]; /* NULL = absent or empty */
	char stub_version[UKI_STUB_VERSION_MAX];             /* e.g. "systemd-stub 257.13-1~deb13u1" */
};

const char *uki_section_name(enum uki_section s);
bool uki_section_measured(enum uki_section s);

/* Parses a UKI in buf (kept referenced by ret). Returns 0, pe_parse() errors,
 * -ENOENT (no .linux), -EOPNOTSUPP (multi-profile or hardware-selected sections —
 * .profile .dtbauto .hwids .efifw — whose measurement depends on the machine, or no
 * .cmdline, or a command line that is not printable ASCII), -EINVAL (a UKI section
 * name twice, or a section whose memory size exceeds the file). */
int uki_parse(const uint8_t *buf, size_t len, struct uki *ret);

/* H(section bytes as mapped: VirtualSize, zero-filled past the raw data). */
int uki_section_digest(const struct uki *u, enum uki_section s, enum digest_alg alg, uint8_t *out);

/* The command line systemd-stub passes to Linux: .cmdline up to its first NUL, with
 * mangle_stub_cmdline() applied (leading whitespace dropped, control characters and DEL
 * turned into spaces, trailing whitespace dropped). ret has UKI_CMDLINE_MAX+1 bytes. */
int uki_cmdline(const struct uki *u, char *ret);

/* H(cmdline as UTF-16LE including the UTF-16 NUL): LoadOptions as Linux measures it
 * into PCR 9 (drivers/firmware/efi/libstub/efi-stub-helper.c efi_convert_cmdline). */
int uki_load_options_digest(const char *cmdline, enum digest_alg alg, uint8_t *out);

/* H(the initrd systemd-stub 257 hands to Linux): .ucode, .initrd, then the generated
 * cpio archives of .pcrsig, .pcrpkey and .osrel (/.extra/…), each zero-padded to
 * 4 bytes (stub.c combine_initrds; a single piece is handed over unpadded). What Linux
 * measures as "Linux initrd" into PCR 9. Returns -ENOENT when there is no initrd. */
int uki_initrd_digest(const struct uki *u, enum digest_alg alg, uint8_t *out);

/* Authenticode of the .linux payload (VirtualSize bytes), which the stub starts via the
 * firmware's LoadImage, so edk2 measures it into PCR 4 when Secure Boot is off. */
int uki_kernel_authenticode(const struct uki *u, enum digest_alg alg, uint8_t *out);

#endif
