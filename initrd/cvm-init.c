/* SPDX-License-Identifier: Apache-2.0 */
/* cvm-init: PID 1 of the initrd. One static binary, no shell, no udev, no helpers.
 *
 *   1. mount /proc, /sys, /dev (devtmpfs), /run; stdio on /dev/console;
 *   2. load the kernel modules listed, in build-time order, in /etc/cvm-init/modules;
 *   3. parse /proc/cmdline strictly (initrd/cmdline.c);
 *   4. find the root data and hash partitions by the UUIDs systemd-repart derives
 *      from the root hash (first / last 16 bytes), reading GPTs directly;
 *   5. read the verity superblock, create the dm-verity device "root" by ioctl with
 *      panic_on_corruption, mount the erofs root read-only, nodev;
 *   6. move /dev /proc /sys /run into it, delete the initrd's files, switch_root and
 *      exec /usr/lib/systemd/systemd.
 * Any failure prints one line "cvm-init: FATAL: <step>: <object>: <reason>" on the
 * console and powers the machine off. There is no fallback to an unverified root. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cmdline.h"
#include "disk/dm.h"
#include "disk/gpt.h"
#include "util/hex.h"
#include "kcmdline.h"
#include "disk/verity_sb.h"
#include "util/strnum.h"

#define MODULES_FILE "/etc/cvm-init/modules"
#define NEWROOT "/sysroot"
#define SYSTEMD "/usr/lib/systemd/systemd"
#define DM_NAME "root"
#define MAX_DISKS 64

/* finit_module(2) flag for .ko.xz/.zst/.gz, decompressed in the kernel when
 * CONFIG_MODULE_DECOMPRESS=y (the Debian cloud kernel has it; uapi linux/module.h). */
#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

/* Discoverable Partitions Specification, x86-64 root and root-verity types
 * (uapi-group.org/specifications/specs/discoverable_partitions_specification),
 * in string byte order. */
static const uint8_t TYPE_ROOT[16] = {
	0x4f, 0x68, 0xbc, 0xe3, 0xe8, 0xcd, 0x4d, 0xb1,
	0x96, 0xe7, 0xfb, 0xca, 0xf9, 0x84, 0xb7, 0x09,
};
static const uint8_t TYPE_ROOT_VERITY[16] = {
	0x2c, 0x73, 0x57, 0xed, 0xeb, 0xd2, 0x46, 0xd9,
	0xae, 0xc1, 0x23, 0xd4, 0x37, 0xec, 0x2b, 0xf5,
};

/* ---- console and failure ---------------------------------------------------------- */

static double boottime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "cvm-init: ");
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	strcat(line, "\n");
	if (write(STDERR_FILENO, line, strlen(line)) < 0) {
		/* No console (the cpio's /dev/console could not be opened and devtmpfs
		 * is not mounted yet, or failed): the kernel log still reaches the
		 * console drivers once they run, and "<2>" (KERN_CRIT) passes loglevel=4. */
		int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

		if (fd >= 0) {
			char kline[sizeof(line) + 3] = "<2>";

			strcat(kline, line);
			(void)!write(fd, kline, strlen(kline));
			close(fd);
		}
	}
}

static void power_off(void) __attribute__((noreturn));
static void power_off(void)
{
	say("powering off");
	/* The console is a tty: wait until the UART has sent the lines above, or the
	 * power-off may cut them off. */
	(void)tcdrain(STDERR_FILENO);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause(); /* returning would make the kernel panic; stay put instead */
}

/* The one line the operator sees: step, object, reason. */
static void fatal(const char *step, const char *object, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
static void fatal(const char *step, const char *object, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	say("FATAL: %s: %s: %s", step, object, reason);
	power_off();
}

static void setup_console(void)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return; /* nothing to print on; failures still power off */
	for (int i = 0; i < 3; i++)
		dup2(fd, i); /* dup2 clears O_CLOEXEC on the copies */
	if (fd > 2)
		close(fd);
}

/* ---- step 1: API file systems ----------------------------------------------------- */

