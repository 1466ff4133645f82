/* SPDX-License-Identifier: Apache-2.0 */
/* Device-mapper through its ioctl interface (/dev/mapper/control, <linux/dm-ioctl.h>),
 * without libdevmapper or udev. The table strings and the ioctl buffers are built by
 * pure functions (unit-tested); dm_create() does create -> load -> resume and removes
 * the half-made device again if any step fails. */
#ifndef CVM_DM_H
#define CVM_DM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DM_CONTROL_PATH "/dev/mapper/control"

/* What dm-verity does when a block does not match its hash
 * (Documentation/admin-guide/device-mapper/verity.rst). */
enum dm_verity_on_corruption {
	DM_VERITY_CORRUPTION_EIO,     /* default: the read fails with EIO */
	DM_VERITY_CORRUPTION_RESTART, /* restart_on_corruption: kernel_restart() */
	DM_VERITY_CORRUPTION_PANIC,   /* panic_on_corruption: panic(), then panic= applies */
};

struct dm_verity_params {
	dev_t data_dev;               /* referenced as MAJOR:MINOR in the table */
	dev_t hash_dev;
	uint32_t hash_type;           /* 1 (normal) or 0 (Chrome OS) */
	uint32_t data_block_size;     /* bytes, power of two >= 512 */
	uint32_t hash_block_size;
	uint64_t data_blocks;
	uint64_t hash_start_block;    /* in hash_block_size units */
	const char *algorithm;        /* kernel crypto name, e.g. "sha256" */
	const uint8_t *root_hash;
	size_t root_hash_len;         /* 1..64 */
	const uint8_t *salt;          /* NULL/0 for no salt ("-") */
	size_t salt_len;              /* 0..256 */
	enum dm_verity_on_corruption on_corruption;
};

/* Checks a device-mapper name: 1..127 bytes (DM_NAME_LEN incl. NUL), no '/',
 * not "." or "..", printable ASCII without spaces. Returns 0 or -EINVAL. */
int dm_name_check(const char *name);

/* Writes the dm-verity target parameter string (everything after "verity") into
 * buf and the target length in 512-byte sectors into *ret_sectors. Pure.
 * Returns 0, -EINVAL (bad parameter) or -ENOBUFS (size too small). */
int dm_verity_table(const struct dm_verity_params *p, char *buf, size_t size,
		    uint64_t *ret_sectors);

/* Builds a DM_TABLE_LOAD ioctl buffer for one target (start 0, length sectors)
 * with the 8-byte alignment the kernel requires after the parameter string
 * (drivers/md/dm-ioctl.c next_target/populate_table). Pure.
 * Returns 0, -EINVAL or -ENOBUFS; *ret_len = bytes used. */
int dm_build_table_load(const char *name, const char *target_type, uint64_t sectors,
			const char *params, bool read_only, void *buf, size_t size,
			size_t *ret_len);

/* Creates device name (uuid may be NULL) with one target, loads the table read-only
 * if read_only, and resumes it. On any failure the device is removed again.
 * ret_dev gets the new block device number. Returns 0 or -errno. */
int dm_create(const char *name, const char *uuid, const char *target_type,
	      uint64_t sectors, const char *params, bool read_only, dev_t *ret_dev);

/* Removes device name. Returns 0 or -errno. */
int dm_remove(const char *name);

#endif
