/* SPDX-License-Identifier: Apache-2.0 */
/* kernel-config/kconfig.c: the strict .config and fragment parsers and the requirement
 * evaluation behind cvm-kconfig-check. The golden fixture is Debian's
 * linux-image-7.3.4+deb13-cloud-amd64 config (origin: kernel-config/testdata/README). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"
#include "kconfig.h"
#include "unit.h"

#define S(lit) lit, sizeof(lit) - 1

static int parse_cfg(const char *buf, size_t len, struct kc_config *c, struct kc_error *e)
{
	memset(c, 0, sizeof(*c));
	memset(e, 0, sizeof(*e));
	return kc_config_parse(buf, len, c, e);
}

/* The symbol name of c when it is there with kind k, else NULL. */
static const struct kc_symbol *find_kind(const struct kc_config *c, const char *name, enum kc_kind k)
{
	const struct kc_symbol *s = kc_config_find(c, name);

	return s && s->kind == k ? s : NULL;
}

static void test_config_valid(void)
{
	static const char cfg[] =
		"#\n"
		"# Automatically generated file; DO NOT EDIT.\n"
		"# Linux/x86 7.3.4 Kernel Configuration\n"
		"#\n"
		"CONFIG_EFI=y\n"
		"CONFIG_EROFS_FS=m\n"
		"# CONFIG_DEVMEM is not set\n"
		"\n"
		"CONFIG_LSM=\"lockdown,yama,\\\"q\\\\\"\n"
		"CONFIG_NR_CPUS=64\n"
		"CONFIG_PHYSICAL_START=0x1000000\n"
		"CONFIG_NEG=-1\n"
		"CONFIG_EMPTY=\"\"\n"
		"CONFIG_OFF=n\n"
		"CONFIG_LAST=y";          /* no final newline */
	struct kc_config c;
	struct kc_error e;
	const struct kc_symbol *s;

	CHECK_EQ_INT(parse_cfg(S(cfg), &c, &e), 0);
	CHECK_EQ_INT(c.n, 10);
	CHECK((s = find_kind(&c, "EFI", KC_YES)) && s->line == 5);
	CHECK(find_kind(&c, "EROFS_FS", KC_MOD));
	CHECK((s = find_kind(&c, "DEVMEM", KC_UNSET)) && s->line == 7);
	CHECK((s = find_kind(&c, "LSM", KC_STRING)) && s->value_len == 19 &&
	      memcmp(s->value, "lockdown,yama,\\\"q\\\\", 19) == 0);
	CHECK((s = find_kind(&c, "NR_CPUS", KC_NUMBER)) && s->value_len == 2);
	CHECK(find_kind(&c, "PHYSICAL_START", KC_NUMBER));
	CHECK(kc_config_find(&c, "NEG") != NULL);
	CHECK((s = find_kind(&c, "EMPTY", KC_STRING)) && s->value_len == 0);
	CHECK(find_kind(&c, "OFF", KC_UNSET));
	CHECK((s = find_kind(&c, "LAST", KC_YES)) && s->line == 15);
	CHECK(kc_config_find(&c, "EF") == NULL);
	CHECK(kc_config_find(&c, "EFI_STUB") == NULL);
	CHECK(kc_config_find(&c, "") == NULL);
	kc_config_free(&c);

	CHECK_EQ_INT(parse_cfg("", 0, &c, &e), 0);
	CHECK_EQ_INT(c.n, 0);
	kc_config_free(&c);
}

