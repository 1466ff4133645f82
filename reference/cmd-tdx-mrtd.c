/* SPDX-License-Identifier: Apache-2.0 */
/* cvm-reference tdx-mrtd: the MRTD a TD built by QEMU from a TDVF image reports.
 * Which order QEMU adds and extends the pages in changes the value (lib/boot/tdx_mrtd.h):
 * per-page for upstream QEMU >= 9.2, two-pass for the older out-of-tree TDX QEMU. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "options.h"
#include "util/file.h"
#include "util/hex.h"
#include "boot/ovmf.h"
#include "boot/tdx_mrtd.h"

#define USAGE "usage: cvm-reference tdx-mrtd --ovmf FW [--page-order per-page|two-pass]\n" \
	      "(default per-page: QEMU >= 9.2; two-pass: older TDX QEMU)\n"

static const char *fw_error(int r)
{
	switch (r) {
	case -EBADMSG: return "malformed OVMF footer table or TDVF metadata";
	case -ENOENT: return "no TDVF metadata (not a TDX-capable OVMF build)";
	case -E2BIG: return "TDVF metadata has too many or too large sections";
	case -EFBIG: return "larger than 16 MiB, not an OVMF image";
	default: return strerror(-r);
	}
}

int cmd_tdx_mrtd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ovmf", required_argument, NULL, 'o' },
		{ "page-order", required_argument, NULL, 'p' },
		OPTIONS_END,
	};
	enum tdx_mrtd_order order = TDX_MRTD_PER_PAGE;
	const char *ovmf = NULL;
	uint8_t mrtd[TDX_MRTD_LEN];
	char hex[2 * TDX_MRTD_LEN + 1];
	uint8_t *buf = NULL;
	size_t len = 0;
	int c, r;

	set_program_name("cvm-reference tdx-mrtd");
	optind = 1;
	while ((c = next_option(argc, argv, "h", opts, USAGE, &r)) > 0)
		switch (c) {
		case 'o': ovmf = optarg; break;
		case 'p':
			if (tdx_mrtd_order_from_name(optarg, &order) < 0)
				return complain(EXIT_USAGE, "--page-order '%s': use per-page or two-pass", optarg);
			break;
		}
	if (c < 0)
		return r;
	if (!ovmf || optind != argc)
		return show_usage(USAGE, EXIT_USAGE);

	r = file_read_all(ovmf, OVMF_MAX_SIZE, &buf, &len);
	if (r < 0)
		return complain(EXIT_INPUT, "%s: %s", ovmf, r == -EFBIG ? fw_error(r) : strerror(-r));
	r = tdx_mrtd(buf, len, order, mrtd);
	free(buf);
	if (r < 0)
		return complain(r == -EIO ? EXIT_SYSTEM : EXIT_INPUT, "%s: %s", ovmf, fw_error(r));
	hex_encode(mrtd, TDX_MRTD_LEN, hex);
	printf("%s\n", hex);
	return EXIT_OK;
}
