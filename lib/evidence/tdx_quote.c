/* SPDX-License-Identifier: Apache-2.0 */
/* TD quote v4/v5 and TDREPORT parsers. Layout sources are listed in tdx_quote.h. */
#include "evidence/tdx_quote.h"

#include <errno.h>
#include <string.h>

#include "util/bytes.h"

/* sgx_report2_body_t offsets (relative to the body). */
#define B_TEE_TCB_SVN 0
#define B_MRSEAM 16
#define B_MRSIGNERSEAM 64
#define B_SEAM_ATTRIBUTES 112
#define B_TD_ATTRIBUTES 120
#define B_XFAM 128
#define B_MRTD 136
#define B_MRCONFIGID 184
#define B_MROWNER 232
#define B_MROWNERCONFIG 280
#define B_RTMR0 328
#define B_REPORT_DATA 520
#define B_TEE_TCB_SVN2 584 /* TDX 1.5 only */
#define B_MRSERVICETD 600

/* sgx_ecdsa_sig_data_v4_t */
#define S_SIGNATURE 0
#define S_ATTEST_KEY 64
#define S_CERT_TYPE 128
#define S_CERT_SIZE 130
#define S_CERT_DATA 134

static void parse_body(const uint8_t *b, int tdx15, struct tdx_td_body *t)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->tee_tcb_svn, b + B_TEE_TCB_SVN, 16);
	memcpy(t->mrseam, b + B_MRSEAM, 48);
	memcpy(t->mrsignerseam, b + B_MRSIGNERSEAM, 48);
	memcpy(t->seam_attributes, b + B_SEAM_ATTRIBUTES, 8);
	memcpy(t->td_attributes, b + B_TD_ATTRIBUTES, 8);
	memcpy(t->xfam, b + B_XFAM, 8);
	memcpy(t->mrtd, b + B_MRTD, 48);
	memcpy(t->mrconfigid, b + B_MRCONFIGID, 48);
	memcpy(t->mrowner, b + B_MROWNER, 48);
	memcpy(t->mrownerconfig, b + B_MROWNERCONFIG, 48);
	for (int i = 0; i < 4; i++)
		memcpy(t->rtmr[i], b + B_RTMR0 + 48 * i, 48);
	memcpy(t->report_data, b + B_REPORT_DATA, 64);
	t->tdx15 = tdx15;
	if (tdx15) {
		memcpy(t->tee_tcb_svn2, b + B_TEE_TCB_SVN2, 16);
		memcpy(t->mrservicetd, b + B_MRSERVICETD, 48);
	}
}

int tdx_quote_parse(const uint8_t *buf, size_t len, struct tdx_quote *ret)
{
	struct tdx_quote q;
	size_t body_off, body_len, end;
	uint32_t sig_len;

	if (!buf || len < TDX_QUOTE_HEADER_SIZE + TDX_BODY10_SIZE + 4)
		return -EINVAL;
	if (len > TDX_QUOTE_MAX_SIZE)
		return -EINVAL;

	memset(&q, 0, sizeof(q));
	q.version = le16(buf + 0);
	q.att_key_type = le16(buf + 2);
	q.tee_type = le32(buf + 4);
	memcpy(q.qe_vendor_id, buf + 12, 16);
	memcpy(q.user_data, buf + 28, 20);
	if (q.tee_type != TDX_TEE_TYPE)
		return -EBADMSG;

	if (q.version == 4) {
		/* v4 has no body descriptor: the body is always a TDX 1.0 report. */
		q.body_type = TDX_BODY_TYPE_TD10;
		body_off = TDX_QUOTE_HEADER_SIZE;
		body_len = TDX_BODY10_SIZE;
	} else if (q.version == 5) {
		/* v5: body type u16 and body size u32 follow the header (sgx_quote5_t). */
		uint32_t size = le32(buf + TDX_QUOTE_HEADER_SIZE + 2);

		q.body_type = le16(buf + TDX_QUOTE_HEADER_SIZE);
		body_off = TDX_QUOTE_HEADER_SIZE + 6;
		if (q.body_type == TDX_BODY_TYPE_TD10)
			body_len = TDX_BODY10_SIZE;
		else if (q.body_type == TDX_BODY_TYPE_TD15)
			body_len = TDX_BODY15_SIZE;
		else
			return -EBADMSG;
		if (size != body_len)
			return -EBADMSG;
	} else {
		return -EBADMSG;
	}

	end = body_off + body_len;
	if (len < end + 4)
		return -EBADMSG;
	sig_len = le32(buf + end);
	if (sig_len > len - end - 4)
		return -EBADMSG;

	parse_body(buf + body_off, body_len == TDX_BODY15_SIZE, &q.body);
	q.signed_data = buf;
	q.signed_len = end;
	q.sig_data = buf + end + 4;
	q.sig_data_len = sig_len;
	q.quote_len = end + 4 + sig_len;

	*ret = q;
	return 0;
}

