/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness for lib/boot/pe, lib/boot/authenticode, lib/boot/uki and the GPT part of
 * lib/boot/boot_pcrs: any bytes must be parsed or refused cleanly, and everything derived
 * from a parsed UKI (command line, initrd, full boot event list) must stay in bounds. */
#include <stdint.h>
#include <stdlib.h>

#include "boot/authenticode.h"
#include "boot/boot_pcrs.h"
#include "boot/uki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_event ev[BOOT_EVENTS_MAX];
	static char cmdline[UKI_CMDLINE_MAX + 1];
	static struct uki u;
	uint8_t md[DIGEST_MAX], *gpt = NULL;
	size_t n = 0, gpt_len = 0;

	/* Cap: the interesting structure is in the headers; huge zero-filled sections
	 * would only make the fuzzer slow. */
	if (size > (1u << 20))
		return 0;
	(void)authenticode_digest(data, size, DIGEST_SHA256, md);
	if (uki_parse(data, size, &u) == 0) {
		(void)uki_cmdline(&u, cmdline);
		(void)uki_initrd_digest(&u, DIGEST_SHA256, md);
		(void)boot_uefi_disk_events(&u, data, size < 92 ? size : 92, DIGEST_SHA256, ev, &n);
	}
	if (boot_gpt_event_data(data, size, size, &gpt, &gpt_len) == 0)
		free(gpt);
	return 0;
}
