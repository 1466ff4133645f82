/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "challenge-record.h"
#include "util/file.h"
#include "util/hex.h"
#include "util/json.h"
#include "util/json_write.h"

#define RECORD_MAX 4096

int challenge_record_load(const char *path, struct challenge_record *ret)
{
	struct challenge_record rec = { 0 };
	struct json_value *doc = NULL;
	const struct json_value *ver;
	const char *name, *ek, *secret;
	uint8_t *text = NULL;
	uint64_t v = 0;
	size_t len;
	int r = file_read_all(path, RECORD_MAX, &text, &len);

	if (r < 0)
		return r;
	r = -EBADMSG;
	if (json_parse((const char *)text, len, &doc, NULL) < 0)
		goto out;
	ver = json_get(doc, "version");
	name = json_get_string(doc, "ak_name");
	ek = json_get_string(doc, "ek_certificate_sha256");
	secret = json_get_string(doc, "secret");
	if (!ver || json_uint64(ver, &v) < 0 || v != 1 || !name || !ek || !secret ||
	    hex_decode(name, rec.ak_name, sizeof(rec.ak_name), &rec.ak_name_len) < 0 || rec.ak_name_len < 2 ||
	    hex_decode_exact(ek, rec.ek_sha256, 32) < 0 ||
	    hex_decode(secret, rec.secret, sizeof(rec.secret), &rec.secret_len) < 0 || rec.secret_len == 0)
		goto out;
	*ret = rec;
	r = 0;
out:
	OPENSSL_cleanse(&rec, sizeof(rec));
	if (text)
		OPENSSL_cleanse(text, len);
	free(text);
	json_free(doc);
	return r;
}

int challenge_record_write(const char *path, const struct challenge_record *rec)
{
	struct json_writer w;
	int fd, r;
	FILE *f;

	(void)unlink(path); /* a new inode, so the mode below is the file's */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		r = -errno;
		close(fd);
		return r;
	}
	/* one line: {"version": 1, "ak_name": HEX, "ek_certificate_sha256": HEX, "secret": HEX} */
	json_writer_to_file(&w, f, 0);
	json_write_object(&w, NULL, JSON_LINE);
	json_write_uint(&w, "version", 1);
	json_write_hex(&w, "ak_name", rec->ak_name, rec->ak_name_len);
	json_write_hex(&w, "ek_certificate_sha256", rec->ek_sha256, 32);
	json_write_hex(&w, "secret", rec->secret, rec->secret_len);
	json_write_end(&w);
	r = json_writer_finish(&w) < 0 || fsync(fd) != 0 ? -EIO : 0;
	if (fclose(f) != 0 && r == 0)
		r = -EIO;
	return r;
}