/* Each malformed input is refused with the right line, and nothing is returned. */
static void test_config_invalid(void)
{
	static const struct {
		const char *text;
		unsigned line;
		int err;
	} bad[] = {
		{ " CONFIG_A=y\n", 1, -EINVAL },               /* leading blank */
		{ "CONFIG_A=y \n", 1, -EINVAL },               /* trailing blank */
		{ "CONFIG_A=y\r\n", 1, -EINVAL },              /* CR */
		{ "CONFIG_A=\ty\n", 1, -EINVAL },              /* TAB */
		{ "CONFIG_A=yes\n", 1, -EINVAL },
		{ "CONFIG_A=Y\n", 1, -EINVAL },
		{ "CONFIG_A=\n", 1, -EINVAL },
		{ "CONFIG_A\n", 1, -EINVAL },
		{ "CONFIG_=y\n", 1, -EINVAL },
		{ "CONFIG_A-B=y\n", 1, -EINVAL },
		{ "CONFIG_A==y\n", 1, -EINVAL },
		{ "A=y\n", 1, -EINVAL },
		{ "config_A=y\n", 1, -EINVAL },
		{ "CONFIG_A=\"abc\n", 1, -EINVAL },            /* unterminated */
		{ "CONFIG_A=\"a\"b\"\n", 1, -EINVAL },         /* unescaped quote */
		{ "CONFIG_A=\"a\\n\"\n", 1, -EINVAL },         /* only \" and \\ are escapes */
		{ "CONFIG_A=\"a\\\"\n", 1, -EINVAL },          /* escape eats the closing quote */
		{ "CONFIG_A=\"\n", 1, -EINVAL },
		{ "CONFIG_A=12a\n", 1, -EINVAL },
		{ "CONFIG_A=0x\n", 1, -EINVAL },
		{ "CONFIG_A=0xg1\n", 1, -EINVAL },
		{ "CONFIG_A=-\n", 1, -EINVAL },
		{ "CONFIG_A=--1\n", 1, -EINVAL },
		{ "CONFIG_A=+1\n", 1, -EINVAL },
		{ "# CONFIG_A is not sett\n", 1, -EINVAL },
		{ "# CONFIG_A is  not set\n", 1, -EINVAL },
		{ "# CONFIG_A=y\n", 1, -EINVAL },
		{ "# CONFIG_ is not set\n", 1, -EINVAL },
		{ "CONFIG_A=y\nCONFIG_B=m\nCONFIG_A=y\n", 3, -EEXIST },
		{ "# CONFIG_A is not set\nCONFIG_A=y\n", 2, -EEXIST },
		{ "CONFIG_A=y\n\nCONFIG_B=y\nbad\n", 4, -EINVAL },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kc_config c;
		struct kc_error e;
		int r = parse_cfg(bad[i].text, strlen(bad[i].text), &c, &e);

		CHECK_EQ_INT(r, bad[i].err);
		CHECK_EQ_INT(e.line, bad[i].line);
		CHECK(e.what != NULL);
		CHECK(c.syms == NULL && c.n == 0);
		if (r != bad[i].err)
			fprintf(stderr, "  input %zu: %s", i, bad[i].text);
	}

	/* NUL inside a line. */
	{
		static const char nul[] = "CONFIG_A=y\nCONFIG_B\0=y\n";
		struct kc_config c;
		struct kc_error e;

		CHECK_EQ_INT(parse_cfg(nul, sizeof(nul) - 1, &c, &e), -EINVAL);
		CHECK_EQ_INT(e.line, 2);
	}
	/* Symbol names: at the limit accepted, one more refused. */
	{
		char line[KC_NAME_MAX + 32];
		struct kc_config c;
		struct kc_error e;

		memcpy(line, "CONFIG_", 7);
		memset(line + 7, 'A', KC_NAME_MAX);
		memcpy(line + 7 + KC_NAME_MAX, "=y\n", 4);
		CHECK_EQ_INT(parse_cfg(line, strlen(line), &c, &e), 0);
		kc_config_free(&c);
		memset(line + 7, 'A', KC_NAME_MAX + 1);
		memcpy(line + 8 + KC_NAME_MAX, "=y\n", 4);
		CHECK_EQ_INT(parse_cfg(line, strlen(line), &c, &e), -EINVAL);
	}
	/* Size cap. */
	{
		struct kc_config c;
		struct kc_error e;
		char *big = calloc(1, KC_MAX_CONFIG_BYTES + 1);

		CHECK(big != NULL);
		if (big) {
			memset(big, '\n', KC_MAX_CONFIG_BYTES + 1);
			CHECK_EQ_INT(parse_cfg(big, KC_MAX_CONFIG_BYTES + 1, &c, &e), -EFBIG);
			CHECK_EQ_INT(parse_cfg(big, KC_MAX_CONFIG_BYTES, &c, &e), 0);
			kc_config_free(&c);
			free(big);
		}
	}
}

static const char frag_a[] =
	"## Commentary.\n"
	"##\n"
	"\n"
	"# [hard,m] Needed as a module or built in.\n"
	"CONFIG_DM_VERITY=y\n"
	"# [hard] Built in only.\n"
	"CONFIG_EFI=y\n"
	"# [rec] Must not be there.\n"
	"# CONFIG_DEVMEM is not set\n"
	"# [rec,if=DEVMEM] Only when DEVMEM=y.\n"
	"CONFIG_STRICT_DEVMEM=y\n"
	"\n"
	"# [rec] A string.\n"
	"CONFIG_LSM=\"lockdown\"\n"
	"# [hard] A number.\n"
	"CONFIG_NR_CPUS=64\n"
	"# [m,hard,if=MODULES] Tags in any order.\n"
	"CONFIG_MODULE_SIG=y\n";

