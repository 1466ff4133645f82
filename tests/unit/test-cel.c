/* SPDX-License-Identifier: Apache-2.0 */
/* lib/measure/cel: record encoding (checked with jq --seq when jq is installed, and with our
 * own JSON reader), the flock + sticky-bit append protocol, and the log splitter. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "measure/cel.h"
#include "util/file.h"
#include "util/json.h"
#include "unit.h"

static const char expect_pcr[] =
	"{\"pcr\":8,\"digests\":[{\"hashAlg\":\"sha256\",\"digest\":"
	"\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"},"
	"{\"hashAlg\":\"sha384\",\"digest\":\"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
	"1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7\"}],\"content_type\":\"systemd\","
	"\"content\":{\"eventType\":\"cvm-workload\",\"name\":\"he\\\"llo\",\"source\":\"disk\","
	"\"bootId\":\"0123456789abcdef0123456789abcdef\",\"timestamp\":12345}}";

static void make_record(struct cel_record *rec)
{
	*rec = (struct cel_record){
		.reg = CEL_PCR, .index = 8, .n_digests = 2,
		.event_type = "cvm-workload", .name = "he\"llo", .source = "disk",
		.boot_id = "0123456789abcdef0123456789abcdef", .timestamp_usec = 12345,
	};
	rec->digests[0].alg = DIGEST_SHA256;
	digest_buf(DIGEST_SHA256, "abc", 3, rec->digests[0].digest);
	rec->digests[1].alg = DIGEST_SHA384;
	digest_buf(DIGEST_SHA384, "abc", 3, rec->digests[1].digest);
}

static int count_cb(const char *json, size_t len, void *userdata)
{
	struct json_value *v;

	(void)userdata;
	CHECK_EQ_INT(json_parse(json, len, &v, NULL), 0);
	json_free(v);
	return 0;
}

static void test_format(void)
{
	struct cel_record rec;
	char *s = NULL;

	make_record(&rec);
	CHECK_EQ_INT(cel_record_format(&rec, &s), 0);
	CHECK_EQ_STR(s, expect_pcr);
	free(s);

	rec.reg = CEL_RTMR;
	rec.index = 3;
	rec.n_digests = 1;
	rec.digests[0] = rec.digests[1];
	rec.name = rec.source = rec.boot_id = NULL;
	CHECK_EQ_INT(cel_record_format(&rec, &s), 0);
	CHECK(s && strncmp(s, "{\"rtmr\":3,\"digests\":[{\"hashAlg\":\"sha384\"", 40) == 0);
	CHECK(s && strstr(s, "\"content\":{\"eventType\":\"cvm-workload\",\"timestamp\":12345}}"));
	free(s);

	/* control characters, backslash and UTF-8 in a name: escaped, passed through */
	rec.name = "a\\b\x01\n\xc3\xa9";
	CHECK_EQ_INT(cel_record_format(&rec, &s), 0);
	CHECK(s && strstr(s, "\"content\":{\"eventType\":\"cvm-workload\",\"name\":\"a\\\\b\\u0001\\n\xc3\xa9\",\"timestamp\":12345}}"));
	free(s);

	rec.n_digests = 0;
	CHECK_EQ_INT(cel_record_format(&rec, &s), -EINVAL);
}

static void test_append(void)
{
	char dir[] = "/tmp/test-cel.XXXXXX", path[256], cmd[600];
	struct cel_record rec;
	struct stat st;
	uint8_t *buf = NULL;
	size_t len = 0;
	char *s = NULL;
	int fd;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/log/tpm2-measure.log", dir);
	make_record(&rec);
	CHECK_EQ_INT(cel_record_format(&rec, &s), 0);

	for (int i = 0; i < 2; i++) {
		fd = cel_log_lock(path);
		CHECK(fd >= 0);
		/* while we hold it, nobody else gets the lock */
		{
			int fd2 = open(path, O_RDONLY | O_CLOEXEC);
			CHECK(fd2 >= 0);
			CHECK(flock(fd2, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK);
			close(fd2);
		}
		CHECK_EQ_INT(cel_log_append(fd, s), 0);
		cel_log_unlock(fd);
	}
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK_EQ_INT(st.st_mode & 07777, 0600); /* sticky bit cleared again */

	CHECK_EQ_INT(file_read_all(path, CEL_LOG_MAX, &buf, &len), 0);
	CHECK_EQ_INT(len, 2 * (strlen(s) + 2));
	CHECK(buf && buf[0] == 0x1E && buf[len - 1] == '\n');
	CHECK_EQ_INT(cel_log_split(buf, len, count_cb, NULL), 2);
	free(buf);

	/* jq --seq reads it back to the same record, twice */
	if (access("/usr/bin/jq", X_OK) == 0) {
		FILE *p;
		char line[1024];
		int n = 0;

		snprintf(cmd, sizeof cmd, "jq --seq -c . < %s", path);
		p = popen(cmd, "r");
		CHECK(p != NULL);
		while (p && fgets(line, sizeof line, p)) {
			char *q = line[0] == 0x1E ? line + 1 : line;
			q[strcspn(q, "\n")] = 0;
			CHECK_EQ_STR(q, expect_pcr);
			n++;
		}
		CHECK_EQ_INT(p ? pclose(p) : -1, 0);
		CHECK_EQ_INT(n, 2);
		snprintf(cmd, sizeof cmd, "jq --seq -s -e 'length == 2 and .[1].digests[0].hashAlg == \"sha256\"' < %s >/dev/null", path);
		CHECK_EQ_INT(system(cmd), 0);
	}

	/* a dirty log (sticky bit left by a writer that died) is refused */
	CHECK_EQ_INT(chmod(path, 01600), 0);
	CHECK_EQ_INT(cel_log_lock(path), -EBADMSG);
	CHECK_EQ_INT(chmod(path, 0600), 0);

	free(s);
	unlink(path);
	snprintf(cmd, sizeof cmd, "%s/log", dir);
	rmdir(cmd);
	rmdir(dir);
}

static void test_split(void)
{
	static const char *bad[] = {
		"{}\n",               /* no RS */
		"\x1e{}",             /* no newline */
		"\x1e{}\n\x1e",        /* empty last record */
		"\x1e[1]\n",          /* not an object */
		"\x1e{\"a\":1,\"a\":2}\n",
		"\x1e{}\nx",
	};
	CHECK_EQ_INT(cel_log_split((const uint8_t *)"", 0, NULL, NULL), 0);
	CHECK_EQ_INT(cel_log_split((const uint8_t *)"\x1e{}\n\x1e{\"a\":1}\n", 13, NULL, NULL), 2);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		CHECK_EQ_INT(cel_log_split((const uint8_t *)bad[i], strlen(bad[i]), NULL, NULL), -EBADMSG);
}

static void test_boot_id(void)
{
	char id[33];

	CHECK_EQ_INT(cel_boot_id(id), 0);
	CHECK_EQ_INT(strlen(id), 32);
	CHECK_EQ_INT(strspn(id, "0123456789abcdef"), 32);
}

int main(void)
{
	test_format();
	test_append();
	test_split();
	test_boot_id();
	return unit_finish("test-cel");
}
