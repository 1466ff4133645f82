/* SPDX-License-Identifier: Apache-2.0 */
/* TPM 2.0 attestation structure parsers; layouts cited in tpm_attest.h. */
#include "evidence/tpm_attest.h"

#include <errno.h>
#include <string.h>

#include "util/bytes.h"
#include "measure/digest.h"

/* A bounded big-endian reader: every take fails once the input is exhausted, and
 * a failure sticks, so parsers check once at the end of a block. */
struct rd {
	const uint8_t *p;
	size_t left;
	int bad;
};

static const uint8_t *take(struct rd *r, size_t n)
{
	const uint8_t *p;

	if (r->bad || n > r->left) {
		r->bad = 1;
		return NULL;
	}
	p = r->p;
	r->p += n;
	r->left -= n;
	return p;
}

static uint8_t u8(struct rd *r)
{
	const uint8_t *p = take(r, 1);
	return p ? p[0] : 0;
}
static uint16_t u16(struct rd *r)
{
	const uint8_t *p = take(r, 2);
	return p ? be16(p) : 0;
}
static uint32_t u32(struct rd *r)
{
	const uint8_t *p = take(r, 4);
	return p ? be32(p) : 0;
}
static uint64_t u64(struct rd *r)
{
	const uint8_t *p = take(r, 8);
	return p ? be64(p) : 0;
}

/* TPM2B_*: u16 size then bytes. */
static const uint8_t *tpm2b(struct rd *r, size_t *ret_len)
{
	uint16_t n = u16(r);
	const uint8_t *p = take(r, n);

	*ret_len = p ? n : 0;
	return p;
}

int tpm_attest_parse(const uint8_t *buf, size_t len, struct tpm_attest *ret)
{
	struct rd r = { buf, len, 0 };
	struct tpm_attest a;
	uint32_t count;

	if (!buf || len == 0 || len > TPM_MAX_INPUT)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	a.magic = u32(&r);
	a.type = u16(&r);
	if (r.bad || a.magic != TPM_GENERATED_VALUE)
		return -EBADMSG;
	a.qualified_signer = tpm2b(&r, &a.qualified_signer_len);
	a.extra_data = tpm2b(&r, &a.extra_data_len);
	/* TPMS_CLOCK_INFO */
	a.clock = u64(&r);
	a.reset_count = u32(&r);
	a.restart_count = u32(&r);
	a.safe = u8(&r);
	a.firmware_version = u64(&r);
	if (r.bad)
		return -EBADMSG;
	if (a.type != TPM_ST_ATTEST_QUOTE)
		return -EOPNOTSUPP;

	/* TPML_PCR_SELECTION */
	count = u32(&r);
	if (r.bad || count > TPM_MAX_BANKS)
		return -EBADMSG;
	for (uint32_t i = 0; i < count; i++) {
		struct tpm_pcr_selection *s = &a.banks[i];
		const uint8_t *sel;

		s->hash = u16(&r);
		s->size = u8(&r);
		if (s->size > TPM_PCR_SELECT_MAX)
			return -EBADMSG;
		sel = take(&r, s->size);
		if (!sel)
			return -EBADMSG;
		memcpy(s->select, sel, s->size);
	}
	a.n_banks = count;
	a.pcr_digest = tpm2b(&r, &a.pcr_digest_len);
	/* The attest blob is exactly one structure: trailing bytes would be unsigned
	 * garbage or a framing error. */
	if (r.bad || r.left != 0)
		return -EBADMSG;
	*ret = a;
	return 0;
}

int tpm_signature_parse(const uint8_t *buf, size_t len, struct tpm_signature *ret)
{
	struct rd r = { buf, len, 0 };
	struct tpm_signature s;

	if (!buf || len > TPM_MAX_INPUT)
		return -EBADMSG;
	memset(&s, 0, sizeof(s));
	s.sig_alg = u16(&r);
	s.hash_alg = u16(&r);
	switch (s.sig_alg) {
	case TPM_ALG_RSASSA:
	case TPM_ALG_RSAPSS:
		s.sig = tpm2b(&r, &s.sig_len);
		break;
	case TPM_ALG_ECDSA:
		s.r = tpm2b(&r, &s.r_len);
		s.s = tpm2b(&r, &s.s_len);
		break;
	default:
		return r.bad ? -EBADMSG : -EOPNOTSUPP;
	}
	if (r.bad || r.left != 0)
		return -EBADMSG;
	*ret = s;
	return 0;
}

