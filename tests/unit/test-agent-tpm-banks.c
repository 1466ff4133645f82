/* SPDX-License-Identifier: Apache-2.0 */
/* Which PCR banks measure-agent extends (measure-agent/tpm-banks.c), from the answer to
 * TPM2_GetCapability(TPM2_CAP_PCRS). The vTPM is the host's: its answer may list any
 * number of banks, the same bank twice or hashes the agent cannot compute. Every bank
 * that is active must be extended (an unextended bank could later be filled by
 * whoever controls the TPM), and no more banks may be taken than a CEL record and the
 * caller's array hold (TPM_MAX_BANKS). */
#include <errno.h>
#include <string.h>

#include "../../measure-agent/tpm-banks.h"
#include "agent-sysroot.h"
#include "unit.h"

#define ALG_SM3_256 0x0012 /* a real TPM hash the agent does not implement */

struct bank { TPMI_ALG_HASH hash; bool active; };

/* A TPML_PCR_SELECTION as a TPM reports it: 24 PCRs (3 bytes), all or none selected. */
static TPML_PCR_SELECTION answer(const struct bank *b, size_t n)
{
	TPML_PCR_SELECTION sel;

	memset(&sel, 0, sizeof sel);
	sel.count = (UINT32)n;
	for (size_t i = 0; i < n; i++) {
		sel.pcrSelections[i].hash = b[i].hash;
		sel.pcrSelections[i].sizeofSelect = 3;
		memset(sel.pcrSelections[i].pcrSelect, b[i].active ? 0xff : 0, 3);
	}
	return sel;
}

/* Parses into an array of exactly TPM_MAX_BANKS (ASan sees any write past it). */
static int parse(const TPML_PCR_SELECTION *sel, enum digest_alg *out, size_t *n)
{
	enum digest_alg banks[TPM_MAX_BANKS];
	int r;

	agent_clear_detail();
	*n = 0;
	r = tpm_banks_parse(sel, banks, n);
	if (r == 0)
		memcpy(out, banks, *n * sizeof *banks);
	return r;
}

static void test_accepted(void)
{
	/* swtpm_setup --pcr-banks sha256,sha384: all four listed, two allocated */
	static const struct bank swtpm[] = { { TPM2_ALG_SHA1, false }, { TPM2_ALG_SHA256, true },
					     { TPM2_ALG_SHA384, true }, { TPM2_ALG_SHA512, false } };
	static const struct bank all[] = { { TPM2_ALG_SHA1, true }, { TPM2_ALG_SHA256, true },
					   { TPM2_ALG_SHA384, true }, { TPM2_ALG_SHA512, true } };
	/* a fifth bank that is listed but not allocated costs nothing: it cannot be read
	 * or quoted with values (an unallocated bank has no PCRs) */
	static const struct bank fifth_inactive[] = { { TPM2_ALG_SHA1, true }, { TPM2_ALG_SHA256, true },
						      { TPM2_ALG_SHA384, true }, { TPM2_ALG_SHA512, true },
						      { ALG_SM3_256, false } };
	TPML_PCR_SELECTION sel;
	enum digest_alg got[TPM_MAX_BANKS];
	size_t n;

	sel = answer(swtpm, 4);
	CHECK_EQ_INT(parse(&sel, got, &n), 0);
	CHECK_EQ_INT(n, 2);
	CHECK(got[0] == DIGEST_SHA256 && got[1] == DIGEST_SHA384);

	sel = answer(all, 4);
	CHECK_EQ_INT(parse(&sel, got, &n), 0);
	CHECK_EQ_INT(n, 4);
	CHECK(got[0] == DIGEST_SHA1 && got[3] == DIGEST_SHA512);

	sel = answer(fifth_inactive, 5);
	CHECK_EQ_INT(parse(&sel, got, &n), 0);
	CHECK_EQ_INT(n, 4);

	/* one PCR selected is enough to make a bank active */
	sel = answer(swtpm, 1);
	sel.pcrSelections[0].pcrSelect[2] = 0x80;
	CHECK_EQ_INT(parse(&sel, got, &n), 0);
	CHECK_EQ_INT(n, 1);
	CHECK(got[0] == DIGEST_SHA1);
}

