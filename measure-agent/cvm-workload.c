/* SPDX-License-Identifier: Apache-2.0 */
/* cvm-workload: host tool that packs a directory into a workload disk (GPT: manifest
 * record, erofs payload, dm-verity hash tree) and prints the workload identity — the
 * values measure-agent will measure and a launcher binds (MANIFEST.md).
 *
 *   cvm-workload pack DIR -o DISK --exec PATH [--arg A]... [--env K=V]...
 *                [--user UID:GID] [--workdir DIR] [--name NAME] [--json]
 *   cvm-workload manifest -o FILE --exec PATH ...   (config-only manifest, no payload)
 *   cvm-workload identity FILE                       (identity of a manifest or disk)
 *
 * Exit codes (util/exit.h): 0 ok, 2 usage, 3 bad input, 4 system or tool failure.
 * Output files are written under a temporary name and renamed at the end: a failure
 * leaves nothing. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gpt-write.h"
#include "measure/manifest.h"
#include "measure/verity_tree.h"
#include "measure/workload_disk.h"
#include "measure/workload_identity.h"
#include "util/base64.h"
#include "util/exit.h"
#include "util/file.h"
#include "util/hex.h"
#include "util/io.h"
#include "util/json_write.h"
#include "util/strnum.h"

#define PAYLOAD_MAX (UINT64_C(64) << 30) /* the hash tree is built in memory */

#define PROG "cvm-workload"
static char tmp_disk[PATH_MAX], tmp_fs[PATH_MAX];

/* Runs at every exit (an atexit handler): a failed run leaves no temporary file. */
static void cleanup(void)
{
	if (tmp_disk[0])
		unlink(tmp_disk);
	if (tmp_fs[0])
		unlink(tmp_fs);
}

static const char usage_text[] =
	"usage: " PROG " pack DIR -o DISK --exec PATH [--arg A]... [--env K=V]... [--user UID:GID]\n"
	"                    [--workdir DIR] [--name NAME] [--manifest-out FILE] [--json]\n"
	"       " PROG " manifest -o FILE --exec PATH [same options] (no payload)\n"
	"       " PROG " identity FILE [--json]    (FILE: a manifest or a workload disk)\n"
	"env: SOURCE_DATE_EPOCH (erofs timestamps, default 0), MKFS_EROFS (default mkfs.erofs)\n";

/* ---- identity ---------------------------------------------------------------------- */

struct identity_field {
	const char *name;
	const uint8_t *b; /* NULL: not printed */
	size_t n;
};

static void print_identity_json(size_t len, const struct identity_field *f, size_t n_fields,
				const struct workload_identity *id)
{
	struct json_writer w;
	int r;

	json_writer_to_file(&w, stdout, 0);
	json_write_object(&w, NULL, JSON_BLOCK);
	json_write_uint(&w, "manifest_size", len);
	for (size_t i = 0; i < n_fields; i++)
		if (f[i].b)
			json_write_hex(&w, f[i].name, f[i].b, f[i].n);
	json_write_base64(&w, "mrconfigid_base64", id->mrconfigid, SHA384_LEN);
	json_write_base64(&w, "host_data_base64", id->host_data, SHA256_LEN);
	json_write_end(&w);
	r = json_writer_finish(&w);
	if (r < 0)
		die(EXIT_SYSTEM, "writing the identity: %s", strerror(-r));
}

static void print_identity(const uint8_t *m, size_t len, const uint8_t *root_hash, int json)
{
	struct workload_identity id;
	char hex[2 * DIGEST_MAX + 1], b64[(SHA384_LEN + 2) / 3 * 4 + 1];
	struct identity_field f[] = {
		{ "manifest_sha256", id.sha256, SHA256_LEN },
		{ "manifest_sha384", id.sha384, SHA384_LEN },
		{ "pcr8_sha256", id.pcr8_sha256, SHA256_LEN },
		{ "pcr8_sha384", id.pcr8_sha384, SHA384_LEN },
		{ "rtmr3", id.rtmr3, SHA384_LEN },
		{ "mrconfigid", id.mrconfigid, SHA384_LEN },
		{ "host_data", id.host_data, SHA256_LEN },
		{ "payload_root_hash", root_hash, SHA256_LEN },
	};

	if (workload_identity(m, len, &id) < 0)
		die(EXIT_SYSTEM, "computing the workload identity failed");
	if (json) {
		print_identity_json(len, f, sizeof f / sizeof *f, &id);
		return;
	}
	printf("%-20s %zu\n", "manifest_size", len);
	for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
		if (!f[i].b)
			continue;
		hex_encode(f[i].b, f[i].n, hex);
		printf("%-20s %s\n", f[i].name, hex);
	}
	/* QEMU takes both launch bindings as base64: sev-snp-guest,host-data= (32 bytes)
	 * and tdx-guest,mrconfigid= (48 bytes). */
	base64_encode(id.mrconfigid, SHA384_LEN, b64);
	printf("%-20s %s\n", "mrconfigid_base64", b64);
	base64_encode(id.host_data, SHA256_LEN, b64);
	printf("%-20s %s\n", "host_data_base64", b64);
}

