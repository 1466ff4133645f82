/* SPDX-License-Identifier: Apache-2.0 */
/* measure-agent's manifest finder (measure-agent/find.c) against a temporary sysroot:
 * whole disks listed in sys/class/block with their images as dev/<name>, the fw_cfg
 * blob under sys/firmware/qemu_fw_cfg. A workload disk is found by partition type GUID
 * AND name; exactly one manifest may exist; sizes are bounded; a truncated record or
 * disk is refused, not half-read. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../measure-agent/agent.h"
#include "../../measure-agent/gpt-write.h"
#include "agent-sysroot.h"
#include "tmptree.h"
#include "unit.h"

#define FWCFG_REL "sys/firmware/qemu_fw_cfg/by_name/opt/org.cvmforge/manifest/raw"

static const char manifest[] =
	"{\"version\":1,\"name\":\"t\",\"argv\":[\"/bin/true\"],\"user\":{\"uid\":0,\"gid\":0}}";

/* How the test disk's manifest partition looks. */
struct disk_spec {
	const uint8_t *manifest_type;
	uint64_t manifest_sectors;
	uint32_t record_len_field; /* L in the record header; 0: the real length */
	uint64_t truncate_to;      /* cut the image to this many bytes; 0: keep it whole */
};

static const struct disk_spec good_disk = { .manifest_type = wldisk_type_manifest, .manifest_sectors = 8 };

