/* SPDX-License-Identifier: Apache-2.0 */
/* lib/measure/manifest: the strict v1 schema (measure-agent/MANIFEST.md). Every refusal is
 * checked with the reason the agent would print. */
#include <errno.h>
#include <stdlib.h>

#include "util/hex.h"
#include "measure/manifest.h"
#include "unit.h"
#include "measure/workload_identity.h"

static const char valid[] =
	"{\n  \"version\": 1,\n  \"name\": \"hello\",\n  \"argv\": [\"/app/bin/hello\", \"--x\", \"\"],\n"
	"  \"env\": {\n    \"A\": \"1\",\n    \"PATH\": \"/app/bin\"\n  },\n"
	"  \"user\": {\"uid\": 1000, \"gid\": 1001},\n  \"workdir\": \"/app\",\n"
	"  \"payload\": {\n    \"fs\": \"erofs\",\n    \"verity\": {\n"
	"      \"hash_alg\": \"sha256\",\n      \"data_block_size\": 4096,\n"
	"      \"hash_block_size\": 4096,\n      \"data_blocks\": 3,\n"
	"      \"salt\": \"00ff\",\n"
	"      \"root_hash\": \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"\n"
	"    }\n  }\n}\n";

static int parse(const char *s, struct manifest **m, const char **err)
{
	return manifest_parse((const uint8_t *)s, strlen(s), m, err);
}

/* Expects a refusal whose reason contains `reason`. */
static void refuse(const char *doc, const char *reason)
{
	struct manifest *m = NULL;
	const char *err = NULL;
	int r = parse(doc, &m, &err);

	CHECK(r < 0);
	CHECK(m == NULL);
	CHECK(err && strstr(err, reason));
	if (!(err && strstr(err, reason)))
		fprintf(stderr, "  doc %s: got \"%s\", want \"%s\"\n", doc, err ? err : "(null)", reason);
}

static void test_valid(void)
{
	struct manifest *m = NULL;
	const char *err = NULL;
	char *out = NULL;
	size_t outlen = 0;
	FILE *f;

	CHECK_EQ_INT(parse(valid, &m, &err), 0);
	if (!m)
		return;
	CHECK_EQ_STR(m->name, "hello");
	CHECK_EQ_INT(m->argc, 3);
	CHECK_EQ_STR(m->argv[0], "/app/bin/hello");
	CHECK_EQ_STR(m->argv[2], "");
	CHECK(m->argv[3] == NULL);
	CHECK_EQ_INT(m->envc, 2);
	CHECK_EQ_STR(m->envp[1], "PATH=/app/bin");
	CHECK(m->envp[2] == NULL);
	CHECK_EQ_INT(m->uid, 1000);
	CHECK_EQ_INT(m->gid, 1001);
	CHECK_EQ_STR(m->workdir, "/app");
	CHECK(m->has_payload);
	CHECK_EQ_INT(m->verity.data_blocks, 3);
	CHECK_EQ_INT(m->verity.salt_len, 2);
	CHECK_EQ_INT(m->verity.salt[1], 0xff);
	CHECK_EQ_INT(m->verity.root_hash[31], 0xef);

	/* The canonical writer reproduces this (canonical) document byte for byte. */
	f = open_memstream(&out, &outlen);
	CHECK_EQ_INT(manifest_write(f, m), 0);
	fclose(f);
	CHECK_EQ_STR(out, valid);
	free(out);
	manifest_free(m);
}

static void test_minimal(void)
{
	struct manifest *m = NULL;

	CHECK_EQ_INT(parse("{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"],\"user\":{\"uid\":0,\"gid\":0}}", &m, NULL), 0);
	if (!m)
		return;
	CHECK(!m->has_payload);
	CHECK_EQ_STR(m->workdir, "/");
	CHECK_EQ_INT(m->envc, 0);
	CHECK(m->envp && m->envp[0] == NULL);
	/* Its canonical form, byte for byte (the bytes are the workload identity): an
	 * empty env stays on one line, and there is no payload. */
	{
		char *out = NULL;
		size_t outlen = 0;
		FILE *f = open_memstream(&out, &outlen);

		CHECK_EQ_INT(manifest_write(f, m), 0);
		fclose(f);
		CHECK_EQ_STR(out, "{\n  \"version\": 1,\n  \"name\": \"a\",\n  \"argv\": [\"/x\"],\n"
			     "  \"env\": {},\n  \"user\": {\"uid\": 0, \"gid\": 0},\n  \"workdir\": \"/\"\n}\n");
		free(out);
	}
	manifest_free(m);
}

