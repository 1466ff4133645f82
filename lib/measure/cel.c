/* SPDX-License-Identifier: Apache-2.0 */
#include "measure/cel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"
#include "util/io.h"
#include "util/json.h"
#include "util/json_write.h"

int cel_record_format(const struct cel_record *rec, char **ret)
{
	struct json_writer w;

	if (!rec->event_type || rec->n_digests == 0 || rec->n_digests > CEL_MAX_DIGESTS)
		return -EINVAL;
	/* one line, no whitespace: the shape systemd writes */
	json_writer_to_buffer(&w, JSON_COMPACT);
	json_write_object(&w, NULL, JSON_LINE);
	json_write_uint(&w, rec->reg == CEL_PCR ? "pcr" : "rtmr", rec->index);
	json_write_array(&w, "digests", JSON_LINE);
	for (size_t i = 0; i < rec->n_digests; i++) {
		json_write_object(&w, NULL, JSON_LINE);
		json_write_string(&w, "hashAlg", digest_name(rec->digests[i].alg));
		json_write_hex(&w, "digest", rec->digests[i].digest, digest_len(rec->digests[i].alg));
		json_write_end(&w);
	}
	json_write_end(&w);
	/* content_type "systemd": the record sits in systemd's log and has its shape;
	 * eventType tells a verifier whose event it is. */
	json_write_string(&w, "content_type", "systemd");
	json_write_object(&w, "content", JSON_LINE);
	json_write_string(&w, "eventType", rec->event_type);
	if (rec->name)
		json_write_string(&w, "name", rec->name);
	if (rec->source)
		json_write_string(&w, "source", rec->source);
	if (rec->boot_id)
		json_write_string(&w, "bootId", rec->boot_id);
	json_write_uint(&w, "timestamp", rec->timestamp_usec);
	json_write_end(&w);
	json_write_end(&w);
	return json_writer_take(&w, ret, NULL);
}

static int mkdir_parent(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (n == 0)
		return 0;
	if (n >= sizeof dir)
		return -ENAMETOOLONG;
	memcpy(dir, path, n);
	dir[n] = 0;
	/* mkdir -p: /run/log/systemd may not exist yet this early in a boot */
	for (char *s = dir + 1;; s++) {
		if (*s == '/' || *s == 0) {
			char c = *s;
			*s = 0;
			if (mkdir(dir, 0755) < 0 && errno != EEXIST)
				return -errno;
			*s = c;
			if (!c)
				break;
		}
	}
	return 0;
}

int cel_log_lock(const char *path)
{
	struct stat st;
	int fd, r;

	r = mkdir_parent(path);
	if (r < 0)
		return r;
	/* O_NOFOLLOW: /run is writable by root only, but never follow a planted link. */
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX) < 0 || fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EBADF;
	}
	if (st.st_mode & S_ISVTX) {
		close(fd);
		return -EBADMSG;
	}
	return fd;
}

int cel_log_append(int fd, const char *json)
{
	struct stat st;
	size_t n = strlen(json);
	char *rec;
	int r;

	if (fstat(fd, &st) < 0)
		return -errno;
	/* Sticky bit = "append in progress" (systemd tpm2_userspace_log() does the same). */
	if (fchmod(fd, (st.st_mode & 07777) | S_ISVTX) < 0)
		return -errno;
	rec = malloc(n + 2);
	if (!rec)
		return -ENOMEM;
	rec[0] = 0x1E;
	memcpy(rec + 1, json, n);
	rec[n + 1] = '\n';
	r = write_full(fd, rec, n + 2);
	free(rec);
	if (r < 0)
		return r;
	if (fsync(fd) < 0 && errno != EINVAL)
		return -errno;
	if (fchmod(fd, st.st_mode & 07777 & ~S_ISVTX) < 0)
		return -errno;
	return 0;
}

void cel_log_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* closing the last descriptor drops the flock */
}

int cel_log_split(const uint8_t *buf, size_t len,
		  int (*cb)(const char *json, size_t len, void *userdata), void *userdata)
{
	size_t i = 0;
	int n = 0;

	while (i < len) {
		const uint8_t *end;
		struct json_value *v;
		size_t start, rlen;
		int r;

		if (buf[i] != 0x1E)
			return -EBADMSG;
		start = i + 1;
		/* RFC 7464: the record runs to the next RS; systemd ends each with '\n'. */
		end = memchr(buf + start, 0x1E, len - start);
		rlen = (end ? (size_t)(end - buf) : len) - start;
		if (rlen == 0 || buf[start + rlen - 1] != '\n')
			return -EBADMSG;
		rlen--;
		if (json_parse((const char *)buf + start, rlen, &v, NULL) < 0)
			return -EBADMSG;
		r = json_type(v) == JSON_OBJECT ? 0 : -EBADMSG;
		json_free(v);
		if (r < 0)
			return r;
		if (n == INT32_MAX)
			return -E2BIG;
		if (cb) {
			r = cb((const char *)buf + start, rlen, userdata);
			if (r < 0)
				return r;
		}
		n++;
		i = start + rlen + 1;
	}
	return n;
}

int cel_boot_id(char ret[33])
{
	uint8_t *buf;
	size_t len, j = 0;
	char out[33];
	int r;

	r = file_read_all("/proc/sys/kernel/random/boot_id", 64, &buf, &len);
	if (r < 0)
		return r;
	for (size_t i = 0; i < len && j < 32; i++) {
		char c = (char)buf[i];
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
			out[j++] = c;
		else if (c != '-' && c != '\n')
			break;
	}
	free(buf);
	if (j != 32)
		return -EBADMSG;
	out[32] = 0;
	memcpy(ret, out, 33);
	return 0;
}
