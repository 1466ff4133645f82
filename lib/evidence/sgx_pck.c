/* SPDX-License-Identifier: Apache-2.0 */
/* SGX PCK certificate extension reader; see sgx_pck.h. */
#include "evidence/sgx_pck.h"

#include <errno.h>
#include <string.h>

#define TAG_INTEGER 0x02
#define TAG_OCTET_STRING 0x04
#define TAG_OID 0x06
#define TAG_ENUMERATED 0x0A
#define TAG_SEQUENCE 0x30

/* DER of 1.2.840.113741.1.13.1 (without tag and length): sub-OIDs append one arc. */
static const uint8_t SGX_OID[] = { 0x2A, 0x86, 0x48, 0x86, 0xF8, 0x4D, 0x01, 0x0D, 0x01 };

int der_next(struct der *d, uint8_t *ret_tag, const uint8_t **ret_val, size_t *ret_len)
{
	size_t len, hdr = 2;
	uint8_t tag;

	if (d->left == 0)
		return 0;
	if (d->left < 2)
		return -EBADMSG;
	tag = d->p[0];
	if ((tag & 0x1F) == 0x1F) /* multi-byte tags: not used by these structures */
		return -EBADMSG;
	len = d->p[1];
	if (len & 0x80) {
		size_t n = len & 0x7F;

		/* 0x80 would be BER's indefinite length; DER forbids it. */
		if (n == 0 || n > 4 || d->left < 2 + n)
			return -EBADMSG;
		len = 0;
		for (size_t i = 0; i < n; i++)
			len = len << 8 | d->p[2 + i];
		hdr += n;
	}
	if (len > d->left - hdr)
		return -EBADMSG;
	*ret_tag = tag;
	*ret_val = d->p + hdr;
	*ret_len = len;
	d->p += hdr + len;
	d->left -= hdr + len;
	return 1;
}

/* Matches an OID of the form SGX_OID.a (n_arcs 1) or SGX_OID.a.b (n_arcs 2); arcs
 * used here are all < 128, so each is one byte. Returns the last arc or -1. */
static int sgx_arc(const uint8_t *oid, size_t len, int n_arcs, int first)
{
	if (len != sizeof(SGX_OID) + (size_t)n_arcs || memcmp(oid, SGX_OID, sizeof(SGX_OID)) != 0)
		return -1;
	if (n_arcs == 2 && oid[sizeof(SGX_OID)] != first)
		return -1;
	return oid[len - 1] < 0x80 ? oid[len - 1] : -1;
}

/* Reads a SEQUENCE { OID, value } pair from d. */
static int pair(struct der *d, const uint8_t **oid, size_t *oid_len, uint8_t *vtag,
		const uint8_t **val, size_t *val_len)
{
	const uint8_t *seq;
	size_t seq_len;
	uint8_t tag;
	struct der in;
	int r;

	r = der_next(d, &tag, &seq, &seq_len);
	if (r <= 0)
		return r;
	if (tag != TAG_SEQUENCE)
		return -EBADMSG;
	in = (struct der){ seq, seq_len };
	if (der_next(&in, &tag, oid, oid_len) != 1 || tag != TAG_OID)
		return -EBADMSG;
	if (der_next(&in, vtag, val, val_len) != 1 || in.left != 0)
		return -EBADMSG;
	return 1;
}

/* A small non-negative DER INTEGER (at most 0xFFFF). */
static int small_int(uint8_t tag, const uint8_t *v, size_t n, unsigned *ret)
{
	unsigned x = 0;

	if ((tag != TAG_INTEGER && tag != TAG_ENUMERATED) || n == 0 || n > 3 || (v[0] & 0x80))
		return -EBADMSG;
	for (size_t i = 0; i < n; i++)
		x = x << 8 | v[i];
	if (x > 0xFFFF)
		return -EBADMSG;
	*ret = x;
	return 0;
}

static int parse_tcb(const uint8_t *v, size_t n, struct sgx_pck_ext *e)
{
	struct der d = { v, n };
	const uint8_t *oid, *val;
	size_t oid_len, val_len;
	uint32_t seen = 0;
	uint8_t tag;
	int r;

	while ((r = pair(&d, &oid, &oid_len, &tag, &val, &val_len)) == 1) {
		int arc = sgx_arc(oid, oid_len, 2, 2);
		unsigned x;

		if (arc >= 1 && arc <= 16) {
			if (small_int(tag, val, val_len, &x) < 0 || x > 255)
				return -EBADMSG;
			e->comp_svn[arc - 1] = (uint8_t)x;
		} else if (arc == 17) {
			if (small_int(tag, val, val_len, &x) < 0)
				return -EBADMSG;
			e->pcesvn = (uint16_t)x;
		} else if (arc == 18) {
			if (tag != TAG_OCTET_STRING || val_len != 16)
				return -EBADMSG;
			memcpy(e->cpusvn, val, 16);
		} else {
			continue; /* unknown arcs are tolerated */
		}
		seen |= UINT32_C(1) << arc;
	}
	if (r < 0)
		return r;
	/* All 16 component SVNs and the PCESVN are required (bits 1..17). */
	return (seen & 0x3FFFE) == 0x3FFFE ? 0 : -EBADMSG;
}

int sgx_pck_ext_parse(const uint8_t *der, size_t len, struct sgx_pck_ext *ret)
{
	struct der outer = { der, len }, d;
	const uint8_t *seq, *oid, *val;
	size_t seq_len, oid_len, val_len;
	struct sgx_pck_ext e;
	int r, have_tcb = 0, have_pceid = 0, have_fmspc = 0;
	uint8_t tag;

	if (!der)
		return -EBADMSG;
	if (der_next(&outer, &tag, &seq, &seq_len) != 1 || tag != TAG_SEQUENCE || outer.left != 0)
		return -EBADMSG;
	memset(&e, 0, sizeof(e));
	e.sgx_type = -1;
	d = (struct der){ seq, seq_len };
	while ((r = pair(&d, &oid, &oid_len, &tag, &val, &val_len)) == 1) {
		unsigned x;

		switch (sgx_arc(oid, oid_len, 1, 0)) {
		case 1: /* PPID */
			if (tag != TAG_OCTET_STRING || val_len != 16)
				return -EBADMSG;
			memcpy(e.ppid, val, 16);
			break;
		case 2: /* TCB */
			if (tag != TAG_SEQUENCE || parse_tcb(val, val_len, &e) < 0)
				return -EBADMSG;
			have_tcb = 1;
			break;
		case 3: /* PCE-ID */
			if (tag != TAG_OCTET_STRING || val_len != 2)
				return -EBADMSG;
			memcpy(e.pceid, val, 2);
			have_pceid = 1;
			break;
		case 4: /* FMSPC */
			if (tag != TAG_OCTET_STRING || val_len != 6)
				return -EBADMSG;
			memcpy(e.fmspc, val, 6);
			have_fmspc = 1;
			break;
		case 5: /* SGX type */
			if (small_int(tag, val, val_len, &x) < 0)
				return -EBADMSG;
			e.sgx_type = (int)x;
			break;
		default: /* platform instance ID, configuration: not needed */
			break;
		}
	}
	if (r < 0 || !have_tcb || !have_pceid || !have_fmspc)
		return -EBADMSG;
	*ret = e;
	return 0;
}
