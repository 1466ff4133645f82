/* SPDX-License-Identifier: Apache-2.0 */
/* initrd/moddep: dependency closure and load order from modules.dep text, with soft
 * dependencies, built-ins, cycles, unknown names and malformed files. The dm-verity
 * lines are copied from the Debian 7.3.4+deb13-cloud-amd64 modules.dep. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "moddep.h"
#include "unit.h"

static const char dep[] =
	"kernel/drivers/block/virtio_blk.ko.xz:\n"
	"kernel/drivers/md/dm-mod.ko.xz:\n"
	"kernel/drivers/md/dm-bufio.ko.xz: kernel/drivers/md/dm-mod.ko.xz\n"
	"kernel/drivers/md/dm-verity.ko.xz: kernel/drivers/md/dm-bufio.ko.xz "
	"kernel/drivers/md/dm-mod.ko.xz kernel/lib/reed_solomon/reed_solomon.ko.xz\n"
	"kernel/lib/reed_solomon/reed_solomon.ko.xz:\n"
	"kernel/fs/erofs/erofs.ko.xz:\n"
	"kernel/fs/configfs/configfs.ko.xz:\n"
	"kernel/drivers/virt/coco/guest/tsm_report.ko.xz: kernel/fs/configfs/configfs.ko.xz\n"
	"kernel/drivers/virt/coco/tdx-guest/tdx-guest.ko.xz: "
	"kernel/drivers/virt/coco/guest/tsm_report.ko.xz kernel/fs/configfs/configfs.ko.xz\n"
	"kernel/crypto/crc32c.ko:\n"
	"kernel/crypto/post_mod.ko.zst:\n";

static const char softdep[] =
	"# Soft dependencies extracted from modules themselves.\n"
	"softdep cifs gcm\n"
	"softdep erofs pre: crc32c sha256\n"
	"softdep virtio_blk post: post-mod\n"
	"softdep not_in_dep pre: whatever\n";

static const char builtin[] = "kernel/crypto/sha256.ko\nkernel/drivers/virtio/virtio_pci.ko\n";

static void load(struct moddep *db)
{
	memset(db, 0, sizeof(*db));
	CHECK_EQ_INT(moddep_load(db, dep, strlen(dep)), 0);
	CHECK_EQ_INT(moddep_load_softdep(db, softdep, strlen(softdep)), 0);
	CHECK_EQ_INT(moddep_load_builtin(db, builtin, strlen(builtin)), 0);
}

static char order_str[1024];

static int order(struct moddep *db, const char *const *w, size_t n)
{
	size_t idx[32], k = 0;
	int r = moddep_order(db, w, n, idx, 32, &k);

	order_str[0] = '\0';
	for (size_t i = 0; r == 0 && i < k; i++) {
		strcat(order_str, db->mods[idx[i]].name);
		strcat(order_str, i + 1 < k ? " " : "");
	}
	return r;
}

/* Loads the modules.dep text t and orders module "a": what order() returns. With
 * bad, the module it must name as missing. */
static int order_of_a(const char *t, const char *bad)
{
	const char *const w[] = { "a" };
	struct moddep db;
	int r;

	memset(&db, 0, sizeof(db));
	CHECK_EQ_INT(moddep_load(&db, t, strlen(t)), 0);
	r = order(&db, w, 1);
	if (bad)
		CHECK_EQ_STR(db.bad, bad);
	moddep_free(&db);
	return r;
}

static void test_normalize(void)
{
	char n[MODDEP_NAME_MAX];

	CHECK_EQ_INT(moddep_normalize("kernel/drivers/md/dm-verity.ko.xz", n), 0);
	CHECK_EQ_STR(n, "dm_verity");
	CHECK_EQ_INT(moddep_normalize("tdx-guest", n), 0);
	CHECK_EQ_STR(n, "tdx_guest");
	CHECK_EQ_INT(moddep_normalize("a.ko.zst", n), 0);
	CHECK_EQ_STR(n, "a");
	CHECK_EQ_INT(moddep_normalize(".ko", n), -EINVAL);
	CHECK_EQ_INT(moddep_normalize("x/", n), -EINVAL);
	CHECK_EQ_INT(moddep_normalize("a b", n), -EINVAL);
	CHECK_EQ_INT(moddep_normalize("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", n), -EINVAL);
}

