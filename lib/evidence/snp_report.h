/* SPDX-License-Identifier: Apache-2.0 */
/* AMD SEV-SNP ATTESTATION_REPORT (1184 bytes, little-endian), as returned by the
 * configfs-tsm outblob (raw) or by SNP_GET_REPORT in /dev/sev-guest (after a 32-byte
 * MSG_REPORT_RSP header). Layout: AMD SEV-SNP ABI spec 56860, "ATTESTATION_REPORT
 * Structure"; offsets cross-checked with google/go-sev-guest abi/abi.go.
 *
 * snp_report_parse() copies every field out, so the result does not point into the
 * caller's buffer. It checks only structure (length, header, version, signature
 * algorithm field range); whether the report is *authentic* is snp_verify's job. */
#ifndef CVM_SNP_REPORT_H
#define CVM_SNP_REPORT_H

#include <stddef.h>
#include <stdint.h>

#define SNP_REPORT_SIZE 0x4A0        /* 1184 */
#define SNP_REPORT_SIGNED_SIZE 0x2A0 /* the signature covers bytes 0x000..0x29F */
#define SNP_RESP_HDR_SIZE 32         /* status u32, report_size u32, reserved[24] */
#define SNP_SIG_COMPONENT_SIZE 72    /* R and S fields, little-endian, zero-padded */

/* POLICY bits (ABI spec, "Guest Policy Structure"). */
#define SNP_POLICY_SMT (UINT64_C(1) << 16)
#define SNP_POLICY_RESERVED1 (UINT64_C(1) << 17) /* must be one */
#define SNP_POLICY_MIGRATE_MA (UINT64_C(1) << 18)
#define SNP_POLICY_DEBUG (UINT64_C(1) << 19)
#define SNP_POLICY_SINGLE_SOCKET (UINT64_C(1) << 20)

#define SNP_SIG_ALGO_ECDSA_P384_SHA384 1

enum snp_signing_key {
	SNP_KEY_VCEK = 0,
	SNP_KEY_VLEK = 1,
	SNP_KEY_NONE = 7,
};

/* TCB_VERSION (8 bytes) split into its security patch levels. Milan and Genoa:
 * byte 0 boot loader, 1 TEE, 2..5 reserved, 6 SNP, 7 microcode. Turin (family 1Ah)
 * adds FMC at byte 0 and moves the others down: 1 BL, 2 TEE, 3 SNP, 7 microcode.
 * The report carries CPUID family only from version 3 on; earlier reports are
 * Milan/Genoa. */
struct snp_tcb {
	uint8_t fmc; /* Turin only, 0 otherwise */
	uint8_t bl;
	uint8_t tee;
	uint8_t snp;
	uint8_t ucode;
};

struct snp_report {
	uint32_t version;
	uint32_t guest_svn;
	uint64_t policy;
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint32_t vmpl;
	uint32_t signature_algo;
	uint64_t current_tcb;
	uint64_t platform_info;
	uint32_t flags;                   /* raw word at 0x48 */
	int author_key_en;                /* flags bit 0 */
	int mask_chip_key;                /* flags bit 1 */
	enum snp_signing_key signing_key; /* flags bits 4:2 */
	uint8_t report_data[64];
	uint8_t measurement[48];
	uint8_t host_data[32];
	uint8_t id_key_digest[48];
	uint8_t author_key_digest[48];
	uint8_t report_id[32];
	uint8_t report_id_ma[32];
	uint64_t reported_tcb;
	uint8_t cpuid_fam_id; /* version >= 3, else 0 */
	uint8_t cpuid_mod_id;
	uint8_t cpuid_step;
	uint8_t chip_id[64];
	uint64_t committed_tcb;
	uint8_t current_build, current_minor, current_major;
	uint8_t committed_build, committed_minor, committed_major;
	uint64_t launch_tcb;
	/* The report itself (without any response header): raw[0..0x29F] is signed. */
	uint8_t raw[SNP_REPORT_SIZE];
};

/* Parses a raw 1184-byte report, or an SNP_GET_REPORT response buffer (32-byte
 * header with status 0 and report_size >= 1184, followed by the report; bytes after
 * the declared report are ignored — the kernel hands back a 4000-byte buffer).
 * Returns 0, -EINVAL (wrong length), -EBADMSG (header status non-zero, unknown
 * version). The signature bytes are not looked at here: a malformed signature is a
 * verification failure, not a parse error. *ret is written only on success. */
int snp_report_parse(const uint8_t *buf, size_t len, struct snp_report *ret);

/* Splits a TCB_VERSION for a report of the given CPUID family (0 = unknown, i.e.
 * a version 2 report: Milan/Genoa layout). */
void snp_tcb_split(uint64_t tcb, uint8_t cpuid_fam_id, struct snp_tcb *ret);

/* The certificate table the host returns with an extended report (configfs-tsm
 * auxblob, SNP_GET_EXT_REPORT): entries {GUID[16] in RFC 4122 byte order, offset u32,
 * length u32} (little-endian), ended by an all-zero entry; offsets count from the
 * start of the table. GUIDs from the GHCB spec 56421 ("SNP Extended Guest Request"):
 * ARK c0b406a4-a803-4952-9743-3fb6014cd0ae, ASK 4ab7b379-bbac-4fe4-a02f-05aef327c782,
 * VCEK 63da758d-e664-4564-adc5-f4b93be8accd, VLEK a8074bc2-a25a-483e-aae6-39c045a0b8a1. */
enum snp_cert_kind {
	SNP_CERT_ARK,
	SNP_CERT_ASK,
	SNP_CERT_VCEK,
	SNP_CERT_VLEK,
};
#define SNP_CERT_TABLE_MAX (64 * 1024)

/* Finds the certificate of a kind. Returns 0 with *ret pointing into buf, -ENOENT
 * (not in the table), -EBADMSG (no terminator, an entry outside the buffer, more
 * than 64 entries) or -EINVAL (empty or over SNP_CERT_TABLE_MAX). */
int snp_cert_table_find(const uint8_t *buf, size_t len, enum snp_cert_kind kind,
			const uint8_t **ret, size_t *ret_len);

/* "vcek", "vlek", "none" or "reserved". */
const char *snp_signing_key_name(enum snp_signing_key key);

#endif