static void test_fragments(void)
{
	struct kc_reqs r;
	struct kc_error e = { 0 };

	CHECK_EQ_INT(kc_reqs_init(&r), 0);
	CHECK_EQ_INT(kc_reqs_parse(&r, S(frag_a), "10-a.config", &e), 0);
	CHECK_EQ_INT(r.n, 7);
	CHECK_EQ_STR(r.v[0].name, "DM_VERITY");
	CHECK(r.v[0].hard && r.v[0].module_ok && r.v[0].kind == KC_YES);
	CHECK_EQ_STR(r.v[0].reason, "Needed as a module or built in.");
	CHECK_EQ_STR(r.v[0].origin, "10-a.config");
	CHECK_EQ_INT(r.v[0].line, 5);
	CHECK(r.v[1].hard && !r.v[1].module_ok);
	CHECK(!r.v[2].hard && r.v[2].kind == KC_UNSET);
	CHECK_EQ_STR(r.v[3].cond, "DEVMEM");
	CHECK(r.v[4].kind == KC_STRING);
	CHECK_EQ_STR(r.v[4].value, "lockdown");
	CHECK(r.v[5].kind == KC_NUMBER);
	CHECK_EQ_STR(r.v[5].value, "64");
	CHECK(r.v[6].hard && r.v[6].module_ok);
	CHECK_EQ_STR(r.v[6].cond, "MODULES");

	/* A second fragment repeating a symbol is refused whole; earlier ones stay. */
	{
		static const char dup[] = "# [rec] New.\nCONFIG_NEW=y\n# [rec] Again.\nCONFIG_EFI=y\n";

		CHECK_EQ_INT(kc_reqs_parse(&r, S(dup), "20-b.config", &e), -EEXIST);
		CHECK_EQ_INT(e.line, 4);
		CHECK_EQ_INT(r.n, 7);
		CHECK(r.v[7].name[0] == '\0');
	}
	kc_reqs_free(&r);
}

static void test_fragments_invalid(void)
{
	static const struct {
		const char *text;
		unsigned line;
	} bad[] = {
		{ "CONFIG_A=y\n", 1 },                                   /* no reason */
		{ "# [hard] Reason.\n", 1 },                             /* reason, no option */
		{ "# [hard] Reason.\n\nCONFIG_A=y\n", 2 },               /* blank in between */
		{ "# [hard] One.\n# [hard] Two.\nCONFIG_A=y\n", 2 },
		{ "# [hard] R.\n## note\nCONFIG_A=y\n", 2 },
		{ "# a plain comment\n", 1 },                             /* neither ## nor policy */
		{ "#\n", 1 },
		{ "##note\n", 1 },
		{ "# [] R.\nCONFIG_A=y\n", 1 },
		{ "# [hard,rec] R.\nCONFIG_A=y\n", 1 },
		{ "# [rec,hard] R.\nCONFIG_A=y\n", 1 },
		{ "# [hard,m,m] R.\nCONFIG_A=y\n", 1 },
		{ "# [m] R.\nCONFIG_A=y\n", 1 },                          /* no level */
		{ "# [hard,] R.\nCONFIG_A=y\n", 1 },
		{ "# [hard,,m] R.\nCONFIG_A=y\n", 1 },
		{ "# [hard,y] R.\nCONFIG_A=y\n", 1 },
		{ "# [hard,if=] R.\nCONFIG_A=y\n", 1 },
		{ "# [hard,if=A-B] R.\nCONFIG_A=y\n", 1 },
		{ "# [hard,if=A,if=B] R.\nCONFIG_A=y\n", 1 },
		{ "# [hard R.\nCONFIG_A=y\n", 1 },
		{ "# [hard]\nCONFIG_A=y\n", 1 },                          /* empty reason */
		{ "# [hard] \nCONFIG_A=y\n", 1 },
		{ "# [hard]  R.\nCONFIG_A=y\n", 1 },
		{ "# [hard]R.\nCONFIG_A=y\n", 1 },
		{ "# [hard] R.\tx\nCONFIG_A=y\n", 1 },
		{ "# [hard] R.\nCONFIG_A=m\n", 2 },                       /* require y with the m tag */
		{ "# [hard,m] R.\n# CONFIG_A is not set\n", 2 },
		{ "# [hard,m] R.\nCONFIG_A=\"s\"\n", 2 },
		{ "# [hard] R.\nCONFIG_A=y\n# [rec] R.\nCONFIG_A=y\n", 4 },
		{ "# [hard] R.\nCONFIG_A=yes\n", 2 },
	};
	struct kc_reqs r;

	CHECK_EQ_INT(kc_reqs_init(&r), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kc_error e = { 0 };
		int rc = kc_reqs_parse(&r, bad[i].text, strlen(bad[i].text), "x.config", &e);

		CHECK(rc < 0);
		CHECK_EQ_INT(e.line, bad[i].line);
		CHECK_EQ_INT(r.n, 0);
		if (rc >= 0 || e.line != bad[i].line)
			fprintf(stderr, "  fragment %zu: %s", i, bad[i].text);
	}
	/* An over-long reason does not fit on "one line". */
	{
		char buf[KC_REASON_MAX + 64];
		struct kc_error e = { 0 };
		size_t n;

		memcpy(buf, "# [rec] ", 8);
		memset(buf + 8, 'x', KC_REASON_MAX + 1);
		n = 8 + KC_REASON_MAX + 1;
		memcpy(buf + n, "\nCONFIG_A=y\n", 12);
		CHECK_EQ_INT(kc_reqs_parse(&r, buf, n + 12, "x.config", &e), -EINVAL);
		memcpy(buf + n - 1, "\nCONFIG_A=y\n", 12);
		CHECK_EQ_INT(kc_reqs_parse(&r, buf, n + 11, "x.config", &e), 0);
		CHECK_EQ_INT(strlen(r.v[0].reason), KC_REASON_MAX);
	}
	kc_reqs_free(&r);
}

