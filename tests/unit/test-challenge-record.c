/* SPDX-License-Identifier: Apache-2.0 */
/* reference/challenge-record.c: the customer's AK-binding challenge record, byte for
 * byte (one JSON line, mode 0600), read back to the same values; a record of another
 * version or with a field missing is refused. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../reference/challenge-record.h"
#include "tmptree.h"
#include "unit.h"
#include "util/file.h"

static const char expected[] =
	"{\"version\": 1, \"ak_name\": \"000b000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\", "
	"\"ek_certificate_sha256\": \"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\", "
	"\"secret\": \"ff00ff01ff02ff03ff04ff05ff06ff07\"}\n";

static void make_record(struct challenge_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->ak_name[0] = 0x00;
	rec->ak_name[1] = 0x0b; /* TPM_ALG_SHA256 */
	for (int i = 0; i < 32; i++)
		rec->ak_name[2 + i] = (uint8_t)i;
	rec->ak_name_len = 34;
	for (int i = 0; i < 32; i++)
		rec->ek_sha256[i] = (uint8_t)(0xa0 + i);
	for (int i = 0; i < 8; i++) {
		rec->secret[2 * i] = 0xff;
		rec->secret[2 * i + 1] = (uint8_t)i;
	}
	rec->secret_len = 16;
}

int main(void)
{
	char *root = tree_new("test-challenge-record"), path[PATH_MAX];
	struct challenge_record rec, back;
	struct stat st;
	uint8_t *text = NULL;
	size_t len = 0;

	CHECK(root != NULL);
	if (!root)
		return unit_finish("test-challenge-record");
	tree_path(root, "challenge.json", path);
	make_record(&rec);
	CHECK_EQ_INT(challenge_record_write(path, &rec), 0);
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK_EQ_INT(st.st_mode & 0777, 0600);
	CHECK_EQ_INT(file_read_all(path, 4096, &text, &len), 0);
	CHECK_EQ_STR((const char *)text, expected);
	free(text);

	CHECK_EQ_INT(challenge_record_load(path, &back), 0);
	CHECK_EQ_INT(back.ak_name_len, rec.ak_name_len);
	CHECK_MEM(back.ak_name, rec.ak_name, rec.ak_name_len);
	CHECK_MEM(back.ek_sha256, rec.ek_sha256, 32);
	CHECK_EQ_INT(back.secret_len, rec.secret_len);
	CHECK_MEM(back.secret, rec.secret, rec.secret_len);

	/* the same record as version 2 */
	{
		char v2[sizeof expected];

		memcpy(v2, expected, sizeof expected);
		*strchr(v2, '1') = '2';
		CHECK_EQ_INT(tree_write(root, "v2.json", v2, strlen(v2)), 0);
		CHECK_EQ_INT(challenge_record_load(tree_path(root, "v2.json", path), &back), -EBADMSG);
	}
	CHECK_EQ_INT(tree_write(root, "nosecret.json", "{\"version\": 1}", strlen("{\"version\": 1}")), 0);
	CHECK_EQ_INT(challenge_record_load(tree_path(root, "nosecret.json", path), &back), -EBADMSG);
	tree_remove(root);
	return unit_finish("test-challenge-record");
}
