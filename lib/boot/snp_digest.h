/* SPDX-License-Identifier: Apache-2.0 */
/* AMD SEV-SNP launch digest (the attestation report's MEASUREMENT) of a QEMU guest
 * booted from OVMF, optionally with measured direct boot (-kernel/-initrd/-append and
 * QEMU's kernel-hashes table). Replays what QEMU asks the PSP to measure with
 * SNP_LAUNCH_UPDATE, in QEMU's order: firmware pages, SEV metadata sections in
 * firmware order, one VMSA per vCPU. SNP ABI spec (#56860) 8.17 "PAGE_INFO".
 *
 * Expensive part (hashing the firmware, kernel, initrd) is separate from the cheap
 * part (metadata + VMSAs), so many vCPU counts and CPU types reuse one firmware hash:
 *     snp_firmware_load() once, snp_kernel_hashes() once, snp_finish() per variant. */
#ifndef CVM_SNP_DIGEST_H
#define CVM_SNP_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "boot/ovmf.h"

#define SNP_DIGEST_LEN 48
#define SNP_MAX_VCPUS 4096
/* Default guest features: SNPActive only (QEMU without extra sev-snp-guest options). */
#define SNP_GUEST_FEATURES_DEFAULT 0x1u

struct snp_launch_params {
	const uint8_t *ovmf;
	size_t ovmf_len;
	const uint8_t *kernel;
	size_t kernel_len;
	const uint8_t *initrd;
	size_t initrd_len;
	/* Direct boot iff any of kernel, initrd, cmdline is non-NULL; all NULL = no
	 * direct boot (firmware boots from disk). A NULL cmdline with a kernel is the
	 * empty command line; a NULL initrd with a kernel is the empty initrd (as QEMU). */
	const char *cmdline;
	unsigned vcpus;
	const char *vcpu_type;
	uint64_t guest_features;
};

/* The firmware, hashed and parsed once. */
struct snp_firmware {
	uint8_t ovmf_hash[SNP_DIGEST_LEN]; /* launch digest after the firmware pages */
	struct ovmf_sev_info sev;
};

/* SHA-256 of the three direct-boot inputs, as QEMU puts them into the hashes table. */
struct snp_kernel_hashes {
	uint8_t cmdline[32];
	uint8_t initrd[32];
	uint8_t kernel[32];
};

/* Hashes the firmware pages (loaded to end at 4 GiB) and parses its SEV metadata.
 * Returns 0, -EINVAL (empty, or size not a multiple of 4 KiB), -EFBIG, the
 * ovmf_sev_parse() errors, -ENOENT if the firmware has no SEV metadata, -EIO. */
int snp_firmware_load(const uint8_t *ovmf, size_t len, struct snp_firmware *ret);

/* Same from a precomputed firmware hash (sev-snp-measure's "snp:ovmf-hash") plus a
 * file that carries the metadata (the whole firmware or just its last pages). */
int snp_firmware_from_hash(const uint8_t ovmf_hash[SNP_DIGEST_LEN], const uint8_t *meta,
			   size_t meta_len, struct snp_firmware *ret);

/* SHA-256 of the command line with its NUL, as QEMU hashes it (NULL = ""). Callers
 * that hash a large kernel/initrd by streaming fill struct snp_kernel_hashes with
 * SHA-256 of each file and take the command-line hash from here. */
int snp_cmdline_hash(const char *cmdline, uint8_t ret[32]);

/* kernel/initrd may be NULL when their length is 0; cmdline NULL = "". */
int snp_kernel_hashes(const uint8_t *kernel, size_t kernel_len, const uint8_t *initrd,
		      size_t initrd_len, const char *cmdline, struct snp_kernel_hashes *ret);

/* Metadata sections and VMSAs on top of the firmware hash. kh NULL = no direct boot.
 * Returns 0, -EINVAL (vcpus 0 or > SNP_MAX_VCPUS, unknown vcpu_type, APs without a
 * reset block), -EOPNOTSUPP (kh given but the firmware has no kernel-hashes section,
 * i.e. it is not an AmdSev build; or an unknown metadata section type), -EBADMSG
 * (hash table outside its section), -EIO. */
int snp_finish(const struct snp_firmware *fw, const struct snp_kernel_hashes *kh,
	       unsigned vcpus, const char *vcpu_type, uint64_t guest_features,
	       uint8_t ret_digest[SNP_DIGEST_LEN]);

/* All of the above in one call. Same errors. */
int snp_launch_digest(const struct snp_launch_params *p, uint8_t ret_digest[SNP_DIGEST_LEN]);

#endif
