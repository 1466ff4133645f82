/* SPDX-License-Identifier: Apache-2.0 */
/* Intel TDX backend: RTMR3 extend and MRCONFIGID (docs/guest-interfaces.md §1).
 *
 * Extend: sysfs measurements/rtmr3:sha384 (Linux ≥ 6.16, tsm-mr): the kernel accepts
 * exactly one write() of exactly 48 bytes at offset 0 and returns EINVAL otherwise
 * (drivers/virt/coco/guest/tsm-mr.c tm_digest_write) — so one write, no retry on a
 * short write (systemd src/shared/tdx-rtmr.c relies on the same). Older vendor
 * kernels: TDX_CMD_EXTEND_RTMR on /dev/tdx_guest, whose number differs between trees
 * (_IOW vs _IOR, same struct); ENOTTY means "not this one". */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "agent.h"
#include "util/file.h"
#include "evidence/tdx_quote.h"

#define TDX_SYSFS "/sys/devices/virtual/misc/tdx_guest"
#define TDX_DEV "/dev/tdx_guest"

struct tdx_extend_rtmr_req { /* out-of-tree uapi: sizeof == 49, no padding */
	uint8_t data[SHA384_LEN];
	uint8_t index;
};
_Static_assert(sizeof(struct tdx_extend_rtmr_req) == 49, "tdx_extend_rtmr_req layout");
#define TDX_CMD_EXTEND_RTMR_W 0x40315403u /* _IOW('T', 3, …): intel/tdx, DCAP V3_DRIVER */
#define TDX_CMD_EXTEND_RTMR_R 0x80315403u /* _IOR('T', 3, …): td-partitioning, Anolis */

struct tdx_report_req { /* include/uapi/linux/tdx-guest.h */
	uint8_t reportdata[64];
	uint8_t tdreport[TDX_REPORT_SIZE];
};
#define TDX_CMD_GET_REPORT0 0xC4405401u /* _IOWR('T', 1, struct tdx_report_req) */

bool tdx_present(void)
{
	char p[PATH_MAX];

	return access(sysroot_path(TDX_SYSFS, p), F_OK) == 0 || access(sysroot_path(TDX_DEV, p), F_OK) == 0;
}

static int extend_ioctl(const uint8_t digest[SHA384_LEN])
{
	struct tdx_extend_rtmr_req req = { .index = 3 };
	char p[PATH_MAX];
	int fd, r;

	memcpy(req.data, digest, SHA384_LEN);
	fd = open(sysroot_path(TDX_DEV, p), O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return agent_fail_errno("%s", p);
	r = ioctl(fd, TDX_CMD_EXTEND_RTMR_W, &req);
	if (r < 0 && errno == ENOTTY)
		r = ioctl(fd, TDX_CMD_EXTEND_RTMR_R, &req);
	r = r < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		agent_set_detail("TDX_CMD_EXTEND_RTMR on %s: %s", p, strerror(-r));
	return r;
}

int tdx_extend_rtmr3(const uint8_t digest[SHA384_LEN])
{
	char p[PATH_MAX];
	ssize_t n;
	int fd;

	fd = open(sysroot_path(TDX_SYSFS "/measurements/rtmr3:sha384", p), O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT) /* kernel without tsm-mr: the legacy ioctl */
			return extend_ioctl(digest);
		return agent_fail_errno("%s", p);
	}
	n = write(fd, digest, SHA384_LEN);
	if (n != SHA384_LEN) {
		int r = -EIO;

		if (n < 0)
			r = agent_fail_errno("write %s", p);
		else
			agent_set_detail("write %s: short write", p);
		close(fd);
		return r;
	}
	if (close(fd) < 0) {
		agent_fail_errno("close %s", p);
		return -EIO;
	}
	return 0;
}

int tdx_read_rtmr3(uint8_t ret[SHA384_LEN])
{
	char p[PATH_MAX];
	uint8_t *buf;
	size_t len;
	int r;

	/* LIVE register: the kernel refreshes it through TDG.MR.REPORT after a write
	 * (tsm-mr.c tm_digest_read), so this is the value after our extend. */
	r = file_read_all(sysroot_path(TDX_SYSFS "/measurements/rtmr3:sha384", p), 4096, &buf, &len);
	if (r < 0) {
		if (r != -ENOENT)
			agent_set_detail("%s: %s", p, strerror(-r));
		return r;
	}
	if (len != SHA384_LEN) {
		free(buf);
		agent_set_detail("%s: %zu bytes, expected 48", p, len);
		return -EBADMSG;
	}
	memcpy(ret, buf, SHA384_LEN);
	free(buf);
	return 0;
}

int tdx_read_mrconfigid(uint8_t ret[SHA384_LEN])
{
	struct tdx_report_req req = {0};
	struct tdx_report rep;
	char p[PATH_MAX];
	uint8_t *buf;
	size_t len;
	int fd, r;

	/* sysfs (≥ 6.16): raw 48 bytes, captured from a TDREPORT at driver init. */
	r = file_read_all(sysroot_path(TDX_SYSFS "/measurements/mrconfigid", p), 4096, &buf, &len);
	if (r == 0) {
		if (len != SHA384_LEN) {
			free(buf);
			agent_set_detail("%s: %zu bytes, expected 48", p, len);
			return -EBADMSG;
		}
		memcpy(ret, buf, SHA384_LEN);
		free(buf);
		return 0;
	}
	if (r != -ENOENT) {
		agent_set_detail("%s: %s", p, strerror(-r));
		return r;
	}
	/* Older kernels: a TDREPORT through GET_REPORT0 (since 6.2); MRCONFIGID @576. */
	fd = open(sysroot_path(TDX_DEV, p), O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return agent_fail_errno("%s", p);
	r = ioctl(fd, TDX_CMD_GET_REPORT0, &req) < 0 ? -errno : 0;
	close(fd);
	if (r < 0) {
		agent_set_detail("TDX_CMD_GET_REPORT0: %s", strerror(-r));
		return r;
	}
	r = tdx_report_parse(req.tdreport, sizeof req.tdreport, &rep);
	if (r < 0) {
		agent_set_detail("TDREPORT from %s is malformed", p);
		return r;
	}
	memcpy(ret, rep.body.mrconfigid, SHA384_LEN);
	return 0;
}
