/* SPDX-License-Identifier: Apache-2.0 */
#include "measure/manifest.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/hex.h"
#include "util/json.h"
#include "util/json_write.h"
#include "measure/workload_identity.h"

/* Every rule below is listed in measure-agent/MANIFEST.md; keep the two in step. */

#define ENV_KEY_MAX 256 /* characters in an env name */

static const char *const top_keys[] = { "version", "name", "argv", "env", "user", "workdir", "payload", NULL };
static const char *const user_keys[] = { "uid", "gid", NULL };
static const char *const payload_keys[] = { "fs", "verity", NULL };
static const char *const verity_keys[] = { "hash_alg", "data_block_size", "hash_block_size",
					    "data_blocks", "salt", "root_hash", NULL };

static bool only_keys(const struct json_value *obj, const char *const *allowed)
{
	for (size_t i = 0; i < json_object_len(obj); i++) {
		const char *k = json_object_key(obj, i);
		size_t j;

		for (j = 0; allowed[j]; j++)
			if (strcmp(k, allowed[j]) == 0)
				break;
		if (!allowed[j])
			return false;
	}
	return true;
}

bool manifest_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > MANIFEST_NAME_MAX || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

bool manifest_env_key_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > ENV_KEY_MAX || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

static bool abs_path_valid(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= MANIFEST_STRING_MAX && s[0] == '/';
}

static bool pow2_block(uint64_t v)
{
	return v >= 512 && v <= 4096 && (v & (v - 1)) == 0;
}

/* A uid/gid: 0..2^32-2; (uid_t)-1 means "unchanged" to setresuid() and is refused. */
static int get_id(const struct json_value *obj, const char *key, uint32_t *ret)
{
	const struct json_value *v = json_get(obj, key);
	uint64_t u;

	if (!v || json_uint64(v, &u) < 0 || u >= UINT32_MAX)
		return -EINVAL;
	*ret = (uint32_t)u;
	return 0;
}

static char **strv_new(size_t n)
{
	return calloc(n + 1, sizeof(char *));
}

static void strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

void manifest_free(struct manifest *m)
{
	if (!m)
		return;
	free(m->name);
	strv_free(m->argv);
	strv_free(m->envp);
	free(m->workdir);
	free(m);
}

#define FAIL(msg)                      \
	do {                           \
		*err = (msg);          \
		return -EINVAL;        \
	} while (0)

static int parse_argv(const struct json_value *v, struct manifest *m, const char **err)
{
	size_t n;

	if (!v || json_type(v) != JSON_ARRAY)
		FAIL("\"argv\" must be an array of strings");
	n = json_array_len(v);
	if (n == 0 || n > MANIFEST_ARGV_MAX)
		FAIL("\"argv\" must have 1..256 entries");
	m->argv = strv_new(n);
	if (!m->argv)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string(json_array_at(v, i));

		if (!s)
			FAIL("\"argv\" must be an array of strings");
		if (strlen(s) > MANIFEST_STRING_MAX)
			FAIL("\"argv\" entry longer than 4096 bytes");
		if (i == 0 && !abs_path_valid(s))
			FAIL("\"argv\"[0] must be an absolute path");
		m->argv[i] = strdup(s);
		if (!m->argv[i])
			return -ENOMEM;
	}
	m->argc = n;
	return 0;
}

static int parse_env(const struct json_value *v, struct manifest *m, const char **err)
{
	size_t n = 0;

	if (v) {
		if (json_type(v) != JSON_OBJECT)
			FAIL("\"env\" must be an object of strings");
		n = json_object_len(v);
		if (n > MANIFEST_ENV_MAX)
			FAIL("\"env\" has more than 256 entries");
	}
	m->envp = strv_new(n);
	if (!m->envp)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *k = json_object_key(v, i), *val = json_string(json_object_value(v, i));
		size_t kl, vl;

		if (!val)
			FAIL("\"env\" values must be strings");
		if (!manifest_env_key_valid(k))
			FAIL("\"env\" key is not a valid variable name");
		kl = strlen(k);
		vl = strlen(val);
		if (vl > MANIFEST_STRING_MAX)
			FAIL("\"env\" value longer than 4096 bytes");
		m->envp[i] = malloc(kl + vl + 2);
		if (!m->envp[i])
			return -ENOMEM;
		memcpy(m->envp[i], k, kl);
		m->envp[i][kl] = '=';
		memcpy(m->envp[i] + kl + 1, val, vl + 1);
	}
	m->envc = n;
	return 0;
}