static void test_refused(void)
{
	char *big;

	refuse("", "empty");
	/* truncated: every proper prefix of a valid document is refused */
	for (size_t n = 1; n < sizeof valid - 2; n += 7) {
		struct manifest *m = NULL;
		CHECK(manifest_parse((const uint8_t *)valid, n, &m, NULL) < 0);
		CHECK(m == NULL);
	}
	refuse("{\"version\":1,\"name\":\"a\"", "not valid JSON");
	refuse("[1]", "not a JSON object");
	refuse("{\"version\":2,\"name\":\"a\",\"argv\":[\"/x\"],\"user\":{\"uid\":0,\"gid\":0}}", "unsupported manifest \"version\"");
	refuse("{\"version\":\"1\",\"name\":\"a\",\"argv\":[\"/x\"],\"user\":{\"uid\":0,\"gid\":0}}", "\"version\" missing");
	refuse("{\"name\":\"a\",\"argv\":[\"/x\"],\"user\":{\"uid\":0,\"gid\":0}}", "\"version\" missing");
	refuse("{\"version\":1,\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"],\"user\":{\"uid\":0,\"gid\":0}}", "duplicate keys");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"],\"env\":{\"A\":\"1\",\"A\":\"2\"},\"user\":{\"uid\":0,\"gid\":0}}", "duplicate keys");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"],\"user\":{\"uid\":0,\"gid\":0},\"extra\":1}", "unknown key");
	refuse("{\"version\":1,\"name\":5,\"argv\":[\"/x\"],\"user\":{\"uid\":0,\"gid\":0}}", "\"name\"");
	refuse("{\"version\":1,\"name\":\"../x\",\"argv\":[\"/x\"],\"user\":{\"uid\":0,\"gid\":0}}", "\"name\"");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":\"/x\",\"user\":{\"uid\":0,\"gid\":0}}", "\"argv\" must be an array");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":[],\"user\":{\"uid\":0,\"gid\":0}}", "1..256");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":[\"x\"],\"user\":{\"uid\":0,\"gid\":0}}", "absolute path");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\",1],\"user\":{\"uid\":0,\"gid\":0}}", "array of strings");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"],\"env\":[\"A=1\"],\"user\":{\"uid\":0,\"gid\":0}}", "\"env\" must be an object");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"],\"env\":{\"A=B\":\"1\"},\"user\":{\"uid\":0,\"gid\":0}}", "valid variable name");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"],\"env\":{\"A\":1},\"user\":{\"uid\":0,\"gid\":0}}", "values must be strings");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"]}", "\"user\" must be");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"],\"user\":{\"uid\":-1,\"gid\":0}}", "uid");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"],\"user\":{\"uid\":4294967295,\"gid\":0}}", "uid");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"],\"user\":{\"uid\":1.5,\"gid\":0}}", "uid");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"],\"user\":{\"uid\":0,\"gid\":0},\"workdir\":\"rel\"}", "\"workdir\"");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"],\"user\":{\"uid\":0,\"gid\":0},\"payload\":{\"fs\":\"ext4\"}}", "\"erofs\"");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"],\"user\":{\"uid\":0,\"gid\":0},\"payload\":{\"fs\":\"erofs\"}}", "\"verity\" must be");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"],\"user\":{\"uid\":0,\"gid\":0},\"payload\":{\"fs\":\"erofs\",\"verity\":"
	       "{\"hash_alg\":\"sha1\",\"data_block_size\":4096,\"hash_block_size\":4096,\"data_blocks\":1,\"salt\":\"\",\"root_hash\":\"00\"}}}", "hash_alg");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"],\"user\":{\"uid\":0,\"gid\":0},\"payload\":{\"fs\":\"erofs\",\"verity\":"
	       "{\"hash_alg\":\"sha256\",\"data_block_size\":4095,\"hash_block_size\":4096,\"data_blocks\":1,\"salt\":\"\",\"root_hash\":\"00\"}}}", "data_block_size");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"],\"user\":{\"uid\":0,\"gid\":0},\"payload\":{\"fs\":\"erofs\",\"verity\":"
	       "{\"hash_alg\":\"sha256\",\"data_block_size\":4096,\"hash_block_size\":4096,\"data_blocks\":0,\"salt\":\"\",\"root_hash\":\"00\"}}}", "data_blocks");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"],\"user\":{\"uid\":0,\"gid\":0},\"payload\":{\"fs\":\"erofs\",\"verity\":"
	       "{\"hash_alg\":\"sha256\",\"data_block_size\":4096,\"hash_block_size\":4096,\"data_blocks\":1,\"salt\":\"0\",\"root_hash\":\"00\"}}}", "salt");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"],\"user\":{\"uid\":0,\"gid\":0},\"payload\":{\"fs\":\"erofs\",\"verity\":"
	       "{\"hash_alg\":\"sha256\",\"data_block_size\":4096,\"hash_block_size\":4096,\"data_blocks\":1,\"salt\":\"\",\"root_hash\":\"00\"}}}", "root_hash");
	refuse("{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"],\"user\":{\"uid\":0,\"gid\":0},\"payload\":{\"fs\":\"erofs\",\"verity\":"
	       "{\"hash_alg\":\"sha256\",\"data_block_size\":4096,\"hash_block_size\":4096,\"data_blocks\":1,\"salt\":\"\",\"root_hash\":\"00\",\"x\":1}}}", "unknown key");

	/* oversized: a valid document one byte over 64 KiB */
	big = malloc(MANIFEST_MAX_SIZE + 2);
	if (big) {
		const char *head = "{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"],\"user\":{\"uid\":0,\"gid\":0}}";
		struct manifest *m = NULL;
		const char *err = NULL;

		memset(big, ' ', MANIFEST_MAX_SIZE + 1);
		memcpy(big, head, strlen(head));
		CHECK_EQ_INT(manifest_parse((const uint8_t *)big, MANIFEST_MAX_SIZE + 1, &m, &err), -EFBIG);
		CHECK(err && strstr(err, "64 KiB"));
		CHECK_EQ_INT(manifest_parse((const uint8_t *)big, MANIFEST_MAX_SIZE, &m, &err), 0);
		manifest_free(m);
		free(big);
	}
}

