/* SPDX-License-Identifier: Apache-2.0 */
/* Intel TDX: the TD quote (versions 4 and 5, ECDSA-P256 attestation key) and the
 * 1024-byte TDREPORT_STRUCT from TDX_CMD_GET_REPORT0. All little-endian.
 *
 * Layouts: intel/SGXDataCenterAttestationPrimitives QuoteGeneration/quote_wrapper/
 * common/inc/sgx_quote_4.h and sgx_quote_5.h (header, sgx_report2_body_t,
 * sgx_report2_body_v1_5_t, sgx_ecdsa_sig_data_v4_t, sgx_qe_report_certification_data_t),
 * Intel TDX DCAP Quoting Library API (quote format appendix), and the kernel's
 * TDREPORT_* offsets in drivers/virt/coco/tdx-guest/tdx-guest.c.
 *
 * Fixed-size fields are copied out; the variable-size parts (signed bytes, QE
 * authentication data, PCK certificate chain) are pointers into the caller's buffer,
 * which must outlive the parsed structs. */
#ifndef CVM_TDX_QUOTE_H
#define CVM_TDX_QUOTE_H

#include <stddef.h>
#include <stdint.h>

#define TDX_QUOTE_HEADER_SIZE 48
#define TDX_BODY10_SIZE 584 /* sgx_report2_body_t, TDX 1.0 */
#define TDX_BODY15_SIZE 648 /* sgx_report2_body_v1_5_t, TDX 1.5 */
#define TDX_QUOTE_MAX_SIZE (1024 * 1024)
#define TDX_TEE_TYPE 0x81
#define TDX_ATT_KEY_ECDSA_P256 2
#define TDX_BODY_TYPE_TD10 2 /* v5 body types; 1 is an SGX enclave report */
#define TDX_BODY_TYPE_TD15 3
#define TDX_CERT_TYPE_PCK_CHAIN 5 /* PEM PCK leaf + intermediate + root */
#define TDX_CERT_TYPE_QE_REPORT 6 /* QE report certification data (nested) */
#define TDX_REPORT_SIZE 1024
#define SGX_REPORT_BODY_SIZE 384

/* The TD's measurements and identity: the quote body, or the TD part of a TDREPORT. */
struct tdx_td_body {
	uint8_t tee_tcb_svn[16];
	uint8_t mrseam[48];
	uint8_t mrsignerseam[48];
	uint8_t seam_attributes[8];
	uint8_t td_attributes[8];
	uint8_t xfam[8];
	uint8_t mrtd[48];
	uint8_t mrconfigid[48];
	uint8_t mrowner[48];
	uint8_t mrownerconfig[48];
	uint8_t rtmr[4][48];
	uint8_t report_data[64];
	int tdx15;               /* the two fields below are present (v5 body type 3) */
	uint8_t tee_tcb_svn2[16];
	uint8_t mrservicetd[48]; /* TDREPORT: SERVTD_HASH */
};

struct tdx_quote {
	uint16_t version;      /* 4 or 5 */
	uint16_t att_key_type; /* 2 = ECDSA-256-with-P-256 */
	uint32_t tee_type;     /* 0x81 */
	uint8_t qe_vendor_id[16];
	uint8_t user_data[20];
	uint16_t body_type;    /* v5 descriptor; 2 for v4 */
	struct tdx_td_body body;
	/* The bytes the attestation key signs: header and body (for v5 including the
	 * body type and size descriptor). */
	const uint8_t *signed_data;
	size_t signed_len;
	/* Quote signature data as declared by signature_data_len. */
	const uint8_t *sig_data;
	size_t sig_data_len;
	/* Length of the quote proper; input bytes after it are ignored (padding). */
	size_t quote_len;
};

/* An SGX report body (the Quoting Enclave's report inside the signature data). */
struct sgx_report_body {
	uint8_t cpu_svn[16];
	uint32_t misc_select;
	uint8_t attributes[16];
	uint8_t mr_enclave[32];
	uint8_t mr_signer[32];
	uint16_t isv_prod_id;
	uint16_t isv_svn;
	uint8_t report_data[64];
};

/* sgx_ecdsa_sig_data_v4_t with its QE report certification data unpacked. */
struct tdx_quote_sig {
	uint8_t signature[64];  /* r || s, big-endian, over tdx_quote.signed_data */
	uint8_t attest_key[64]; /* x || y of the P-256 attestation key */
	struct sgx_report_body qe_report;
	const uint8_t *qe_report_raw; /* 384 bytes: what the PCK key signs */
	uint8_t qe_report_sig[64];    /* r || s by the PCK key */
	const uint8_t *qe_auth_data;
	size_t qe_auth_len;
	uint16_t cert_type;           /* inner certification data type, 5 = PCK chain */
	const uint8_t *cert_data;
	size_t cert_len;
};

/* The TDREPORT_STRUCT from TDX_CMD_GET_REPORT0. body.tee_tcb_svn/mrseam/
 * mrsignerseam/seam_attributes come from TEE_TCB_INFO; report_data from
 * REPORTMACSTRUCT. The report is MACed, not signed: only the TDX module can check it. */
struct tdx_report {
	uint8_t report_type[4]; /* type 0x81 = TDX, subtype, version, reserved */
	uint8_t cpu_svn[16];
	uint8_t tee_tcb_info_hash[48];
	uint8_t tee_info_hash[48];
	uint8_t mac[32];
	struct tdx_td_body body;
};

/* Parses a TD quote v4 or v5 (TDX body types 2 and 3). buf may be longer than the
 * quote (fixed-size capture buffers): the declared lengths decide and the rest is
 * ignored. Returns 0, -EINVAL (too short or too long) or -EBADMSG (wrong version,
 * TEE type, body type or size, or a signature length past the end). The signature
 * data is located but not unpacked: see tdx_quote_sig_parse. */
int tdx_quote_parse(const uint8_t *buf, size_t len, struct tdx_quote *ret);

/* Unpacks q->sig_data (ECDSA-P256 quote signature data with QE report certification
 * data, type 6). Returns 0 or -EBADMSG (unknown attestation key or certification
 * type, or a nested length past the end). */
int tdx_quote_sig_parse(const struct tdx_quote *q, struct tdx_quote_sig *ret);

/* Parses an SGX report body (384 bytes). */
void sgx_report_body_parse(const uint8_t *b, struct sgx_report_body *ret);

/* Parses a 1024-byte TDREPORT. Returns 0, -EINVAL (length) or -EBADMSG (report
 * type is not TDX). */
int tdx_report_parse(const uint8_t *buf, size_t len, struct tdx_report *ret);

#endif
