/* SPDX-License-Identifier: Apache-2.0 */
/* Finding the manifest without udev: every whole disk in /sys/class/block is opened
 * through its devtmpfs node and its GPT is read directly (lib/disk/gpt checks the CRCs);
 * a workload disk is the one with a cvm-manifest partition (type GUID and name).
 * The other source is a QEMU fw_cfg blob (opt/org.cvmforge/manifest). Exactly one
 * manifest may exist: two would make "which workload is this?" ambiguous. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "util/file.h"
#include "measure/workload_identity.h"

const char *source_name(enum manifest_source s)
{
	return s == SOURCE_DISK ? "disk" : "fw_cfg";
}

/* Whole disks only: a partition has a "partition" attribute. Skip devices that can
 * never be a workload disk and would only cost time (ram, loop, zram, dm, md, sr). */
static bool candidate(const char *sysblock, const char *name)
{
	static const char *const skip[] = { "ram", "loop", "zram", "dm-", "md", "sr", "fd", NULL };
	char p[PATH_MAX];

	if (name[0] == '.')
		return false;
	for (size_t i = 0; skip[i]; i++)
		if (strncmp(name, skip[i], strlen(skip[i])) == 0)
			return false;
	if (snprintf(p, sizeof p, "%s/%s/partition", sysblock, name) >= (int)sizeof p)
		return false;
	return access(p, F_OK) != 0;
}

static int try_disk(const char *name, struct found_manifest *fm, bool *found)
{
	char dev[PATH_MAX], rel[300];
	struct wldisk d;
	off_t size;
	int fd, r;

	/* devtmpfs names the node after the kernel device; '!' stands for '/'. */
	snprintf(rel, sizeof rel, "/dev/%s", name);
	for (char *c = rel; *c; c++)
		if (*c == '!')
			*c = '/';
	fd = open(sysroot_path(rel, dev), O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return 0; /* an empty drive or a node not there: not ours */
	size = lseek(fd, 0, SEEK_END);
	r = size > 0 ? wldisk_find(fd, (uint64_t)size, &d) : -ENOENT;
	if (r == -ENOENT || r == -EIO) { /* no GPT / unreadable medium: not a workload disk */
		close(fd);
		return 0;
	}
	if (r < 0) {
		agent_set_detail("%s: broken workload disk (GPT or partitions): %s", dev, strerror(-r));
		close(fd);
		return r;
	}
	if (*found) {
		agent_set_detail("%s: a second workload disk (first: %s)", dev, fm->disk);
		close(fd);
		return -ENOTUNIQ;
	}
	r = wldisk_read_manifest(fd, &d, &fm->bytes, &fm->len);
	close(fd);
	if (r < 0) {
		agent_set_detail("%s: manifest partition: %s", dev,
				 r == -EFBIG ? "manifest larger than 64 KiB" :
				 r == -E2BIG ? "partition larger than a manifest record can be (64 KiB + 16)" :
				 r == -EBADMSG ? "not a valid manifest record" : strerror(-r));
		return r;
	}
	*found = true;
	fm->source = SOURCE_DISK;
	fm->layout = d;
	if (strlen(name) >= sizeof fm->disk) {
		agent_set_detail("%s: device name too long", dev);
		return -ENAMETOOLONG;
	}
	memcpy(fm->disk, name, strlen(name) + 1);
	return 0;
}

static int scan_disks(struct found_manifest *fm, bool *found)
{
	char sysblock[PATH_MAX];
	struct dirent **names = NULL;
	int n, r = 0;

	/* scandir + alphasort: a deterministic order, so errors are reproducible. */
	n = scandir(sysroot_path("/sys/class/block", sysblock), &names, NULL, alphasort);
	if (n < 0)
		return 0;
	for (int i = 0; i < n; i++) {
		if (r == 0 && candidate(sysblock, names[i]->d_name))
			r = try_disk(names[i]->d_name, fm, found);
		free(names[i]);
	}
	free(names);
	return r;
}

int find_manifest(struct found_manifest *ret)
{
	struct found_manifest fm = {0};
	bool found = false;
	uint8_t *blob = NULL;
	size_t blen = 0;
	char p[PATH_MAX];
	int r;

	r = scan_disks(&fm, &found);
	if (r < 0)
		goto fail;

	/* fw_cfg's sysfs "raw" file is the whole blob; its size is exact. */
	r = file_read_all(sysroot_path(AGENT_FWCFG_MANIFEST, p), MANIFEST_MAX_SIZE, &blob, &blen);
	if (r == -ENOENT) {
		r = 0;
	} else if (r < 0) {
		agent_set_detail("fw_cfg %s: %s", p, r == -EFBIG ? "manifest larger than 64 KiB" : strerror(-r));
		goto fail;
	} else if (found) {
		free(blob);
		agent_set_detail("manifest both on disk %s and in fw_cfg: refusing to choose", fm.disk);
		r = -ENOTUNIQ;
		goto fail;
	} else {
		fm.bytes = blob;
		fm.len = blen;
		fm.source = SOURCE_FWCFG;
		found = true;
	}
	if (!found) {
		agent_set_detail("no workload disk (GPT partition \"%s\") and no fw_cfg blob", WLDISK_LABEL_MANIFEST);
		return -ENOENT;
	}
	*ret = fm;
	return 0;
fail:
	free(fm.bytes);
	return r;
}
