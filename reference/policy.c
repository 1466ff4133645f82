/* SPDX-License-Identifier: Apache-2.0 */
/* The appraisal policy of `cvm-reference verify`: command-line options and the
 * policy file (reference/POLICY.md) map onto the same settings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ev-options.h"
#include "policy.h"
#include "util/file.h"
#include "util/hex.h"
#include "util/json.h"
#include "util/strnum.h"

#define POLICY_FILE_MAX (64 * 1024)

static const struct {
	unsigned bit;
	const char *name;
} platforms[] = {
	{ PLATFORM_VTPM, "vtpm" },
	{ PLATFORM_TDX, "tdx" },
	{ PLATFORM_SNP, "snp" },
};

static const struct {
	unsigned bit;
	const char *name, *meaning;
} relaxations[] = {
	{ RELAX_UNSIGNED_REFERENCE, "unsigned-reference", "the reference document is not signed" },
	{ RELAX_SNP_DEBUG, "snp-debug", "SNP POLICY.DEBUG may be set" },
	{ RELAX_SNP_MIGRATE_MA, "snp-migrate-ma", "SNP POLICY.MIGRATE_MA may be set" },
	{ RELAX_SNP_TCB_FLOOR, "snp-tcb-floor", "any SNP REPORTED_TCB" },
	{ RELAX_SNP_MIN_ABI, "snp-min-abi", "any SNP firmware ABI" },
	{ RELAX_TDX_DEBUG, "tdx-debug", "TD_ATTRIBUTES.DEBUG may be set" },
	{ RELAX_TDX_CONFIG, "tdx-config", "TD_ATTRIBUTES and XFAM not compared" },
};

const char *platform_name(unsigned platform)
{
	for (size_t i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++)
		if (platforms[i].bit == platform)
			return platforms[i].name;
	return "?";
}

static int bad(const char *opt, const char *arg, const char *want)
{
	fprintf(stderr, "cvm-reference: --%s %s: %s expected\n", opt, arg, want);
	return -1;
}

static int by_name(const char *arg, unsigned *ret)
{
	for (size_t i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++)
		if (strcmp(arg, platforms[i].name) == 0) {
			*ret |= platforms[i].bit;
			return 1;
		}
	return bad("platform", arg, "tdx, snp or vtpm");
}

static int relax_by_name(const char *arg, unsigned *ret)
{
	for (size_t i = 0; i < sizeof(relaxations) / sizeof(relaxations[0]); i++)
		if (strcmp(arg, relaxations[i].name) == 0) {
			*ret |= relaxations[i].bit;
			return 1;
		}
	return bad("relax", arg, "a relaxation named in reference/POLICY.md");
}

/* "MAJOR.MINOR", each 0..255. */
static int parse_abi(const char *arg, struct ev_opts *o)
{
	const char *dot = strchr(arg, '.');
	char major[4];
	uint64_t a, b;

	if (!dot || dot == arg || (size_t)(dot - arg) >= sizeof(major))
		return bad("snp-min-abi", arg, "MAJOR.MINOR");
	memcpy(major, arg, (size_t)(dot - arg));
	major[dot - arg] = 0;
	if (parse_uint_canonical(major, 255, &a) < 0 || parse_uint_canonical(dot + 1, 255, &b) < 0)
		return bad("snp-min-abi", arg, "MAJOR.MINOR");
	o->min_abi_major = (unsigned)a;
	o->min_abi_minor = (unsigned)b;
	o->have_min_abi = 1;
	return 1;
}

static int hex_exact(const char *opt, const char *arg, uint8_t *out, size_t n, int *have)
{
	if (hex_decode_exact(arg, out, n) < 0) {
		fprintf(stderr, "cvm-reference: --%s: %zu hex digits expected\n", opt, 2 * n);
		return -1;
	}
	*have = 1;
	return 1;
}

static int policy_file(const char *path, struct appraisal_policy *p, struct ev_opts *o);