static int parse_verity(const struct json_value *v, struct manifest_verity *ret, const char **err)
{
	struct manifest_verity vy = { .hash_alg = DIGEST_SHA256 };
	const char *alg, *salt, *root;
	uint64_t u;

	if (!v || json_type(v) != JSON_OBJECT)
		FAIL("\"payload\".\"verity\" must be an object");
	if (!only_keys(v, verity_keys))
		FAIL("unknown key in \"payload\".\"verity\"");
	alg = json_get_string(v, "hash_alg");
	if (!alg || strcmp(alg, "sha256") != 0)
		FAIL("\"verity\".\"hash_alg\" must be \"sha256\"");
	if (json_uint64(json_get(v, "data_block_size"), &u) < 0 || !pow2_block(u))
		FAIL("\"verity\".\"data_block_size\" must be a power of two in 512..4096");
	vy.data_block_size = (uint32_t)u;
	if (json_uint64(json_get(v, "hash_block_size"), &u) < 0 || !pow2_block(u))
		FAIL("\"verity\".\"hash_block_size\" must be a power of two in 512..4096");
	vy.hash_block_size = (uint32_t)u;
	if (json_uint64(json_get(v, "data_blocks"), &u) < 0 || u == 0 || u > MANIFEST_DATA_BLOCKS_MAX)
		FAIL("\"verity\".\"data_blocks\" must be an integer in 1..2^40");
	vy.data_blocks = u;
	salt = json_get_string(v, "salt");
	if (!salt || hex_decode(salt, vy.salt, sizeof vy.salt, &vy.salt_len) < 0)
		FAIL("\"verity\".\"salt\" must be hex of at most 256 bytes");
	root = json_get_string(v, "root_hash");
	if (!root || hex_decode_exact(root, vy.root_hash, digest_len(vy.hash_alg)) < 0)
		FAIL("\"verity\".\"root_hash\" must be 64 hex digits");
	*ret = vy;
	return 0;
}

static int parse_payload(const struct json_value *v, struct manifest *m, const char **err)
{
	const char *fs;
	int r;

	if (!v)
		return 0;
	if (json_type(v) != JSON_OBJECT)
		FAIL("\"payload\" must be an object");
	if (!only_keys(v, payload_keys))
		FAIL("unknown key in \"payload\"");
	fs = json_get_string(v, "fs");
	if (!fs || strcmp(fs, "erofs") != 0)
		FAIL("\"payload\".\"fs\" must be \"erofs\"");
	r = parse_verity(json_get(v, "verity"), &m->verity, err);
	if (r < 0)
		return r;
	m->has_payload = true;
	return 0;
}

static int parse_tree(const struct json_value *root, struct manifest *m, const char **err)
{
	const struct json_value *user, *ver;
	const char *name, *workdir;
	uint64_t version;
	int r;

	if (json_type(root) != JSON_OBJECT)
		FAIL("manifest is not a JSON object");
	ver = json_get(root, "version");
	if (!ver || json_uint64(ver, &version) < 0)
		FAIL("\"version\" missing or not an integer");
	if (version != MANIFEST_VERSION)
		FAIL("unsupported manifest \"version\" (this agent reads version 1)");
	if (!only_keys(root, top_keys))
		FAIL("unknown key in manifest");

	name = json_get_string(root, "name");
	if (!name || !manifest_name_valid(name))
		FAIL("\"name\" must be 1..64 characters of [A-Za-z0-9._-], not starting with '.' or '-'");
	m->name = strdup(name);
	if (!m->name)
		return -ENOMEM;

	r = parse_argv(json_get(root, "argv"), m, err);
	if (r < 0)
		return r;
	r = parse_env(json_get(root, "env"), m, err);
	if (r < 0)
		return r;

	user = json_get(root, "user");
	if (!user || json_type(user) != JSON_OBJECT || !only_keys(user, user_keys))
		FAIL("\"user\" must be an object {\"uid\": N, \"gid\": N}");
	if (get_id(user, "uid", &m->uid) < 0 || get_id(user, "gid", &m->gid) < 0)
		FAIL("\"user\".\"uid\"/\"gid\" must be integers in 0..4294967294");

	if (json_get(root, "workdir")) {
		workdir = json_get_string(root, "workdir");
		if (!workdir || !abs_path_valid(workdir))
			FAIL("\"workdir\" must be an absolute path");
	} else
		workdir = "/";
	m->workdir = strdup(workdir);
	if (!m->workdir)
		return -ENOMEM;

	return parse_payload(json_get(root, "payload"), m, err);
}