/* parse refuses sel with err, and the agent's detail says so. */
static void check_refused(const TPML_PCR_SELECTION *sel, int err, const char *detail)
{
	enum digest_alg got[TPM_MAX_BANKS];
	size_t n;

	CHECK_EQ_INT(parse(sel, got, &n), err);
	CHECK(agent_detail_has(detail));
}

/* The same for an answer listing the n banks b. */
static void check_banks_refused(const struct bank *b, size_t n, int err, const char *detail)
{
	TPML_PCR_SELECTION sel = answer(b, n);

	check_refused(&sel, err, detail);
}

/* F8: more active banks than the arrays hold, and banks reported twice. */
static void test_too_many_and_duplicates(void)
{
	static const struct bank five[] = { { TPM2_ALG_SHA1, true }, { TPM2_ALG_SHA256, true },
					    { TPM2_ALG_SHA384, true }, { TPM2_ALG_SHA512, true },
					    { ALG_SM3_256, true } };
	static const struct bank same[] = { { TPM2_ALG_SHA256, true }, { TPM2_ALG_SHA256, true },
					    { TPM2_ALG_SHA256, true }, { TPM2_ALG_SHA256, true },
					    { TPM2_ALG_SHA256, true }, { TPM2_ALG_SHA256, true } };
	static const struct bank twice[] = { { TPM2_ALG_SHA256, true }, { TPM2_ALG_SHA384, true },
					     { TPM2_ALG_SHA256, true } };
	static const struct bank twice_inactive[] = { { TPM2_ALG_SHA256, true }, { TPM2_ALG_SHA256, false } };
	struct bank sixteen[TPM2_NUM_PCR_BANKS];

	check_banks_refused(five, 5, -E2BIG, "5 active PCR banks, at most 4");

	for (size_t i = 0; i < TPM2_NUM_PCR_BANKS; i++)
		sixteen[i] = (struct bank){ (TPMI_ALG_HASH)(0x1000 + i), true };
	check_banks_refused(sixteen, TPM2_NUM_PCR_BANKS, -E2BIG, "16 active PCR banks");

	check_banks_refused(same, 6, -EBADMSG, "PCR bank sha256 reported twice");

	check_banks_refused(twice, 3, -EBADMSG, "PCR bank sha256 reported twice");

	check_banks_refused(twice_inactive, 2, -EBADMSG, "reported twice");
}

/* What the agent cannot extend, or an answer that is not a TPML_PCR_SELECTION. */
static void test_refused(void)
{
	static const struct bank unknown[] = { { TPM2_ALG_SHA256, true }, { ALG_SM3_256, true } };
	static const struct bank none[] = { { TPM2_ALG_SHA256, false }, { TPM2_ALG_SHA384, false } };
	TPML_PCR_SELECTION sel;
	enum digest_alg got[TPM_MAX_BANKS];
	size_t n;

	check_banks_refused(unknown, 2, -EOPNOTSUPP, "active PCR bank with unsupported hash 0x0012");

	check_banks_refused(none, 2, -ENODEV, "no active PCR bank");
	sel = answer(none, 0);
	CHECK_EQ_INT(parse(&sel, got, &n), -ENODEV);

	/* more entries than the structure has room for */
	sel = answer(none, 2);
	sel.count = TPM2_NUM_PCR_BANKS + 1;
	check_refused(&sel, -EBADMSG, "17 PCR banks listed");

	/* a selection longer than its array */
	sel = answer(unknown, 1);
	sel.pcrSelections[0].sizeofSelect = TPM2_PCR_SELECT_MAX + 1;
	check_refused(&sel, -EBADMSG, "selection of 5 bytes");
}

int main(void)
{
	test_accepted();
	test_too_many_and_duplicates();
	test_refused();
	return unit_finish("test-agent-tpm-banks");
}