static void test_order(void)
{
	struct moddep db;
	const char *const image[] = { "virtio_pci", "virtio_blk", "dm_verity", "erofs",
				      "tdx_guest", "tsm_report", "dm-mod" };
	const char *const one[] = { "dm-verity" };

	load(&db);
	CHECK_EQ_INT(db.n_mods, 11);
	CHECK_EQ_INT(order(&db, image, 7), 0);
	/* virtio_pci is built in; post-mod follows virtio_blk; dm-verity's dependencies
	 * come first in modules.dep order; erofs's softdep crc32c before it (sha256 is
	 * built in); tsm_report and dm_mod are not repeated. */
	CHECK_EQ_STR(order_str, "virtio_blk post_mod dm_mod dm_bufio reed_solomon dm_verity "
				"crc32c erofs configfs tsm_report tdx_guest");
	CHECK_EQ_INT(order(&db, one, 1), 0);
	CHECK_EQ_STR(order_str, "dm_mod dm_bufio reed_solomon dm_verity");
	moddep_free(&db);
	CHECK(db.mods == NULL);
}

static void test_errors(void)
{
	struct moddep db;
	const char *const unknown[] = { "erofs", "nosuchmod" };
	const char *const bad[] = { "../x" };
	size_t idx[2], n = 99;

	load(&db);
	CHECK_EQ_INT(order(&db, unknown, 2), -ENOENT);
	CHECK_EQ_STR(db.bad, "nosuchmod");
	CHECK_EQ_INT(order(&db, bad, 1), -ENOENT);
	{
		const char *const w[] = { "dm_verity" };

		/* Not enough room for the order: an error, nothing partial. */
		CHECK_EQ_INT(moddep_order(&db, w, 1, idx, 2, &n), -E2BIG);
		CHECK_EQ_INT(n, 99);
	}
	moddep_free(&db);

	/* A dependency that has no line of its own. */
	CHECK_EQ_INT(order_of_a("a.ko: b.ko\n", "b"), -ENOENT);
	/* A cycle (depmod refuses to write one, but the file is input). */
	CHECK_EQ_INT(order_of_a("a.ko: b.ko\nb.ko: c.ko\nc.ko: a.ko\n", NULL), -ELOOP);
	/* Malformed files. */
	{
		static const char *const bad_dep[] = {
			"a.ko b.ko\n",               /* no colon */
			"/abs/a.ko:\n",              /* absolute path */
			"../a.ko:\n",                /* escapes the modules dir */
			"a.ko: ../b.ko\n",
			"a.ko:\na.ko:\n",            /* duplicate module */
			"a b.ko:\n",                 /* space in the name */
			"a.ko:\n\0b.ko:\n",          /* NUL byte */
		};
		static const size_t bad_len[] = { 10, 12, 8, 14, 12, 8, 14 };

		for (size_t i = 0; i < sizeof(bad_dep) / sizeof(*bad_dep); i++) {
			memset(&db, 0, sizeof(db));
			CHECK_EQ_INT(moddep_load(&db, bad_dep[i], bad_len[i]), -EINVAL);
			moddep_free(&db);
		}
		memset(&db, 0, sizeof(db));
		CHECK_EQ_INT(moddep_load(&db, "a.ko:\n", 6), 0);
		CHECK_EQ_INT(moddep_load_softdep(&db, "blacklist a\n", 12), -EINVAL);
		moddep_free(&db);
		memset(&db, 0, sizeof(db));
		CHECK_EQ_INT(moddep_load(&db, "a.ko:\n", 6), 0);
		CHECK_EQ_INT(moddep_load_softdep(&db, "softdep a pre: b c/../d\n", 23), -EINVAL);
		moddep_free(&db);
	}
}

int main(void)
{
	test_normalize();
	test_order();
	test_errors();
	return unit_finish("test-moddep");
}
