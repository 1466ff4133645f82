/* SPDX-License-Identifier: Apache-2.0 */
/* Minimal unit-test harness: each test binary is a list of CHECKs; a failed CHECK
 * prints the file, line and expression, and the binary's exit status says pass/fail.
 * Binaries run under ASan/UBSan (see the Makefile), so memory errors fail too. */
#ifndef CVM_UNIT_H
#define CVM_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failures;
static int unit_checks;

#define CHECK(expr)                                                                     \
	do {                                                                            \
		unit_checks++;                                                          \
		if (!(expr)) {                                                          \
			unit_failures++;                                                \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #expr); \
		}                                                                       \
	} while (0)

#define CHECK_EQ_INT(a, b)                                                              \
	do {                                                                            \
		long long unit_a_ = (long long)(a), unit_b_ = (long long)(b);           \
		unit_checks++;                                                          \
		if (unit_a_ != unit_b_) {                                               \
			unit_failures++;                                                \
			fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n",     \
				__FILE__, __LINE__, #a, unit_a_, #b, unit_b_);          \
		}                                                                       \
	} while (0)

#define CHECK_EQ_STR(a, b)                                                              \
	do {                                                                            \
		const char *unit_a_ = (a), *unit_b_ = (b);                              \
		unit_checks++;                                                          \
		if (!unit_a_ || !unit_b_ || strcmp(unit_a_, unit_b_) != 0) {            \
			unit_failures++;                                                \
			fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n",        \
				__FILE__, __LINE__, #a, unit_a_ ? unit_a_ : "(null)",   \
				unit_b_ ? unit_b_ : "(null)");                          \
		}                                                                       \
	} while (0)

#define CHECK_MEM(a, b, n) CHECK(memcmp((a), (b), (n)) == 0)

/* Ends main(): prints the count and returns the exit status. */
static inline int unit_finish(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, unit_checks, unit_failures);
	return unit_failures ? 1 : 0;
}

#endif
