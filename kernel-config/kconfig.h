/* SPDX-License-Identifier: Apache-2.0 */
/* Kernel .config parsing and requirement checking for cvm-kconfig-check.
 *
 * Two inputs, one line grammar (the one scripts/kconfig/confdata.c writes):
 *   CONFIG_NAME=y | =m | =n | ="string" | =123 | =-1 | =0x1f
 *   # CONFIG_NAME is not set
 *   # any other comment
 * A .config is the kernel's own output; a requirement fragment (kernel-config/fragments/
 * NN-*.config) is the same syntax where every option sits directly under a policy line
 *   # [hard|rec(,m)(,if=SYM)] one-line reason
 * and free-form commentary starts with "##". Both parsers are strict (no leading or
 * trailing blanks, no CR, no NUL, no duplicate symbols, bounded sizes) because a
 * mis-read line would silently turn a requirement into "ok".
 *
 * Library style: functions return 0 or -errno and print nothing; on a parse error the
 * kc_error argument says which line and what was wrong. */
#ifndef CVM_KCONFIG_H
#define CVM_KCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define KC_MAX_CONFIG_BYTES  (4u << 20)   /* Debian's amd64 .config is ~260 KiB */
#define KC_MAX_SYMBOLS       65536u
#define KC_MAX_FRAGMENT_BYTES (256u << 10)
#define KC_MAX_REQS          1024u
#define KC_NAME_MAX          100u          /* longest symbol in 7.3 is ~50 characters */
#define KC_VALUE_MAX         255u
#define KC_REASON_MAX        200u
#define KC_ORIGIN_MAX        63u

enum kc_kind {
	KC_UNSET,   /* "# CONFIG_X is not set" or CONFIG_X=n */
	KC_YES,
	KC_MOD,
	KC_STRING,  /* value is the text between the quotes, escapes kept as written */
	KC_NUMBER,  /* decimal or 0x-hex, kept as written */
};

struct kc_error {
	unsigned line;          /* 1-based; 0 when the error is not about one line */
	const char *what;       /* static text */
};

/* One symbol of a parsed .config. name and value point into the parsed buffer, which
 * must outlive the kc_config. */
struct kc_symbol {
	const char *name;       /* without the CONFIG_ prefix, not NUL-terminated */
	size_t name_len;
	enum kc_kind kind;
	const char *value;      /* KC_STRING / KC_NUMBER only */
	size_t value_len;
	unsigned line;
};

struct kc_config {
	struct kc_symbol *syms; /* sorted by name */
	size_t n;
};

int kc_config_parse(const char *buf, size_t len, struct kc_config *ret, struct kc_error *err);
void kc_config_free(struct kc_config *c);
/* NULL if the symbol does not occur at all (not even as "is not set"). */
const struct kc_symbol *kc_config_find(const struct kc_config *c, const char *name);

/* One requirement from a fragment. */
struct kc_req {
	char name[KC_NAME_MAX + 1];         /* without CONFIG_ */
	enum kc_kind kind;                  /* KC_UNSET = must not be set */
	char value[KC_VALUE_MAX + 1];       /* KC_STRING / KC_NUMBER */
	bool hard;                          /* a failure fails the check */
	bool module_ok;                     /* =m satisfies a =y requirement */
	char cond[KC_NAME_MAX + 1];         /* "" or a symbol that must be =y for this to apply */
	char reason[KC_REASON_MAX + 1];
	char origin[KC_ORIGIN_MAX + 1];     /* fragment name, for messages */
	unsigned line;
};

struct kc_reqs {
	struct kc_req *v;                   /* KC_MAX_REQS slots, allocated once */
	size_t n;
};

int kc_reqs_init(struct kc_reqs *r);
void kc_reqs_free(struct kc_reqs *r);
/* Appends the requirements of one fragment; origin names it in messages. A symbol already
 * required by an earlier fragment is an error (-EEXIST). On error nothing is appended. */
int kc_reqs_parse(struct kc_reqs *r, const char *buf, size_t len, const char *origin,
		  struct kc_error *err);

enum kc_status {
	KC_OK,
	KC_MISSING,         /* wanted set, not set or absent */
	KC_WRONG_VALUE,     /* set, but to another value (or =m where =y is needed) */
	KC_FORBIDDEN,       /* wanted not set, but set */
	KC_NOT_APPLICABLE,  /* its if= condition does not hold */
};

/* monolithic: =m never satisfies a =y requirement (the minimal kernel has no modules).
 * *ret_found (optional) is the symbol found, NULL if absent. */
enum kc_status kc_check(const struct kc_req *req, const struct kc_config *c, bool monolithic,
			const struct kc_symbol **ret_found);

const char *kc_status_name(enum kc_status s);

#endif
