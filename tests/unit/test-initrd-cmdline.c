/* SPDX-License-Identifier: Apache-2.0 */
/* initrd/cmdline.c + initrd/kcmdline.c: cvm-init's strict reading of the kernel command
 * line. The good case is the image's real command line (image/mkosi.conf.d/20-cmdline.conf
 * plus the roothash= mkosi adds). */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>

#include "cmdline.h"
#include "kcmdline.h"
#include "unit.h"

#define RH "94892df1bc19ad1357595f396e606f8df1028ec17a438f227c013c7ba7688ff5"
#define IMAGE_CMDLINE "roothash=" RH " console=ttyS0,115200 ro rootfstype=erofs " \
	"rootflags=ro,nodev panic=-1 oops=panic systemd.crash_action=poweroff " \
	"systemd.crash_shell=0 systemd.show_status=error systemd.firstboot=0 loglevel=4 \n"

static char err[256];

static int parse(const char *s, struct initrd_cmdline *c)
{
	err[0] = '\0';
	return initrd_cmdline_parse(s, c, err, sizeof(err));
}

/* A bad command line: -EINVAL, the reason names the key, *ret untouched. */
#define REFUSED(s, key)                                                              \
	do {                                                                         \
		struct initrd_cmdline c_;                                            \
		memset(&c_, 0x5a, sizeof(c_));                                       \
		CHECK_EQ_INT(parse(s, &c_), -EINVAL);                                \
		CHECK(strstr(err, key) != NULL);                                     \
		CHECK_EQ_INT(c_.timeout_sec, 0x5a5a5a5a);                            \
	} while (0)

static void test_good(void)
{
	const uint8_t rh0[4] = { 0x94, 0x89, 0x2d, 0xf1 };
	struct initrd_cmdline c;

	CHECK_EQ_INT(parse(IMAGE_CMDLINE, &c), 0);
	CHECK_EQ_INT(c.root_hash_len, 32);
	CHECK_MEM(c.root_hash, rh0, 4);
	CHECK_EQ_INT(c.root_hash[31], 0xf5);
	CHECK_EQ_INT(c.timeout_sec, INITRD_TIMEOUT_DEFAULT);
	CHECK_EQ_INT(c.mount_flags, MS_RDONLY | MS_NODEV);

	CHECK_EQ_INT(parse("cvm.init.timeout=5 rootflags=nosuid roothash=" RH RH, &c), 0);
	CHECK_EQ_INT(c.root_hash_len, 64);
	CHECK_EQ_INT(c.timeout_sec, 5);
	CHECK_EQ_INT(c.mount_flags, MS_RDONLY | MS_NODEV | MS_NOSUID);

	/* Upper-case hex and a quoted value, as the kernel would pass them. */
	CHECK_EQ_INT(parse("roothash=\"94892DF1BC19AD1357595F396E606F8DF1028EC17A438F227C013C7BA7688FF5\"", &c), 0);
	CHECK_EQ_INT(c.root_hash[0], 0x94);
	/* Keys of the kernel and systemd pass through, quoted or not. */
	CHECK_EQ_INT(parse("foo=\"a b\" \"bar=c d\" dm_verity.require_signatures=1 roothash=" RH, &c), 0);
	CHECK_EQ_INT(parse("roothash=" RH " --", &c), 0);
}

static void test_refused(void)
{
	REFUSED("", "roothash");
	REFUSED("   \t ", "roothash");
	REFUSED("console=ttyS0", "roothash=: missing");
	REFUSED("roothash=", "roothash");
	REFUSED("roothash", "roothash");
	REFUSED("roothash=" RH "0", "roothash");          /* odd length */
	REFUSED("roothash=" RH "00", "roothash");         /* 33 bytes */
	REFUSED("roothash=94892df1bc19ad13", "roothash"); /* too short for two UUIDs */
	REFUSED("roothash=" RH RH "00", "roothash");      /* > 64 bytes */
	REFUSED("roothash=g4892df1bc19ad1357595f396e606f8df1028ec17a438f227c013c7ba7688ff5", "roothash");
	REFUSED("roothash=" RH " roothash=" RH, "given more than once");
	REFUSED("roothash=" RH " ro ro", "given more than once");
	REFUSED("roothash=" RH " ro=1", "ro");
	REFUSED("roothash=" RH " rw", "rw");
	REFUSED("roothash=" RH " root=/dev/vda2", "root=");
	REFUSED("roothash=" RH " init=/bin/sh", "init=");
	REFUSED("roothash=" RH " usrhash=" RH, "usrhash");
	REFUSED("roothash=" RH " systemd.verity=0", "systemd.verity");
	REFUSED("roothash=" RH " systemd.verity_root_data=/dev/vdb1", "systemd.verity_root_data");
	REFUSED("roothash=" RH " mount.usr=/dev/vdb", "mount.usr");
	REFUSED("roothash=" RH " systemd.debug_shell", "systemd.debug_shell");
	REFUSED("roothash=" RH " rd.break", "rd.break");
	REFUSED("roothash=" RH " rootfstype=ext4", "rootfstype");
	REFUSED("roothash=" RH " rootfstype", "rootfstype");
	REFUSED("roothash=" RH " rootflags=rw", "rootflags");
	REFUSED("roothash=" RH " rootflags=ro,,nodev", "rootflags");
	REFUSED("roothash=" RH " rootflags=ro,", "rootflags");
	REFUSED("roothash=" RH " rootflags=", "rootflags");
	REFUSED("roothash=" RH " rootflags=ro rootflags=nodev", "rootflags");
	REFUSED("roothash=" RH " cvm.init.timeout=0", "cvm.init.timeout");
	REFUSED("roothash=" RH " cvm.init.timeout=601", "cvm.init.timeout");
	REFUSED("roothash=" RH " cvm.init.timeout=+5", "cvm.init.timeout");
	REFUSED("roothash=" RH " cvm.init.timeout=5s", "cvm.init.timeout");
	REFUSED("roothash=" RH " cvm.init.timeout=99999999999999999999", "cvm.init.timeout");
	REFUSED("roothash=" RH " cvm.init.timeout", "cvm.init.timeout");
	REFUSED("roothash=" RH " cvm.init.fallback=1", "unknown cvm-init option");
	REFUSED("roothash=" RH " -- single", "--");
	REFUSED("roothash=" RH " foo=\"unterminated", "quote");
	REFUSED("roothash=" RH " fo\"o\"=bar", "quote");
	REFUSED("roothash=\"" RH "\"x", "quote");
}

