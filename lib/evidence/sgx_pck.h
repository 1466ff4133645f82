/* SPDX-License-Identifier: Apache-2.0 */
/* The Intel SGX extension (OID 1.2.840.113741.1.13.1) of a PCK certificate: FMSPC,
 * PCE ID and the TCB (16 component SVNs, PCESVN, CPUSVN) the certificate was issued
 * for. Layout: Intel "SGX PCK Certificate and CRL Profile" §1.3.5 (SEQUENCE of
 * {OID, value} pairs; the TCB is itself such a sequence). Read with a small bounded
 * DER walker: definite lengths only, at most 4 length bytes, every length checked
 * against its enclosing element. */
#ifndef CVM_SGX_PCK_H
#define CVM_SGX_PCK_H

#include <stddef.h>
#include <stdint.h>

#define SGX_EXT_OID "1.2.840.113741.1.13.1"

struct sgx_pck_ext {
	uint8_t ppid[16];
	uint8_t comp_svn[16]; /* sgxTcbComp01Svn … sgxTcbComp16Svn */
	uint16_t pcesvn;
	uint8_t cpusvn[16];
	uint8_t pceid[2];
	uint8_t fmspc[6];
	int sgx_type; /* 0 Standard, 1 Scalable, 2 Scalable with integrity; -1 absent */
};

/* Parses the extension's DER value (the contents of the extnValue OCTET STRING).
 * Returns 0, or -EBADMSG for malformed DER or a missing TCB, PCE ID or FMSPC. */
int sgx_pck_ext_parse(const uint8_t *der, size_t len, struct sgx_pck_ext *ret);

/* A DER element reader, exposed for the fuzz harness and other small DER needs. */
struct der {
	const uint8_t *p;
	size_t left;
};

/* Reads the next element: *ret_tag (single-byte tags only), contents and length.
 * Returns 1, 0 at the end of input, -EBADMSG for malformed framing. */
int der_next(struct der *d, uint8_t *ret_tag, const uint8_t **ret_val, size_t *ret_len);

#endif
