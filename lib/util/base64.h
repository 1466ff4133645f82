/* SPDX-License-Identifier: Apache-2.0 */
/* RFC 4648 base64 (standard alphabet, '=' padding). */
#ifndef CVM_BASE64_H
#define CVM_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Encoded length of n bytes, without the terminating NUL. */
static inline size_t base64_encoded_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

/* Writes base64_encoded_len(len) characters and a NUL into out. */
void base64_encode(const uint8_t *in, size_t len, char *out);

/* Strict decode: padding required, no whitespace, canonical trailing bits.
 * Returns 0 (with *ret_len set), -EINVAL, or -E2BIG if more than max bytes. */
int base64_decode(const char *in, size_t in_len, uint8_t *out, size_t max, size_t *ret_len);

#endif
