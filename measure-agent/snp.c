/* SPDX-License-Identifier: Apache-2.0 */
/* AMD SEV-SNP backend: the attestation report, from configfs-tsm (provider
 * sev_guest, raw 1184-byte report) or, on kernels without TSM reports, from the
 * SNP_GET_REPORT ioctl on /dev/sev-guest (include/uapi/linux/sev-guest.h), whose
 * response carries a 32-byte MSG_REPORT_RSP header before the report. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "agent.h"
#include "evidence/snp_report.h"

#define SEV_DEV "/dev/sev-guest"

struct snp_report_req {
	uint8_t user_data[64];
	uint32_t vmpl;
	uint8_t rsvd[28];
};
struct snp_report_resp {
	uint8_t data[4000];
};
struct snp_guest_request_ioctl {
	uint8_t msg_version;
	uint64_t req_data;
	uint64_t resp_data;
	uint64_t exitinfo2;
};
_Static_assert(sizeof(struct snp_report_req) == 96, "snp_report_req layout");
_Static_assert(sizeof(struct snp_guest_request_ioctl) == 32, "snp_guest_request_ioctl layout");
#define SNP_GET_REPORT 0xC0205300u /* _IOWR('S', 0x0, struct snp_guest_request_ioctl) */

bool snp_present(void)
{
	char p[PATH_MAX];
	return access(sysroot_path(SEV_DEV, p), F_OK) == 0;
}

static int report_ioctl(const uint8_t report_data[64], uint8_t **ret, size_t *ret_len)
{
	struct snp_report_req req = { .vmpl = 0 };
	struct snp_report_resp *resp = calloc(1, sizeof *resp);
	struct snp_guest_request_ioctl io = { .msg_version = 1 };
	struct snp_report rep;
	char p[PATH_MAX];
	uint8_t *out;
	int fd, r;

	if (!resp)
		return -ENOMEM;
	memcpy(req.user_data, report_data, 64);
	io.req_data = (uint64_t)(uintptr_t)&req;
	io.resp_data = (uint64_t)(uintptr_t)resp;
	fd = open(sysroot_path(SEV_DEV, p), O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		r = agent_fail_errno("%s", p);
		free(resp);
		return r;
	}
	r = ioctl(fd, SNP_GET_REPORT, &io) < 0 ? -errno : 0;
	close(fd);
	if (r < 0) {
		agent_set_detail("SNP_GET_REPORT: %s (fw_error 0x%x, vmm_error 0x%x)", strerror(-r),
				 (unsigned)io.exitinfo2, (unsigned)(io.exitinfo2 >> 32));
		free(resp);
		return r;
	}
	/* lib/evidence/snp_report checks the response header (status, size) and the report. */
	r = snp_report_parse(resp->data, sizeof resp->data, &rep);
	if (r < 0) {
		agent_set_detail("SNP_GET_REPORT returned a malformed response");
		free(resp);
		return -EBADMSG;
	}
	out = malloc(SNP_REPORT_SIZE);
	if (!out) {
		free(resp);
		return -ENOMEM;
	}
	memcpy(out, rep.raw, SNP_REPORT_SIZE);
	free(resp);
	*ret = out;
	*ret_len = SNP_REPORT_SIZE;
	return 0;
}

int snp_get_report(const uint8_t report_data[64], uint8_t **ret, size_t *ret_len,
		   uint8_t **ret_certs, size_t *ret_certs_len)
{
	if (tsm_available())
		return tsm_report("sev_guest", report_data, ret, ret_len, ret_certs, ret_certs_len);
	if (ret_certs) {
		*ret_certs = NULL;
		*ret_certs_len = 0;
	}
	return report_ioctl(report_data, ret, ret_len);
}
