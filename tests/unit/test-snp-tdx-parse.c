/* SPDX-License-Identifier: Apache-2.0 */
/* SNP report and TDX quote/TDREPORT field extraction on the real captured samples
 * (origins: tests/data/evidence/README.md). Expected values were read off the
 * files with xxd at the offsets of AMD spec 56860 / Intel sgx_quote_4.h, e.g.
 * `xxd -s 0x90 -l 48 -p report.bin` for the SNP MEASUREMENT; their authenticity is
 * established separately by the signature tests. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "evidence_samples.h"
#include "evidence/snp_report.h"
#include "evidence/tdx_quote.h"
#include "unit.h"

static void test_snp_samples(void)
{
	static const struct {
		const char *file;
		uint32_t version;
		uint64_t policy;
		enum snp_signing_key key;
		const char *measurement, *report_data_prefix;
		uint64_t reported_tcb;
		uint8_t fam;
	} cases[] = {
		{ "sev-snp/01-gosevguest-milan-v2/report.bin", 2, 0xb0000, SNP_KEY_VCEK,
		  "b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01",
		  "0102030405000000", 0x4405000000000002, 0 },
		{ "sev-snp/02-trustee-milan-v2-idblock/report.bin", 2, 0x3001f, SNP_KEY_VCEK,
		  "a1f3930413247bb38cfc171579ea3c12d5fe4901f0c792f63fd75d98f1ef827c23500644e0e692e6be917f9050d3d38c",
		  "ec6c52d7533cc2c4", 0x7308000000000003, 0 },
		{ "sev-snp/03-trustee-milan-v3-vlek/report.bin", 3, 0x30000, SNP_KEY_VLEK,
		  "8922ebbdd00ec2c541f36a6e7a82a8773a7accb451ed67bc94e740dbe92c93c4e8c9af857f5ceeb5a493df2a570d7bf0",
		  "819770b7e6ea6df8", 0xd918000000000004, 0x19 },
		{ "sev-snp/04-azure-genoa-v3-hcl-vtpm/report.bin", 3, 0x3001f, SNP_KEY_VCEK,
		  "f57dc09a507c6ecd82369bffb600f0003792f4d99bc26e985ec0c266fc34faf3706faf814c9e61065768a6ff917c89ae",
		  "b581f12e29a2d7d6", 0x541700000000000a, 0x19 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct snp_report rep;
		uint8_t *buf, *wrapped;
		size_t len;

		buf = sample_read(cases[i].file, &len);
		if (!buf)
			continue;
		CHECK_EQ_INT(snp_report_parse(buf, len, &rep), 0);
		CHECK_EQ_INT(rep.version, cases[i].version);
		CHECK_EQ_INT(rep.policy, cases[i].policy);
		CHECK_EQ_INT(rep.signing_key, cases[i].key);
		CHECK_EQ_INT(rep.signature_algo, SNP_SIG_ALGO_ECDSA_P384_SHA384);
		CHECK_EQ_STR(hexs(rep.measurement, 48), cases[i].measurement);
		CHECK(strncmp(hexs(rep.report_data, 64), cases[i].report_data_prefix, 16) == 0);
		CHECK_EQ_STR(hexs(rep.host_data, 32), "0000000000000000000000000000000000000000000000000000000000000000");
		CHECK(rep.reported_tcb == cases[i].reported_tcb);
		CHECK_EQ_INT(rep.cpuid_fam_id, cases[i].fam);
		CHECK_MEM(rep.raw, buf, SNP_REPORT_SIZE);

		/* The same report behind an SNP_GET_REPORT response header in the
		 * kernel's 4000-byte buffer parses to the same thing. */
		wrapped = calloc(1, 4000);
		CHECK(wrapped != NULL);
		if (wrapped) {
			struct snp_report rep2;

			wrapped[4] = SNP_REPORT_SIZE & 0xff;
			wrapped[5] = SNP_REPORT_SIZE >> 8;
			memcpy(wrapped + 32, buf, len);
			CHECK_EQ_INT(snp_report_parse(wrapped, 4000, &rep2), 0);
			CHECK_MEM(&rep2, &rep, sizeof(rep));
			wrapped[0] = 0x16; /* firmware status INVALID_PARAM */
			CHECK_EQ_INT(snp_report_parse(wrapped, 4000, &rep2), -EBADMSG);
			free(wrapped);
		}

		/* Wrong lengths and an unknown version are refused. */
		CHECK_EQ_INT(snp_report_parse(buf, len - 1, &rep), -EINVAL);
		CHECK_EQ_INT(snp_report_parse(buf, 0, &rep), -EINVAL);
		buf[0] = 9;
		CHECK_EQ_INT(snp_report_parse(buf, len, &rep), -EBADMSG);
		buf[0] = 1;
		CHECK_EQ_INT(snp_report_parse(buf, len, &rep), -EBADMSG);
		free(buf);
	}
}

