/* SPDX-License-Identifier: Apache-2.0 */
/* Timing of the SNP launch digest and TDX MRTD library calls, for the figures in the
 * report (not part of `make check`). Build and run from the top of the tree:
 *   cc -O2 -D_GNU_SOURCE -Ilib -o build/snp-mrtd-bench tests/perf/snp-mrtd-bench.c \
 *      lib/boot/ovmf.c lib/boot/snp_vmsa.c lib/boot/snp_digest.c lib/boot/tdx_mrtd.c lib/measure/digest.c lib/util/file.c -lcrypto
 *   /usr/bin/time -v build/snp-mrtd-bench AMDSEV.fd TDX.fd [KERNEL INITRD]
 * Prints: one full SNP digest (firmware + metadata + VMSAs), the firmware hash alone,
 * snp_finish() for 1..64 vCPUs x 4 CPU types reusing one firmware hash, the
 * reference document's 7 vCPU counts x 4 types, and MRTD in both orders. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/file.h"
#include "boot/snp_digest.h"
#include "boot/tdx_mrtd.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint8_t *slurp(const char *p, size_t max, size_t *len)
{
	uint8_t *b = NULL;

	if (file_read_all(p, max, &b, len) < 0) {
		fprintf(stderr, "%s: cannot read\n", p);
		exit(1);
	}
	return b;
}

int main(int argc, char **argv)
{
	static const char *types[] = { "EPYC", "EPYC-v4", "EPYC-Milan", "EPYC-Genoa" };
	static const unsigned doc_vcpus[] = { 1, 2, 4, 8, 16, 32, 64 };
	size_t alen, tlen, klen = 0, ilen = 0;
	uint8_t *amd, *tdx, *k = NULL, *i = NULL, d[48];
	struct snp_firmware fw;
	struct snp_kernel_hashes kh;
	double t0, t;
	int n = 0;

	if (argc != 3 && argc != 5) {
		fprintf(stderr, "usage: %s AMDSEV.fd TDX.fd [KERNEL INITRD]\n", argv[0]);
		return 2;
	}
	amd = slurp(argv[1], OVMF_MAX_SIZE, &alen);
	tdx = slurp(argv[2], OVMF_MAX_SIZE, &tlen);
	if (argc == 5) {
		k = slurp(argv[3], 1u << 30, &klen);
		i = slurp(argv[4], 1u << 30, &ilen);
	}

	struct snp_launch_params p = { .ovmf = amd, .ovmf_len = alen, .kernel = k, .kernel_len = klen,
				       .initrd = i, .initrd_len = ilen, .cmdline = k ? "console=ttyS0" : NULL,
				       .vcpus = 4, .vcpu_type = "EPYC-Milan", .guest_features = 1 };
	t0 = now();
	if (snp_launch_digest(&p, d) < 0)
		return 1;
	printf("one snp_launch_digest (4 MiB firmware%s, 4 vCPUs): %.1f ms\n",
	       k ? " + kernel/initrd" : "", (now() - t0) * 1e3);

	t0 = now();
	if (snp_firmware_load(amd, alen, &fw) < 0)
		return 1;
	printf("snp_firmware_load (firmware hash): %.1f ms\n", (now() - t0) * 1e3);
	if (k) {
		t0 = now();
		snp_kernel_hashes(k, klen, i, ilen, "console=ttyS0", &kh);
		printf("snp_kernel_hashes (%zu + %zu bytes): %.1f ms\n", klen, ilen, (now() - t0) * 1e3);
	}

	t0 = now();
	for (size_t ti = 0; ti < 4; ti++)
		for (unsigned v = 1; v <= 64; v++, n++)
			if (snp_finish(&fw, k ? &kh : NULL, v, types[ti], 1, d) < 0)
				return 1;
	t = now() - t0;
	printf("snp_finish 1..64 vCPUs x 4 types: %d digests in %.1f ms (%.3f ms each)\n", n, t * 1e3,
	       t * 1e3 / n);
	for (unsigned v = 1; v <= 64; v *= 4) {
		t0 = now();
		snp_finish(&fw, k ? &kh : NULL, v, "EPYC-Genoa", 1, d);
		printf("  snp_finish %2u vCPUs: %.3f ms\n", v, (now() - t0) * 1e3);
	}

	t0 = now();
	if (snp_firmware_load(amd, alen, &fw) < 0)
		return 1;
	n = 0;
	for (size_t ti = 0; ti < 4; ti++)
		for (size_t vi = 0; vi < sizeof(doc_vcpus) / sizeof(doc_vcpus[0]); vi++, n++)
			snp_finish(&fw, k ? &kh : NULL, doc_vcpus[vi], types[ti], 1, d);
	printf("reference document set (firmware once + %d digests): %.1f ms\n", n, (now() - t0) * 1e3);

	for (int o = 0; o < 2; o++) {
		t0 = now();
		if (tdx_mrtd(tdx, tlen, o ? TDX_MRTD_TWO_PASS : TDX_MRTD_PER_PAGE, d) < 0)
			return 1;
		printf("tdx_mrtd %s: %.1f ms\n", o ? "two-pass" : "per-page", (now() - t0) * 1e3);
	}
	free(amd);
	free(tdx);
	free(k);
	free(i);
	return 0;
}
