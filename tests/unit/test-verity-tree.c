/* SPDX-License-Identifier: Apache-2.0 */
/* lib/measure/verity_tree against cryptsetup: for several tree shapes (no hash block, one
 * level, two, three levels; salted and unsalted; 512-byte blocks) the root hash and
 * every byte of the hash area must equal `veritysetup format --no-superblock`. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/file.h"
#include "util/hex.h"
#include "unit.h"
#include "measure/verity_tree.h"

static void one(uint64_t blocks, uint32_t bs, const char *salt_hex)
{
	char data[] = "/tmp/test-verity-data.XXXXXX", hash[] = "/tmp/test-verity-hash.XXXXXX";
	uint8_t salt[64], root[32], *tree = NULL, *theirs = NULL, *rnd;
	size_t salt_len = 0, their_len = 0;
	char cmd[512], line[256], root_hex[65] = "", expect[65] = "";
	uint64_t nblocks = 0;
	struct verity_geometry g;
	FILE *p;
	int fd, hfd;

	CHECK_EQ_INT(hex_decode(salt_hex, salt, sizeof salt, &salt_len), 0);
	fd = mkstemp(data);
	hfd = mkstemp(hash);
	CHECK(fd >= 0 && hfd >= 0);
	rnd = malloc(bs);
	srandom((unsigned)blocks);
	for (uint64_t b = 0; b < blocks; b++) {
		for (uint32_t i = 0; i < bs; i++)
			rnd[i] = (uint8_t)random();
		if (write(fd, rnd, bs) != (ssize_t)bs)
			CHECK(!"short write");
	}
	free(rnd);

	g = (struct verity_geometry){ DIGEST_SHA256, bs, bs, blocks, salt, salt_len };
	CHECK_EQ_INT(verity_tree_build(&g, fd, &tree, &nblocks, root), 0);
	hex_encode(root, 32, root_hex);
	{
		uint64_t n2 = 0;
		CHECK_EQ_INT(verity_tree_blocks(&g, &n2), 0);
		CHECK_EQ_INT(n2, nblocks);
	}

	snprintf(cmd, sizeof cmd,
		 "veritysetup format --no-superblock --hash=sha256 --data-block-size=%u "
		 "--hash-block-size=%u --data-blocks=%llu --salt=%s %s %s 2>&1",
		 bs, bs, (unsigned long long)blocks, salt_len ? salt_hex : "-", data, hash);
	p = popen(cmd, "r");
	while (p && fgets(line, sizeof line, p))
		if (strncmp(line, "Root hash:", 10) == 0)
			sscanf(line + 10, " %64s", expect);
	CHECK_EQ_INT(p ? pclose(p) : -1, 0);
	CHECK_EQ_STR(root_hex, expect);
	CHECK_EQ_INT(file_read_all(hash, 1u << 30, &theirs, &their_len), 0);
	CHECK_EQ_INT(their_len, nblocks * bs);
	if (theirs && their_len == nblocks * bs)
		CHECK_MEM(tree, theirs, their_len);

	free(theirs);
	free(tree);
	close(fd);
	close(hfd);
	unlink(data);
	unlink(hash);
}

int main(void)
{
	struct verity_geometry bad = { DIGEST_SHA256, 4000, 4096, 1, NULL, 0 };
	uint64_t n;

	if (access("/usr/sbin/veritysetup", X_OK) != 0 && access("/sbin/veritysetup", X_OK) != 0) {
		printf("veritysetup (cryptsetup-bin) not installed\n");
		return 77;
	}
	CHECK_EQ_INT(verity_tree_blocks(&bad, &n), -EINVAL);
	bad.data_block_size = 4096;
	bad.data_blocks = 0;
	CHECK_EQ_INT(verity_tree_blocks(&bad, &n), -EINVAL);

	one(1, 4096, "");
	one(2, 4096, "00112233");
	one(128, 4096, "");
	one(129, 4096, "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a");
	one(16385, 512, "ab");   /* 512-byte blocks: 16 per hash block, four levels */
	one(16385, 4096, "");    /* three levels */
	return unit_finish("test-verity-tree");
}