int manifest_parse(const uint8_t *buf, size_t len, struct manifest **ret, const char **ret_error)
{
	const char *dummy, **err = ret_error ? ret_error : &dummy;
	struct json_value *root = NULL;
	struct manifest *m;
	int r;

	*err = NULL;
	if (len > MANIFEST_MAX_SIZE) {
		*err = "manifest larger than 64 KiB";
		return -EFBIG;
	}
	if (len == 0) {
		*err = "manifest is empty";
		return -EINVAL;
	}
	r = json_parse((const char *)buf, len, &root, NULL);
	if (r < 0) {
		*err = r == -ENOMEM ? "out of memory" : "manifest is not valid JSON (or has duplicate keys)";
		return r == -E2BIG ? -EINVAL : r;
	}
	m = calloc(1, sizeof *m);
	if (!m) {
		json_free(root);
		return -ENOMEM;
	}
	r = parse_tree(root, m, err);
	json_free(root);
	if (r < 0) {
		if (r == -ENOMEM)
			*err = "out of memory";
		manifest_free(m);
		return r;
	}
	*ret = m;
	return 0;
}

static void put_payload(struct json_writer *w, const struct manifest_verity *v)
{
	json_write_object(w, "payload", JSON_BLOCK);
	json_write_string(w, "fs", "erofs");
	json_write_object(w, "verity", JSON_BLOCK);
	json_write_string(w, "hash_alg", digest_name(v->hash_alg));
	json_write_uint(w, "data_block_size", v->data_block_size);
	json_write_uint(w, "hash_block_size", v->hash_block_size);
	json_write_uint(w, "data_blocks", v->data_blocks);
	json_write_hex(w, "salt", v->salt, v->salt_len);
	json_write_hex(w, "root_hash", v->root_hash, digest_len(v->hash_alg));
	json_write_end(w);
	json_write_end(w);
}

/* The layout is part of the workload identity (its bytes are hashed): one member per
 * line, argv and user on one line each, an empty env as {}. */
int manifest_write(FILE *f, const struct manifest *m)
{
	struct json_writer w;

	for (size_t i = 0; i < m->envc; i++) {
		const char *eq = strchr(m->envp[i], '=');

		if (!eq || (size_t)(eq - m->envp[i]) > ENV_KEY_MAX)
			return -EINVAL;
	}
	json_writer_to_file(&w, f, 0);
	json_write_object(&w, NULL, JSON_BLOCK);
	json_write_uint(&w, "version", MANIFEST_VERSION);
	json_write_string(&w, "name", m->name);
	json_write_array(&w, "argv", JSON_LINE);
	for (size_t i = 0; i < m->argc; i++)
		json_write_string(&w, NULL, m->argv[i]);
	json_write_end(&w);
	json_write_object(&w, "env", JSON_BLOCK);
	for (size_t i = 0; i < m->envc; i++) {
		const char *eq = strchr(m->envp[i], '=');
		char key[ENV_KEY_MAX + 1];

		memcpy(key, m->envp[i], (size_t)(eq - m->envp[i]));
		key[eq - m->envp[i]] = 0;
		json_write_string(&w, key, eq + 1);
	}
	json_write_end(&w);
	json_write_object(&w, "user", JSON_LINE);
	json_write_uint(&w, "uid", m->uid);
	json_write_uint(&w, "gid", m->gid);
	json_write_end(&w);
	json_write_string(&w, "workdir", m->workdir);
	if (m->has_payload)
		put_payload(&w, &m->verity);
	json_write_end(&w);
	return json_writer_finish(&w);
}
