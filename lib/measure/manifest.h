/* SPDX-License-Identifier: Apache-2.0 */
/* The workload manifest (schema version 1, measure-agent/MANIFEST.md): what runs, as
 * whom, and the dm-verity root hash and geometry that pin every byte of the payload.
 *
 * The manifest bytes M are the workload identity (lib/measure/workload_identity.h), so the
 * parser is strict: unknown keys, unknown versions, wrong types, duplicate keys and
 * out-of-range values are refused, never ignored — two manifests that would run
 * differently must never parse the same. */
#ifndef CVM_MANIFEST_H
#define CVM_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "measure/digest.h"

#define MANIFEST_VERSION 1
#define MANIFEST_NAME_MAX 64
#define MANIFEST_ARGV_MAX 256
#define MANIFEST_ENV_MAX 256
#define MANIFEST_STRING_MAX 4096
#define MANIFEST_SALT_MAX 256
#define MANIFEST_DATA_BLOCKS_MAX (UINT64_C(1) << 40)

struct manifest_verity {
	enum digest_alg hash_alg; /* v1: sha256 only */
	uint32_t data_block_size; /* power of two, 512..4096 */
	uint32_t hash_block_size; /* power of two, 512..4096 */
	uint64_t data_blocks;     /* payload size = data_blocks * data_block_size */
	uint8_t salt[MANIFEST_SALT_MAX];
	size_t salt_len;
	uint8_t root_hash[DIGEST_MAX]; /* digest_len(hash_alg) bytes */
};

struct manifest {
	char *name;
	char **argv;  /* argc entries + NULL; argv[0] is an absolute path */
	size_t argc;
	char **envp;  /* envc "KEY=VALUE" entries + NULL, in document order */
	size_t envc;
	uint32_t uid, gid;
	char *workdir; /* absolute; "/" when absent */
	bool has_payload;
	struct manifest_verity verity; /* valid iff has_payload */
};

/* Parses and validates M (at most MANIFEST_MAX_SIZE bytes). On success *ret is a
 * fresh manifest (free with manifest_free). On failure returns -EINVAL (schema or
 * JSON error), -EFBIG (too large), -ENOMEM, and *ret_error (if given) points to a
 * static one-line reason. */
int manifest_parse(const uint8_t *buf, size_t len, struct manifest **ret, const char **ret_error);
void manifest_free(struct manifest *m);

/* Writes m as the canonical v1 document (fixed key order, two-space indent, final
 * newline): what `cvm-workload pack` stores, so equal inputs give equal bytes. */
int manifest_write(FILE *f, const struct manifest *m);

/* Validators shared with the packer, so it refuses what the agent would refuse. */
bool manifest_name_valid(const char *s);
bool manifest_env_key_valid(const char *s);

#endif
