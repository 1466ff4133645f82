/* SPDX-License-Identifier: Apache-2.0 */
/* Known-answer tests for hex, hashes, register extends and the workload contract.
 * Vectors: FIPS 180-2 "abc"; the extend chains were computed independently with
 * `printf … | openssl dgst` (see comments). */
#include <errno.h>

#include "measure/digest.h"
#include "util/hex.h"
#include "unit.h"
#include "measure/workload_identity.h"

static void hex_of(const uint8_t *b, size_t n, char *out) { hex_encode(b, n, out); }

static void test_hex(void)
{
	uint8_t b[4];
	size_t n = 0;
	char s[9];

	CHECK_EQ_INT(hex_decode_exact("DEADbeef", b, 4), 0);
	hex_of(b, 4, s);
	CHECK_EQ_STR(s, "deadbeef");
	CHECK_EQ_INT(hex_decode_exact("deadbee", b, 4), -EINVAL);
	CHECK_EQ_INT(hex_decode_exact("deadbeeg", b, 4), -EINVAL);
	CHECK_EQ_INT(hex_decode_exact("", b, 0), 0);
	CHECK_EQ_INT(hex_decode("abc", b, 4, &n), -EINVAL);
	CHECK_EQ_INT(hex_decode("0011223344", b, 4, &n), -E2BIG);
	CHECK_EQ_INT(hex_decode("0a0b", b, 4, &n), 0);
	CHECK_EQ_INT(n, 2);
	CHECK_EQ_INT(b[1], 0x0b);
}

static void test_kat(void)
{
	uint8_t d[DIGEST_MAX];
	char s[2 * DIGEST_MAX + 1];

	CHECK_EQ_INT(digest_buf(DIGEST_SHA256, "abc", 3, d), 0);
	hex_of(d, 32, s);
	CHECK_EQ_STR(s, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK_EQ_INT(digest_buf(DIGEST_SHA384, "abc", 3, d), 0);
	hex_of(d, 48, s);
	CHECK_EQ_STR(s, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
			"8086072ba1e7cc2358baeca134c825a7");
}

static void test_extend(void)
{
	/* PCR sha256 after extending SHA-256("abc") into zero:
	 * (printf '%064d' 0 | xxd -r -p; printf abc | openssl dgst -sha256 -binary) | openssl dgst -sha256 */
	uint8_t reg[32] = {0}, d[32];
	char s[65];

	CHECK_EQ_INT(digest_buf(DIGEST_SHA256, "abc", 3, d), 0);
	CHECK_EQ_INT(digest_extend(DIGEST_SHA256, reg, d), 0);
	hex_of(reg, 32, s);
	CHECK_EQ_STR(s, "589f9ffed4c477966bfb8d41f37895b08c69047df8f911d6f3b57fbe08faee8d");
}

static void test_identity(void)
{
	static const uint8_t m[] = "{\"version\":1}";
	struct workload_identity id, zero = {0};
	uint8_t reg[48] = {0};

	CHECK_EQ_INT(workload_identity(m, sizeof(m) - 1, &id), 0);
	CHECK_MEM(id.host_data, id.sha256, 32);
	CHECK_MEM(id.mrconfigid, id.sha384, 48);
	CHECK_EQ_INT(digest_extend(DIGEST_SHA384, reg, id.sha384), 0);
	CHECK_MEM(id.rtmr3, reg, 48);
	CHECK_MEM(id.pcr8_sha384, reg, 48);

	id = zero;
	CHECK_EQ_INT(workload_identity(m, 0, &id), -EINVAL);
	CHECK_EQ_INT(workload_identity(m, MANIFEST_MAX_SIZE + 1, &id), -EINVAL);
	CHECK_MEM(&id, &zero, sizeof(id));
}

int main(void)
{
	enum digest_alg a;

	test_hex();
	test_kat();
	test_extend();
	test_identity();
	CHECK_EQ_INT(digest_from_name("sha384", &a), 0);
	CHECK_EQ_INT(digest_tpm_alg(a), 0x000C);
	CHECK_EQ_INT(digest_from_name("md5", &a), -EINVAL);
	return unit_finish("test-digest");
}
