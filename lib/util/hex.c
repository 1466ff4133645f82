/* SPDX-License-Identifier: Apache-2.0 */
#include "util/hex.h"

#include <errno.h>
#include <string.h>

static const char hex_digits[] = "0123456789abcdef";

void hex_encode(const uint8_t *in, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex_digits[in[i] >> 4];
		out[2 * i + 1] = hex_digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int decode(const char *in, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi = nibble(in[2 * i]), lo = nibble(in[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int hex_decode_exact(const char *in, uint8_t *out, size_t len)
{
	uint8_t tmp[512];

	if (!in || len > sizeof(tmp) || strlen(in) != 2 * len)
		return -EINVAL;
	if (decode(in, len, tmp) < 0)
		return -EINVAL;
	memcpy(out, tmp, len);
	return 0;
}

int hex_decode(const char *in, uint8_t *out, size_t max, size_t *ret_len)
{
	size_t n;

	if (!in)
		return -EINVAL;
	n = strlen(in);
	if (n % 2)
		return -EINVAL;
	if (n / 2 > max)
		return -E2BIG;
	/* Validate before writing so out is untouched on error. */
	for (size_t i = 0; i < n; i++)
		if (nibble(in[i]) < 0)
			return -EINVAL;
	decode(in, n / 2, out);
	*ret_len = n / 2;
	return 0;
}
