/* SPDX-License-Identifier: Apache-2.0 */
/* The customer's appraisal policy for `cvm-reference verify` (reference/POLICY.md):
 * which platforms must have vouched for the guest, and the strict settings each
 * platform's evidence is judged by. Every setting starts strict; each relaxation is
 * named, explicit (--relax NAME or the policy file) and printed with the verdict.
 * The evidence never chooses what is checked. */
#ifndef CVM_REFERENCE_POLICY_H
#define CVM_REFERENCE_POLICY_H

#include <getopt.h>
#include <stdio.h>

#include "evidence.h"

enum platform {
	PLATFORM_VTPM = 1 << 0,
	PLATFORM_TDX = 1 << 1,
	PLATFORM_SNP = 1 << 2,
};

/* What may be relaxed, one bit each (names in policy.c). */
enum relaxation {
	RELAX_UNSIGNED_REFERENCE = 1 << 0, /* the reference document need not be signed */
	RELAX_SNP_DEBUG = 1 << 1,          /* SNP POLICY.DEBUG may be set */
	RELAX_SNP_MIGRATE_MA = 1 << 2,     /* SNP POLICY.MIGRATE_MA may be set */
	RELAX_SNP_TCB_FLOOR = 1 << 3,      /* no REPORTED_TCB floor: any TCB */
	RELAX_SNP_MIN_ABI = 1 << 4,        /* no firmware ABI floor */
	RELAX_TDX_DEBUG = 1 << 5,          /* TD_ATTRIBUTES.DEBUG may be set */
	RELAX_TDX_CONFIG = 1 << 6,         /* TD_ATTRIBUTES / XFAM not compared */
};

struct appraisal_policy {
	unsigned platforms; /* enum platform bits: each must be present and pass */
	unsigned relax;     /* enum relaxation bits */
	int smt_forbidden;  /* SNP: POLICY.SMT must be clear */
	int have_vmpl;
	unsigned vmpl;      /* SNP: default 0, the guest kernel reporting itself */
};

/* getopt_long entries of the policy options (long only), for a command's table. */
enum {
	OPT_PLATFORM = 256, OPT_POLICY, OPT_RELAX, OPT_UNSIGNED_REFERENCE, OPT_SNP_MIN_TCB,
	OPT_SNP_MIN_ABI, OPT_SNP_VMPL, OPT_SNP_SMT, OPT_TDX_ATTRIBUTES, OPT_TDX_XFAM,
	OPT_TDX_MRSERVICETD, OPT_TDX_ALLOW_TCB,
};
#define POLICY_OPTIONS \
	{ "platform", required_argument, NULL, OPT_PLATFORM }, \
	{ "policy", required_argument, NULL, OPT_POLICY }, \
	{ "relax", required_argument, NULL, OPT_RELAX }, \
	{ "unsigned-reference", no_argument, NULL, OPT_UNSIGNED_REFERENCE }, \
	{ "snp-min-tcb", required_argument, NULL, OPT_SNP_MIN_TCB }, \
	{ "snp-min-abi", required_argument, NULL, OPT_SNP_MIN_ABI }, \
	{ "snp-vmpl", required_argument, NULL, OPT_SNP_VMPL }, \
	{ "snp-smt", required_argument, NULL, OPT_SNP_SMT }, \
	{ "tdx-attributes", required_argument, NULL, OPT_TDX_ATTRIBUTES }, \
	{ "tdx-xfam", required_argument, NULL, OPT_TDX_XFAM }, \
	{ "tdx-mrservicetd", required_argument, NULL, OPT_TDX_MRSERVICETD }, \
	{ "tdx-allow-tcb", required_argument, NULL, OPT_TDX_ALLOW_TCB }

/* Takes a policy option into p and o. Returns 1 taken, 0 not a policy option, -1 bad
 * value (said on stderr: a usage error). --policy FILE reads a JSON policy whose
 * members are these options (POLICY.md). */
int policy_option(int opt, const char *arg, struct appraisal_policy *p, struct ev_opts *o);

/* The strict defaults for judging one platform's evidence, minus the relaxations,
 * into o. Call after all options. */
void policy_apply(const struct appraisal_policy *p, unsigned platform, struct ev_opts *o);

/* "tdx", "snp", "vtpm" for one platform bit. */
const char *platform_name(unsigned platform);

/* The relaxations in force, comma-separated ("none" when strict), into buf. */
void policy_describe_relaxations(const struct appraisal_policy *p, const struct ev_opts *o, char *buf,
				 size_t size);

#endif
