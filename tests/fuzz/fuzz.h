/* SPDX-License-Identifier: Apache-2.0 */
/* What the libFuzzer harnesses that read parsed buffers share: the entry point's
 * prototype, and a sink for the bytes a parser pointed at, so the harness reads them
 * (ASan then checks the bounds the parser returned) without the compiler dropping the
 * read. */
#ifndef CVM_FUZZ_H
#define CVM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t fuzz_sink;

/* Reads the last of the n bytes at p; nothing when n is 0. */
static inline void fuzz_touch_end(const uint8_t *p, size_t n)
{
	if (n)
		fuzz_sink ^= p[n - 1];
}

#endif