static void test_snp_tcb(void)
{
	struct snp_tcb t;

	/* Milan sample 01: reported TCB bytes 02 00 00 00 00 00 05 44. */
	snp_tcb_split(0x4405000000000002, 0, &t);
	CHECK_EQ_INT(t.bl, 2);
	CHECK_EQ_INT(t.tee, 0);
	CHECK_EQ_INT(t.snp, 5);
	CHECK_EQ_INT(t.ucode, 0x44);
	snp_tcb_split(0x4800000004030201, 0x1A, &t);
	CHECK_EQ_INT(t.fmc, 1);
	CHECK_EQ_INT(t.bl, 2);
	CHECK_EQ_INT(t.tee, 3);
	CHECK_EQ_INT(t.snp, 4);
	CHECK_EQ_INT(t.ucode, 0x48);
	CHECK_EQ_STR(snp_signing_key_name(SNP_KEY_VLEK), "vlek");
}

static void test_snp_cert_table(void)
{
	/* Two entries (VCEK at 72, ASK at 75) and the terminator; GUIDs of GHCB spec
	 * 56421 in RFC 4122 byte order. */
	uint8_t t[80] = {
		0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64, 0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd,
		72, 0, 0, 0, 3, 0, 0, 0,
		0x4a, 0xb7, 0xb3, 0x79, 0xbb, 0xac, 0x4f, 0xe4, 0xa0, 0x2f, 0x05, 0xae, 0xf3, 0x27, 0xc7, 0x82,
		75, 0, 0, 0, 5, 0, 0, 0,
	};
	const uint8_t *c;
	size_t n;

	memcpy(t + 72, "VCKASKAS", 8);
	CHECK_EQ_INT(snp_cert_table_find(t, sizeof(t), SNP_CERT_VCEK, &c, &n), 0);
	CHECK(c == t + 72 && n == 3);
	CHECK_EQ_INT(snp_cert_table_find(t, sizeof(t), SNP_CERT_ASK, &c, &n), 0);
	CHECK(c == t + 75 && n == 5);
	CHECK_EQ_INT(snp_cert_table_find(t, sizeof(t), SNP_CERT_ARK, &c, &n), -ENOENT);
	CHECK_EQ_INT(snp_cert_table_find(t, 60, SNP_CERT_VCEK, &c, &n), -EBADMSG); /* no terminator */
	t[44] = 6;                                                                  /* ASK past the end */
	CHECK_EQ_INT(snp_cert_table_find(t, sizeof(t), SNP_CERT_VCEK, &c, &n), -EBADMSG);
	CHECK_EQ_INT(snp_cert_table_find(t, 0, SNP_CERT_VCEK, &c, &n), -EINVAL);
}

static const char ZERO48[] = "000000000000000000000000000000000000000000000000"
			     "000000000000000000000000000000000000000000000000";