static enum kc_status check_one(const char *frag, const char *cfg, bool monolithic)
{
	struct kc_reqs r;
	struct kc_config c;
	struct kc_error e;
	enum kc_status st = KC_NOT_APPLICABLE;

	if (kc_reqs_init(&r) < 0)
		return st;
	if (kc_reqs_parse(&r, frag, strlen(frag), "t", &e) == 0 && r.n == 1 &&
	    parse_cfg(cfg, strlen(cfg), &c, &e) == 0) {
		st = kc_check(&r.v[0], &c, monolithic, NULL);
		kc_config_free(&c);
	} else {
		CHECK(!"test input did not parse");
	}
	kc_reqs_free(&r);
	return st;
}

static void test_check(void)
{
	static const char y[] = "# [hard] R.\nCONFIG_A=y\n";
	static const char ym[] = "# [hard,m] R.\nCONFIG_A=y\n";
	static const char unset[] = "# [rec] R.\n# CONFIG_A is not set\n";
	static const char str[] = "# [rec] R.\nCONFIG_A=\"x y\"\n";
	static const char num[] = "# [rec] R.\nCONFIG_A=0x10\n";
	static const char cond[] = "# [rec,if=B] R.\nCONFIG_A=y\n";

	CHECK_EQ_INT(check_one(y, "CONFIG_A=y\n", false), KC_OK);
	CHECK_EQ_INT(check_one(y, "CONFIG_A=m\n", false), KC_WRONG_VALUE);
	CHECK_EQ_INT(check_one(y, "# CONFIG_A is not set\n", false), KC_MISSING);
	CHECK_EQ_INT(check_one(y, "CONFIG_A=n\n", false), KC_MISSING);
	CHECK_EQ_INT(check_one(y, "CONFIG_B=y\n", false), KC_MISSING);
	CHECK_EQ_INT(check_one(y, "CONFIG_A=\"y\"\n", false), KC_WRONG_VALUE);
	CHECK_EQ_INT(check_one(ym, "CONFIG_A=m\n", false), KC_OK);
	CHECK_EQ_INT(check_one(ym, "CONFIG_A=m\n", true), KC_WRONG_VALUE);
	CHECK_EQ_INT(check_one(ym, "CONFIG_A=y\n", true), KC_OK);
	CHECK_EQ_INT(check_one(unset, "# CONFIG_A is not set\n", false), KC_OK);
	CHECK_EQ_INT(check_one(unset, "CONFIG_B=y\n", false), KC_OK);
	CHECK_EQ_INT(check_one(unset, "CONFIG_A=y\n", false), KC_FORBIDDEN);
	CHECK_EQ_INT(check_one(unset, "CONFIG_A=m\n", false), KC_FORBIDDEN);
	CHECK_EQ_INT(check_one(unset, "CONFIG_A=\"\"\n", false), KC_FORBIDDEN);
	CHECK_EQ_INT(check_one(str, "CONFIG_A=\"x y\"\n", false), KC_OK);
	CHECK_EQ_INT(check_one(str, "CONFIG_A=\"x\"\n", false), KC_WRONG_VALUE);
	CHECK_EQ_INT(check_one(str, "CONFIG_A=\"x yz\"\n", false), KC_WRONG_VALUE);
	CHECK_EQ_INT(check_one(str, "CONFIG_A=y\n", false), KC_WRONG_VALUE);
	CHECK_EQ_INT(check_one(str, "", false), KC_MISSING);
	CHECK_EQ_INT(check_one(num, "CONFIG_A=0x10\n", false), KC_OK);
	CHECK_EQ_INT(check_one(num, "CONFIG_A=16\n", false), KC_WRONG_VALUE);
	CHECK_EQ_INT(check_one(num, "CONFIG_A=\"0x10\"\n", false), KC_WRONG_VALUE);
	CHECK_EQ_INT(check_one(cond, "CONFIG_A=y\n", false), KC_NOT_APPLICABLE);
	CHECK_EQ_INT(check_one(cond, "CONFIG_B=m\n", false), KC_NOT_APPLICABLE);
	CHECK_EQ_INT(check_one(cond, "# CONFIG_B is not set\n", false), KC_NOT_APPLICABLE);
	CHECK_EQ_INT(check_one(cond, "CONFIG_B=y\n", false), KC_MISSING);
	CHECK_EQ_INT(check_one(cond, "CONFIG_B=y\nCONFIG_A=y\n", false), KC_OK);
	CHECK_EQ_STR(kc_status_name(KC_FORBIDDEN), "forbidden present");
	CHECK_EQ_STR(kc_status_name(KC_WRONG_VALUE), "wrong value");
}

