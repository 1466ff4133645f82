/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer: TCG2 / SHA-1 / CCEL event-log iteration, description and replay. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "evidence/tcg_eventlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tcg_replay rp;
	struct tcg_log log;
	struct tcg_event ev;
	char desc[128];

	if (tcg_log_open(data, size, TCG_LOG_AUTO, &log) == 0)
		while (tcg_log_next(&log, &ev) > 0)
			tcg_event_describe(&ev, desc, sizeof(desc));
	(void)tcg_log_replay(data, size, TCG_LOG_AUTO, &rp);
	(void)tcg_log_replay(data, size, TCG_LOG_CCEL, &rp);
	return 0;
}
