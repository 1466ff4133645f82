/* SPDX-License-Identifier: Apache-2.0 */
/* Lowercase hex encoding and strict decoding. */
#ifndef CVM_HEX_H
#define CVM_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Writes 2*len hex digits and a NUL into out (size >= 2*len+1). */
void hex_encode(const uint8_t *in, size_t len, char *out);

/* Decodes exactly 2*len hex digits (either case) of a NUL-terminated string into
 * out[len]. Returns 0, or -EINVAL for a wrong length or a non-hex character;
 * out is written only on success. */
int hex_decode_exact(const char *in, uint8_t *out, size_t len);

/* Decodes a hex string of any even length up to max bytes; *ret_len gets the length.
 * Returns 0, -EINVAL (odd length, bad digit) or -E2BIG. */
int hex_decode(const char *in, uint8_t *out, size_t max, size_t *ret_len);

#endif
