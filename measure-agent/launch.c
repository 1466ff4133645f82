/* SPDX-License-Identifier: Apache-2.0 */
/* Mounting the payload through dm-verity and starting the workload (MANIFEST.md,
 * "Workload root and mount layout").
 *
 * The verity table comes from the measured manifest only (root hash, salt, geometry);
 * the disk supplies bytes, never parameters. Verification is lazy — dm-verity checks
 * each block when it is read — so boot cost does not grow with the payload, and a
 * corrupted block surfaces as EIO on read (exec of a corrupted binary fails). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "agent.h"
#include "disk/dm.h"
#include "util/file.h"
#include "measure/verity_tree.h"
#include "util/strnum.h"

#define PAYLOAD_DM_NAME "cvm-payload"

/* dev_t of partition `number` of disk `disk`, from /sys/class/block/<disk>/<part>/. */
static int partition_dev(const char *disk, uint32_t number, dev_t *ret)
{
	char dir[PATH_MAX], rel[PATH_MAX], p[PATH_MAX + 300];
	unsigned maj, min;
	int found = 0;

	snprintf(rel, sizeof rel, "/sys/class/block/%s", disk);
	sysroot_path(rel, dir);
	/* Partition names vary (vdb1, nvme0n1p1): match on the "partition" number. */
	for (uint32_t probe = 0; probe < 2 && !found; probe++) {
		uint8_t *buf;
		uint64_t v;
		size_t len;

		if (probe == 0)
			snprintf(p, sizeof p, "%s/%s%u/partition", dir, disk, number);
		else
			snprintf(p, sizeof p, "%s/%sp%u/partition", dir, disk, number);
		if (file_read_all(p, 32, &buf, &len) < 0)
			continue;
		/* sysfs "partition" holds the number and a newline. */
		if (len > 0 && buf[len - 1] == '\n')
			buf[--len] = 0;
		found = parse_uint((char *)buf, 10, UINT32_MAX, &v) == 0 && v == number;
		free(buf);
		if (found) {
			memcpy(p + strlen(p) - strlen("partition"), "dev", 4);
			if (file_read_all(p, 32, &buf, &len) < 0)
				return -ENOENT;
			found = sscanf((char *)buf, "%u:%u", &maj, &min) == 2;
			free(buf);
		}
	}
	if (!found) {
		agent_set_detail("partition %" PRIu32 " of %s not found in sysfs", number, disk);
		return -ENOENT;
	}
	*ret = makedev(maj, min);
	return 0;
}

