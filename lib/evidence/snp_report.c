/* SPDX-License-Identifier: Apache-2.0 */
/* SEV-SNP attestation report parser. Offsets: AMD SEV-SNP ABI spec 56860 Table 22
 * ("ATTESTATION_REPORT Structure"), cross-checked with google/go-sev-guest abi/abi.go. */
#include "evidence/snp_report.h"

#include <errno.h>
#include <string.h>

#include "util/bytes.h"

/* Versions whose layout we know: 2 (original), 3 (adds CPUID FMS at 0x188, spec
 * 1.55), 5 (adds launch/current mitigation vectors in former reserved space). A
 * version we do not know might move fields, so refuse it rather than guess. */
#define SNP_VERSION_MIN 2
#define SNP_VERSION_MAX 5

static void copy(uint8_t *dst, const uint8_t *r, size_t off, size_t n) { memcpy(dst, r + off, n); }

int snp_report_parse(const uint8_t *buf, size_t len, struct snp_report *ret)
{
	struct snp_report rep;
	const uint8_t *r;

	if (!buf)
		return -EINVAL;
	/* Exactly 1184 bytes is a raw report (configfs-tsm outblob). Anything longer is
	 * an SNP_GET_REPORT response: status u32 (zero on success), report_size u32,
	 * 24 reserved bytes, then the report; the rest of the kernel's 4000-byte buffer
	 * is padding. */
	if (len == SNP_REPORT_SIZE) {
		r = buf;
	} else if (len >= SNP_RESP_HDR_SIZE + SNP_REPORT_SIZE) {
		uint32_t size = le32(buf + 4);

		if (le32(buf) != 0 || size < SNP_REPORT_SIZE || size > len - SNP_RESP_HDR_SIZE)
			return -EBADMSG;
		r = buf + SNP_RESP_HDR_SIZE;
	} else {
		return -EINVAL;
	}

	memset(&rep, 0, sizeof(rep));
	rep.version = le32(r + 0x000);
	if (rep.version < SNP_VERSION_MIN || rep.version > SNP_VERSION_MAX)
		return -EBADMSG;
	rep.guest_svn = le32(r + 0x004);
	rep.policy = le64(r + 0x008);
	copy(rep.family_id, r, 0x010, 16);
	copy(rep.image_id, r, 0x020, 16);
	rep.vmpl = le32(r + 0x030);
	rep.signature_algo = le32(r + 0x034);
	rep.current_tcb = le64(r + 0x038);
	rep.platform_info = le64(r + 0x040);
	rep.flags = le32(r + 0x048);
	rep.author_key_en = rep.flags & 1;
	rep.mask_chip_key = (rep.flags >> 1) & 1;
	rep.signing_key = (enum snp_signing_key)((rep.flags >> 2) & 7);
	copy(rep.report_data, r, 0x050, 64);
	copy(rep.measurement, r, 0x090, 48);
	copy(rep.host_data, r, 0x0C0, 32);
	copy(rep.id_key_digest, r, 0x0E0, 48);
	copy(rep.author_key_digest, r, 0x110, 48);
	copy(rep.report_id, r, 0x140, 32);
	copy(rep.report_id_ma, r, 0x160, 32);
	rep.reported_tcb = le64(r + 0x180);
	if (rep.version >= 3) {
		rep.cpuid_fam_id = r[0x188];
		rep.cpuid_mod_id = r[0x189];
		rep.cpuid_step = r[0x18A];
	}
	copy(rep.chip_id, r, 0x1A0, 64);
	rep.committed_tcb = le64(r + 0x1E0);
	rep.current_build = r[0x1E8];
	rep.current_minor = r[0x1E9];
	rep.current_major = r[0x1EA];
	rep.committed_build = r[0x1EC];
	rep.committed_minor = r[0x1ED];
	rep.committed_major = r[0x1EE];
	rep.launch_tcb = le64(r + 0x1F0);
	memcpy(rep.raw, r, SNP_REPORT_SIZE);

	*ret = rep;
	return 0;
}

void snp_tcb_split(uint64_t tcb, uint8_t cpuid_fam_id, struct snp_tcb *ret)
{
	struct snp_tcb t = { 0 };

	/* Family 1Ah (Turin) TCB_VERSION: FMC, BL, TEE, SNP, 3 reserved, microcode
	 * (ABI spec 56860 rev 1.57, "TCB_VERSION Structure"; go-sev-guest kds.go). */
	if (cpuid_fam_id == 0x1A) {
		t.fmc = (uint8_t)tcb;
		t.bl = (uint8_t)(tcb >> 8);
		t.tee = (uint8_t)(tcb >> 16);
		t.snp = (uint8_t)(tcb >> 24);
	} else {
		t.bl = (uint8_t)tcb;
		t.tee = (uint8_t)(tcb >> 8);
		t.snp = (uint8_t)(tcb >> 48);
	}
	t.ucode = (uint8_t)(tcb >> 56);
	*ret = t;
}

const char *snp_signing_key_name(enum snp_signing_key key)
{
	switch (key) {
	case SNP_KEY_VCEK: return "vcek";
	case SNP_KEY_VLEK: return "vlek";
	case SNP_KEY_NONE: return "none";
	}
	return "reserved";
}

int snp_cert_table_find(const uint8_t *buf, size_t len, enum snp_cert_kind kind,
			const uint8_t **ret, size_t *ret_len)
{
	static const uint8_t guids[][16] = {
		[SNP_CERT_ARK] = { 0xc0, 0xb4, 0x06, 0xa4, 0xa8, 0x03, 0x49, 0x52,
				   0x97, 0x43, 0x3f, 0xb6, 0x01, 0x4c, 0xd0, 0xae },
		[SNP_CERT_ASK] = { 0x4a, 0xb7, 0xb3, 0x79, 0xbb, 0xac, 0x4f, 0xe4,
				   0xa0, 0x2f, 0x05, 0xae, 0xf3, 0x27, 0xc7, 0x82 },
		[SNP_CERT_VCEK] = { 0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64,
				    0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd },
		[SNP_CERT_VLEK] = { 0xa8, 0x07, 0x4b, 0xc2, 0xa2, 0x5a, 0x48, 0x3e,
				    0xaa, 0xe6, 0x39, 0xc0, 0x45, 0xa0, 0xb8, 0xa1 },
	};
	static const uint8_t zero[24];
	const uint8_t *found = NULL;
	size_t found_len = 0;

	if (!buf || len == 0 || len > SNP_CERT_TABLE_MAX || (unsigned)kind > SNP_CERT_VLEK)
		return -EINVAL;
	/* Walk the whole table up to its terminator, so that a malformed table is
	 * refused whatever entry is asked for. */
	for (size_t i = 0; i < 64; i++) {
		const uint8_t *e = buf + 24 * i;
		uint32_t off, n;

		if (24 * (i + 1) > len)
			return -EBADMSG;
		if (memcmp(e, zero, 24) == 0) {
			if (!found)
				return -ENOENT;
			*ret = found;
			*ret_len = found_len;
			return 0;
		}
		off = le32(e + 16);
		n = le32(e + 20);
		if (n == 0 || off > len || n > len - off)
			return -EBADMSG;
		if (memcmp(e, guids[kind], 16) == 0 && !found) {
			found = buf + off;
			found_len = n;
		}
	}
	return -EBADMSG;
}