/* A whole disk `name` in sysfs whose devtmpfs node is a workload disk image. */
static void attach_disk(const char *root, const char *name, const struct disk_spec *spec)
{
	struct gptw_part parts[3] = {
		{ .type = spec->manifest_type, .uuid = { 1 }, .name = WLDISK_LABEL_MANIFEST,
		  .sectors = spec->manifest_sectors },
		{ .type = wldisk_type_payload, .uuid = { 2 }, .name = WLDISK_LABEL_PAYLOAD, .sectors = 8 },
		{ .type = wldisk_type_verity, .uuid = { 3 }, .name = WLDISK_LABEL_VERITY, .sectors = 8 },
	};
	uint8_t guid[16] = { 9 }, rec[WLDISK_RECORD_HEADER + sizeof manifest] = {0};
	uint64_t sectors = gptw_layout(parts, 3);
	char rel[64], p[PATH_MAX];
	int fd;

	snprintf(rel, sizeof rel, "sys/class/block/%s", name);
	CHECK_EQ_INT(tree_mkdir(root, rel), 0);
	snprintf(rel, sizeof rel, "dev/%s", name);
	CHECK_EQ_INT(tree_mkdir(root, "dev"), 0);
	fd = open(tree_path(root, rel, p), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	CHECK(fd >= 0);
	CHECK_EQ_INT(ftruncate(fd, (off_t)(sectors * GPTW_SECTOR)), 0);
	CHECK_EQ_INT(gptw_write(fd, sectors, guid, parts, 3), 0);
	CHECK_EQ_INT(wldisk_record_encode((const uint8_t *)manifest, strlen(manifest), rec, sizeof rec), 0);
	if (spec->record_len_field)
		for (int i = 0; i < 4; i++)
			rec[8 + i] = (uint8_t)(spec->record_len_field >> (8 * i));
	CHECK_EQ_INT(pwrite(fd, rec, sizeof rec, (off_t)(parts[0].first_lba * GPTW_SECTOR)), (ssize_t)sizeof rec);
	if (spec->truncate_to)
		CHECK_EQ_INT(ftruncate(fd, (off_t)spec->truncate_to), 0);
	close(fd);
}

static void put_fwcfg(const char *root, const void *blob, size_t len)
{
	CHECK_EQ_INT(tree_write(root, FWCFG_REL, blob, len), 0);
}

/* A fresh sysroot with an empty sys/class/block, the agent pointed at it. */
static char *new_root(void)
{
	char *root = agent_sysroot_new("test-agent-find");

	CHECK(root != NULL);
	CHECK_EQ_INT(tree_mkdir(root, "sys/class/block"), 0);
	return root;
}

/* Runs the finder; on success checks that it holds exactly M and frees it. */
static int find(enum manifest_source want_source, const char *want_disk)
{
	struct found_manifest fm = {0};
	int r = find_manifest(&fm);

	if (r == 0) {
		CHECK_EQ_INT(fm.len, strlen(manifest));
		CHECK(fm.bytes && memcmp(fm.bytes, manifest, fm.len) == 0 && fm.bytes[fm.len] == 0);
		CHECK_EQ_INT(fm.source, want_source);
		if (want_source == SOURCE_DISK) {
			CHECK_EQ_STR(fm.disk, want_disk);
			CHECK_EQ_INT(fm.layout.manifest.number, 1);
			CHECK_EQ_INT(fm.layout.payload.number, 2);
			CHECK_EQ_INT(fm.layout.verity.number, 3);
		}
		free(fm.bytes);
	}
	return r;
}

static void test_found(void)
{
	char *root = new_root();

	attach_disk(root, "vdb", &good_disk);
	CHECK_EQ_INT(find(SOURCE_DISK, "vdb"), 0);
	CHECK_EQ_STR(source_name(SOURCE_DISK), "disk");
	tree_remove(root);

	root = new_root();
	put_fwcfg(root, manifest, strlen(manifest));
	CHECK_EQ_INT(find(SOURCE_FWCFG, NULL), 0);
	CHECK_EQ_STR(source_name(SOURCE_FWCFG), "fw_cfg");
	tree_remove(root);

	/* Partitions, devices that are never workload disks, and a listed disk without a
	 * node are skipped; the one workload disk is still found. */
	root = new_root();
	CHECK_EQ_INT(tree_write(root, "sys/class/block/vda1/partition", "1\n", 2), 0);
	attach_disk(root, "loop0", &good_disk);
	CHECK_EQ_INT(tree_mkdir(root, "sys/class/block/vda"), 0);
	attach_disk(root, "vdc", &good_disk);
	CHECK_EQ_INT(find(SOURCE_DISK, "vdc"), 0);
	tree_remove(root);
}

static void test_absent(void)
{
	struct found_manifest fm = {0};
	char *root = new_root();

	CHECK_EQ_INT(find_manifest(&fm), -ENOENT);
	CHECK(agent_detail_has("no workload disk (GPT partition \"cvm-manifest\") and no fw_cfg blob"));
	tree_remove(root);

	/* No sys/class/block at all (no block layer): still just "absent". */
	root = agent_sysroot_new("test-agent-find");
	CHECK(root != NULL);
	CHECK_EQ_INT(find_manifest(&fm), -ENOENT);
	tree_remove(root);
}

static void test_two_candidates(void)
{
	struct found_manifest fm = {0};
	char *root = new_root();

	attach_disk(root, "vdb", &good_disk);
	attach_disk(root, "vdc", &good_disk);
	CHECK_EQ_INT(find_manifest(&fm), -ENOTUNIQ);
	CHECK(agent_detail_has("/dev/vdc: a second workload disk (first: vdb)"));
	CHECK(fm.bytes == NULL);
	tree_remove(root);

	root = new_root();
	attach_disk(root, "vdb", &good_disk);
	put_fwcfg(root, manifest, strlen(manifest));
	CHECK_EQ_INT(find_manifest(&fm), -ENOTUNIQ);
	CHECK(agent_detail_has("manifest both on disk vdb and in fw_cfg: refusing to choose"));
	tree_remove(root);
}

/* The only candidate is disk vdb made from spec: the finder must fail with want and
 * the failure detail name the reason (want_detail, if given). */
static void check_one_disk(const struct disk_spec *spec, int want, const char *want_detail)
{
	struct found_manifest fm = {0};
	char *root = new_root();

	attach_disk(root, "vdb", spec);
	CHECK_EQ_INT(find_manifest(&fm), want);
	CHECK(fm.bytes == NULL);
	if (want_detail)
		CHECK(agent_detail_has(want_detail));
	tree_remove(root);
}

/* The name alone does not make a workload disk: the type GUID must match too. */
static void test_wrong_type(void)
{
	static const uint8_t other_type[16] = { 0x0f, 0xc6, 0x3d, 0xaf, 0x84, 0x83, 0x47, 0x72,
						0x8e, 0x79, 0x3d, 0x69, 0xd8, 0x47, 0x7d, 0xe4 };
	struct disk_spec spec = good_disk;
	char *root;

	spec.manifest_type = other_type;
	check_one_disk(&spec, -ENOENT, "no workload disk");

	/* ... and with the type wrong, the fw_cfg manifest is the only one. */
	root = new_root();
	attach_disk(root, "vdb", &spec);
	put_fwcfg(root, manifest, strlen(manifest));
	CHECK_EQ_INT(find(SOURCE_FWCFG, NULL), 0);
	tree_remove(root);
}

static void test_oversize(void)
{
	struct disk_spec spec = good_disk;
	struct found_manifest fm = {0};
	char *root, *big;

	/* fw_cfg blob of 64 KiB + 1 */
	root = new_root();
	big = calloc(1, MANIFEST_MAX_SIZE + 1);
	CHECK(big != NULL);
	memset(big, ' ', MANIFEST_MAX_SIZE + 1);
	put_fwcfg(root, big, MANIFEST_MAX_SIZE + 1);
	free(big);
	CHECK_EQ_INT(find_manifest(&fm), -EFBIG);
	CHECK(agent_detail_has("manifest larger than 64 KiB"));
	tree_remove(root);

	/* a record whose L says 64 KiB + 1 */
	spec.manifest_sectors = 136;
	spec.record_len_field = MANIFEST_MAX_SIZE + 1;
	check_one_disk(&spec, -EFBIG, "/dev/vdb: manifest partition: manifest larger than 64 KiB");

	/* a manifest partition larger than any record can be: not read at all */
	spec.manifest_sectors = 144;
	spec.record_len_field = 0;
	check_one_disk(&spec, -E2BIG, "partition larger than a manifest record can be (64 KiB + 16)");
}

static void test_truncated(void)
{
	struct disk_spec spec = good_disk;
	struct found_manifest fm = {0};
	char *root;

	/* the record claims more bytes than its 4 KiB partition holds */
	spec.record_len_field = 5000;
	check_one_disk(&spec, -EBADMSG, "/dev/vdb: manifest partition: not a valid manifest record");

	/* the image ends before the GPT's last usable sector */
	spec.record_len_field = 0;
	spec.truncate_to = 16 * 1024;
	check_one_disk(&spec, -EBADMSG, "/dev/vdb: broken workload disk (GPT or partitions)");

	/* an empty drive (0 bytes) is no workload disk */
	root = new_root();
	CHECK_EQ_INT(tree_mkdir(root, "sys/class/block/vdb"), 0);
	CHECK_EQ_INT(tree_write(root, "dev/vdb", "", 0), 0);
	CHECK_EQ_INT(find_manifest(&fm), -ENOENT);
	tree_remove(root);
}

int main(void)
{
	test_found();
	test_absent();
	test_two_candidates();
	test_wrong_type();
	test_oversize();
	test_truncated();
	return unit_finish("test-agent-find");
}