static void test_tdx_samples(void)
{
	static const struct {
		const char *file;
		uint16_t version, body_type;
		size_t quote_len;
		const char *mrtd, *mrconfigid, *rtmr0, *rtmr3, *report_data_prefix;
	} cases[] = {
		{ "tdx/01-gotdxguest-spr-v4/quote.dat", 4, 2, 48 + 584 + 4 + 0x10cb,
		  "6363b8043668a3ad953278e10389574d326c6749fb78aa810ecd9336923db86f22fc00b8dcd404bc10d5e119d7215cbb",
		  ZERO48,
		  "2927da70461cd63266f43230cc1849c03ef25ebe490062a801d8fcc80af42976823adf08f833c1e50b51779c6593f32a",
		  ZERO48, "6c62dec1b8191749" },
		{ "tdx/02-gotdxguest-v5-tdx15/quote.dat", 5, 3, 48 + 6 + 648 + 4 + 0x10cc,
		  "7348651a34b2d2d3462822e3a750ec6110125f36757c78480bbfc69cc0d21fb001a1ced3ee19747dda8f750c3bc8f876",
		  ZERO48,
		  "5c8daf76063a71ac8fcef4067564661fc682ed7944c7a5d21dbbced02f61ceff4ba0678c6aef3bdae8cbc614cec24619",
		  ZERO48, "945eaacf5abc1f71" },
		{ "tdx/03-gotdxguest-gcp-cos113-ccel/quote.dat", 4, 2, 48 + 584 + 4 + 0x10cb,
		  "dae67181d3d65e073ad8f95b7907d5e927bfe9761c9ff3e9b89734a45d8954dba41394c7717cb2735396c1d04231f94a",
		  ZERO48,
		  "3fa2f61f395b7f5feefb4ec2df61297f109ad8abcd6410c1b7df60f21f37b19297fc35e544039c7e1edece752afd17f6",
		  ZERO48, "0000000000000000" },
		{ "tdx/04-trustee-v4-fmspc00a06d080000/quote.dat", 4, 2, 48 + 584 + 4 + 0x10cc,
		  "21e8dead92d6c69d7cbba79816686c03a48485c7df0c11f6f04792d5e1d378f6b8c46615ba6946adccac6becffbb1e88",
		  "889abf4718f037e38d74464c11e7c91a6e9890b5546409e1e7df9de7a51ca93152bf847bd2440328e90adb18b150ed67",
		  "395aefe7bac15b24c40f1cd7ba6f8fa48732be5c56c61485ed3cd9c8b16cce8ece64c331b99ce36d96605135c753aaa2",
		  ZERO48, "26cae1c77185617f" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tdx_quote q;
		struct tdx_quote_sig sig;
		uint8_t *buf;
		size_t len;

		buf = sample_read(cases[i].file, &len);
		if (!buf)
			continue;
		CHECK_EQ_INT(tdx_quote_parse(buf, len, &q), 0);
		CHECK_EQ_INT(q.version, cases[i].version);
		CHECK_EQ_INT(q.body_type, cases[i].body_type);
		CHECK_EQ_INT(q.tee_type, 0x81);
		CHECK_EQ_INT(q.att_key_type, 2);
		CHECK_EQ_INT(q.quote_len, cases[i].quote_len);
		CHECK(q.quote_len <= len);
		CHECK_EQ_INT(q.body.tdx15, cases[i].body_type == 3);
		CHECK_EQ_STR(hexs(q.body.mrtd, 48), cases[i].mrtd);
		CHECK_EQ_STR(hexs(q.body.mrconfigid, 48), cases[i].mrconfigid);
		CHECK_EQ_STR(hexs(q.body.rtmr[0], 48), cases[i].rtmr0);
		CHECK_EQ_STR(hexs(q.body.rtmr[3], 48), cases[i].rtmr3);
		CHECK(strncmp(hexs(q.body.report_data, 64), cases[i].report_data_prefix, 16) == 0);

		CHECK_EQ_INT(tdx_quote_sig_parse(&q, &sig), 0);
		CHECK_EQ_INT(sig.cert_type, TDX_CERT_TYPE_PCK_CHAIN);
		CHECK(sig.cert_len > 100 && memcmp(sig.cert_data, "-----BEGIN CERTIFICATE-----", 27) == 0);
		CHECK(sig.qe_auth_len <= 64);

		/* Trailing bytes are ignored; a truncated quote is refused. */
		CHECK_EQ_INT(tdx_quote_parse(buf, q.quote_len, &q), 0);
		CHECK_EQ_INT(tdx_quote_parse(buf, q.quote_len - 1, &q), -EBADMSG);
		CHECK_EQ_INT(tdx_quote_parse(buf, 100, &q), -EINVAL);
		buf[4] = 0; /* TEE type SGX */
		CHECK_EQ_INT(tdx_quote_parse(buf, len, &q), -EBADMSG);
		buf[4] = 0x81;
		buf[0] = 3;
		CHECK_EQ_INT(tdx_quote_parse(buf, len, &q), -EBADMSG);
		free(buf);
	}
}

static void test_tdreport(void)
{
	/* A TDREPORT assembled from quote 04's body at the kernel's TDREPORT_* offsets
	 * must give back the same TD fields. */
	struct tdx_quote q;
	struct tdx_report r;
	uint8_t rep[TDX_REPORT_SIZE] = { 0 };
	const uint8_t *b;
	uint8_t *buf;
	size_t len;

	buf = sample_read("tdx/04-trustee-v4-fmspc00a06d080000/quote.dat", &len);
	if (!buf)
		return;
	CHECK_EQ_INT(tdx_quote_parse(buf, len, &q), 0);
	b = buf + 48;
	rep[0] = 0x81;
	memcpy(rep + 128, b + 520, 64);       /* REPORTDATA */
	memcpy(rep + 256 + 8, b + 0, 16);     /* TEE_TCB_SVN */
	memcpy(rep + 256 + 24, b + 16, 96);   /* MRSEAM, MRSIGNERSEAM */
	memcpy(rep + 512, b + 120, 16 + 48 * 8); /* attributes .. RTMR3 */
	CHECK_EQ_INT(tdx_report_parse(rep, sizeof(rep), &r), 0);
	CHECK_MEM(r.body.mrtd, q.body.mrtd, 48);
	CHECK_MEM(r.body.mrconfigid, q.body.mrconfigid, 48);
	CHECK_MEM(r.body.mrowner, q.body.mrowner, 48);
	CHECK_MEM(r.body.rtmr, q.body.rtmr, sizeof(q.body.rtmr));
	CHECK_MEM(r.body.report_data, q.body.report_data, 64);
	CHECK_MEM(r.body.mrseam, q.body.mrseam, 48);
	CHECK_MEM(r.body.td_attributes, q.body.td_attributes, 8);
	CHECK_MEM(r.body.xfam, q.body.xfam, 8);
	CHECK_EQ_INT(tdx_report_parse(rep, sizeof(rep) - 1, &r), -EINVAL);
	rep[0] = 0;
	CHECK_EQ_INT(tdx_report_parse(rep, sizeof(rep), &r), -EBADMSG);
	free(buf);
}

int main(void)
{
	test_snp_samples();
	test_snp_tcb();
	test_snp_cert_table();
	test_tdx_samples();
	test_tdreport();
	return unit_finish("snp-tdx-parse");
}
