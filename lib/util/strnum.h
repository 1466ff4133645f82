/* SPDX-License-Identifier: Apache-2.0 */
/* Strict unsigned integer parsing for command-line options, sysfs values and
 * document keys: digits only (no sign, no whitespace, no "0x"), the whole string,
 * no overflow. strtoul() accepts "", " 5", "-1" and "+7"; nothing here does. */
#ifndef CVM_STRNUM_H
#define CVM_STRNUM_H

#include <stdint.h>

/* Parses s in base 10 or 16 into *ret if it is at most max.
 * Returns 0, -EINVAL (empty, a non-digit, a leading zero in base 10 when
 * no_leading_zero is set) or -ERANGE (above max). *ret is written only on success. */
int parse_uint(const char *s, unsigned base, uint64_t max, uint64_t *ret);

/* Base 10 without leading zeros ("0" itself allowed): canonical decimal, as JSON
 * object keys naming registers must be, so "04" and "4" cannot both name PCR 4. */
int parse_uint_canonical(const char *s, uint64_t max, uint64_t *ret);

#endif
