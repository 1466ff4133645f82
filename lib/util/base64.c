/* SPDX-License-Identifier: Apache-2.0 */
#include "util/base64.h"

#include <errno.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void base64_encode(const uint8_t *in, size_t len, char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0);
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
}

static int value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int base64_decode(const char *in, size_t in_len, uint8_t *out, size_t max, size_t *ret_len)
{
	size_t n = 0, pad = 0;

	if (in_len % 4)
		return -EINVAL;
	if (in_len >= 4) {
		pad = (in[in_len - 1] == '=') + (in[in_len - 2] == '=');
		if (pad == 1 && in[in_len - 1] != '=')
			return -EINVAL;
	}
	if (in_len / 4 * 3 - pad > max)
		return -E2BIG;

	for (size_t i = 0; i < in_len; i += 4) {
		int v[4];
		int last = i + 4 == in_len;

		for (int k = 0; k < 4; k++) {
			v[k] = value(in[i + k]);
			if (v[k] < 0 && !(last && in[i + k] == '=' && k >= 4 - (int)pad))
				return -EINVAL;
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 |
			     (uint32_t)(v[2] < 0 ? 0 : v[2]) << 6 | (uint32_t)(v[3] < 0 ? 0 : v[3]);
		out[n++] = (uint8_t)(w >> 16);
		if (last && pad == 2) {
			if (w & 0xFFFF)
				return -EINVAL; /* non-canonical trailing bits */
			break;
		}
		out[n++] = (uint8_t)(w >> 8);
		if (last && pad == 1) {
			if (w & 0xFF)
				return -EINVAL;
			break;
		}
		out[n++] = (uint8_t)w;
	}
	*ret_len = n;
	return 0;
}
