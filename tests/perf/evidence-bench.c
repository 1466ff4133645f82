/* SPDX-License-Identifier: Apache-2.0 */
/* Timing of offline evidence verification, for the figures in the report (not part
 * of `make check`). Build and run from the top of the tree:
 *   cc -O2 -D_GNU_SOURCE -Ilib -Ireference -o build/evidence-bench tests/perf/evidence-bench.c \
 *      reference/x509.c reference/evidence.c reference/verify-snp.c reference/verify-tdx.c \
 *      reference/verify-tpm.c build/lib/libcvm.a -lcrypto
 *   build/evidence-bench tests/data/evidence
 * Prints the mean time of one full verification (every check, silent) of: an SNP
 * report with its VCEK and ASK/ARK chain; a TDX quote with its PCK chain, CRLs,
 * TCB info and QE identity (sample 01); a TPM quote with PCR values; and the replay
 * of the largest captured event log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evidence.h"
#include "util/file.h"
#include "evidence/tcg_eventlog.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *join(const char *dir, const char *rel)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, rel) < 0)
		exit(4);
	return p;
}

static uint8_t *load(const char *path, size_t *len)
{
	uint8_t *b;

	if (file_read_all(path, 64u << 20, &b, len) < 0) {
		fprintf(stderr, "%s: unreadable\n", path);
		exit(3);
	}
	return b;
}

typedef int (*verifier)(const uint8_t *, size_t, const struct ev_opts *, struct checks *);

static void bench(const char *name, verifier fn, const uint8_t *b, size_t n, const struct ev_opts *o, int iters)
{
	struct checks c;
	double t0 = now();
	unsigned fails = 0;

	for (int i = 0; i < iters; i++) {
		memset(&c, 0, sizeof(c));
		fn(b, n, o, &c);
		fails = c.fail;
	}
	printf("%-44s %8.3f ms  (%d runs, %u failed checks: %s)\n", name, (now() - t0) / iters * 1e3, iters, fails,
	       fails ? c.failed : "-");
}

int main(int argc, char **argv)
{
	const char *d = argc > 1 ? argv[1] : "tests/data/evidence";
	struct ev_opts snp = { 0 }, tdx = { 0 }, tpm = { 0 };
	uint8_t *b;
	size_t n;

	snp.cert = join(d, "sev-snp/04-azure-genoa-v3-hcl-vtpm/vcek.pem");
	snp.chain = join(d, "sev-snp/04-azure-genoa-v3-hcl-vtpm/ask_ark_genoa.pem");
	b = load(join(d, "sev-snp/04-azure-genoa-v3-hcl-vtpm/report.bin"), &n);
	bench("SNP report + VCEK + ASK/ARK chain", ev_verify_snp, b, n, &snp, 200);
	free(b);

	tdx.collateral = join(d, "tdx/01-gotdxguest-spr-v4/collateral");
	tdx.chain = join(d, "tdx/common/intel_tcb_signing_chain.pem");
	tdx.have_at = 1;
	parse_time_arg("2023-06-20", &tdx.at);
	b = load(join(d, "tdx/01-gotdxguest-spr-v4/quote.dat"), &n);
	bench("TDX quote + PCK chain + CRLs + TCB/QE collateral", ev_verify_tdx, b, n, &tdx, 200);
	memset(&tdx, 0, sizeof(tdx));
	bench("TDX quote + PCK chain (no collateral)", ev_verify_tdx, b, n, &tdx, 200);
	free(b);

	tpm.cert = join(d, "tpm/01-gce-cos85-vtpm-quotes/ak_pub.tpmt");
	tpm.signature = join(d, "tpm/01-gce-cos85-vtpm-quotes/quote_sha256.sig");
	tpm.pcrs = join(d, "tpm/01-gce-cos85-vtpm-quotes/pcrs_sha256.txt");
	b = load(join(d, "tpm/01-gce-cos85-vtpm-quotes/quote_sha256.attest"), &n);
	bench("TPM quote (RSA-2048) + PCR digest", ev_verify_tpm, b, n, &tpm, 500);
	tpm.eventlog = join(d, "tpm/01-gce-cos85-vtpm-quotes/binary_bios_measurements");
	bench("TPM quote + PCR digest + event log replay", ev_verify_tpm, b, n, &tpm, 500);
	free(b);

	{
		static const char *const logs[] = {
			"tdx/03-gotdxguest-gcp-cos113-ccel/ccel_eventlog.bin",
			"tpm/03-eventlogs-physical-hosts/gdc-host.bin",
			"tpm/02-gce-windows-vtpm-sha1/binary_bios_measurements",
		};
		static struct tcg_replay rp;

		for (size_t i = 0; i < 3; i++) {
			int iters = 500;
			double t0;

			b = load(join(d, logs[i]), &n);
			t0 = now();
			for (int k = 0; k < iters; k++)
				if (tcg_log_replay(b, n, TCG_LOG_AUTO, &rp) < 0)
					return 1;
			printf("replay %-37s %8.3f ms  (%zu bytes, %zu events, %zu banks)\n", logs[i],
			       (now() - t0) / iters * 1e3, n, rp.n_events, rp.n_banks);
			free(b);
		}
	}
	return 0;
}
