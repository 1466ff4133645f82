/* SPDX-License-Identifier: Apache-2.0 */
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
#include "options.h"
#include "measure/digest.h"
#include "util/file.h"
#include "util/hex.h"
#include "util/io.h"
#include "util/strnum.h"
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

/* Whole-string hex, optional 0x, at most 16 digits. */
static int parse_hex64(const char *s, uint64_t *ret)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	return strlen(s) > 16 ? -ERANGE : parse_uint(s, 16, UINT64_MAX, ret);
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

struct snp_opts {
	const char *ovmf, *ovmf_hash, *meta, *kernel, *initrd, *cmdline, *cmdline_file;
	const char *vcpu_type, *vcpus_s;
	uint64_t features;
	int print_hash;
	unsigned vcpus;                /* from vcpus_s */
	uint8_t hash[SNP_DIGEST_LEN];  /* from ovmf_hash */
};

/* Reads the command line into o. Returns 0, -1 after --help, or EXIT_USAGE. */
static int parse_opts(int argc, char **argv, struct snp_opts *o)
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
		OPTIONS_END,
	};
	int c, code;

	o->features = SNP_GUEST_FEATURES_DEFAULT;
	optind = 1;
	while ((c = next_option(argc, argv, "h", opts, USAGE, &code)) > 0)
		switch (c) {
		case 'o': o->ovmf = optarg; break;
		case 'H': o->ovmf_hash = optarg; break;
		case 'M': o->meta = optarg; break;
		case 'P': o->print_hash = 1; break;
		case 'k': o->kernel = optarg; break;
		case 'i': o->initrd = optarg; break;
		case 'c': o->cmdline = optarg; break;
		case 'C': o->cmdline_file = optarg; break;
		case 'n': o->vcpus_s = optarg; break;
		case 't': o->vcpu_type = optarg; break;
		case 'g':
			if (parse_hex64(optarg, &o->features) < 0)
				return complain(EXIT_USAGE, "--guest-features '%s': not a 64-bit hex number", optarg);
			break;
		}
	if (c < 0)
		return code == EXIT_OK ? -1 : code;
	if (optind != argc || (!o->ovmf == !o->ovmf_hash) || (!!o->ovmf_hash != !!o->meta) ||
	    (o->meta && o->ovmf))
		return show_usage(USAGE, EXIT_USAGE);
	return 0;
}

/* The combinations of options that make sense, and the values of --vcpus and
 * --ovmf-hash. Returns 0 or EXIT_USAGE. */
static int check_opts(struct snp_opts *o)
{
	uint64_t v;
	uint32_t sig;

	if (o->print_hash) {
		if (!o->ovmf || o->kernel || o->initrd || o->cmdline || o->cmdline_file || o->vcpus_s ||
		    o->vcpu_type)
			return complain(EXIT_USAGE, "--print-ovmf-hash takes only --ovmf");
	} else {
		if (!o->vcpus_s || !o->vcpu_type)
			return show_usage(USAGE, EXIT_USAGE);
		if (parse_uint(o->vcpus_s, 10, SNP_MAX_VCPUS, &v) < 0 || v == 0)
			return complain(EXIT_USAGE, "--vcpus '%s': not a number in 1..%u", o->vcpus_s, SNP_MAX_VCPUS);
		o->vcpus = (unsigned)v;
		if (snp_vcpu_signature(o->vcpu_type, &sig) < 0)
			return complain(EXIT_USAGE, "--vcpu-type '%s': unknown CPU model", o->vcpu_type);
	}
	if (o->cmdline && o->cmdline_file)
		return complain(EXIT_USAGE, "--cmdline and --cmdline-file exclude each other");
	/* Like sev-snp-measure and QEMU: -initrd/-append only make sense with -kernel. */
	if ((o->initrd || o->cmdline || o->cmdline_file) && !o->kernel)
		return complain(EXIT_USAGE, "--initrd and --cmdline need --kernel");
	if (o->ovmf_hash && hex_decode_exact(o->ovmf_hash, o->hash, SNP_DIGEST_LEN) < 0)
		return complain(EXIT_USAGE, "--ovmf-hash: not 96 hex digits");
	return 0;
}

/* The firmware pages: from the image (--ovmf), or the saved digest state plus the
 * image's metadata (--ovmf-hash, --ovmf-metadata). Returns 0 or an exit code. */
