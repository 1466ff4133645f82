/* cvm-reference snp: the SEV-SNP launch digest (report MEASUREMENT) QEMU produces for
 * an OVMF image, optionally with measured direct boot (-kernel/-initrd/-append), for
 * N vCPUs of a named EPYC model. The digest rule lives in lib/boot/snp_digest.c.
 *
 * Also reproduces virtee/sev-snp-measure's "snp:ovmf-hash" split: --print-ovmf-hash
 * prints the digest state after the firmware pages, and --ovmf-hash HEX with
 * --ovmf-metadata FILE resumes from it (FILE = the image or just its last pages). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "measure/digest.h"
#include "util/file.h"
#include "util/hex.h"
#include "util/io.h"
#include "boot/snp_digest.h"
#include "boot/snp_vmsa.h"

#define USAGE                                                                              \
	"usage: cvm-reference snp (--ovmf FW | --ovmf-hash HEX --ovmf-metadata FILE)\n"    \
	"           [--kernel FILE [--initrd FILE] [--cmdline STR | --cmdline-file FILE]]\n" \
	"           --vcpus N --vcpu-type TYPE [--guest-features HEX]\n"                   \
	"       cvm-reference snp --ovmf FW --print-ovmf-hash\n"                           \
	"TYPE: EPYC[-vN], EPYC-Rome[-vN], EPYC-Milan[-vN], EPYC-Genoa[-vN], EPYC-Turin[-v1]\n" \
	"guest features default to 0x1 (SNPActive)\n"

#define CMDLINE_FILE_MAX (64u << 10)

/* SHA-256 of a file, streamed: kernels and initrds can be large. */
static int sha256_file(const char *path, uint8_t out[32])
{
	static uint8_t buf[1 << 20];
	struct digest_ctx *ctx;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ctx = digest_begin(DIGEST_SHA256);
	if (!ctx) {
		close(fd);
		return -EIO;
	}
	for (;;) {
		ssize_t n = read_retry(fd, buf, sizeof(buf));

		if (n <= 0) {
			r = (int)n;
			break;
		}
		r = digest_update(ctx, buf, (size_t)n);
		if (r < 0)
			break;
	}
	close(fd);
	if (r < 0) {
		digest_abort(ctx);
		return r;
	}
	return digest_end(ctx, out);
}

/* Whole-string decimal in [1, max]. */
static int parse_uint(const char *s, unsigned max, unsigned *ret)
{
	unsigned long v = 0;

	if (!*s)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > max)
			return -ERANGE;
	}
	if (v == 0)
		return -ERANGE;
	*ret = (unsigned)v;
	return 0;
}

/* Whole-string hex, optional 0x, at most 16 digits. */
static int parse_hex64(const char *s, uint64_t *ret)
{
	uint64_t v = 0;
	size_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++, n++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -EINVAL;
		if (n == 16)
			return -ERANGE;
		v = v << 4 | (uint64_t)d;
	}
	if (n == 0)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* The command line as a launcher passes it with -append "$(cat FILE)": the bytes up
 * to a terminating NUL, without trailing newlines. Anything after the NUL other than
 * more NULs makes the file ambiguous and is refused. */
static int read_cmdline_file(const char *path, char **ret)
{
	uint8_t *buf = NULL;
	size_t len = 0, n;
	int r;

	r = file_read_all(path, CMDLINE_FILE_MAX, &buf, &len);
	if (r < 0)
		return r;
	n = strnlen((char *)buf, len);
	for (size_t i = n; i < len; i++)
		if (buf[i] != 0) {
			free(buf);
			return -EBADMSG;
		}
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = 0;
	*ret = (char *)buf;
	return 0;
}