int policy_option(int opt, const char *arg, struct appraisal_policy *p, struct ev_opts *o)
{
	/* --tdx-allow-tcb outlives a policy file's parse tree */
	static char allow_tcb[256];
	uint64_t n;

	switch (opt) {
	case OPT_PLATFORM: return by_name(arg, &p->platforms);
	case OPT_POLICY: return policy_file(arg, p, o);
	case OPT_RELAX: return relax_by_name(arg, &p->relax);
	case OPT_UNSIGNED_REFERENCE: p->relax |= RELAX_UNSIGNED_REFERENCE; return 1;
	case OPT_SNP_MIN_TCB: return ev_parse_min_tcb("--snp-min-tcb", arg, o) < 0 ? -1 : 1;
	case OPT_SNP_MIN_ABI: return parse_abi(arg, o);
	case OPT_SNP_VMPL:
		if (parse_uint_canonical(arg, 3, &n) < 0)
			return bad("snp-vmpl", arg, "0 to 3");
		p->vmpl = (unsigned)n;
		p->have_vmpl = 1;
		return 1;
	case OPT_SNP_SMT:
		if (strcmp(arg, "allow") != 0 && strcmp(arg, "forbid") != 0)
			return bad("snp-smt", arg, "allow or forbid");
		p->smt_forbidden = strcmp(arg, "forbid") == 0;
		return 1;
	case OPT_TDX_ATTRIBUTES: return hex_exact("tdx-attributes", arg, o->td_attributes, 8, &o->have_td_attributes);
	case OPT_TDX_XFAM: return hex_exact("tdx-xfam", arg, o->xfam, 8, &o->have_xfam);
	case OPT_TDX_MRSERVICETD: return hex_exact("tdx-mrservicetd", arg, o->mrservicetd, 48, &o->have_mrservicetd);
	case OPT_TDX_ALLOW_TCB:
		if (!arg[0] || strlen(arg) >= sizeof(allow_tcb))
			return bad("tdx-allow-tcb", arg, "a comma-separated list of TCB statuses");
		strcpy(allow_tcb, arg);
		o->allow_tcb = allow_tcb;
		return 1;
	}
	return 0;
}

/* ---- the policy file ---- */

/* One member of the file, given as the option it stands for: a string, a number or
 * (platforms, relax, tcb_status) an array of strings. */
static int file_member(const struct json_value *v, int opt, const char *key, struct appraisal_policy *p,
		       struct ev_opts *o)
{
	char joined[256] = "";

	if (json_type(v) == JSON_STRING)
		return policy_option(opt, json_string(v), p, o);
	if (json_type(v) == JSON_NUMBER && opt == OPT_SNP_VMPL)
		return policy_option(opt, json_number_text(v), p, o);
	if (json_type(v) != JSON_ARRAY)
		goto bad;
	for (size_t i = 0; i < json_array_len(v); i++) {
		const char *s = json_string(json_array_at(v, i));

		if (!s)
			goto bad;
		if (opt == OPT_TDX_ALLOW_TCB) {
			size_t len = strlen(joined);

			if (snprintf(joined + len, sizeof(joined) - len, "%s%s", len ? "," : "", s) >=
			    (int)(sizeof(joined) - len))
				goto bad;
		} else if (opt == OPT_PLATFORM || opt == OPT_RELAX) {
			if (policy_option(opt, s, p, o) < 0)
				return -1;
		} else {
			goto bad;
		}
	}
	return opt == OPT_TDX_ALLOW_TCB ? policy_option(opt, joined, p, o) : 1;
bad:
	fprintf(stderr, "cvm-reference: policy: \"%s\" has the wrong type\n", key);
	return -1;
}

static const struct {
	const char *section, *key;
	int opt;
} file_keys[] = {
	{ NULL, "platforms", OPT_PLATFORM },
	{ NULL, "relax", OPT_RELAX },
	{ "snp", "min_tcb", OPT_SNP_MIN_TCB },
	{ "snp", "min_abi", OPT_SNP_MIN_ABI },
	{ "snp", "vmpl", OPT_SNP_VMPL },
	{ "snp", "smt", OPT_SNP_SMT },
	{ "tdx", "td_attributes", OPT_TDX_ATTRIBUTES },
	{ "tdx", "xfam", OPT_TDX_XFAM },
	{ "tdx", "mrservicetd", OPT_TDX_MRSERVICETD },
	{ "tdx", "tcb_status", OPT_TDX_ALLOW_TCB },
};

/* The members of one object (section NULL: the top level); an unknown key is an
 * error, so a misspelt setting cannot silently leave its default. */