/* Known answers for the measurement chain the agent performs on M, computed
 * independently with Python hashlib:
 *   d = H(M); PCR = H(0^n || d); a second (forbidden) extend would give H(PCR || d). */
static void test_identity_kat(void)
{
	static const char m[] = "{\"version\":1}";
	struct workload_identity id;
	uint8_t reg[SHA384_LEN];
	char hex[2 * SHA384_LEN + 1];

	CHECK_EQ_INT(workload_identity((const uint8_t *)m, strlen(m), &id), 0);
	hex_encode(id.sha256, SHA256_LEN, hex);
	CHECK_EQ_STR(hex, "2430f1a2ad2982d0067885488a4c89e21ad1d7c83b115ba8f1b20acc88dfaea8");
	hex_encode(id.pcr8_sha256, SHA256_LEN, hex);
	CHECK_EQ_STR(hex, "f1d4db3ce28a26e23fc25f8608f5def88db7eb5531a36707bc54f9790c6a1f58");
	hex_encode(id.sha384, SHA384_LEN, hex);
	CHECK_EQ_STR(hex, "8969d9854acbc2996dce4a3a176a58ce93a09ebadd0633e1032d5a9217facfefda48fb1f5d4b84f361a7ed0ead798d52");
	hex_encode(id.pcr8_sha384, SHA384_LEN, hex);
	CHECK_EQ_STR(hex, "881872cd08ff49183808b14907f8322fe41e3546ce51e0e02659f92f02457c223244bbdbb65f7334e5f9b51152173c91");
	CHECK_MEM(id.rtmr3, id.pcr8_sha384, SHA384_LEN);
	CHECK_MEM(id.host_data, id.sha256, SHA256_LEN);
	CHECK_MEM(id.mrconfigid, id.sha384, SHA384_LEN);

	memcpy(reg, id.pcr8_sha256, SHA256_LEN);
	CHECK_EQ_INT(digest_extend(DIGEST_SHA256, reg, id.sha256), 0);
	hex_encode(reg, SHA256_LEN, hex);
	CHECK_EQ_STR(hex, "dd5e917de863c5f703fae4b7d57ac547e6552bb10da728f1ef08e6e098697079");
	memcpy(reg, id.pcr8_sha384, SHA384_LEN);
	CHECK_EQ_INT(digest_extend(DIGEST_SHA384, reg, id.sha384), 0);
	hex_encode(reg, SHA384_LEN, hex);
	CHECK_EQ_STR(hex, "60a81082fdb226a1605bb79b690679f114714d7d02d5b67fc00f7f9994c8b15c571dbbc96cad32c146f891f4dec928b4");
}

int main(void)
{
	test_identity_kat();
	test_valid();
	test_minimal();
	test_refused();
	return unit_finish("test-manifest");
}
