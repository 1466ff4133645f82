/* SPDX-License-Identifier: Apache-2.0 */
/* Evidence detection and the checks shared by the SNP, TDX and TPM verifiers. */
#include <errno.h>
#include <string.h>

#include "util/bytes.h"
#include "evidence.h"
#include "util/hex.h"
#include "evidence/snp_report.h"
#include "evidence/tdx_quote.h"
#include "evidence/tpm_attest.h"

enum ev_kind ev_detect(const uint8_t *buf, size_t len)
{
	/* TPMS_ATTEST starts with TPM_GENERATED_VALUE (big-endian); a TD quote with
	 * version 4/5 and TEE type 0x81; an SNP report is 1184 bytes (or a 32-byte
	 * response header with status 0 and report_size 1184 ahead of it). */
	if (len >= 6 && be32(buf) == TPM_GENERATED_VALUE)
		return EV_TPM;
	if (len >= TDX_QUOTE_HEADER_SIZE && (le16(buf) == 4 || le16(buf) == 5) &&
	    le32(buf + 4) == TDX_TEE_TYPE)
		return EV_TDX;
	if (len == SNP_REPORT_SIZE ||
	    (len >= SNP_RESP_HDR_SIZE + SNP_REPORT_SIZE && le32(buf) == 0 &&
	     le32(buf + 4) == SNP_REPORT_SIZE))
		return EV_SNP;
	return EV_UNKNOWN;
}

const char *ev_kind_name(enum ev_kind k)
{
	switch (k) {
	case EV_SNP: return "sev-snp";
	case EV_TDX: return "tdx";
	case EV_TPM: return "tpm";
	case EV_UNKNOWN: break;
	}
	return "unknown";
}

void ev_check_expect(const struct ev_opts *o, struct checks *c, const char *field,
		     const uint8_t *actual, size_t len)
{
	char name[64], hex[2 * 64 + 1];

	for (size_t i = 0; i < o->n_expect; i++) {
		const struct ev_expect *e = &o->expect[i];

		if (strcmp(e->field, field) != 0)
			continue;
		snprintf(name, sizeof(name), "expect-%s", field);
		hex_encode(actual, len, hex);
		if (e->len != len)
			check_fail(c, name, "expected %zu bytes, the field has %zu", e->len, len);
		else
			check(c, name, memcmp(e->value, actual, len) == 0, "%s", hex);
	}
}

void ev_check_expect_fields_known(const struct ev_opts *o, struct checks *c, const char *const *fields,
				  const char *evidence)
{
	for (size_t i = 0; i < o->n_expect; i++) {
		int known = 0;

		for (size_t j = 0; fields[j]; j++)
			known |= strcmp(o->expect[i].field, fields[j]) == 0;
		if (!known)
			check_fail(c, "expect", "%s is not a field of %s", o->expect[i].field, evidence);
	}
}

void ev_check_report_data_nonce(const struct ev_opts *o, struct checks *c, const uint8_t rd[64])
{
	uint8_t want[64] = { 0 };
	int ok;

	if (!o->have_nonce) {
		check_skip(c, "nonce", "no --nonce given");
		return;
	}
	/* measure-agent writes the nonce zero-padded to 64 bytes into REPORT_DATA
	 * (measure-agent/EVIDENCE.md). The padding records no length, so a nonce that
	 * ends in a zero byte has the REPORT_DATA of the shorter nonce without it (ab00
	 * and ab): it cannot be bound and is refused. Any other nonce has one REPORT_DATA
	 * of its own, compared over all 64 bytes. */
	if (o->nonce_len == 0 || o->nonce_len > sizeof(want) || o->nonce[o->nonce_len - 1] == 0) {
		check_fail(c, "nonce", "the nonce ends in a zero byte, which zero-padded report data cannot "
			   "tell from a shorter nonce; use a nonce whose last byte is not 00");
		return;
	}
	memcpy(want, o->nonce, o->nonce_len);
	ok = memcmp(want, rd, sizeof(want)) == 0;
	check(c, "nonce", ok, ok ? "report data equals the nonce" : "report data differs from the nonce");
}
