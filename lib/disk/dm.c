/* SPDX-License-Identifier: Apache-2.0 */
#include "disk/dm.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/dm-ioctl.h>
#include <stdalign.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Room for a verity table with a 64-byte root hash and a 256-byte salt in hex
 * plus the headers, with margin; larger tables are refused, not truncated. */
#define DM_IOCTL_BUF 8192

int dm_name_check(const char *name)
{
	size_t n;

	if (!name)
		return -EINVAL;
	n = strnlen(name, DM_NAME_LEN);
	if (n == 0 || n >= DM_NAME_LEN)
		return -EINVAL;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (name[i] <= ' ' || name[i] > '~' || name[i] == '/')
			return -EINVAL;
	return 0;
}

static int algorithm_ok(const char *a)
{
	size_t n;

	if (!a)
		return 0;
	n = strnlen(a, 32);
	if (n == 0 || n == 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((a[i] >= 'a' && a[i] <= 'z') || (a[i] >= '0' && a[i] <= '9') ||
		      a[i] == '-' || a[i] == '_'))
			return 0;
	return 1;
}

static int block_size_ok(uint32_t bs)
{
	return bs >= 512 && (bs & (bs - 1)) == 0;
}

static void to_hex(const uint8_t *in, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int dm_verity_table(const struct dm_verity_params *p, char *buf, size_t size,
		    uint64_t *ret_sectors)
{
	char root_hex[2 * 64 + 1], salt_hex[2 * 256 + 1];
	const char *opts;
	uint64_t per_block;
	int n;

	if (!p || !buf || p->hash_type > 1 || !algorithm_ok(p->algorithm))
		return -EINVAL;
	if (!block_size_ok(p->data_block_size) || !block_size_ok(p->hash_block_size))
		return -EINVAL;
	per_block = p->data_block_size / 512;
	if (p->data_blocks == 0 || p->data_blocks > UINT64_MAX / per_block)
		return -EINVAL;
	if (!p->root_hash || p->root_hash_len == 0 || p->root_hash_len > 64)
		return -EINVAL;
	if (p->salt_len > 256 || (p->salt_len && !p->salt))
		return -EINVAL;
	/* The hash area must not start at block 0 when data and hash share a device,
	 * but the kernel cannot tell partitions apart; refuse the obvious overlap. */
	if (p->data_dev == p->hash_dev)
		return -EINVAL;

	switch (p->on_corruption) {
	case DM_VERITY_CORRUPTION_EIO:     opts = ""; break;
	case DM_VERITY_CORRUPTION_RESTART: opts = " 1 restart_on_corruption"; break;
	case DM_VERITY_CORRUPTION_PANIC:   opts = " 1 panic_on_corruption"; break;
	default:                           return -EINVAL;
	}

	to_hex(p->root_hash, p->root_hash_len, root_hex);
	if (p->salt_len)
		to_hex(p->salt, p->salt_len, salt_hex);
	else
		strcpy(salt_hex, "-"); /* verity.rst: "-" means no salt */

	/* <version> <dev> <hash_dev> <data_block_size> <hash_block_size>
	 * <num_data_blocks> <hash_start_block> <algorithm> <digest> <salt> [<#opt> <opt>...] */
	n = snprintf(buf, size, "%" PRIu32 " %u:%u %u:%u %" PRIu32 " %" PRIu32 " %" PRIu64
		     " %" PRIu64 " %s %s %s%s",
		     p->hash_type, major(p->data_dev), minor(p->data_dev), major(p->hash_dev),
		     minor(p->hash_dev), p->data_block_size, p->hash_block_size, p->data_blocks,
		     p->hash_start_block, p->algorithm, root_hex, salt_hex, opts);
	if (n < 0 || (size_t)n >= size)
		return -ENOBUFS;
	*ret_sectors = p->data_blocks * per_block;
	return 0;
}

static void ioctl_init(struct dm_ioctl *io, size_t data_size, const char *name)
{
	memset(io, 0, sizeof(*io));
	/* Ask for interface 4.0: the kernel refuses a minor newer than its own, and
	 * nothing used here is newer than 4.0 (drivers/md/dm-ioctl.c check_version). */
	io->version[0] = DM_VERSION_MAJOR;
	io->data_size = (uint32_t)data_size;
	io->data_start = sizeof(*io);
	if (name)
		memcpy(io->name, name, strlen(name) + 1);
}

int dm_build_table_load(const char *name, const char *target_type, uint64_t sectors,
			const char *params, bool read_only, void *buf, size_t size,
			size_t *ret_len)
{
	struct dm_ioctl *io = buf;
	struct dm_target_spec *spec;
	size_t plen, total;

	if (dm_name_check(name) < 0 || !target_type || !params || !buf || sectors == 0)
		return -EINVAL;
	if (strnlen(target_type, DM_MAX_TYPE_NAME) >= DM_MAX_TYPE_NAME || !*target_type)
		return -EINVAL;
	if ((uintptr_t)buf % alignof(struct dm_ioctl) != 0)
		return -EINVAL;
	plen = strnlen(params, size) + 1;
	/* Header, target spec, parameter string with its NUL, padded to 8 bytes so the
	 * kernel's next_target() bound checks line up (libdm pads the same way). */
	total = sizeof(*io) + sizeof(*spec) + ((plen + 7) & ~(size_t)7);
	if (plen > size || total > size || total > UINT32_MAX)
		return -ENOBUFS;

	memset(buf, 0, total);
	ioctl_init(io, total, name);
	io->target_count = 1;
	if (read_only)
		io->flags |= DM_READONLY_FLAG;
	spec = (struct dm_target_spec *)((uint8_t *)buf + sizeof(*io));
	spec->sector_start = 0;
	spec->length = sectors;
	spec->next = (uint32_t)(total - sizeof(*io));
	memcpy(spec->target_type, target_type, strlen(target_type) + 1);
	memcpy((char *)(spec + 1), params, plen);
	*ret_len = total;
	return 0;
}

static int control_open(void)
{
	int fd = open(DM_CONTROL_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int simple_ioctl(int fd, unsigned long cmd, const char *name, const char *uuid,
			uint32_t flags, struct dm_ioctl *ret)
{
	struct dm_ioctl io;

	ioctl_init(&io, sizeof(io), name);
	io.flags = flags;
	if (uuid)
		memcpy(io.uuid, uuid, strlen(uuid) + 1);
	if (ioctl(fd, cmd, &io) < 0)
		return -errno;
	if (ret)
		*ret = io;
	return 0;
}

int dm_create(const char *name, const char *uuid, const char *target_type,
	      uint64_t sectors, const char *params, bool read_only, dev_t *ret_dev)
{
	_Alignas(8) uint8_t buf[DM_IOCTL_BUF];
	struct dm_ioctl created;
	size_t len;
	int fd, r;

	if (dm_name_check(name) < 0)
		return -EINVAL;
	if (uuid && (strnlen(uuid, DM_UUID_LEN) >= DM_UUID_LEN || !*uuid))
		return -EINVAL;
	r = dm_build_table_load(name, target_type, sectors, params, read_only, buf,
				sizeof(buf), &len);
	if (r < 0)
		return r;

	fd = control_open();
	if (fd < 0)
		return fd;
	r = simple_ioctl(fd, DM_DEV_CREATE, name, uuid, 0, &created);
	if (r < 0)
		goto out;
	if (ioctl(fd, DM_TABLE_LOAD, buf) < 0) {
		r = -errno;
		goto rollback;
	}
	/* DM_DEV_SUSPEND without DM_SUSPEND_FLAG resumes: the loaded table goes live. */
	r = simple_ioctl(fd, DM_DEV_SUSPEND, name, NULL, 0, NULL);
	if (r < 0)
		goto rollback;
	/* The kernel reports huge_encode_dev() (include/linux/kdev_t.h): 12-bit major
	 * at bit 8, minor split around it; decode it rather than trusting that glibc's
	 * dev_t happens to match. */
	*ret_dev = makedev((unsigned)(created.dev >> 8) & 0xfffu,
			   (unsigned)((created.dev & 0xffu) | ((created.dev >> 12) & 0xfff00u)));
	r = 0;
	goto out;

rollback:
	(void)simple_ioctl(fd, DM_DEV_REMOVE, name, NULL, 0, NULL);
out:
	close(fd);
	return r;
}

int dm_remove(const char *name)
{
	int fd, r;

	if (dm_name_check(name) < 0)
		return -EINVAL;
	fd = control_open();
	if (fd < 0)
		return fd;
	r = simple_ioctl(fd, DM_DEV_REMOVE, name, NULL, 0, NULL);
	close(fd);
	return r;
}