/* The real Debian cloud kernel config parses, and the values the design note states
 * ("TDX_GUEST_DRIVER, SEV_GUEST, TSM_REPORTS, DM_VERITY, EROFS_FS, VIRTIO_BLK as
 * modules; TPM and lockdown built in") are what the parser reads. */
static void test_debian_fixture(void)
{
	static const char path[] = "kernel-config/testdata/config-7.3.4+deb13-cloud-amd64";
	static const struct { const char *name; enum kc_kind kind; } want[] = {
		{ "TDX_GUEST_DRIVER", KC_MOD }, { "SEV_GUEST", KC_MOD }, { "TSM_REPORTS", KC_MOD },
		{ "DM_VERITY", KC_MOD }, { "EROFS_FS", KC_MOD }, { "VIRTIO_BLK", KC_MOD },
		{ "TCG_TPM", KC_YES }, { "SECURITY_LOCKDOWN_LSM", KC_YES }, { "MODULES", KC_YES },
		{ "DEVMEM", KC_YES }, { "MODULE_SIG_FORCE", KC_UNSET }, { "LSM", KC_STRING },
		{ "NR_CPUS", KC_NUMBER },
	};
	uint8_t *buf = NULL;
	size_t len = 0;
	struct kc_config c;
	struct kc_error e;

	CHECK_EQ_INT(file_read_all(path, KC_MAX_CONFIG_BYTES, &buf, &len), 0);
	if (!buf)
		return;
	CHECK_EQ_INT(parse_cfg((const char *)buf, len, &c, &e), 0);
	CHECK_EQ_INT(c.n, 4352);   /* grep -c -E "^(CONFIG_|# CONFIG_.* is not set)" */
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct kc_symbol *s = kc_config_find(&c, want[i].name);

		CHECK(s != NULL);
		if (s && s->kind != want[i].kind) {
			CHECK(!"unexpected kind");
			fprintf(stderr, "  %s\n", want[i].name);
		}
	}
	kc_config_free(&c);
	free(buf);
}

int main(void)
{
	test_config_valid();
	test_config_invalid();
	test_fragments();
	test_fragments_invalid();
	test_check();
	test_debian_fixture();
	return unit_finish("test-kconfig");
}
