/* SPDX-License-Identifier: Apache-2.0 */
/* lib/disk/dm: the dm-verity table string, the DM_TABLE_LOAD buffer layout (alignment,
 * sizes, offsets) and name checks. The ioctls themselves run in the QEMU boot tests
 * (tests/boot/), since device-mapper does not work on the build host. */
#include <errno.h>
#include <linux/dm-ioctl.h>
#include <stdint.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "disk/dm.h"
#include "unit.h"

static const uint8_t root[32] = {
	0x94, 0x89, 0x2d, 0xf1, 0xbc, 0x19, 0xad, 0x13, 0x57, 0x59, 0x5f, 0x39,
	0x6e, 0x60, 0x6f, 0x8d, 0xf1, 0x02, 0x8e, 0xc1, 0x7a, 0x43, 0x8f, 0x22,
	0x7c, 0x01, 0x3c, 0x7b, 0xa7, 0x68, 0x8f, 0xf5 };
static const uint8_t salt[4] = { 0xde, 0xad, 0xbe, 0xef };

static struct dm_verity_params base(void)
{
	return (struct dm_verity_params){
		.data_dev = makedev(254, 2), .hash_dev = makedev(254, 3), .hash_type = 1,
		.data_block_size = 4096, .hash_block_size = 4096, .data_blocks = 1000,
		.hash_start_block = 1, .algorithm = "sha256", .root_hash = root,
		.root_hash_len = 32, .salt = salt, .salt_len = 4,
		.on_corruption = DM_VERITY_CORRUPTION_PANIC,
	};
}

/* The table for p is want, for a device of want_sectors 512-byte sectors. */
static void check_table(const struct dm_verity_params *p, const char *want, uint64_t want_sectors)
{
	char buf[512];
	uint64_t sectors = 0;

	CHECK_EQ_INT(dm_verity_table(p, buf, sizeof(buf), &sectors), 0);
	CHECK_EQ_STR(buf, want);
	CHECK_EQ_INT(sectors, want_sectors);
}

static void test_table(void)
{
	struct dm_verity_params p = base();
	char buf[512];
	uint64_t sectors = 0;

	check_table(&p, "1 254:2 254:3 4096 4096 1000 1 sha256 "
			"94892df1bc19ad1357595f396e606f8df1028ec17a438f227c013c7ba7688ff5 "
			"deadbeef 1 panic_on_corruption", 8000);

	p.on_corruption = DM_VERITY_CORRUPTION_RESTART;
	p.salt_len = 0;
	p.salt = NULL;
	p.data_block_size = p.hash_block_size = 512;
	p.data_dev = makedev(259, 1048575); /* large minor: printed, not encoded */
	check_table(&p, "1 259:1048575 254:3 512 512 1000 1 sha256 "
			"94892df1bc19ad1357595f396e606f8df1028ec17a438f227c013c7ba7688ff5 "
			"- 1 restart_on_corruption", 1000);

	p.on_corruption = DM_VERITY_CORRUPTION_EIO;
	CHECK_EQ_INT(dm_verity_table(&p, buf, sizeof(buf), &sectors), 0);
	CHECK(strstr(buf, "corruption") == NULL);

	/* Too small a buffer is an error, never a truncated table. */
	p = base();
	sectors = 7;
	CHECK_EQ_INT(dm_verity_table(&p, buf, 40, &sectors), -ENOBUFS);
	CHECK_EQ_INT(sectors, 7);
}

static void test_table_invalid(void)
{
	struct dm_verity_params p;
	char buf[512];
	uint64_t s;

#define BAD(field, value)                                                   \
	do {                                                                \
		p = base();                                                 \
		p.field = value;                                            \
		CHECK_EQ_INT(dm_verity_table(&p, buf, sizeof(buf), &s), -EINVAL); \
	} while (0)
	BAD(hash_type, 2);
	BAD(data_block_size, 0);
	BAD(data_block_size, 1000);
	BAD(hash_block_size, 256);
	BAD(data_blocks, 0);
	BAD(data_blocks, UINT64_MAX / 4);   /* sectors would overflow */
	BAD(algorithm, NULL);
	BAD(algorithm, "");
	BAD(algorithm, "sha256 1 ignore_corruption"); /* no injection of options */
	BAD(algorithm, "SHA256");
	BAD(root_hash_len, 0);
	BAD(root_hash_len, 65);
	BAD(root_hash, NULL);
	BAD(salt_len, 257);
	BAD(salt, NULL);
	BAD(hash_dev, makedev(254, 2));     /* data and hash on one device */
	BAD(on_corruption, (enum dm_verity_on_corruption)7);
#undef BAD
}