static const char *fw_error(int r)
{
	switch (r) {
	case -EBADMSG: return "malformed OVMF footer table or SEV metadata";
	case -ENOENT: return "no SEV metadata (not an SEV-SNP capable OVMF build)";
	case -E2BIG: return "SEV metadata has too many or too large sections";
	case -EINVAL: return "size is not a non-zero multiple of 4 KiB";
	case -EFBIG: return "larger than 16 MiB, not an OVMF image";
	default: return strerror(-r);
	}
}

static int fail_input(const char *obj, const char *msg)
{
	fprintf(stderr, "cvm-reference snp: %s: %s\n", obj, msg);
	return EXIT_INPUT;
}

int cmd_snp(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ovmf", required_argument, NULL, 'o' },
		{ "ovmf-hash", required_argument, NULL, 'H' },
		{ "ovmf-metadata", required_argument, NULL, 'M' },
		{ "print-ovmf-hash", no_argument, NULL, 'P' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "append", required_argument, NULL, 'c' },
		{ "cmdline-file", required_argument, NULL, 'C' },
		{ "vcpus", required_argument, NULL, 'n' },
		{ "vcpu-type", required_argument, NULL, 't' },
		{ "guest-features", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *ovmf = NULL, *ovmf_hash = NULL, *meta = NULL, *kernel = NULL, *initrd = NULL;
	const char *cmdline = NULL, *cmdline_file = NULL, *vcpu_type = NULL, *vcpus_s = NULL;
	char *cmdline_buf = NULL;
	uint64_t features = SNP_GUEST_FEATURES_DEFAULT;
	struct snp_firmware *fw = NULL;
	struct snp_kernel_hashes kh;
	uint8_t hash[SNP_DIGEST_LEN], d[SNP_DIGEST_LEN];
	char hex[2 * SNP_DIGEST_LEN + 1];
	uint8_t *buf = NULL;
	size_t len = 0;
	unsigned vcpus = 0;
	int print_hash = 0, c, r, ret = EXIT_INPUT;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		switch (c) {
		case 'o': ovmf = optarg; break;
		case 'H': ovmf_hash = optarg; break;
		case 'M': meta = optarg; break;
		case 'P': print_hash = 1; break;
		case 'k': kernel = optarg; break;
		case 'i': initrd = optarg; break;
		case 'c': cmdline = optarg; break;
		case 'C': cmdline_file = optarg; break;
		case 'n': vcpus_s = optarg; break;
		case 't': vcpu_type = optarg; break;
		case 'g':
			if (parse_hex64(optarg, &features) < 0) {
				fprintf(stderr, "cvm-reference snp: --guest-features '%s': not a 64-bit hex number\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h': fputs(USAGE, stdout); return EXIT_OK;
		default: fputs(USAGE, stderr); return EXIT_USAGE;
		}
	if (optind != argc || (!ovmf == !ovmf_hash) || (!!ovmf_hash != !!meta) || (meta && ovmf)) {
		fputs(USAGE, stderr);
		return EXIT_USAGE;
	}
	if (print_hash) {
		if (!ovmf || kernel || initrd || cmdline || cmdline_file || vcpus_s || vcpu_type) {
			fprintf(stderr, "cvm-reference snp: --print-ovmf-hash takes only --ovmf\n");
			return EXIT_USAGE;
		}
	} else {
		uint32_t sig;

		if (!vcpus_s || !vcpu_type) {
			fputs(USAGE, stderr);
			return EXIT_USAGE;
		}
		if (parse_uint(vcpus_s, SNP_MAX_VCPUS, &vcpus) < 0) {
			fprintf(stderr, "cvm-reference snp: --vcpus '%s': not a number in 1..%u\n", vcpus_s, SNP_MAX_VCPUS);
			return EXIT_USAGE;
		}
		if (snp_vcpu_signature(vcpu_type, &sig) < 0) {
			fprintf(stderr, "cvm-reference snp: --vcpu-type '%s': unknown CPU model\n", vcpu_type);
			return EXIT_USAGE;
		}
	}
	if (cmdline && cmdline_file) {
		fprintf(stderr, "cvm-reference snp: --cmdline and --cmdline-file exclude each other\n");
		return EXIT_USAGE;
	}
	/* Like sev-snp-measure and QEMU: -initrd/-append only make sense with -kernel. */
	if ((initrd || cmdline || cmdline_file) && !kernel) {
		fprintf(stderr, "cvm-reference snp: --initrd and --cmdline need --kernel\n");
		return EXIT_USAGE;
	}
	if (ovmf_hash && hex_decode_exact(ovmf_hash, hash, SNP_DIGEST_LEN) < 0) {
		fprintf(stderr, "cvm-reference snp: --ovmf-hash: not 96 hex digits\n");
		return EXIT_USAGE;
	}

	fw = malloc(sizeof(*fw));
	if (!fw) {
		fprintf(stderr, "cvm-reference snp: %s\n", strerror(ENOMEM));
		return EXIT_INTERNAL;
	}
	r = file_read_all(ovmf ? ovmf : meta, OVMF_MAX_SIZE, &buf, &len);
	if (r < 0) {
		ret = fail_input(ovmf ? ovmf : meta, r == -EFBIG ? fw_error(r) : strerror(-r));
		goto out;
	}
	r = ovmf ? snp_firmware_load(buf, len, fw) : snp_firmware_from_hash(hash, buf, len, fw);
	if (r < 0) {
		ret = r == -EIO ? EXIT_INTERNAL : fail_input(ovmf ? ovmf : meta, fw_error(r));
		goto out;
	}
	if (print_hash) {
		hex_encode(fw->ovmf_hash, SNP_DIGEST_LEN, hex);
		printf("%s\n", hex);
		ret = EXIT_OK;
		goto out;
	}

	if (kernel) {
		r = sha256_file(kernel, kh.kernel);
		if (r < 0) {
			ret = fail_input(kernel, strerror(-r));
			goto out;
		}
		/* No --initrd: QEMU hashes an empty initrd. */
		r = initrd ? sha256_file(initrd, kh.initrd) : digest_buf(DIGEST_SHA256, "", 0, kh.initrd);
		if (r < 0) {
			ret = fail_input(initrd ? initrd : "initrd", strerror(-r));
			goto out;
		}
		if (cmdline_file) {
			r = read_cmdline_file(cmdline_file, &cmdline_buf);
			if (r < 0) {
				ret = fail_input(cmdline_file, r == -EBADMSG ? "data after the terminating NUL" :
							       r == -EFBIG ? "larger than 64 KiB" : strerror(-r));
				goto out;
			}
			cmdline = cmdline_buf;
		}
		r = snp_cmdline_hash(cmdline, kh.cmdline);
		if (r < 0) {
			ret = EXIT_INTERNAL;
			goto out;
		}
	}
	r = snp_finish(fw, kernel ? &kh : NULL, vcpus, vcpu_type, features, d);
	if (r == -EOPNOTSUPP && kernel) {
		ret = fail_input(ovmf ? ovmf : meta,
				 "no SNP kernel-hashes section: measured direct boot needs the AmdSev OVMF build (OVMF.amdsev.fd)");
		goto out;
	} else if (r == -EOPNOTSUPP || r == -EBADMSG) {
		ret = fail_input(ovmf ? ovmf : meta, "SEV metadata QEMU would refuse (unknown section type or hash table outside its section)");
		goto out;
	} else if (r == -EINVAL) {
		ret = fail_input(ovmf ? ovmf : meta, "no SEV-ES reset block: QEMU cannot start more than one vCPU");
		goto out;
	} else if (r < 0) {
		fprintf(stderr, "cvm-reference snp: %s\n", strerror(-r));
		ret = EXIT_INTERNAL;
		goto out;
	}
	hex_encode(d, SNP_DIGEST_LEN, hex);
	printf("%s\n", hex);
	ret = EXIT_OK;
out:
	free(cmdline_buf);
	free(buf);
	free(fw);
	return ret;
}