/* ---- building blocks ----------------------------------------------------------------- */

/* A UUID made from a hash marked as RFC 4122 version 4 / variant 1, as random ones are. */
static void set_uuid_v4_bits(uint8_t u[16])
{
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
}

static void run_mkfs(const char *dir, const char *out, const char *name)
{
	const char *mkfs = getenv("MKFS_EROFS") ? getenv("MKFS_EROFS") : "mkfs.erofs";
	const char *epoch = getenv("SOURCE_DATE_EPOCH") ? getenv("SOURCE_DATE_EPOCH") : "0";
	char targ[64], uarg[64], uuid[37], hex[65];
	uint8_t h[SHA256_LEN];
	uint64_t e;
	pid_t pid;
	int status;

	if (parse_uint(epoch, 10, INT64_MAX, &e) < 0)
		die(EXIT_USAGE, "SOURCE_DATE_EPOCH=%s: not a decimal timestamp", epoch);
	/* A fixed file-system UUID per workload name: randomness would break "same
	 * directory, same bytes", and the UUID carries no security meaning here. */
	char seed[128];
	snprintf(seed, sizeof seed, "cvmforge-erofs-uuid:%s", name);
	digest_buf(DIGEST_SHA256, seed, strlen(seed), h);
	set_uuid_v4_bits(h);
	hex_encode(h, 16, hex);
	snprintf(uuid, sizeof uuid, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
	snprintf(targ, sizeof targ, "-T%llu", (unsigned long long)e);
	snprintf(uarg, sizeof uarg, "-U%s", uuid);

	pid = fork();
	if (pid < 0)
		die(EXIT_SYSTEM, "fork: %s", strerror(errno));
	if (pid == 0) {
		/* -x-1: no xattrs (host SELinux labels or capabilities must not leak in);
		 * --all-root: ownership is the manifest's "user", not the packer's uid. */
		const char *argv[] = { mkfs, "--quiet", "-x-1", "--all-root", targ, uarg, out, dir, NULL };
		int fd = open("/dev/null", O_RDONLY);
		if (fd >= 0)
			dup2(fd, 0);
		execvp(mkfs, (char **)argv);
		/* Not die(): exit() would run the parent's cleanup() in the child. */
		fprintf(stderr, PROG ": %s: %s\n", mkfs, strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		die(EXIT_SYSTEM, "waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die(EXIT_SYSTEM, "%s %s failed (exit %d)", mkfs, dir, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* The next piece of the erofs image between off and end: at most 64 KiB, in a
 * buffer that the next call reuses. */
static size_t read_fs_piece(int fs, uint64_t off, uint64_t end, const uint8_t **ret)
{
	static uint8_t buf[1 << 16];
	size_t n = end - off > sizeof buf ? sizeof buf : (size_t)(end - off);
	int r = pread_full(fs, buf, n, off);

	if (r < 0)
		die(EXIT_SYSTEM, "reading %s: %s", tmp_fs, strerror(-r));
	*ret = buf;
	return n;
}

static void write_at(int fd, const void *buf, size_t len, uint64_t off)
{
	int r = pwrite_full(fd, buf, len, off);

	if (r < 0)
		die(EXIT_SYSTEM, "writing %s: %s", tmp_disk, strerror(-r));
}

static void copy_range(int in, int out, uint64_t len, uint64_t off)
{
	const uint8_t *piece;
	size_t n;

	for (uint64_t done = 0; done < len; done += n) {
		n = read_fs_piece(in, done, len, &piece);
		write_at(out, piece, n, off + done);
	}
}

static char *manifest_bytes(const struct manifest *m, size_t *ret_len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, ret_len);

	if (!f || manifest_write(f, m) < 0 || fclose(f) != 0)
		die(EXIT_SYSTEM, "formatting the manifest failed");
	if (*ret_len > MANIFEST_MAX_SIZE)
		die(EXIT_INPUT, "manifest would be %zu bytes, more than 64 KiB", *ret_len);
	return buf;
}

/* The packer parses what it wrote with the agent's parser: it never emits a
 * manifest the agent would refuse. */
static void self_check(const char *buf, size_t len)
{
	struct manifest *m;
	const char *err = NULL;

	if (manifest_parse((const uint8_t *)buf, len, &m, &err) < 0)
		die(EXIT_INPUT, "manifest refused: %s", err ? err : "invalid");
	manifest_free(m);
}

/* A new file "PATH.tmp-XXXXXX" next to path (its name in tmp), for the caller to
 * rename to path once it is complete. */
static int create_temp(const char *path, char tmp[PATH_MAX])
{
	int fd;

	if (snprintf(tmp, PATH_MAX, "%s.tmp-XXXXXX", path) >= PATH_MAX) {
		tmp[0] = 0; /* no file for cleanup() to remove */
		die(EXIT_USAGE, "%s: path too long", path);
	}
	fd = mkstemp(tmp);
	if (fd < 0)
		die(EXIT_SYSTEM, "%s: %s", tmp, strerror(errno));
	return fd;
}

static void write_file_atomic(const char *path, const void *buf, size_t len)
{
	char tmp[PATH_MAX];
	int fd = create_temp(path, tmp);
	int r = write_full(fd, buf, len);

	if (r == 0 && (fchmod(fd, 0644) < 0 || close(fd) < 0 || rename(tmp, path) < 0))
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		die(EXIT_SYSTEM, "%s: %s", path, strerror(-r));
	}
}

/* The payload: dir as an erofs image in the temporary file tmp_fs, opened for reading. */
static int make_payload(const char *dir, const char *name, uint64_t *ret_size)
{
	struct stat st;
	int fs;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		die(EXIT_INPUT, "%s: %s", dir, errno ? strerror(errno) : "not a directory");
	if (snprintf(tmp_fs, sizeof tmp_fs, "%s/cvm-workload-fs.XXXXXX",
		     getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp") >= (int)sizeof tmp_fs)
		die(EXIT_USAGE, "TMPDIR too long");
	fs = mkstemp(tmp_fs);
	if (fs < 0)
		die(EXIT_SYSTEM, "%s: %s", tmp_fs, strerror(errno));
	close(fs);
	run_mkfs(dir, tmp_fs, name);

	fs = open(tmp_fs, O_RDONLY | O_CLOEXEC);
	if (fs < 0 || fstat(fs, &st) < 0)
		die(EXIT_SYSTEM, "%s: %s", tmp_fs, strerror(errno));
	*ret_size = (uint64_t)st.st_size;
	if (*ret_size == 0 || *ret_size % 4096 != 0 || *ret_size > PAYLOAD_MAX)
		die(EXIT_INPUT, "%s: erofs image of %" PRIu64 " bytes (want a multiple of 4096, at most 64 GiB)",
		    dir, *ret_size);
	return fs;
}

/* Salt unique per payload without randomness: H("cvmforge-verity-salt" || image). */
static void payload_salt(int fs, uint64_t fs_size, uint8_t salt[SHA256_LEN])
{
	struct digest_ctx *ctx = digest_begin(DIGEST_SHA256);
	const uint8_t *piece;
	size_t n;

	if (!ctx || digest_update(ctx, "cvmforge-verity-salt", 20) < 0)
		die(EXIT_SYSTEM, "SHA-256 failed");
	for (uint64_t off = 0; off < fs_size; off += n) {
		n = read_fs_piece(fs, off, fs_size, &piece);
		if (digest_update(ctx, piece, n) < 0)
			die(EXIT_SYSTEM, "SHA-256 failed");
	}
	if (digest_end(ctx, salt) < 0)
		die(EXIT_SYSTEM, "SHA-256 failed");
}

/* The dm-verity hash tree of the payload (SHA-256, 4 KiB blocks, the salt above); its
 * geometry and root hash go into the manifest. Returns the tree, *ret_blocks blocks. */
static uint8_t *build_verity(int fs, uint64_t fs_size, const char *dir, struct manifest *m,
			     uint64_t *ret_blocks)
{
	uint8_t salt[SHA256_LEN], *tree = NULL;
	struct verity_geometry g;
	int r;

	payload_salt(fs, fs_size, salt);
	g = (struct verity_geometry){ DIGEST_SHA256, 4096, 4096, fs_size / 4096, salt, sizeof salt };
	r = verity_tree_build(&g, fs, &tree, ret_blocks, m->verity.root_hash);
	if (r < 0)
		die(EXIT_SYSTEM, "building the verity tree of %s: %s", dir, strerror(-r));
	m->has_payload = true;
	m->verity.hash_alg = DIGEST_SHA256;
	m->verity.data_block_size = 4096;
	m->verity.hash_block_size = 4096;
	m->verity.data_blocks = g.data_blocks;
	memcpy(m->verity.salt, salt, sizeof salt);
	m->verity.salt_len = sizeof salt;
	return tree;
}

/* Everything that goes onto the workload disk, and where. */
struct disk_plan {
	struct gptw_part parts[3]; /* manifest record, payload, hash tree */
	uint8_t disk_guid[SHA256_LEN];
	uint64_t sectors;
	const char *manifest;
	size_t manifest_len, record_size;
	int fs;
	uint64_t fs_size;
	const uint8_t *tree;
	uint64_t tree_blocks;
};

/* Partition sizes and GUIDs, derived from the content (systemd-repart does the same
 * for verity pairs: data = first half of the root hash, hash = second half). */
static void plan_layout(struct disk_plan *d, const uint8_t root_hash[SHA256_LEN])
{
	uint8_t h[SHA256_LEN];

	d->record_size = (wldisk_record_size(d->manifest_len) + 4095) / 4096 * 4096;
	d->parts[0].sectors = d->record_size / GPTW_SECTOR;
	d->parts[1].sectors = d->fs_size / GPTW_SECTOR;
	d->parts[2].sectors = d->tree_blocks ? d->tree_blocks * 4096 / GPTW_SECTOR : 8;
	digest_buf(DIGEST_SHA256, d->manifest, d->manifest_len, h);
	memcpy(d->parts[0].uuid, h, 16);
	memcpy(d->parts[1].uuid, root_hash, 16);
	memcpy(d->parts[2].uuid, root_hash + 16, 16);
	digest_buf(DIGEST_SHA256, root_hash, 32, d->disk_guid);
	set_uuid_v4_bits(d->parts[0].uuid);
	set_uuid_v4_bits(d->disk_guid);
	d->sectors = gptw_layout(d->parts, 3);
}

/* The disk under a temporary name next to out, renamed to out when complete. */
static void write_disk(const struct disk_plan *d, const char *out)
{
	int disk = create_temp(out, tmp_disk), r;
	uint8_t *record;

	if (ftruncate(disk, (off_t)(d->sectors * GPTW_SECTOR)) < 0)
		die(EXIT_SYSTEM, "%s: %s", tmp_disk, strerror(errno));
	r = gptw_write(disk, d->sectors, d->disk_guid, d->parts, 3);
	if (r < 0)
		die(EXIT_SYSTEM, "writing the GPT to %s: %s", tmp_disk, strerror(-r));
	record = calloc(1, d->record_size);
	if (!record || wldisk_record_encode((const uint8_t *)d->manifest, d->manifest_len, record,
					    d->record_size) < 0)
		die(EXIT_SYSTEM, "encoding the manifest record failed");
	write_at(disk, record, d->record_size, d->parts[0].first_lba * GPTW_SECTOR);
	copy_range(d->fs, disk, d->fs_size, d->parts[1].first_lba * GPTW_SECTOR);
	if (d->tree_blocks)
		write_at(disk, d->tree, d->tree_blocks * 4096, d->parts[2].first_lba * GPTW_SECTOR);
	if (fchmod(disk, 0644) < 0 || fsync(disk) < 0 || close(disk) < 0 || rename(tmp_disk, out) < 0)
		die(EXIT_SYSTEM, "%s: %s", out, strerror(errno));
	tmp_disk[0] = 0;
	free(record);
}

/* cvm-workload pack: payload, hash tree, manifest, disk; then the identity. */
static void pack(const char *dir, const char *out, struct manifest *m, const char *manifest_out, int json)
{
	struct disk_plan d = { .parts = {
		{ .type = wldisk_type_manifest, .name = WLDISK_LABEL_MANIFEST },
		{ .type = wldisk_type_payload, .name = WLDISK_LABEL_PAYLOAD },
		{ .type = wldisk_type_verity, .name = WLDISK_LABEL_VERITY },
	} };
	uint8_t *tree;
	char *mbuf;
	size_t mlen;

	d.fs = make_payload(dir, m->name, &d.fs_size);
	tree = build_verity(d.fs, d.fs_size, dir, m, &d.tree_blocks);
	mbuf = manifest_bytes(m, &mlen);
	self_check(mbuf, mlen);
	d.tree = tree;
	d.manifest = mbuf;
	d.manifest_len = mlen;
	plan_layout(&d, m->verity.root_hash);
	write_disk(&d, out);
	close(d.fs);
	cleanup();
	tmp_fs[0] = 0;

	if (manifest_out)
		write_file_atomic(manifest_out, mbuf, mlen);
	print_identity((uint8_t *)mbuf, mlen, m->verity.root_hash, json);
	free(tree);
	free(mbuf);
}

/* ---- identity of an existing manifest or disk ------------------------------------- */

static int identity_cmd(const char *path, int json)
{
	struct manifest *man;
	const char *err = NULL;
	uint8_t *m = NULL;
	size_t mlen = 0;
	int r;

	r = wldisk_read_manifest_path(path, &m, &mlen);
	if (r == -ENOENT) /* not a workload disk: a bare manifest file */
		r = file_read_all(path, MANIFEST_MAX_SIZE, &m, &mlen);
	if (r < 0)
		die(EXIT_INPUT, "%s: %s", path,
		    r == -EFBIG ? "manifest larger than 64 KiB" :
		    r == -E2BIG ? "manifest partition larger than 64 KiB + 16" :
		    r == -EBADMSG ? "not a valid workload disk (GPT, partitions or manifest record)" : strerror(-r));
	if (manifest_parse(m, mlen, &man, &err) < 0)
		die(EXIT_INPUT, "%s: manifest refused: %s", path, err ? err : "invalid");
	print_identity(m, mlen, man->has_payload ? man->verity.root_hash : NULL, json);
	manifest_free(man);
	free(m);
	return EXIT_OK;
}

/* ---- command line ------------------------------------------------------------------ */

static void push(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof **v);

	if (!nv || !(nv[*n] = strdup(s)))
		die(EXIT_SYSTEM, "out of memory");
	nv[++*n] = NULL;
	*v = nv;
}

static uint32_t parse_id(const char *s, const char *what)
{
	uint64_t v;

	/* (uid_t)-1 is "no change" to setresuid(): not a user. */
	if (parse_uint(s, 10, UINT32_MAX - 1, &v) < 0)
		die(EXIT_USAGE, "--user: %s \"%s\" is not a number in 0..4294967294", what, s);
	return (uint32_t)v;
}

/* The command line, before it becomes a manifest. */
struct cli {
	const char *cmd, *out, *exec, *manifest_out;
	char **args, **env; /* --arg and --env values, NULL-terminated */
	size_t nargs, nenv;
	int json;
};

/* --env KEY=VALUE: a valid variable name, given once. */
static void add_env(struct cli *c, char *kv)
{
	char *eq = strchr(kv, '=');

	if (!eq)
		die(EXIT_USAGE, "--env %s: expected KEY=VALUE", kv);
	*eq = 0;
	if (!manifest_env_key_valid(kv))
		die(EXIT_USAGE, "--env %s: not a valid variable name", kv);
	for (size_t i = 0; i < c->nenv; i++)
		if (strncmp(c->env[i], kv, strlen(kv)) == 0 && c->env[i][strlen(kv)] == '=')
			die(EXIT_USAGE, "--env %s given twice", kv);
	*eq = '=';
	push(&c->env, &c->nenv, kv);
}

/* --user UID:GID, both numeric. */
static void set_user(char *s, struct manifest *m)
{
	char *colon = strchr(s, ':');

	if (!colon)
		die(EXIT_USAGE, "--user %s: expected UID:GID (numeric)", s);
	*colon = 0;
	m->uid = parse_id(s, "uid");
	m->gid = parse_id(colon + 1, "gid");
}

/* The subcommand and its options; returns the index of the first operand. */
static int parse_args(int argc, char **argv, struct cli *c, struct manifest *m)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "exec", required_argument, NULL, 'e' },
		{ "arg", required_argument, NULL, 'a' },
		{ "env", required_argument, NULL, 'E' },
		{ "user", required_argument, NULL, 'u' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "name", required_argument, NULL, 'n' },
		{ "manifest-out", required_argument, NULL, 'M' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int o;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		exit(show_usage(usage_text, argc < 2 ? EXIT_USAGE : EXIT_OK));
	c->cmd = argv[1];
	if (strcmp(c->cmd, "pack") != 0 && strcmp(c->cmd, "manifest") != 0 && strcmp(c->cmd, "identity") != 0)
		exit(show_usage(usage_text, EXIT_USAGE));
	optind = 2;
	while ((o = getopt_long(argc, argv, "o:e:a:E:u:w:n:M:jh", opts, NULL)) != -1)
		switch (o) {
		case 'o': c->out = optarg; break;
		case 'e': c->exec = optarg; break;
		case 'a': push(&c->args, &c->nargs, optarg); break;
		case 'E': add_env(c, optarg); break;
		case 'u': set_user(optarg, m); break;
		case 'w': m->workdir = optarg; break;
		case 'n': m->name = optarg; break;
		case 'M': c->manifest_out = optarg; break;
		case 'j': c->json = 1; break;
		case 'h': exit(show_usage(usage_text, EXIT_OK));
		default: exit(show_usage(usage_text, EXIT_USAGE));
		}
	return optind;
}

/* The manifest's argv (the --exec path first, then the --arg values), environment
 * and name (default: the file name of --exec). */
static void complete_manifest(struct cli *c, struct manifest *m)
{
	static char *no_env[] = { NULL };
	char *first;

	push(&c->args, &c->nargs, c->exec); /* argv[0] goes first: rotate it in */
	first = c->args[c->nargs - 1];
	memmove(c->args + 1, c->args, (c->nargs - 1) * sizeof *c->args);
	c->args[0] = first;
	m->argv = c->args;
	m->argc = c->nargs;
	m->envp = c->env ? c->env : no_env;
	m->envc = c->nenv;
	if (!m->name) {
		const char *base = strrchr(c->exec, '/');
		m->name = (char *)(base && base[1] ? base + 1 : c->exec);
	}
	if (!manifest_name_valid(m->name))
		die(EXIT_USAGE, "--name %s: 1..64 characters of [A-Za-z0-9._-]", m->name);
}

/* cvm-workload manifest: a configuration-only manifest, no payload. */
static void manifest_cmd(const char *out, const struct manifest *m, int json)
{
	size_t len;
	char *buf = manifest_bytes(m, &len);

	self_check(buf, len);
	write_file_atomic(out, buf, len);
	print_identity((uint8_t *)buf, len, NULL, json);
	free(buf);
}

int main(int argc, char **argv)
{
	struct manifest m = { .workdir = (char *)"/", .uid = 0, .gid = 0 };
	struct cli c = { 0 };
	int first;

	set_program_name(PROG);
	atexit(cleanup);
	first = parse_args(argc, argv, &c, &m);
	if (strcmp(c.cmd, "identity") == 0) {
		if (first + 1 != argc)
			die(EXIT_USAGE, "identity takes one FILE");
		return identity_cmd(argv[first], c.json);
	}
	if (!c.out || !c.exec)
		die(EXIT_USAGE, "%s needs -o FILE and --exec PATH", c.cmd);
	if (strcmp(c.cmd, "pack") == 0 ? first + 1 != argc : first != argc)
		die(EXIT_USAGE, "%s: unexpected arguments (see --help)", c.cmd);
	complete_manifest(&c, &m);
	if (strcmp(c.cmd, "pack") == 0)
		pack(argv[first], c.out, &m, c.manifest_out, c.json);
	else
		manifest_cmd(c.out, &m, c.json);
	return EXIT_OK;
}