static void test_names(void)
{
	char longname[DM_NAME_LEN + 1];

	CHECK_EQ_INT(dm_name_check("root"), 0);
	CHECK_EQ_INT(dm_name_check("payload-0_a.b"), 0);
	CHECK_EQ_INT(dm_name_check(""), -EINVAL);
	CHECK_EQ_INT(dm_name_check(NULL), -EINVAL);
	CHECK_EQ_INT(dm_name_check("."), -EINVAL);
	CHECK_EQ_INT(dm_name_check(".."), -EINVAL);
	CHECK_EQ_INT(dm_name_check("a/b"), -EINVAL);
	CHECK_EQ_INT(dm_name_check("a b"), -EINVAL);
	CHECK_EQ_INT(dm_name_check("a\nb"), -EINVAL);
	memset(longname, 'x', DM_NAME_LEN - 1);
	longname[DM_NAME_LEN - 1] = '\0';
	CHECK_EQ_INT(dm_name_check(longname), 0); /* 127 bytes + NUL fit */
	memset(longname, 'x', DM_NAME_LEN);
	longname[DM_NAME_LEN] = '\0';
	CHECK_EQ_INT(dm_name_check(longname), -EINVAL);
}

static void test_load_buffer(void)
{
	_Alignas(8) uint8_t buf[1024];
	const struct dm_ioctl *io = (const struct dm_ioctl *)buf;
	const struct dm_target_spec *spec = (const struct dm_target_spec *)(buf + sizeof(*io));
	size_t len = 0;

	/* Parameter lengths 1..9 (with NUL) cover every padding remainder. */
	for (size_t n = 0; n < 9; n++) {
		char params[16];

		memset(params, 'p', n);
		params[n] = '\0';
		memset(buf, 0xaa, sizeof(buf));
		CHECK_EQ_INT(dm_build_table_load("root", "verity", 8000, params, true, buf,
						 sizeof(buf), &len), 0);
		CHECK_EQ_INT(len % 8, 0);
		CHECK_EQ_INT(len, sizeof(*io) + sizeof(*spec) + ((n + 1 + 7) & ~(size_t)7));
		CHECK_EQ_INT(io->data_size, len);
		CHECK_EQ_INT(io->data_start, sizeof(*io));
		CHECK_EQ_INT(io->version[0], DM_VERSION_MAJOR);
		CHECK_EQ_INT(io->version[1], 0);
		CHECK_EQ_INT(io->target_count, 1);
		CHECK_EQ_INT(io->flags, DM_READONLY_FLAG);
		CHECK_EQ_STR(io->name, "root");
		CHECK_EQ_INT(spec->sector_start, 0);
		CHECK_EQ_INT(spec->length, 8000);
		CHECK_EQ_INT(spec->next, len - sizeof(*io));
		CHECK_EQ_STR(spec->target_type, "verity");
		CHECK_EQ_STR((const char *)(spec + 1), params);
		/* Padding after the string is zero, not left-over bytes. */
		for (size_t k = sizeof(*io) + sizeof(*spec) + n; k < len; k++)
			CHECK_EQ_INT(buf[k], 0);
	}
	CHECK_EQ_INT(dm_build_table_load("root", "verity", 8, "x", false, buf, sizeof(buf), &len), 0);
	CHECK_EQ_INT(io->flags, 0);

	CHECK_EQ_INT(dm_build_table_load("a/b", "verity", 8, "x", true, buf, sizeof(buf), &len), -EINVAL);
	CHECK_EQ_INT(dm_build_table_load("root", "", 8, "x", true, buf, sizeof(buf), &len), -EINVAL);
	CHECK_EQ_INT(dm_build_table_load("root", "a-very-long-target-name", 8, "x", true, buf,
					 sizeof(buf), &len), -EINVAL);
	CHECK_EQ_INT(dm_build_table_load("root", "verity", 0, "x", true, buf, sizeof(buf), &len), -EINVAL);
	CHECK_EQ_INT(dm_build_table_load("root", "verity", 8, "x", true, buf + 4, sizeof(buf) - 4,
					 &len), -EINVAL); /* misaligned buffer */
	CHECK_EQ_INT(dm_build_table_load("root", "verity", 8, "x", true, buf,
					 sizeof(struct dm_ioctl) + 8, &len), -ENOBUFS);
}

int main(void)
{
	test_table();
	test_table_invalid();
	test_names();
	test_load_buffer();
	return unit_finish("test-dm");
}