static int file_object(const struct json_value *obj, const char *section, struct appraisal_policy *p,
		       struct ev_opts *o)
{
	if (json_type(obj) != JSON_OBJECT) {
		fprintf(stderr, "cvm-reference: policy: \"%s\" is not an object\n", section ? section : "(top)");
		return -1;
	}
	for (size_t i = 0; i < json_object_len(obj); i++) {
		const char *key = json_object_key(obj, i);
		const struct json_value *v = json_object_value(obj, i);
		int known = 0;

		if (!section && (strcmp(key, "snp") == 0 || strcmp(key, "tdx") == 0)) {
			if (file_object(v, key, p, o) < 0)
				return -1;
			continue;
		}
		if (!section && strcmp(key, "version") == 0)
			continue;
		for (size_t k = 0; k < sizeof(file_keys) / sizeof(file_keys[0]) && !known; k++) {
			if ((!section) != (!file_keys[k].section) ||
			    (section && strcmp(section, file_keys[k].section) != 0) || strcmp(key, file_keys[k].key) != 0)
				continue;
			known = 1;
			if (file_member(v, file_keys[k].opt, key, p, o) < 0)
				return -1;
		}
		if (!known) {
			fprintf(stderr, "cvm-reference: policy: unknown setting %s%s%s\n", section ? section : "",
				section ? "." : "", key);
			return -1;
		}
	}
	return 1;
}

static int policy_file(const char *path, struct appraisal_policy *p, struct ev_opts *o)
{
	struct json_value *root = NULL;
	const struct json_value *ver;
	uint8_t *text = NULL;
	size_t len;
	uint64_t n;
	int r;

	r = file_read_all(path, POLICY_FILE_MAX, &text, &len);
	if (r < 0) {
		fprintf(stderr, "cvm-reference: --policy %s: %s\n", path, strerror(-r));
		return -1;
	}
	if (json_parse((const char *)text, len, &root, NULL) < 0) {
		fprintf(stderr, "cvm-reference: --policy %s: not a JSON document\n", path);
		free(text);
		return -1;
	}
	ver = json_get(root, "version");
	if (!ver || json_uint64(ver, &n) < 0 || n != 1) {
		fprintf(stderr, "cvm-reference: --policy %s: \"version\": 1 expected\n", path);
		r = -1;
	} else {
		r = file_object(root, NULL, p, o);
	}
	json_free(root);
	free(text);
	return r;
}

/* ---- defaults and the verdict's account of them ---- */

void policy_apply(const struct appraisal_policy *p, unsigned platform, struct ev_opts *o)
{
	o->no_debug = !(p->relax & (platform == PLATFORM_SNP ? RELAX_SNP_DEBUG : RELAX_TDX_DEBUG));
	o->no_migrate_ma = !(p->relax & RELAX_SNP_MIGRATE_MA);
	o->smt = p->smt_forbidden ? 2 : 1;
	o->have_vmpl = 1;
	o->vmpl = p->have_vmpl ? p->vmpl : 0;
	o->require_min_tcb = !(p->relax & RELAX_SNP_TCB_FLOOR);
	o->require_min_abi = !(p->relax & RELAX_SNP_MIN_ABI);
	o->check_migratable = 1;
	o->require_td_config = !(p->relax & RELAX_TDX_CONFIG);
}

static void append(char *buf, size_t size, const char *name, const char *meaning)
{
	size_t pos = strlen(buf);

	if (snprintf(buf + pos, size - pos, "%s%s (%s)", pos ? ", " : "", name, meaning) >= (int)(size - pos) &&
	    size > 4)
		strcpy(buf + size - 4, "...");
}

void policy_describe_relaxations(const struct appraisal_policy *p, const struct ev_opts *o, char *buf,
				 size_t size)
{
	char tcb[300];

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(relaxations) / sizeof(relaxations[0]); i++)
		if (p->relax & relaxations[i].bit)
			append(buf, size, relaxations[i].name, relaxations[i].meaning);
	if (o->allow_tcb && strcmp(o->allow_tcb, "UpToDate") != 0) {
		snprintf(tcb, sizeof(tcb), "TDX TCB status %s", o->allow_tcb);
		append(buf, size, "tdx-allow-tcb", tcb);
	}
	if (!buf[0])
		snprintf(buf, size, "none");
}