static int load_firmware(const struct snp_opts *o, struct snp_firmware *fw)
{
	const char *path = o->ovmf ? o->ovmf : o->meta;
	uint8_t *buf = NULL;
	size_t len = 0;
	int r;

	r = file_read_all(path, OVMF_MAX_SIZE, &buf, &len);
	if (r < 0)
		return complain(EXIT_INPUT, "%s: %s", path, r == -EFBIG ? fw_error(r) : strerror(-r));
	r = o->ovmf ? snp_firmware_load(buf, len, fw) : snp_firmware_from_hash(o->hash, buf, len, fw);
	free(buf);
	if (r == -EIO)
		return EXIT_SYSTEM;
	if (r < 0)
		return complain(EXIT_INPUT, "%s: %s", path, fw_error(r));
	return 0;
}

/* The hashes QEMU puts into the kernel-hashes table for measured direct boot.
 * *cmdline_buf keeps the text of --cmdline-file for the caller to free. */
static int hash_direct_boot(const struct snp_opts *o, struct snp_kernel_hashes *kh, char **cmdline_buf)
{
	const char *cmdline = o->cmdline;
	int r;

	r = sha256_file(o->kernel, kh->kernel);
	if (r < 0)
		return complain(EXIT_INPUT, "%s: %s", o->kernel, strerror(-r));
	/* No --initrd: QEMU hashes an empty initrd. */
	r = o->initrd ? sha256_file(o->initrd, kh->initrd) : digest_buf(DIGEST_SHA256, "", 0, kh->initrd);
	if (r < 0)
		return complain(EXIT_INPUT, "%s: %s", o->initrd ? o->initrd : "initrd", strerror(-r));
	if (o->cmdline_file) {
		r = read_cmdline_file(o->cmdline_file, cmdline_buf);
		if (r < 0)
			return complain(EXIT_INPUT, "%s: %s", o->cmdline_file,
					r == -EBADMSG ? "data after the terminating NUL" :
					r == -EFBIG ? "larger than 64 KiB" : strerror(-r));
		cmdline = *cmdline_buf;
	}
	return snp_cmdline_hash(cmdline, kh->cmdline) < 0 ? EXIT_SYSTEM : 0;
}

/* Exit code and message for a failed snp_finish(). */
static int finish_error(const struct snp_opts *o, int r)
{
	const char *fw = o->ovmf ? o->ovmf : o->meta;

	if (r == -EOPNOTSUPP && o->kernel)
		return complain(EXIT_INPUT, "%s: %s", fw,
				"no SNP kernel-hashes section: measured direct boot needs the AmdSev OVMF build (OVMF.amdsev.fd)");
	if (r == -EOPNOTSUPP || r == -EBADMSG)
		return complain(EXIT_INPUT, "%s: %s", fw,
				"SEV metadata QEMU would refuse (unknown section type or hash table outside its section)");
	if (r == -EINVAL)
		return complain(EXIT_INPUT, "%s: %s", fw, "no SEV-ES reset block: QEMU cannot start more than one vCPU");
	return complain(EXIT_SYSTEM, "%s", strerror(-r));
}

static void print_digest(const uint8_t d[SNP_DIGEST_LEN])
{
	char hex[2 * SNP_DIGEST_LEN + 1];

	hex_encode(d, SNP_DIGEST_LEN, hex);
	printf("%s\n", hex);
}

int cmd_snp(int argc, char **argv)
{
	struct snp_opts o = { 0 };
	struct snp_firmware *fw = NULL;
	struct snp_kernel_hashes kh;
	uint8_t d[SNP_DIGEST_LEN];
	char *cmdline_buf = NULL;
	int r, ret;

	set_program_name("cvm-reference snp");
	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	ret = check_opts(&o);
	if (ret)
		return ret;
	fw = malloc(sizeof(*fw));
	if (!fw)
		return complain(EXIT_SYSTEM, "%s", strerror(ENOMEM));
	ret = load_firmware(&o, fw);
	if (ret)
		goto out;
	if (o.print_hash) {
		print_digest(fw->ovmf_hash);
		goto out;
	}
	if (o.kernel && (ret = hash_direct_boot(&o, &kh, &cmdline_buf)))
		goto out;
	r = snp_finish(fw, o.kernel ? &kh : NULL, o.vcpus, o.vcpu_type, o.features, d);
	if (r < 0) {
		ret = finish_error(&o, r);
		goto out;
	}
	print_digest(d);
out:
	free(cmdline_buf);
	free(fw);
	return ret;
}
