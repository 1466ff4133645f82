/* SPDX-License-Identifier: Apache-2.0 */
/* UTF-8 validation (RFC 3629), shared by the JSON reader and writer so that what one
 * writes the other reads. */
#ifndef CVM_UTF8_H
#define CVM_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length (1..4) of the valid UTF-8 sequence at s[0..n), n >= 1; 0 if it is not one.
 * Refused: stray continuation bytes, truncated sequences, overlong forms, UTF-16
 * surrogates (U+D800..U+DFFF) and code points above U+10FFFF. */
size_t utf8_char_len(const uint8_t *s, size_t n);

#endif