/* systemd treats '-' and '_' in a key alike and, in the initrd, reads "rd.KEY" as KEY:
 * every spelling systemd would act on is refused, and counts for "more than once". The
 * kernel's rdinit= (which program of the initrd runs as init) is refused like init=. */
static void test_key_spellings(void)
{
	struct initrd_cmdline c;

	REFUSED("roothash=" RH " systemd.debug-shell", "systemd.debug-shell");
	REFUSED("roothash=" RH " rd.systemd.debug-shell=1", "rd.systemd.debug-shell");
	REFUSED("roothash=" RH " rd.systemd.debug_shell", "rd.systemd.debug_shell");
	REFUSED("roothash=" RH " systemd.verity-root-data=/dev/vdb1", "systemd.verity-root-data");
	REFUSED("roothash=" RH " systemd.verity_usr-hash=" RH, "systemd.verity_usr-hash");
	REFUSED("roothash=" RH " rd.mount.usrflags=rw", "rd.mount.usrflags");
	REFUSED("roothash=" RH " rd.systemd.volatile=yes", "rd.systemd.volatile");
	REFUSED("roothash=" RH " rd.systemd.unit=emergency.target", "rd.systemd.unit");
	REFUSED("roothash=" RH " systemd.unit=rescue.target", "systemd.unit");
	REFUSED("roothash=" RH " rd.root=/dev/vda2", "rd.root");
	REFUSED("roothash=" RH " rd.emergency", "rd.emergency");
	REFUSED("roothash=" RH " rdinit=/bin/sh", "rdinit=");
	REFUSED("rdinit=/init roothash=" RH, "rdinit=");
	REFUSED("roothash=" RH " rd.roothash=" RH, "given more than once");
	REFUSED("roothash=" RH " cvm.init.timeout=5 rd.cvm.init.timeout=6", "given more than once");
	REFUSED("roothash=" RH " rd.cvm.init.fallback=1", "unknown cvm-init option");
	REFUSED("roothash=" RH " rd.rootflags=rw", "rootflags");

	/* Keys of the kernel and systemd that are not refused stay accepted in any spelling. */
	CHECK_EQ_INT(parse("roothash=" RH " module.sig-enforce=1 systemd.crash-action=poweroff "
			   "systemd.show_status=error rd.udev.log_level=3", &c), 0);
	/* "rd." only as a prefix, '.' never equals '-' or '_'. */
	CHECK_EQ_INT(parse("roothash=" RH " systemd_unit=x hard.rd.break=1 rootx=1 rd=1", &c), 0);
}

static void test_tokenizer(void)
{
	char s[] = "  a=1 \"b=two words\" c d=\"x y\" e= ";
	char *st = s, *k, *v;

	CHECK_EQ_INT(kcmdline_next(&st, &k, &v), 1);
	CHECK_EQ_STR(k, "a");
	CHECK_EQ_STR(v, "1");
	CHECK_EQ_INT(kcmdline_next(&st, &k, &v), 1);
	CHECK_EQ_STR(k, "b");
	CHECK_EQ_STR(v, "two words");
	CHECK_EQ_INT(kcmdline_next(&st, &k, &v), 1);
	CHECK_EQ_STR(k, "c");
	CHECK(v == NULL);
	CHECK_EQ_INT(kcmdline_next(&st, &k, &v), 1);
	CHECK_EQ_STR(k, "d");
	CHECK_EQ_STR(v, "x y");
	CHECK_EQ_INT(kcmdline_next(&st, &k, &v), 1);
	CHECK_EQ_STR(k, "e");
	CHECK_EQ_STR(v, "");
	CHECK_EQ_INT(kcmdline_next(&st, &k, &v), 0);
	CHECK_EQ_INT(kcmdline_next(&st, &k, &v), 0);
}

static void test_too_long(void)
{
	static char big[KCMDLINE_MAX + 100];
	struct initrd_cmdline c;

	memset(big, 'x', sizeof(big) - 1);
	memcpy(big, "roothash=" RH " ", 9 + 64 + 1);
	CHECK_EQ_INT(parse(big, &c), -EINVAL);
	CHECK(strstr(err, "longer") != NULL);
	CHECK_EQ_INT(initrd_cmdline_parse(NULL, &c, err, sizeof(err)), -EINVAL);
}

int main(void)
{
	test_good();
	test_refused();
	test_key_spellings();
	test_tokenizer();
	test_too_long();
	return unit_finish("test-initrd-cmdline");
}