/* Schemes whose TPMU_ASYM_SCHEME details carry a hashAlg (Part 2 §11.2.3.5). */
static int scheme_has_hash(uint16_t scheme)
{
	switch (scheme) {
	case TPM_ALG_RSASSA: case TPM_ALG_RSAPSS: case TPM_ALG_OAEP: case TPM_ALG_ECDSA:
	case TPM_ALG_ECDH: case TPM_ALG_ECDAA: case TPM_ALG_SM2: case TPM_ALG_ECSCHNORR:
		return 1;
	}
	return 0;
}

int tpm_public_parse(const uint8_t *buf, size_t len, struct tpm_public *ret)
{
	struct rd r;
	struct tpm_public p;
	size_t policy_len;

	if (!buf || len < 2 || len > TPM_MAX_INPUT)
		return -EBADMSG;
	/* TPM2B_PUBLIC: a size equal to the rest. A TPMT_PUBLIC starts with the type
	 * (0x0001 or 0x0023), which can never equal len-2 for a real key. */
	if (be16(buf) == len - 2) {
		buf += 2;
		len -= 2;
	}
	r = (struct rd){ buf, len, 0 };
	memset(&p, 0, sizeof(p));
	p.raw = buf;
	p.raw_len = len;
	p.type = u16(&r);
	p.name_alg = u16(&r);
	p.attributes = u32(&r);
	(void)tpm2b(&r, &policy_len);
	if (r.bad)
		return -EBADMSG;
	if (p.type != TPM_ALG_RSA && p.type != TPM_ALG_ECC)
		return -EOPNOTSUPP;

	/* TPMT_SYM_DEF_OBJECT: algorithm, then keyBits and mode unless NULL. */
	if (u16(&r) != TPM_ALG_NULL) {
		(void)u16(&r);
		(void)u16(&r);
	}
	p.scheme = u16(&r);
	if (scheme_has_hash(p.scheme))
		p.scheme_hash = u16(&r);
	if (p.scheme == TPM_ALG_ECDAA)
		(void)u16(&r); /* count */

	if (p.type == TPM_ALG_RSA) {
		p.key_bits = u16(&r);
		p.exponent = u32(&r);
		p.n = tpm2b(&r, &p.n_len);
		if (!r.bad && (p.n_len == 0 || p.n_len * 8 != p.key_bits))
			return -EBADMSG;
	} else {
		p.curve = u16(&r);
		if (u16(&r) != TPM_ALG_NULL) /* TPMT_KDF_SCHEME */
			(void)u16(&r);
		p.x = tpm2b(&r, &p.x_len);
		p.y = tpm2b(&r, &p.y_len);
	}
	if (r.bad || r.left != 0)
		return -EBADMSG;
	*ret = p;
	return 0;
}

int tpm_pcr_is_selected(const struct tpm_pcr_selection *b, unsigned pcr)
{
	if (pcr / 8 >= b->size)
		return 0;
	return (b->select[pcr / 8] >> (pcr % 8)) & 1;
}

int tpm_public_name(const struct tpm_public *pub, uint8_t *out, size_t *ret_len)
{
	enum digest_alg alg;
	int r;

	if (digest_from_tpm_alg(pub->name_alg, &alg) < 0)
		return -EOPNOTSUPP;
	out[0] = (uint8_t)(pub->name_alg >> 8);
	out[1] = (uint8_t)pub->name_alg;
	r = digest_buf(alg, pub->raw, pub->raw_len, out + 2);
	if (r < 0)
		return r;
	*ret_len = 2 + digest_len(alg);
	return 0;
}

const char *tpm_ak_attributes_problem(uint32_t attributes)
{
	if (!(attributes & TPMA_OBJECT_RESTRICTED))
		return "not restricted";
	if (!(attributes & TPMA_OBJECT_SIGN_ENCRYPT))
		return "not sign";
	if (!(attributes & TPMA_OBJECT_FIXEDTPM))
		return "not fixedTPM";
	if (!(attributes & TPMA_OBJECT_FIXEDPARENT))
		return "not fixedParent";
	if (attributes & TPMA_OBJECT_DECRYPT)
		return "decrypt";
	return NULL;
}

const char *tpm_alg_name(uint16_t alg)
{
	switch (alg) {
	case TPM_ALG_RSA: return "rsa";
	case TPM_ALG_SHA1: return "sha1";
	case TPM_ALG_SHA256: return "sha256";
	case TPM_ALG_SHA384: return "sha384";
	case TPM_ALG_SHA512: return "sha512";
	case TPM_ALG_NULL: return "null";
	case TPM_ALG_RSASSA: return "rsassa";
	case TPM_ALG_RSAES: return "rsaes";
	case TPM_ALG_RSAPSS: return "rsapss";
	case TPM_ALG_OAEP: return "oaep";
	case TPM_ALG_ECDSA: return "ecdsa";
	case TPM_ALG_ECDH: return "ecdh";
	case TPM_ALG_ECC: return "ecc";
	}
	return NULL;
}
