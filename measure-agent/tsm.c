/* SPDX-License-Identifier: Apache-2.0 */
/* configfs-tsm reports (Documentation/ABI/testing/configfs-tsm-report;
 * docs/guest-interfaces.md §3). One instance directory, used under the documented
 * generation protocol so a concurrent writer can never hand us a report for someone
 * else's inblob:
 *
 *   g1 = generation; write inblob (ONE write of exactly 64 bytes, then close — configfs
 *   commits binary attributes on release); g2 = generation, must be g1 + 1;
 *   read outblob; g3 = generation, must equal g2.
 *
 * Both providers require exactly 64 bytes of inblob (tdx_guest / sev_guest compare
 * inblob_len with their REPORTDATA size), so the caller always passes 64. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "util/file.h"
#include "util/strnum.h"

#define TSM_REPORT_DIR "/sys/kernel/config/tsm/report"
#define TSM_INSTANCE "cvmforge-measure-agent"
#define TSM_OUT_MAX (16u * 1024 * 1024) /* TSM_REPORT_OUTBLOB_MAX in current kernels */

bool tsm_available(void)
{
	char p[PATH_MAX];
	return access(sysroot_path(TSM_REPORT_DIR, p), F_OK) == 0;
}

static int attr_path(const char *attr, char buf[PATH_MAX])
{
	char dir[PATH_MAX];

	sysroot_path(TSM_REPORT_DIR "/" TSM_INSTANCE, dir);
	if (snprintf(buf, PATH_MAX, "%s/%s", dir, attr) >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

/* p receives the attribute's path (for messages). */
static int read_blob_attr(const char *attr, size_t max, uint8_t **ret, size_t *ret_len, char p[PATH_MAX])
{
	int r = attr_path(attr, p);

	if (r == 0)
		r = file_read_all(p, max, ret, ret_len);
	if (r < 0)
		agent_set_detail("%s: %s", p, strerror(-r));
	return r;
}

static int read_u64_attr(const char *attr, uint64_t *ret)
{
	char p[PATH_MAX];
	uint8_t *buf;
	size_t len;
	int r = read_blob_attr(attr, 64, &buf, &len, p);

	if (r < 0)
		return r;
	/* configfs prints the number and a newline. */
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = 0;
	r = parse_uint((char *)buf, 10, UINT64_MAX, ret) < 0 ? -EBADMSG : 0;
	if (r < 0)
		agent_set_detail("%s: not a decimal number", p);
	free(buf);
	return r;
}

static int write_inblob(const uint8_t inblob[64])
{
	char p[PATH_MAX];
	ssize_t n;
	int fd, r;

	r = attr_path("inblob", p);
	if (r < 0)
		return r;
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return agent_fail_errno("%s", p);
	n = write(fd, inblob, 64);
	r = n == 64 ? 0 : n < 0 ? -errno : -EIO;
	/* The value reaches the kernel on release; close() cannot report a refusal
	 * (configfs ignores ->release()'s result), the generation check below does. */
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		agent_set_detail("write %s: %s", p, strerror(-r));
	return r;
}

/* The instance belongs to one provider (the kernel's name for the TEE). */
static int check_provider(const char *provider)
{
	char p[PATH_MAX];
	uint8_t *prov;
	size_t plen;
	int r = read_blob_attr("provider", 64, &prov, &plen, p);

	if (r < 0)
		return r;
	if (plen != strlen(provider) + 1 || memcmp(prov, provider, plen - 1) != 0 || prov[plen - 1] != '\n') {
		agent_set_detail("%s: provider is \"%.*s\", expected %s", p, (int)strcspn((char *)prov, "\n"),
				 (char *)prov, provider);
		r = -ENODEV;
	}
	free(prov);
	return r;
}

/* SEV: an absent, empty or unreadable auxblob only means "no certificates". */
static void read_auxblob(uint8_t **ret, size_t *ret_len)
{
	char p[PATH_MAX];

	*ret = NULL;
	*ret_len = 0;
	if (attr_path("auxblob", p) < 0 || access(p, F_OK) < 0)
		return;
	if (file_read_all(p, TSM_OUT_MAX, ret, ret_len) < 0 || *ret_len == 0) {
		free(*ret);
		*ret = NULL;
		*ret_len = 0;
	}
}

/* The generation protocol on the locked instance (see the top of this file). */
static int exchange(const uint8_t inblob[64], uint8_t **ret_out, size_t *ret_len, uint8_t **ret_aux,
		    size_t *ret_aux_len)
{
	uint64_t g1, g2, g3;
	uint8_t *out = NULL, *aux = NULL;
	size_t olen = 0, alen = 0;
	char p[PATH_MAX];
	int r;

	r = read_u64_attr("generation", &g1);
	if (r == 0)
		r = write_inblob(inblob);
	if (r == 0)
		r = read_u64_attr("generation", &g2);
	if (r < 0)
		return r;
	if (g2 != g1 + 1) {
		agent_set_detail("configfs-tsm: generation %llu after writing inblob at %llu (concurrent writer or refused inblob)", (unsigned long long)g2, (unsigned long long)g1);
		return -EBUSY;
	}
	r = read_blob_attr("outblob", TSM_OUT_MAX, &out, &olen, p);
	if (r < 0)
		return r;
	if (ret_aux)
		read_auxblob(&aux, &alen);
	r = read_u64_attr("generation", &g3);
	if (r == 0 && g3 != g2) {
		agent_set_detail("configfs-tsm: generation changed while reading outblob");
		r = -EBUSY;
	}
	if (r < 0) {
		free(out);
		free(aux);
		return r;
	}
	*ret_out = out;
	*ret_len = olen;
	if (ret_aux) {
		*ret_aux = aux;
		*ret_aux_len = alen;
	}
	return 0;
}

int tsm_report(const char *provider, const uint8_t inblob[64], uint8_t **ret_out, size_t *ret_len,
	       uint8_t **ret_aux, size_t *ret_aux_len)
{
	char dir[PATH_MAX];
	bool created = false;
	int dfd, r;

	sysroot_path(TSM_REPORT_DIR "/" TSM_INSTANCE, dir);
	if (mkdir(dir, 0700) == 0)
		created = true;
	else if (errno != EEXIST)
		return agent_fail_errno("mkdir %s", dir);
	/* Serialise our own processes on the shared instance (agent vs evidence). */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || flock(dfd, LOCK_EX) < 0)
		r = agent_fail_errno("%s", dir);
	else
		r = check_provider(provider);
	if (r == 0)
		r = exchange(inblob, ret_out, ret_len, ret_aux, ret_aux_len);
	if (dfd >= 0)
		close(dfd);
	if (created)
		rmdir(dir);
	return r;
}
