/* SPDX-License-Identifier: Apache-2.0 */
#include "cmdline.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "util/hex.h"
#include "kcmdline.h"

/* Keys that would pick, or relax the checking of, the root some other way than
 * cvm-init does, or start something else than the verified root's systemd. cvm-init
 * ignores nothing security-relevant silently: a command line that carries one of these
 * was written for a different boot path, so the boot stops instead of guessing.
 * Sources: systemd veritysetup-generator, fstab-generator, volatile-root,
 * debug-generator, systemd(1) (v257); Linux init/main.c (init=, rdinit=); dracut
 * (rd.break, rd.shell). Written as key_matches() compares: '_' for '-' or '_', without
 * a leading "rd." (so "break" here is rd.break). */
static const char *const refused_keys[] = {
	"root", "init", "rdinit", "rw", "usrhash", "roothashsig",
	"mount.usr", "mount.usrfstype", "mount.usrflags",
	"systemd.verity",
	"systemd.verity_root_data", "systemd.verity_root_hash", "systemd.verity_root_options",
	"systemd.verity_usr_data", "systemd.verity_usr_hash", "systemd.verity_usr_options",
	"systemd.volatile", "systemd.debug_shell", "systemd.unit",
	"break", "shell", "emergency", "rescue", "single",
};

/* Keys cvm-init reads; each may appear at most once (in any spelling). */
enum known_key { K_ROOTHASH, K_TIMEOUT, K_ROOTFSTYPE, K_ROOTFLAGS, K_RO, K_COUNT };
static const char *const known_keys[K_COUNT] = {
	[K_ROOTHASH] = "roothash",
	[K_TIMEOUT] = "cvm.init.timeout",
	[K_ROOTFSTYPE] = "rootfstype",
	[K_ROOTFLAGS] = "rootflags",
	[K_RO] = "ro",
};

#define NAMESPACE "cvm.init."

/* Whether a key from the command line is `name` as systemd reads keys: '-' and '_'
 * are the same character (proc_cmdline_key_streq), and in the initrd "rd.KEY" is KEY
 * (PROC_CMDLINE_STRIP_RD_PREFIX). cvm-init is the initrd, so every spelling that
 * systemd or the kernel could act on is caught; `name` is written with '_'. */
static bool key_matches(const char *key, const char *name)
{
	if (strncmp(key, "rd.", 3) == 0)
		key += 3;
	for (; *key && *name; key++, name++) {
		char k = *key == '-' ? '_' : *key;

		if (k != *name)
			return false;
	}
	return *key == *name;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Whole-string decimal in [min, max]: no sign, no spaces, no leading junk. */
static int parse_uint(const char *s, unsigned min, unsigned max, unsigned *ret)
{
	unsigned long v = 0;

	if (!s || !*s || strlen(s) > 9)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < min || v > max)
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
}

/* rootflags=: only generic flags that keep the mount at least as strict. erofs has
 * no options cvm-init would pass, and "rw" or unknown words must not be dropped. */
static int parse_rootflags(char *v, unsigned long *flags)
{
	char *save = NULL;

	if (!v || !*v)
		return -EINVAL;
	for (char *w = strtok_r(v, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (strcmp(w, "ro") == 0 || strcmp(w, "nodev") == 0)
			continue;
		if (strcmp(w, "nosuid") == 0)
			*flags |= MS_NOSUID;
		else
			return -EINVAL;
	}
	/* strtok_r skips empty words; refuse ",," and leading/trailing commas too. */
	return 0;
}

static int handle_known(enum known_key k, char *val, struct initrd_cmdline *c,
			char *err, size_t errlen)
{
	switch (k) {
	case K_ROOTHASH: {
		size_t n = val ? strlen(val) : 0;

		/* SHA-256 (what systemd-repart uses) or SHA-512 digests only. */
		if ((n != 2 * INITRD_ROOTHASH_MIN && n != 2 * INITRD_ROOTHASH_MAX) ||
		    hex_decode_exact(val, c->root_hash, n / 2) < 0)
			return fail(err, errlen,
				    "roothash=: expected %u or %u bytes in hex", INITRD_ROOTHASH_MIN,
				    INITRD_ROOTHASH_MAX);
		c->root_hash_len = n / 2;
		return 0;
	}
	case K_TIMEOUT:
		if (parse_uint(val, 1, INITRD_TIMEOUT_MAX, &c->timeout_sec) < 0)
			return fail(err, errlen, "cvm.init.timeout=: expected seconds 1..%u",
				    INITRD_TIMEOUT_MAX);
		return 0;
	case K_ROOTFSTYPE:
		if (!val || strcmp(val, "erofs") != 0)
			return fail(err, errlen, "rootfstype=: only erofs is supported");
		return 0;
	case K_ROOTFLAGS:
		if (!val || !*val || strstr(val, ",,") || val[0] == ',' || val[strlen(val) - 1] == ',' ||
		    parse_rootflags(val, &c->mount_flags) < 0)
			return fail(err, errlen,
				    "rootflags=: only ro, nodev and nosuid are allowed");
		return 0;
	case K_RO:
		if (val)
			return fail(err, errlen, "ro: takes no value");
		return 0;
	case K_COUNT:
		break;
	}
	return fail(err, errlen, "internal: unknown key id");
}

int initrd_cmdline_parse(const char *cmdline, struct initrd_cmdline *ret, char *err,
			 size_t errlen)
{
	char buf[KCMDLINE_MAX + 1], *state = buf, *key, *val;
	bool seen[K_COUNT] = { false };
	struct initrd_cmdline c = {
		.timeout_sec = INITRD_TIMEOUT_DEFAULT,
		.mount_flags = MS_RDONLY | MS_NODEV,
	};
	size_t n;
	int r;

	if (!cmdline)
		return fail(err, errlen, "no command line");
	n = strnlen(cmdline, sizeof(buf));
	if (n > KCMDLINE_MAX)
		return fail(err, errlen, "command line longer than %u bytes", KCMDLINE_MAX);
	memcpy(buf, cmdline, n + 1);

	while ((r = kcmdline_next(&state, &key, &val)) > 0) {
		size_t k;

		/* Everything after "--" would become init's argv; cvm-init takes none. */
		if (strcmp(key, "--") == 0 && !val) {
			if (kcmdline_next(&state, &key, &val) != 0)
				return fail(err, errlen, "arguments after \"--\": none accepted");
			break;
		}
		for (k = 0; k < sizeof(refused_keys) / sizeof(*refused_keys); k++)
			if (key_matches(key, refused_keys[k]))
				return fail(err, errlen,
					    "%s%s: refused (cvm-init only boots the verity root from roothash=)",
					    key, val ? "=" : "");
		for (k = 0; k < K_COUNT; k++)
			if (key_matches(key, known_keys[k]))
				break;
		if (k == K_COUNT) {
			if (strncmp(key, NAMESPACE, strlen(NAMESPACE)) == 0 ||
			    strncmp(key, "rd." NAMESPACE, strlen("rd." NAMESPACE)) == 0)
				return fail(err, errlen, "%s: unknown cvm-init option", key);
			continue; /* the kernel's or systemd's business */
		}
		if (seen[k])
			return fail(err, errlen, "%s: given more than once", key);
		seen[k] = true;
		r = handle_known((enum known_key)k, val, &c, err, errlen);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return fail(err, errlen, "unbalanced double quote");
	if (!seen[K_ROOTHASH])
		return fail(err, errlen, "roothash=: missing");

	*ret = c;
	return 0;
}
