/* SPDX-License-Identifier: Apache-2.0 */
/* cvm-reference workload: the values a verifier expects for one workload, from
 * the manifest bytes, by the same lib/ rule the agent measures with. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "options.h"
#include "util/file.h"
#include "util/hex.h"
#include "util/json_write.h"
#include "measure/workload_disk.h"
#include "measure/workload_identity.h"

#define USAGE "usage: cvm-reference workload (DISK | --manifest FILE) [--json]\n"

static const char *disk_error(int r)
{
	switch (r) {
	case -ENOENT: return "not a workload disk (no cvm-manifest partition)";
	case -EBADMSG: return "malformed workload disk (GPT or manifest record)";
	case -EFBIG: return "manifest larger than 64 KiB";
	case -E2BIG: return "manifest partition larger than any valid record";
	default: return strerror(-r);
	}
}

static void print_field(struct json_writer *w, const char *name, const uint8_t *b, size_t n)
{
	char hex[2 * DIGEST_MAX + 1];

	if (w) {
		json_write_hex(w, name, b, n);
		return;
	}
	hex_encode(b, n, hex);
	printf("%-16s %s\n", name, hex);
}

int cmd_workload(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "manifest", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		OPTIONS_END,
	};
	const char *manifest = NULL, *disk = NULL;
	struct workload_identity id;
	struct json_writer jw, *w = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	int json = 0, c, r;

	while ((c = next_option(argc, argv, "m:jh", opts, USAGE, &r)) > 0)
		switch (c) {
		case 'm': manifest = optarg; break;
		case 'j': json = 1; break;
		}
	if (c < 0)
		return r;
	if (optind + 1 == argc && !manifest)
		disk = argv[optind];
	else if (optind != argc || !manifest)
		return show_usage(USAGE, EXIT_USAGE);

	if (disk) {
		/* M exactly as measure-agent reads it: GPT with CRCs, type and name, record. */
		r = wldisk_read_manifest_path(disk, &buf, &len);
		if (r < 0)
			return complain(EXIT_INPUT, "%s: %s", disk, disk_error(r));
		manifest = disk;
	} else {
		r = file_read_all(manifest, MANIFEST_MAX_SIZE, &buf, &len);
		if (r < 0)
			return complain(EXIT_INPUT, "%s: %s", manifest,
					r == -EFBIG ? "manifest larger than 64 KiB" : strerror(-r));
	}
	r = workload_identity(buf, len, &id);
	free(buf);
	if (r < 0)
		return complain(r == -EINVAL ? EXIT_INPUT : EXIT_SYSTEM, "%s: %s", manifest,
				r == -EINVAL ? "empty manifest" : strerror(-r));

	if (json) {
		w = &jw;
		json_writer_to_file(w, stdout, 0);
		json_write_object(w, NULL, JSON_BLOCK);
	}
	print_field(w, "manifest_sha256", id.sha256, SHA256_LEN);
	print_field(w, "manifest_sha384", id.sha384, SHA384_LEN);
	print_field(w, "pcr8_sha256", id.pcr8_sha256, SHA256_LEN);
	print_field(w, "pcr8_sha384", id.pcr8_sha384, SHA384_LEN);
	print_field(w, "rtmr3", id.rtmr3, SHA384_LEN);
	print_field(w, "mrconfigid", id.mrconfigid, SHA384_LEN);
	print_field(w, "host_data", id.host_data, SHA256_LEN);
	if (w) {
		json_write_end(w);
		r = json_writer_finish(w);
		if (r < 0)
			return complain(EXIT_SYSTEM, "writing the output: %s", strerror(-r));
	}
	return EXIT_OK;
}
