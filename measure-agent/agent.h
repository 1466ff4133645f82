/* SPDX-License-Identifier: Apache-2.0 */
/* measure-agent internals: one file per concern (services, find, tpm, tdx, tsm, snp,
 * measure, launch, evidence). Backends return 0 or -errno and stay quiet; on failure
 * they may leave a one-line detail in agent_detail() that the caller prints with its
 * context. Only the launch steps (measure-agent.c, measure.c) end the program. */
#ifndef CVM_AGENT_H
#define CVM_AGENT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "measure/cel.h"
#include "measure/digest.h"
#include "measure/manifest.h"
#include "measure/workload_disk.h"
#include "measure/workload_identity.h"

/* State of this boot: the copy of M and the exactly-once marker (tmpfs). */
#define AGENT_STATE_DIR "/run/cvm-workload"
#define AGENT_FWCFG_MANIFEST "/sys/firmware/qemu_fw_cfg/by_name/opt/org.cvmforge/manifest/raw"
#define AGENT_FWCFG_NONCE "/sys/firmware/qemu_fw_cfg/by_name/opt/org.cvmforge/evidence-nonce/raw"
#define AGENT_TCTI_DEFAULT "device:/dev/tpmrm0"

/* ---- services.c: what every backend uses (no main(): unit tests link it) */
/* Every sysfs/configfs/dev/run path goes through sysroot_path: the sysroot (main()
 * sets it from $CVM_SYSROOT, a unit test to its temporary tree) is prepended, so tests
 * run the real code against a directory tree that reproduces the kernel ABI. The
 * root string must stay valid; NULL means "/". sysroot_path returns buf. */
void agent_set_sysroot(const char *root);
const char *sysroot_path(const char *path, char buf[PATH_MAX]);
void agent_set_detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* For a failed system call: saves errno before formatting (vsnprintf may change it),
 * leaves "<message>: <strerror(errno)>" as the detail and returns -errno. */
int agent_fail_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void agent_clear_detail(void);
const char *agent_detail(void);
/* Fail closed: one line "measure-agent: FATAL: <what>: <detail or strerror(r)>" on
 * stderr, exit status 1. */
_Noreturn void agent_fatal(const char *what, int r);

/* ---- find.c: the manifest */
enum manifest_source { SOURCE_DISK, SOURCE_FWCFG };
struct found_manifest {
	uint8_t *bytes; /* exactly M (NUL after it, not counted) */
	size_t len;
	enum manifest_source source;
	char disk[64];  /* kernel name of the workload disk ("vdb"), SOURCE_DISK only */
	struct wldisk layout;
};
int find_manifest(struct found_manifest *ret);
const char *source_name(enum manifest_source s);

/* ---- tpm.c: vTPM through tpm2-tss ESAPI and the TCTI loader ($CVM_TCTI) */
struct tpm;
bool tpm_present(void);
int tpm_open(struct tpm **ret);
void tpm_close(struct tpm *t);
/* Active PCR banks among sha1/sha256/sha384/sha512 (what the TPM allocated); one
 * digest per bank goes into a CEL record. */
#define TPM_MAX_BANKS CEL_MAX_DIGESTS
int tpm_banks(struct tpm *t, enum digest_alg ret_algs[TPM_MAX_BANKS], size_t *ret_n);
int tpm_extend(struct tpm *t, unsigned pcr, const struct cel_digest *d, size_t n);
int tpm_pcr_read(struct tpm *t, enum digest_alg alg, unsigned pcr, uint8_t *ret);
struct tpm_quote {
	uint8_t *ak_public; size_t ak_public_len; /* TPM2B_PUBLIC, marshalled */
	char *ak_pem;
	uint8_t *attest; size_t attest_len;       /* TPMS_ATTEST bytes */
	uint8_t *signature; size_t signature_len; /* TPMT_SIGNATURE, marshalled */
};
int tpm_quote(struct tpm *t, const uint8_t *nonce, size_t nonce_len, const unsigned *pcrs,
	      size_t n_pcrs, struct tpm_quote *ret);