static void mount_api(void)
{
	static const struct {
		const char *src, *dst, *type;
		unsigned long flags;
		const char *data;
	} m[] = {
		{ "devtmpfs", "/dev", "devtmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755" },
		{ "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
		{ "sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
		/* systemd expects /run as tmpfs it can keep using after switch_root. */
		{ "tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755" },
	};

	for (size_t i = 0; i < sizeof(m) / sizeof(*m); i++) {
		(void)mkdir(m[i].dst, 0755);
		if (mount(m[i].src, m[i].dst, m[i].type, m[i].flags, m[i].data) < 0)
			fatal("mount", m[i].dst, "%s", strerror(errno));
		if (i == 0)
			setup_console(); /* the devtmpfs node, in case the cpio one failed */
	}
}

/* ---- small file helpers ----------------------------------------------------------- */

/* Reads a small text file (sysfs/procfs) into buf, without the trailing newline.
 * Returns 0 or -errno. */
static int read_text(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	if ((size_t)n == size - 1)
		return -EFBIG;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

static int read_u64(const char *path, uint64_t *ret)
{
	char buf[32];
	int r = read_text(path, buf, sizeof(buf));

	if (r < 0)
		return r;
	return parse_uint(buf, 10, UINT64_MAX, ret) < 0 ? -EINVAL : 0;
}

static int read_devt(const char *path, dev_t *ret)
{
	char buf[32];
	unsigned maj, min;
	char tail;
	int r = read_text(path, buf, sizeof(buf));

	if (r < 0)
		return r;
	if (sscanf(buf, "%u:%u%c", &maj, &min, &tail) != 2)
		return -EINVAL;
	*ret = makedev(maj, min);
	return 0;
}

/* ---- step 2: modules -------------------------------------------------------------- */

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void load_modules(void)
{
	char text[16384], *save = NULL;
	int r = read_text(MODULES_FILE, text, sizeof(text));

	if (r < 0)
		fatal("modules", MODULES_FILE, "%s", strerror(-r));
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *path = strchr(line, ' ');
		bool optional;
		int fd, flags = 0;

		if (!path || path[1] != '/')
			fatal("modules", MODULES_FILE, "malformed line \"%s\"", line);
		*path++ = '\0';
		if (strcmp(line, "optional") == 0)
			optional = true;
		else if (strcmp(line, "required") == 0)
			optional = false;
		else
			fatal("modules", MODULES_FILE, "malformed line \"%s\"", line);
		if (has_suffix(path, ".ko.xz") || has_suffix(path, ".ko.zst") || has_suffix(path, ".ko.gz"))
			flags = MODULE_INIT_COMPRESSED_FILE;
		else if (!has_suffix(path, ".ko"))
			fatal("modules", path, "not a kernel module file name");

		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			fatal("modules", path, "%s", strerror(errno));
		if (syscall(SYS_finit_module, fd, "", flags) < 0) {
			int e = errno;

			/* EEXIST: already loaded (or built in on another kernel build).
			 * ENODEV/ENXIO from an optional module: this platform lacks the
			 * device (tdx-guest on SEV, sev-guest on TDX, fw_cfg off QEMU). */
			if (e != EEXIST && !(optional && (e == ENODEV || e == ENXIO)))
				fatal("modules", path, "finit_module: %s", strerror(e));
		}
		close(fd);
	}
}

/* ---- step 4: find the root partitions --------------------------------------------- */

struct part {
	char disk[32];        /* sysfs name of the whole disk, e.g. vda */
	char name[48];        /* sysfs name of the partition, e.g. vda2 */
	dev_t dev;
	uint64_t offset;      /* bytes from the start of the disk */
	uint64_t size;        /* bytes */
	int disk_fd;
};

struct scan {
	const uint8_t *want_data, *want_hash;  /* 16-byte UUIDs */
	struct part data, hash;
	unsigned n_data, n_hash;
	char note[256];       /* why the last disk did not match, for the timeout message */
};

static void uuid_str(const uint8_t u[16], char out[37])
{
	char hex[33];

	hex_encode(u, 16, hex);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

static bool skip_disk(const char *n)
{
	static const char *const prefixes[] = { "loop", "ram", "dm-", "zram", "sr", "md", "fd" };

	if (n[0] == '.')
		return true;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++)
		if (strncmp(n, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

/* The kernel's own partition for GPT slot index on disk: cross-checked against the
 * entry's LBA range so cvm-init and the kernel agree on the bytes verity reads. */
static int kernel_partition(const char *disk, const struct gpt_entry *e, uint32_t lbs,
			    struct part *p)
{
	char path[600];
	DIR *d;
	struct dirent *de;
	int r = -ENOENT;

	snprintf(path, sizeof(path), "/sys/block/%s", disk);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		uint64_t num, start, size;

		if (strncmp(de->d_name, disk, strlen(disk)) != 0 || strlen(de->d_name) >= sizeof(p->name))
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/%s/partition", disk, de->d_name);
		if (read_u64(path, &num) < 0 || num != (uint64_t)e->index + 1)
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/%s/start", disk, de->d_name);
		if (read_u64(path, &start) < 0)
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/%s/size", disk, de->d_name);
		if (read_u64(path, &size) < 0)
			continue;
		/* sysfs counts 512-byte sectors whatever the logical block size. */
		if (start != e->first_lba * (lbs / 512) ||
		    size != (e->last_lba - e->first_lba + 1) * (lbs / 512)) {
			r = -EXDEV;
			break;
		}
		snprintf(path, sizeof(path), "/sys/block/%s/%s/dev", disk, de->d_name);
		if ((r = read_devt(path, &p->dev)) < 0)
			break;
		snprintf(p->name, sizeof(p->name), "%s", de->d_name);
		snprintf(p->disk, sizeof(p->disk), "%s", disk);
		p->offset = start * 512;
		p->size = size * 512;
		r = 0;
		break;
	}
	closedir(d);
	return r;
}

static void scan_disk(struct scan *s, const char *disk)
{
	char path[128];
	uint8_t sector[4096], *entries = NULL;
	uint64_t lbs, sectors;
	struct gpt_header h;
	struct stat st;
	dev_t dev;
	int fd, r;

	snprintf(path, sizeof(path), "/sys/block/%s/queue/logical_block_size", disk);
	if (read_u64(path, &lbs) < 0 || lbs < 512 || lbs > sizeof(sector) || (lbs & (lbs - 1)))
		return;
	snprintf(path, sizeof(path), "/sys/block/%s/size", disk);
	if (read_u64(path, &sectors) < 0 || sectors < 3)
		return;
	snprintf(path, sizeof(path), "/sys/block/%s/dev", disk);
	if (read_devt(path, &dev) < 0)
		return;
	snprintf(path, sizeof(path), "/dev/%s", disk);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return; /* devtmpfs node not there yet: the next round sees it */
	if (fstat(fd, &st) < 0 || !S_ISBLK(st.st_mode) || st.st_rdev != dev)
		goto out;

	if (pread(fd, sector, lbs, (off_t)lbs) != (ssize_t)lbs)
		goto out;
	r = gpt_parse_header(sector, lbs, sectors * 512 / lbs, &h);
	if (r < 0) {
		snprintf(s->note, sizeof(s->note), "%s: no valid primary GPT (%s)", disk, strerror(-r));
		goto out;
	}
	entries = malloc(gpt_entries_size(&h));
	if (!entries)
		goto out;
	if (pread(fd, entries, gpt_entries_size(&h), (off_t)(h.entries_lba * lbs)) !=
	    (ssize_t)gpt_entries_size(&h))
		goto out;
	if ((r = gpt_check_entries(&h, entries, gpt_entries_size(&h))) < 0) {
		snprintf(s->note, sizeof(s->note), "%s: GPT entries: %s", disk, strerror(-r));
		goto out;
	}

	for (uint32_t i = 0; i < h.n_entries; i++) {
		struct gpt_entry e;
		struct part p = { .disk_fd = -1 };
		char want[37], have[37];
		bool is_data, is_hash;

		if (gpt_get_entry(&h, entries, gpt_entries_size(&h), i, &e) < 0)
			continue;
		is_data = memcmp(e.type, TYPE_ROOT, 16) == 0;
		is_hash = memcmp(e.type, TYPE_ROOT_VERITY, 16) == 0;
		if (!is_data && !is_hash)
			continue;
		if (memcmp(e.uuid, is_data ? s->want_data : s->want_hash, 16) != 0) {
			/* A root partition of another image (or another roothash=): say so
			 * at once instead of waiting for a disk that will never come. */
			uuid_str(is_data ? s->want_data : s->want_hash, want);
			uuid_str(e.uuid, have);
			fatal("find root", disk,
			      "%s partition %u has UUID %s, roothash= expects %s",
			      is_data ? "root" : "root-verity", i + 1, have, want);
		}
		r = kernel_partition(disk, &e, (uint32_t)lbs, &p);
		if (r == -EXDEV)
			fatal("find root", disk, "partition %u: kernel and GPT disagree on its extent", i + 1);
		if (r < 0) {
			snprintf(s->note, sizeof(s->note), "%s: partition %u not registered yet", disk, i + 1);
			continue;
		}
		if (is_data) {
			s->n_data++;
			s->data = p;
		} else {
			s->n_hash++;
			s->hash = p;
		}
	}
out:
	free(entries);
	close(fd);
}

static void find_root(const struct initrd_cmdline *c, struct part *ret_data, struct part *ret_hash)
{
	struct scan s = {
		.want_data = c->root_hash,
		.want_hash = c->root_hash + c->root_hash_len - 16,
	};
	double deadline = boottime() + c->timeout_sec;
	char want[37];

	for (;;) {
		DIR *d = opendir("/sys/block");
		struct dirent *de;
		unsigned disks = 0;

		if (!d)
			fatal("find root", "/sys/block", "%s", strerror(errno));
		s.n_data = s.n_hash = 0;
		while ((de = readdir(d)) && disks < MAX_DISKS) {
			if (skip_disk(de->d_name) || strlen(de->d_name) >= sizeof(s.data.disk))
				continue;
			disks++;
			scan_disk(&s, de->d_name);
		}
		closedir(d);
		/* Two copies of a UUID would let the host choose which one we use: refuse. */
		if (s.n_data > 1 || s.n_hash > 1)
			fatal("find root", "GPT", "%u root and %u root-verity partitions carry the "
			      "roothash-derived UUIDs; expected exactly one each", s.n_data, s.n_hash);
		if (s.n_data == 1 && s.n_hash == 1)
			break;
		if (boottime() > deadline) {
			uuid_str(s.n_data ? s.want_hash : s.want_data, want);
			fatal("find root", s.n_data ? "root-verity partition" : "root partition",
			      "UUID %s not found within %u s%s%s", want, c->timeout_sec,
			      s.note[0] ? "; " : "", s.note);
		}
		usleep(50 * 1000);
	}
	if (strcmp(s.data.disk, s.hash.disk) != 0)
		fatal("find root", s.data.name, "root and root-verity partitions are on different "
		      "disks (%s, %s)", s.data.disk, s.hash.disk);
	*ret_data = s.data;
	*ret_hash = s.hash;
}

/* ---- step 5: dm-verity and the root mount ----------------------------------------- */

static size_t digest_size(const char *alg)
{
	if (strcmp(alg, "sha256") == 0)
		return 32;
	if (strcmp(alg, "sha512") == 0)
		return 64;
	return 0; /* anything weaker or unknown is refused */
}

static dev_t setup_verity(const struct initrd_cmdline *c, const struct part *data,
			  const struct part *hash)
{
	char path[64], table[1024];
	uint8_t buf[VERITY_SB_SIZE];
	struct verity_sb sb;
	struct dm_verity_params p;
	uint64_t sectors;
	dev_t dev;
	int fd, r;

	/* The superblock is not covered by the root hash, but every value taken from it
	 * (algorithm, salt, block sizes, block count) feeds the hash tree whose top
	 * must equal roothash=, so a forged superblock cannot make forged data verify;
	 * systemd-veritysetup trusts it the same way. Sizes are still checked. */
	snprintf(path, sizeof(path), "/dev/%s", hash->disk);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fatal("verity", path, "%s", strerror(errno));
	if (pread(fd, buf, sizeof(buf), (off_t)hash->offset) != (ssize_t)sizeof(buf))
		fatal("verity", hash->name, "cannot read superblock: %s", strerror(errno ? errno : EIO));
	close(fd);
	if ((r = verity_sb_parse(buf, sizeof(buf), &sb)) < 0)
		fatal("verity", hash->name, "malformed verity superblock");
	if (sb.hash_type != 1)
		fatal("verity", hash->name, "hash type %" PRIu32 " not supported", sb.hash_type);
	if (digest_size(sb.algorithm) != c->root_hash_len)
		fatal("verity", hash->name, "algorithm %s does not match a %zu-byte roothash=",
		      sb.algorithm, c->root_hash_len);
	/* dm-verity takes block sizes up to PAGE_SIZE (dm-verity-target.c verity_ctr). */
	if (sb.data_block_size > 4096 || sb.hash_block_size > 4096)
		fatal("verity", hash->name, "block size above 4096");
	if (sb.data_blocks > data->size / sb.data_block_size)
		fatal("verity", data->name, "%" PRIu64 " blocks of %" PRIu32 " bytes do not fit the "
		      "partition (%" PRIu64 " bytes)", sb.data_blocks, sb.data_block_size, data->size);

	p = (struct dm_verity_params){
		.data_dev = data->dev,
		.hash_dev = hash->dev,
		.hash_type = sb.hash_type,
		.data_block_size = sb.data_block_size,
		.hash_block_size = sb.hash_block_size,
		.data_blocks = sb.data_blocks,
		.hash_start_block = verity_hash_start_block(0, sb.hash_block_size),
		.algorithm = sb.algorithm,
		.root_hash = c->root_hash,
		.root_hash_len = c->root_hash_len,
		.salt = sb.salt,
		.salt_len = sb.salt_size,
		/* A block that fails its hash panics the kernel (panic= on the measured
		 * command line then reboots or halts): no unverified byte is ever
		 * returned, and unlike the EIO default, a corrupted root cannot leave a
		 * half-working system running. See initrd/README.md. */
		.on_corruption = DM_VERITY_CORRUPTION_PANIC,
	};
	if ((r = dm_verity_table(&p, table, sizeof(table), &sectors)) < 0)
		fatal("verity", "table", "%s", strerror(-r));
	if ((r = dm_create(DM_NAME, NULL, "verity", sectors, table, true, &dev)) < 0)
		fatal("verity", "/dev/mapper/" DM_NAME, "%s", strerror(-r));
	return dev;
}

static void mount_root(const struct initrd_cmdline *c, dev_t dev)
{
	const char *node = "/dev/mapper/" DM_NAME;

	(void)mkdir("/dev/mapper", 0755);
	(void)unlink(node);
	if (mknod(node, S_IFBLK | 0600, dev) < 0)
		fatal("mount root", node, "mknod: %s", strerror(errno));
	(void)mkdir(NEWROOT, 0755);
	if (mount(node, NEWROOT, "erofs", c->mount_flags, NULL) < 0)
		fatal("mount root", node, "%s", strerror(errno));
	if (access(NEWROOT SYSTEMD, X_OK) < 0)
		fatal("mount root", SYSTEMD, "%s", strerror(errno));
}

/* ---- step 6: switch_root ---------------------------------------------------------- */

/* Deletes everything below dirfd that lives on device rootdev (the initramfs),
 * never crossing into other mounts. */
static void delete_tree(int dirfd, dev_t rootdev)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *de;

	if (!d) {
		close(dirfd);
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != rootdev)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int fd = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (fd >= 0)
				delete_tree(fd, rootdev);
			(void)unlinkat(dirfd, de->d_name, AT_REMOVEDIR);
		} else {
			(void)unlinkat(dirfd, de->d_name, 0);
		}
	}
	closedir(d);
}

static void switch_root(void)
{
	static const char *const api[] = { "/dev", "/proc", "/sys", "/run" };
	struct stat st;
	int fd;

	for (size_t i = 0; i < sizeof(api) / sizeof(*api); i++) {
		char dst[64];

		snprintf(dst, sizeof(dst), NEWROOT "%s", api[i]);
		if (mount(api[i], dst, NULL, MS_MOVE, NULL) < 0)
			fatal("switch_root", dst, "move %s: %s", api[i], strerror(errno));
	}
	if (chdir(NEWROOT) < 0)
		fatal("switch_root", NEWROOT, "%s", strerror(errno));
	/* Free the initramfs (it is RAM) before leaving it for good. */
	if (stat("/", &st) < 0 || (fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		fatal("switch_root", "/", "%s", strerror(errno));
	delete_tree(fd, st.st_dev);
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		fatal("switch_root", NEWROOT, "move to /: %s", strerror(errno));
	if (chroot(".") < 0 || chdir("/") < 0)
		fatal("switch_root", NEWROOT, "chroot: %s", strerror(errno));
}

int main(int argc, char **argv)
{
	struct initrd_cmdline c;
	struct part data, hash;
	char cmdline[KCMDLINE_MAX + 2], err[256], hex[2 * INITRD_ROOTHASH_MAX + 1];
	char *const sd_argv[] = { (char *)SYSTEMD, NULL };
	dev_t dev;
	int r;

	(void)argv;
	setup_console();
	if (getpid() != 1)
		fatal("start", "cvm-init", "must run as PID 1 of the initrd");
	umask(022);
	mount_api();

	/* The command line first: a bad one should fail before anything is loaded. */
	if ((r = read_text("/proc/cmdline", cmdline, sizeof(cmdline))) < 0)
		fatal("cmdline", "/proc/cmdline", "%s", strerror(-r));
	if (argc > 1)
		fatal("cmdline", "arguments", "cvm-init takes no arguments (%d given)", argc - 1);
	if (initrd_cmdline_parse(cmdline, &c, err, sizeof(err)) < 0)
		fatal("cmdline", "/proc/cmdline", "%s", err);

	load_modules();
	find_root(&c, &data, &hash);
	dev = setup_verity(&c, &data, &hash);
	mount_root(&c, dev);

	hex_encode(c.root_hash, c.root_hash_len, hex);
	say("root %s verified by dm-verity (%s + %s), switching root at %.3f s", hex, data.name,
	    hash.name, boottime());
	switch_root();
	execv(SYSTEMD, sd_argv);
	fatal("exec", SYSTEMD, "%s", strerror(errno));
}
