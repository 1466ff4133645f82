/* SPDX-License-Identifier: Apache-2.0 */
/* RFC 4648 §10 test vectors, and strictness of the decoder. */
#include <errno.h>

#include "util/base64.h"
#include "unit.h"

int main(void)
{
	static const char *vec[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	char enc[16];
	uint8_t dec[16];
	size_t n;

	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		base64_encode((const uint8_t *)vec[i][0], strlen(vec[i][0]), enc);
		CHECK_EQ_STR(enc, vec[i][1]);
		CHECK_EQ_INT(base64_decode(vec[i][1], strlen(vec[i][1]), dec, sizeof(dec), &n), 0);
		CHECK_EQ_INT(n, strlen(vec[i][0]));
		CHECK_MEM(dec, vec[i][0], n);
	}
	CHECK_EQ_INT(base64_decode("Zg=", 3, dec, 16, &n), -EINVAL);
	CHECK_EQ_INT(base64_decode("Zh==", 4, dec, 16, &n), -EINVAL);  /* trailing bits */
	CHECK_EQ_INT(base64_decode("Zm9=", 4, dec, 16, &n), -EINVAL);  /* trailing bits */
	CHECK_EQ_INT(base64_decode("Z=9v", 4, dec, 16, &n), -EINVAL);
	CHECK_EQ_INT(base64_decode("Zm 9", 4, dec, 16, &n), -EINVAL);
	CHECK_EQ_INT(base64_decode("Zm9vYmFy", 8, dec, 5, &n), -E2BIG);
	return unit_finish("test-base64");
}
