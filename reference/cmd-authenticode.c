/* SPDX-License-Identifier: Apache-2.0 */
/* cvm-reference authenticode: the PE/COFF Authenticode digest of an EFI image as
 * edk2 (OVMF) measures it into PCR 4 / RTMR1 — the same value `pesign -h` prints. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/authenticode.h"
#include "commands.h"
#include "options.h"
#include "util/file.h"
#include "util/hex.h"

/* Big enough for any UKI with a full initrd; larger inputs are refused, not truncated. */
#define PE_FILE_MAX (1024u * 1024 * 1024)

static const char usage_text[] = "usage: cvm-reference authenticode [--alg sha256|sha384] FILE\n";

int cmd_authenticode(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "alg", required_argument, NULL, 'a' },
		OPTIONS_END,
	};
	enum digest_alg alg = DIGEST_SHA256;
	uint8_t md[DIGEST_MAX], *buf = NULL;
	char hex[2 * DIGEST_MAX + 1];
	size_t len = 0;
	int c, r;

	while ((c = next_option(argc, argv, "a:h", opts, usage_text, &r)) > 0)
		switch (c) {
		case 'a':
			if (digest_from_name(optarg, &alg) < 0 ||
			    (alg != DIGEST_SHA256 && alg != DIGEST_SHA384)) {
				return complain(EXIT_USAGE, "--alg: '%s' is not sha256 or sha384", optarg);
			}
			break;
		}
	if (c < 0)
		return r;
	if (optind + 1 != argc)
		return show_usage(usage_text, EXIT_USAGE);

	r = file_read_all(argv[optind], PE_FILE_MAX, &buf, &len);
	if (r < 0)
		return complain(EXIT_INPUT, "%s: %s", argv[optind], strerror(-r));
	r = authenticode_digest(buf, len, alg, md);
	free(buf);
	if (r == -EIO || r == -ENOMEM)
		return complain(EXIT_SYSTEM, "%s: hashing failed: %s", argv[optind], strerror(-r));
	if (r < 0)
		return complain(EXIT_INPUT, "%s: not a PE/COFF image edk2 would measure: %s",
				argv[optind], r == -E2BIG ? "too many sections" :
				r == -EINVAL ? "malformed headers or sections outside the file" : strerror(-r));
	hex_encode(md, digest_len(alg), hex);
	printf("%s\n", hex);
	return EXIT_OK;
}