void tpm_quote_free(struct tpm_quote *q);

/* ---- tpm-ek.c: the EK certificate and credential activation (EVIDENCE.md "Binding
 * the AK to the TPM") */
#define TPM_CREDENTIAL_REQUEST_MAX 1024 /* TPM2B_ID_OBJECT || TPM2B_ENCRYPTED_SECRET */
#define TPM_ACTIVATED_SECRET_MAX 64     /* a TPM2B_DIGEST */
/* The DER EK certificate from NV: RSA 2048 (0x01c00002) if present, else ECC P-256
 * (0x01c0000a); *ret_rsa says which. Returns 0, -ENOENT (neither) or -errno. */
int tpm_ek_certificate(struct tpm *t, uint8_t **ret, size_t *ret_len, bool *ret_rsa);
/* TPM2_ActivateCredential with that EK and the attestation key on req
 * (TPM2B_ID_OBJECT || TPM2B_ENCRYPTED_SECRET): the secret, or -EINVAL (malformed
 * request), -ENOENT (no EK certificate) or -EIO (the TPM refused). */
int tpm_activate_credential(struct tpm *t, const uint8_t *req, size_t req_len,
			    uint8_t ret[TPM_ACTIVATED_SECRET_MAX], size_t *ret_len);

/* ---- tdx.c */
bool tdx_present(void);
int tdx_extend_rtmr3(const uint8_t digest[SHA384_LEN]);
int tdx_read_mrconfigid(uint8_t ret[SHA384_LEN]);
/* RTMR3 through sysfs (Linux >= 6.16); -ENOENT on kernels without tsm-mr. */
int tdx_read_rtmr3(uint8_t ret[SHA384_LEN]);

/* ---- tsm.c: configfs-tsm reports */
bool tsm_available(void);
/* One report from a private configfs-tsm instance; provider must match ("tdx_guest",
 * "sev_guest"). *ret_aux (optional) gets auxblob if the provider has one. */
int tsm_report(const char *provider, const uint8_t inblob[64], uint8_t **ret_out, size_t *ret_len,
	       uint8_t **ret_aux, size_t *ret_aux_len);

/* ---- snp.c */
bool snp_present(void);
/* The raw 1184-byte report with REPORT_DATA = report_data (configfs-tsm, else the
 * SNP_GET_REPORT ioctl). */
int snp_get_report(const uint8_t report_data[64], uint8_t **ret, size_t *ret_len,
		   uint8_t **ret_certs, size_t *ret_certs_len);

/* ---- platform.c: the confidential-computing platform of this guest */
struct cc_platform {
	bool tdx, snp;
};
int cc_platform_detect(struct cc_platform *ret);

/* ---- measure.c: launch steps that put M into the hardware's record; each ends the
 * program through agent_fatal() when a check fails (fail closed). */
/* Launch-time bindings, checked before anything is extended. */
void check_snp_binding(const struct workload_identity *id, bool allow_unbound);
void check_tdx_binding(const struct workload_identity *id);
/* Under the event log's lock: extend PCR 8 (every active bank) and/or RTMR3 with M and
 * append one CEL record each; then read both back and require H(0 || H(M)). */
void measure_manifest(const struct found_manifest *fm, const char *name,
		      const struct workload_identity *id, bool tpm, bool tdx);

/* ---- launch.c */
int launch_payload(const struct found_manifest *fm, const struct manifest *m, char ret_root[PATH_MAX]);
/* Does not return on success. */
int launch_exec(const struct manifest *m, const char *root);

/* ---- evidence.c */
int evidence_print(const uint8_t *nonce, size_t nonce_len, FILE *out);
/* `measure-agent activate`: the secret of a credential request as one hex line. */
int activation_print(const uint8_t *req, size_t req_len, FILE *out);

#endif
