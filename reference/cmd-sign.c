/* SPDX-License-Identifier: Apache-2.0 */
/* cvm-reference sign / verify-signature: detached signature over the exact bytes of a
 * reference document (Ed25519 or ECDSA P-384, PEM keys). The same check works with
 * the openssl command line, see reference/FORMAT.md. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "options.h"
#include "doc/docsig.h"
#include "util/file.h"
#include "sign.h"

#define DOC_MAX (16u * 1024 * 1024)

static int exit_for_key_error(const char *path, int r)
{
	return complain(r == -EIO ? EXIT_SYSTEM : EXIT_INPUT, "%s: %s", path,
			r == -EOPNOTSUPP ? "key is neither Ed25519 nor ECDSA P-384" :
			r == -EINVAL ? "not a PEM key of the expected kind" :
			r == -EIO ? "OpenSSL failure" : strerror(-r));
}

int sign_document_file(const uint8_t *bytes, size_t len, const char *key, const char *sig_path)
{
	uint8_t sig[DOCSIG_MAX];
	size_t n = 0;
	char tmp[4096];
	FILE *f;
	int r;

	r = docsig_sign(key, bytes, len, sig, &n);
	if (r < 0)
		return exit_for_key_error(key, r);
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", sig_path) >= (int)sizeof(tmp))
		return complain(EXIT_USAGE, "%s: path too long", sig_path);
	f = fopen(tmp, "we");
	if (!f || fwrite(sig, 1, n, f) != n || fclose(f) != 0 || rename(tmp, sig_path) < 0) {
		r = complain(EXIT_SYSTEM, "%s: %s", sig_path, strerror(errno));
		if (f)
			(void)remove(tmp);
		return r;
	}
	return EXIT_OK;
}

int cmd_sign(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "output", required_argument, NULL, 'o' },
		OPTIONS_END,
	};
	static const char usage[] = "usage: cvm-reference sign [--key KEY.pem] [-o SIG] DOC\n"
				    "  (key default: $CVMFORGE_SIGNING_KEY; SIG default: DOC.sig)\n";
	const char *key = getenv("CVMFORGE_SIGNING_KEY"), *out = NULL;
	char sig_path[4096];
	uint8_t *buf = NULL;
	size_t len = 0;
	int c, r;

	while ((c = next_option(argc, argv, "k:o:h", opts, usage, &r)) > 0)
		switch (c) {
		case 'k': key = optarg; break;
		case 'o': out = optarg; break;
		}
	if (c < 0)
		return r;
	if (optind + 1 != argc || !key || !*key)
		return show_usage(usage, EXIT_USAGE);
	if (!out) {
		if (snprintf(sig_path, sizeof(sig_path), "%s.sig", argv[optind]) >= (int)sizeof(sig_path))
			return EXIT_USAGE;
		out = sig_path;
	}
	r = file_read_all(argv[optind], DOC_MAX, &buf, &len);
	if (r < 0)
		return complain(EXIT_INPUT, "%s: %s", argv[optind], strerror(-r));
	r = sign_document_file(buf, len, key, out);
	free(buf);
	return r;
}

int cmd_verify_signature(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pubkey", required_argument, NULL, 'p' },
		OPTIONS_END,
	};
	static const char usage[] = "usage: cvm-reference verify-signature --pubkey PUB.pem DOC [SIG]\n";
	const char *pub = NULL, *doc, *sigp;
	uint8_t *buf = NULL, *sig = NULL;
	size_t len = 0, sig_len = 0;
	char sig_path[4096];
	int c, r;

	while ((c = next_option(argc, argv, "p:h", opts, usage, &r)) > 0)
		switch (c) {
		case 'p': pub = optarg; break;
		}
	if (c < 0)
		return r;
	if (!pub || optind >= argc || argc - optind > 2)
		return show_usage(usage, EXIT_USAGE);
	doc = argv[optind];
	sigp = argv[optind + 1];
	if (!sigp) {
		if (snprintf(sig_path, sizeof(sig_path), "%s.sig", doc) >= (int)sizeof(sig_path))
			return EXIT_USAGE;
		sigp = sig_path;
	}
	r = file_read_all(doc, DOC_MAX, &buf, &len);
	if (r >= 0) {
		r = file_read_all(sigp, DOCSIG_MAX, &sig, &sig_len);
		if (r < 0)
			doc = sigp;
	}
	if (r < 0) {
		free(buf);
		return complain(EXIT_INPUT, "%s: %s", doc, r == -EFBIG ? "too large" : strerror(-r));
	}
	r = docsig_verify(pub, buf, len, sig, sig_len);
	free(buf);
	free(sig);
	if (r == -EBADMSG)
		return complain(EXIT_FAIL, "%s: signature INVALID for %s", sigp, argv[optind]);
	if (r < 0)
		return exit_for_key_error(pub, r);
	printf("%s: signature valid (%s)\n", argv[optind], pub);
	return EXIT_OK;
}