void sgx_report_body_parse(const uint8_t *b, struct sgx_report_body *ret)
{
	/* sgx_report_body_t (sgx_report.h): cpu_svn@0, misc_select@16, attributes@48,
	 * mr_enclave@64, mr_signer@128, isv_prod_id@256, isv_svn@258, report_data@320. */
	struct sgx_report_body r;

	memcpy(r.cpu_svn, b, 16);
	r.misc_select = le32(b + 16);
	memcpy(r.attributes, b + 48, 16);
	memcpy(r.mr_enclave, b + 64, 32);
	memcpy(r.mr_signer, b + 128, 32);
	r.isv_prod_id = le16(b + 256);
	r.isv_svn = le16(b + 258);
	memcpy(r.report_data, b + 320, 64);
	*ret = r;
}

int tdx_quote_sig_parse(const struct tdx_quote *q, struct tdx_quote_sig *ret)
{
	const uint8_t *s = q->sig_data, *c;
	size_t n = q->sig_data_len, clen, off;
	struct tdx_quote_sig sig;
	uint32_t outer_len, inner_len;
	uint16_t auth_len;

	if (q->att_key_type != TDX_ATT_KEY_ECDSA_P256 || n < S_CERT_DATA)
		return -EBADMSG;
	memset(&sig, 0, sizeof(sig));
	memcpy(sig.signature, s + S_SIGNATURE, 64);
	memcpy(sig.attest_key, s + S_ATTEST_KEY, 64);
	/* Quote v4/v5 always wrap the QE report in certification data of type 6. */
	if (le16(s + S_CERT_TYPE) != TDX_CERT_TYPE_QE_REPORT)
		return -EBADMSG;
	outer_len = le32(s + S_CERT_SIZE);
	if (outer_len > n - S_CERT_DATA)
		return -EBADMSG;
	c = s + S_CERT_DATA;
	clen = outer_len;

	/* sgx_qe_report_certification_data_t: report body, signature, auth data,
	 * then the nested certification data (type 5, the PEM PCK chain). */
	if (clen < SGX_REPORT_BODY_SIZE + 64 + 2)
		return -EBADMSG;
	sig.qe_report_raw = c;
	sgx_report_body_parse(c, &sig.qe_report);
	memcpy(sig.qe_report_sig, c + SGX_REPORT_BODY_SIZE, 64);
	off = SGX_REPORT_BODY_SIZE + 64;
	auth_len = le16(c + off);
	off += 2;
	if (auth_len > clen - off)
		return -EBADMSG;
	sig.qe_auth_data = c + off;
	sig.qe_auth_len = auth_len;
	off += auth_len;
	if (clen - off < 6)
		return -EBADMSG;
	sig.cert_type = le16(c + off);
	inner_len = le32(c + off + 2);
	off += 6;
	if (inner_len > clen - off)
		return -EBADMSG;
	sig.cert_data = c + off;
	sig.cert_len = inner_len;

	*ret = sig;
	return 0;
}

int tdx_report_parse(const uint8_t *buf, size_t len, struct tdx_report *ret)
{
	/* TDREPORT_STRUCT: REPORTMACSTRUCT @0 (256), TEE_TCB_INFO @256 (239),
	 * TDINFO @512: attributes, xfam, mrtd, mrconfigid, mrowner, mrownerconfig,
	 * rtmr0..3, servtd_hash @912. TEE_TCB_INFO: valid[8], tee_tcb_svn[16] @8,
	 * mrseam[48] @24, mrsignerseam[48] @72, attributes[8] @120, tee_tcb_svn2 @128. */
	const uint8_t *tcb = buf + 256, *td = buf + 512;
	struct tdx_report r;

	if (!buf || len != TDX_REPORT_SIZE)
		return -EINVAL;
	if (buf[0] != TDX_TEE_TYPE)
		return -EBADMSG;
	memset(&r, 0, sizeof(r));
	memcpy(r.report_type, buf, 4);
	memcpy(r.cpu_svn, buf + 16, 16);
	memcpy(r.tee_tcb_info_hash, buf + 32, 48);
	memcpy(r.tee_info_hash, buf + 80, 48);
	memcpy(r.body.report_data, buf + 128, 64);
	memcpy(r.mac, buf + 224, 32);
	memcpy(r.body.tee_tcb_svn, tcb + 8, 16);
	memcpy(r.body.mrseam, tcb + 24, 48);
	memcpy(r.body.mrsignerseam, tcb + 72, 48);
	memcpy(r.body.seam_attributes, tcb + 120, 8);
	memcpy(r.body.td_attributes, td + 0, 8);
	memcpy(r.body.xfam, td + 8, 8);
	memcpy(r.body.mrtd, td + 16, 48);
	memcpy(r.body.mrconfigid, td + 64, 48);
	memcpy(r.body.mrowner, td + 112, 48);
	memcpy(r.body.mrownerconfig, td + 160, 48);
	for (int i = 0; i < 4; i++)
		memcpy(r.body.rtmr[i], td + 208 + 48 * i, 48);
	memcpy(r.body.mrservicetd, td + 400, 48);
	/* REPORTTYPE.version 1 = TDX 1.5, which fills TEE_TCB_SVN2 and SERVTD_HASH. */
	if (buf[2] >= 1) {
		r.body.tdx15 = 1;
		memcpy(r.body.tee_tcb_svn2, tcb + 128, 16);
	}
	*ret = r;
	return 0;
}