int launch_payload(const struct found_manifest *fm, const struct manifest *m, char ret_root[PATH_MAX])
{
	const struct manifest_verity *v = &m->verity;
	struct verity_geometry g = { v->hash_alg, v->data_block_size, v->hash_block_size,
				     v->data_blocks, v->salt, v->salt_len };
	struct dm_verity_params vp = {
		.hash_type = 1,
		.data_block_size = v->data_block_size,
		.hash_block_size = v->hash_block_size,
		.data_blocks = v->data_blocks,
		.hash_start_block = 0,
		.algorithm = digest_name(v->hash_alg),
		.root_hash = v->root_hash,
		.root_hash_len = digest_len(v->hash_alg),
		.salt = v->salt,
		.salt_len = v->salt_len,
		.on_corruption = DM_VERITY_CORRUPTION_EIO,
	};
	char params[1024], node[PATH_MAX], root[PATH_MAX];
	uint64_t sectors, tree_blocks;
	dev_t dev;
	int r;

	if (fm->source != SOURCE_DISK) {
		agent_set_detail("a payload needs a workload disk; fw_cfg manifests are config-only");
		return -EINVAL;
	}
	/* The geometry is the manifest's; the partitions must be big enough for it. */
	if (verity_tree_blocks(&g, &tree_blocks) < 0 ||
	    fm->layout.payload.size / v->data_block_size < v->data_blocks ||
	    fm->layout.verity.size / v->hash_block_size < tree_blocks) {
		agent_set_detail("payload or verity partition smaller than the manifest's geometry");
		return -EINVAL;
	}
	r = partition_dev(fm->disk, fm->layout.payload.number, &vp.data_dev);
	if (r == 0)
		r = partition_dev(fm->disk, fm->layout.verity.number, &vp.hash_dev);
	if (r < 0)
		return r;
	r = dm_verity_table(&vp, params, sizeof params, &sectors);
	if (r < 0) {
		agent_set_detail("building the dm-verity table: %s", strerror(-r));
		return r;
	}
	r = dm_create(PAYLOAD_DM_NAME, NULL, "verity", sectors, params, true, &dev);
	if (r < 0) {
		agent_set_detail("dm-verity device %s: %s", PAYLOAD_DM_NAME, strerror(-r));
		return r;
	}
	/* Our own node for the new device, in devtmpfs: /run is mounted nodev, and a
	 * block device opened through a nodev mount cannot be mounted (EACCES). */
	sysroot_path("/dev/cvm-workload-payload", node);
	sysroot_path(AGENT_STATE_DIR "/root", root);
	(void)unlink(node);
	if (mknod(node, S_IFBLK | 0600, dev) < 0 || (mkdir(root, 0755) < 0 && errno != EEXIST)) {
		r = agent_fail_errno("%s", node);
		dm_remove(PAYLOAD_DM_NAME);
		return r;
	}
	/* A verity failure in the superblock shows up right here as EIO. */
	if (mount(node, root, "erofs", MS_RDONLY | MS_NODEV | MS_NOSUID, NULL) < 0) {
		r = agent_fail_errno("mount erofs payload (dm-verity %s) on %s", PAYLOAD_DM_NAME, root);
		dm_remove(PAYLOAD_DM_NAME);
		return r;
	}
	memcpy(ret_root, root, strlen(root) + 1);
	return 0;
}

/* Mounts /dev, proc and a tmpfs on the payload's dev/, proc/, tmp/ if the payload
 * provides those (empty) directories; erofs is read-only, so we cannot create them. */
static int mount_api(const char *root)
{
	static const struct {
		const char *dir, *src, *type;
		unsigned long flags;
		const char *data;
	} m[] = {
		{ "dev", "/dev", NULL, MS_BIND | MS_REC, NULL },
		{ "proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
		{ "tmp", "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=64m" },
	};
	char p[PATH_MAX];
	struct stat st;

	for (size_t i = 0; i < sizeof m / sizeof *m; i++) {
		snprintf(p, sizeof p, "%s/%s", root, m[i].dir);
		if (lstat(p, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (mount(m[i].src, p, m[i].type, m[i].flags, m[i].data) < 0)
			return agent_fail_errno("mount %s on %s", m[i].src, p);
	}
	return 0;
}

int launch_exec(const struct manifest *m, const char *root)
{
	int r;

	if (root) {
		/* The workload's mounts are its own; the agent's view stays untouched. */
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			return agent_fail_errno("mount namespace");
		r = mount_api(root);
		if (r < 0)
			return r;
		if (chroot(root) < 0 || chdir("/") < 0)
			return agent_fail_errno("chroot %s", root);
	}
	if (chdir(m->workdir) < 0)
		return agent_fail_errno("workdir %s", m->workdir);
	if (setgroups(0, NULL) < 0 || setresgid(m->gid, m->gid, m->gid) < 0 ||
	    setresuid(m->uid, m->uid, m->uid) < 0)
		return agent_fail_errno("switching to uid %u gid %u", m->uid, m->gid);
	/* No setuid/file-capability gains for anything the workload executes. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return agent_fail_errno("PR_SET_NO_NEW_PRIVS");
	execve(m->argv[0], m->argv, m->envp);
	r = -errno;
	agent_set_detail("exec %s: %s%s", m->argv[0], strerror(-r), r == -EIO ? " (payload block failed dm-verity)" : "");
	return r;
}
