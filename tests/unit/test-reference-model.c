/* SPDX-License-Identifier: Apache-2.0 */
/* lib/boot/pe, lib/boot/authenticode, lib/boot/uki, lib/boot/boot_pcrs, lib/doc/refdoc, lib/doc/docsig on
 * synthetic PE/UKI images built here. The real-file checks (pesign, systemd-measure,
 * a real OVMF + swtpm boot) are in tests/reference/ and tests/boot/. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "boot/authenticode.h"
#include "boot/boot_pcrs.h"
#include "doc/docsig.h"
#include "util/hex.h"
#include "boot/pe.h"
#include "doc/refdoc.h"
#include "boot/uki.h"
#include "util/bytes.h"
#include "unit.h"

#define PE_OFF 0x40u
#define OPT_OFF (PE_OFF + 24u)
#define OPT_SIZE 240u /* PE32+: 112 + 16 data directories */
#define SECT_OFF (OPT_OFF + OPT_SIZE)
#define HDR_SIZE 0x400u

struct sect {
	const char *name;
	const void *data;
	uint32_t len;      /* VirtualSize */
	uint32_t raw_size; /* 0: align len to 0x200 */
};

/* A PE32+ EFI application with the given sections; the section table lists them in
 * reverse file order (so hashing must sort). cert_len bytes of certificate table and
 * trailing bytes of extra data are appended after the sections. */
static uint8_t *make_pe(const struct sect *s, unsigned n, uint32_t trailing, uint32_t cert_len,
			size_t *ret_len)
{
	size_t len = HDR_SIZE, off;
	uint8_t *b;

	for (unsigned i = 0; i < n; i++)
		len += s[i].raw_size ? s[i].raw_size : (s[i].len + 0x1ffu) & ~0x1ffu;
	len += trailing + cert_len;
	b = calloc(1, len);
	if (!b)
		abort();
	b[0] = 'M';
	b[1] = 'Z';
	put_le32(b + 0x3c, PE_OFF);
	memcpy(b + PE_OFF, "PE\0\0", 4);
	put_le16(b + PE_OFF + 4, 0x8664);
	put_le16(b + PE_OFF + 6, (uint16_t)n);
	put_le16(b + PE_OFF + 20, OPT_SIZE);
	put_le16(b + OPT_OFF, 0x20b);
	put_le32(b + OPT_OFF + 60, HDR_SIZE);
	put_le32(b + OPT_OFF + 64, 0x12345678); /* CheckSum: must not matter */
	put_le16(b + OPT_OFF + 68, 10);
	put_le32(b + OPT_OFF + 108, 16);
	if (cert_len) {
		put_le32(b + OPT_OFF + 112 + 8 * 4, (uint32_t)(len - cert_len));
		put_le32(b + OPT_OFF + 112 + 8 * 4 + 4, cert_len);
		memset(b + len - cert_len, 0xc5, cert_len);
	}
	off = HDR_SIZE;
	for (unsigned i = 0; i < n; i++) {
		uint8_t *h = b + SECT_OFF + 40 * (n - 1 - i);
		uint32_t raw = s[i].raw_size ? s[i].raw_size : (s[i].len + 0x1ffu) & ~0x1ffu;

		memcpy(h, s[i].name, strlen(s[i].name));
		put_le32(h + 8, s[i].len);
		put_le32(h + 12, 0x1000u * (i + 1));
		put_le32(h + 16, raw);
		put_le32(h + 20, (uint32_t)off);
		memcpy(b + off, s[i].data, s[i].len < raw ? s[i].len : raw);
		off += raw;
	}
	memset(b + off, 0x7e, trailing);
	*ret_len = len;
	return b;
}

static void test_authenticode(void)
{
	static const char text[] = "text section contents";
	static const char data[] = "data";
	const struct sect s[] = { { ".text", text, sizeof(text), 0 }, { ".data", data, sizeof(data), 0 } };
	uint8_t md[DIGEST_MAX], md2[DIGEST_MAX], want[DIGEST_MAX];
	size_t len, sec = OPT_OFF + 112 + 32;
	uint8_t *pe = make_pe(s, 2, 3, 24, &len);
	struct digest_ctx *c;

	/* The edk2 ranges spelled out: headers without CheckSum and the security entry,
	 * sections by file offset, trailing data up to the certificate table. */
	c = digest_begin(DIGEST_SHA256);
	digest_update(c, pe, OPT_OFF + 64);
	digest_update(c, pe + OPT_OFF + 68, sec - (OPT_OFF + 68));
	digest_update(c, pe + sec + 8, HDR_SIZE - (sec + 8));
	digest_update(c, pe + HDR_SIZE, 0x400);
	digest_update(c, pe + HDR_SIZE + 0x400, 3);
	digest_end(c, want);
	CHECK_EQ_INT(authenticode_digest(pe, len, DIGEST_SHA256, md), 0);
	CHECK_MEM(md, want, 32);

	/* CheckSum, the security entry's bytes (same size) and the certificate are excluded. */
	put_le32(pe + OPT_OFF + 64, 0);
	pe[len - 1] ^= 0xff;
	CHECK_EQ_INT(authenticode_digest(pe, len, DIGEST_SHA256, md2), 0);
	CHECK_MEM(md2, want, 32);
	/* A section byte and a trailing byte are included. */
	pe[HDR_SIZE + 1] ^= 1;
	CHECK_EQ_INT(authenticode_digest(pe, len, DIGEST_SHA256, md2), 0);
	CHECK(memcmp(md2, want, 32) != 0);
	pe[HDR_SIZE + 1] ^= 1;
	pe[HDR_SIZE + 0x400] ^= 1;
	CHECK_EQ_INT(authenticode_digest(pe, len, DIGEST_SHA256, md2), 0);
	CHECK(memcmp(md2, want, 32) != 0);
	pe[HDR_SIZE + 0x400] ^= 1;
	/* SHA-384 differs and has its own length. */
	CHECK_EQ_INT(authenticode_digest(pe, len, DIGEST_SHA384, md2), 0);
	/* Certificate table claimed larger than the file: edk2 refuses to measure. */
	put_le32(pe + sec + 4, 4096);
	CHECK_EQ_INT(authenticode_digest(pe, len, DIGEST_SHA256, md2), -EINVAL);
	put_le32(pe + sec + 4, 24);
	/* Truncations anywhere in the headers or sections fail cleanly. */
	for (size_t cut = 0; cut < HDR_SIZE + 0x400; cut += 7)
		CHECK(authenticode_digest(pe, cut, DIGEST_SHA256, md2) < 0);
	/* Bad magic, too many sections, section data past the end. */
	put_le16(pe + OPT_OFF, 0x30b);
	CHECK_EQ_INT(authenticode_digest(pe, len, DIGEST_SHA256, md2), -EINVAL);
	put_le16(pe + OPT_OFF, 0x20b);
	put_le16(pe + PE_OFF + 6, 97);
	CHECK(authenticode_digest(pe, len, DIGEST_SHA256, md2) < 0);
	put_le16(pe + PE_OFF + 6, 2);
	put_le32(pe + SECT_OFF + 20, (uint32_t)len);
	CHECK_EQ_INT(authenticode_digest(pe, len, DIGEST_SHA256, md2), -EINVAL);
	free(pe);
}

static uint8_t *make_uki(const char *cmdline, size_t cmdline_len, bool profile, size_t *ret_len)
{
	static const char text[] = "kernel text";
	static const char osrel[] = "ID=cvmtest\n";
	static const char initrd[] = "0123456789";
	static const char sbat[] = "sbat,1\n";
	const struct sect k[] = { { ".text", text, sizeof(text) - 1, 0 } };
	size_t klen;
	uint8_t *kernel = make_pe(k, 1, 0, 0, &klen), *u;
	struct sect s[] = {
		{ ".text", text, sizeof(text) - 1, 0 },
		{ ".osrel", osrel, sizeof(osrel) - 1, 0 },
		{ ".cmdline", cmdline, (uint32_t)cmdline_len, 0 },
		{ ".linux", kernel, (uint32_t)klen, 0 },
		{ ".initrd", initrd, sizeof(initrd) - 1, 0 },
		{ profile ? ".profile" : ".sbat", sbat, sizeof(sbat) - 1, 0 },
	};

	u = make_pe(s, 6, 0, 0, ret_len);
	free(kernel);
	return u;
}

static void hexcheck(const uint8_t *got, const char *want_hex, size_t n)
{
	char h[2 * DIGEST_MAX + 1];

	hex_encode(got, n, h);
	CHECK_EQ_STR(h, want_hex);
}

static void test_uki(void)
{
	static const char cmdline[] = "  root=x\tquiet \n\0ignored";
	struct boot_event ev[BOOT_EVENTS_MAX], r1[BOOT_EVENTS_MAX], r2[BOOT_EVENTS_MAX];
	uint8_t md[DIGEST_MAX], reg[DIGEST_MAX], gpt[100] = { 0 };
	char text[UKI_CMDLINE_MAX + 1];
	size_t len, n = 0, n1, n2;
	struct uki *u = calloc(1, sizeof(*u));
	uint8_t *b = make_uki(cmdline, sizeof(cmdline), false, &len);

	CHECK_EQ_INT(uki_parse(b, len, u), 0);
	CHECK(u->sections[UKI_LINUX] && u->sections[UKI_INITRD] && !u->sections[UKI_DTB]);
	CHECK_EQ_INT(uki_cmdline(u, text), 0);
	CHECK_EQ_STR(text, "root=x quiet");
	/* Golden values from the Python model of systemd-stub 257 + Linux's EFI stub that
	 * matched a real OVMF + swtpm boot event by event (tests/boot/reference-probe.sh):
	 * .initrd "0123456789" padded to 12, then the /.extra/os-release cpio. */
	CHECK_EQ_INT(uki_initrd_digest(u, DIGEST_SHA256, md), 0);
	hexcheck(md, "00255f143e109a766759174daaa34ea8e23e90ca0391de01eba0b62b7eef7748", 32);
	CHECK_EQ_INT(uki_initrd_digest(u, DIGEST_SHA384, md), 0);
	hexcheck(md, "e2a74faed9cca69e45d18bf867a25ae7c60ea2b0d40168f2f8282a00440de0b2"
		     "79528c52ceb89dd2d48fbe1fc933e126", 48);
	CHECK_EQ_INT(uki_load_options_digest(text, DIGEST_SHA256, md), 0);
	hexcheck(md, "aff910ba87d80354097def169f6222275b9611f833212caf3512bcac95fcb45e", 32);

	/* Event model: PCR 11 = name+NUL then content per section in stub order. */
	CHECK_EQ_INT(boot_uefi_disk_events(u, gpt, sizeof(gpt), DIGEST_SHA256, ev, &n), 0);
	CHECK_EQ_INT(n, 4 + 1 + 2 * 5 + 1 + 2 + 2);
	{
		static const char *const order[] = { ".linux", ".osrel", ".cmdline", ".initrd", ".sbat" };
		uint8_t want[DIGEST_MAX] = { 0 };

		for (size_t i = 0; i < 5; i++) {
			CHECK_EQ_INT(digest_buf(DIGEST_SHA256, order[i], strlen(order[i]) + 1, md), 0);
			digest_extend(DIGEST_SHA256, want, md);
			uki_section_digest(u, (enum uki_section)(i == 0 ? UKI_LINUX : i == 1 ? UKI_OSREL :
				i == 2 ? UKI_CMDLINE : i == 3 ? UKI_INITRD : UKI_SBAT), DIGEST_SHA256, md);
			digest_extend(DIGEST_SHA256, want, md);
		}
		CHECK_EQ_INT(boot_pcr_value(ev, n, DIGEST_SHA256, 11, reg), 0);
		CHECK_MEM(reg, want, 32);
	}
	CHECK_EQ_INT(boot_pcr_value(ev, n, DIGEST_SHA256, 12, reg), 0);
	CHECK_MEM(reg, (uint8_t[32]){ 0 }, 32);
	/* PCR 4: Calling (3d6772b4…), separator (df3f6198…), UKI, kernel. */
	CHECK_EQ_INT(ev[0].pcr, 4);
	hexcheck(ev[0].digest, "3d6772b4f84ed47595d72a2c4c5ffd15f5bb72c7507fe26f2aaee2c69d5633ba", 32);
	hexcheck(ev[1].digest, "df3f619804a92fdb4057192dc43dd748ea778adc52bc498ce80524c014b81119", 32);
	CHECK_EQ_INT(authenticode_digest(b, len, DIGEST_SHA256, md), 0);
	CHECK_MEM(ev[4].digest, md, 32);
	CHECK_EQ_INT(ev[4].type, EV_EFI_BOOT_SERVICES_APPLICATION);
	CHECK_EQ_INT(ev[15].type, EV_EFI_BOOT_SERVICES_APPLICATION);

	/* TDX: RTMR1 gets one separator; RTMR2 the stub and kernel events. */
	CHECK_EQ_INT(boot_uefi_disk_events(u, gpt, sizeof(gpt), DIGEST_SHA384, ev, &n), 0);
	boot_tdx_split(ev, n, r1, &n1, r2, &n2);
	CHECK_EQ_INT(n1, 7);
	CHECK_EQ_INT(n2, 12);
	CHECK_EQ_INT(r2[11].pcr, 9);

	/* A changed command line changes PCR 11 and PCR 9; a changed kernel PCR 4 too. */
	{
		uint8_t p4[32], p9[32], p11[32];
		static const char other[] = "root=y quiet";
		size_t len2;
		uint8_t *b2 = make_uki(other, sizeof(other), false, &len2);
		struct uki *u2 = calloc(1, sizeof(*u2));

		boot_uefi_disk_events(u, gpt, sizeof(gpt), DIGEST_SHA256, ev, &n);
		boot_pcr_value(ev, n, DIGEST_SHA256, 4, p4);
		boot_pcr_value(ev, n, DIGEST_SHA256, 9, p9);
		boot_pcr_value(ev, n, DIGEST_SHA256, 11, p11);
		CHECK_EQ_INT(uki_parse(b2, len2, u2), 0);
		CHECK_EQ_INT(boot_uefi_disk_events(u2, gpt, sizeof(gpt), DIGEST_SHA256, ev, &n), 0);
		boot_pcr_value(ev, n, DIGEST_SHA256, 4, reg);
		CHECK(memcmp(reg, p4, 32) != 0);
		boot_pcr_value(ev, n, DIGEST_SHA256, 9, reg);
		CHECK(memcmp(reg, p9, 32) != 0);
		boot_pcr_value(ev, n, DIGEST_SHA256, 11, reg);
		CHECK(memcmp(reg, p11, 32) != 0);
		free(b2);
		free(u2);
	}
	free(b);

	/* Refused: multi-profile sections, no .cmdline, non-ASCII command line. */
	b = make_uki(cmdline, sizeof(cmdline), true, &len);
	CHECK_EQ_INT(uki_parse(b, len, u), -EOPNOTSUPP);
	free(b);
	b = make_uki("caf\xc3\xa9", 5, false, &len);
	CHECK_EQ_INT(uki_parse(b, len, u), -EOPNOTSUPP);
	free(b);
	free(u);
}

static void fill_doc(struct refdoc *d)
{
	snprintf(d->uki.file, sizeof(d->uki.file), "cvm.efi");
	d->uki.size = 123;
	memset(d->uki.sha256, 0xab, 32);
	snprintf(d->uki.stub, sizeof(d->uki.stub), "systemd-stub 257");
	d->uki.n_sections = 1;
	snprintf(d->uki.sections[0].name, 9, ".linux");
	d->uki.sections[0].size = 7;
	snprintf(d->cmdline, sizeof(d->cmdline), "root=x \"quoted\"\\");
	d->n_inputs = 1;
	snprintf(d->inputs[0].role, REFDOC_NAME_MAX, "disk");
	snprintf(d->inputs[0].file, REFDOC_NAME_MAX, "cvm.raw");
	d->has_vtpm = true;
	refdoc_assume(&d->vtpm_assumptions, "firmware", "OVMF");
	d->pcr_mask = 1u << 4 | 1u << 11;
	memset(d->pcr_sha256[4], 0x44, 32);
	memset(d->pcr_sha384[11], 0x11, 48);
	d->n_pcr11_phases = 2;
	snprintf(d->pcr11_phases[1].phases, REFDOC_TEXT_MAX, "enter-initrd");
	memset(d->pcr11_phases[1].sha384, 0x33, 48);
	d->events_sha256.n = 1;
	d->events_sha256.ev[0].pcr = 4;
	snprintf(d->events_sha256.ev[0].type, REFDOC_NAME_MAX, "EV_SEPARATOR");
	snprintf(d->events_sha256.ev[0].what, REFDOC_NAME_MAX, "separator");
	d->has_snp = true;
	d->snp_guest_features = 1;
	d->n_snp = 2;
	d->snp[0].vcpus = 1;
	snprintf(d->snp[0].cpu_type, REFDOC_NAME_MAX, "EPYC-v4");
	d->snp[1].vcpus = 64;
	snprintf(d->snp[1].cpu_type, REFDOC_NAME_MAX, "EPYC-Genoa");
	memset(d->snp[1].value, 0x99, 48);
}

static int parse_str(const char *s, struct refdoc *d)
{
	char err[200];
	int r = refdoc_parse(s, strlen(s), d, err, sizeof(err));

	if (r < 0 && getenv("UNIT_VERBOSE"))
		fprintf(stderr, "refdoc: %s\n", err);
	return r;
}

static char *replace(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	char *out;

	if (!p)
		return NULL;
	out = malloc(strlen(s) + strlen(to) + 1);
	memcpy(out, s, (size_t)(p - s));
	strcpy(out + (p - s), to);
	strcat(out, p + strlen(from));
	return out;
}

/* One edit of a written reference document and what parsing the result must give. */
static const struct {
	const char *from, *to;
	int want;
} edits[] = {
	{ "\"version\": 1", "\"version\": 2", -EPROTONOSUPPORT },
	{ "\"kind\": \"cvmforge-reference-values\"", "\"kind\": \"other\"", -EPROTONOSUPPORT },
	{ "\"boot\": \"uefi-disk-uki\"", "\"boot\": \"uefi-disk-uki\", \"extra\": 1", -EINVAL },
	{ "4444", "44AA", -EINVAL },
	{ "\"4\": \"44", "\"4\": \"4", -EINVAL },
	{ "\"4\": ", "\"04\": ", -EINVAL },
	{ "\"vcpus\": 64", "\"vcpus\": 0", -EINVAL },
	{ "\"vcpus\": 64", "\"vcpus\": \"64\"", -EINVAL },
	{ "\"firmware\": \"OVMF\"", "\"firmware\": \"OVMF\", \"new\": \"x\"", 0 },
};

static void test_refdoc(void)
{
	struct refdoc *d = calloc(1, sizeof(*d)), *e = calloc(1, sizeof(*e));
	char *text = NULL, *text2 = NULL, *bad;
	size_t len = 0, len2 = 0;
	FILE *f;

	fill_doc(d);
	f = open_memstream(&text, &len);
	CHECK_EQ_INT(refdoc_write(f, d), 0);
	fclose(f);
	CHECK_EQ_INT(parse_str(text, e), 0);
	/* Round trip: writing the parsed document gives the same bytes. */
	f = open_memstream(&text2, &len2);
	CHECK_EQ_INT(refdoc_write(f, e), 0);
	fclose(f);
	CHECK_EQ_INT(len2, len);
	CHECK(text2 && strcmp(text, text2) == 0);
	CHECK_EQ_STR(e->cmdline, d->cmdline);
	CHECK(refdoc_pcr(e, 4, 32) && refdoc_pcr(e, 4, 32)[0] == 0x44);
	CHECK(refdoc_pcr(e, 11, 48) && refdoc_pcr(e, 11, 48)[47] == 0x11);
	CHECK(refdoc_pcr(e, 9, 32) == NULL);
	CHECK_EQ_INT(e->n_snp, 2);
	CHECK_EQ_INT(e->snp[1].vcpus, 64);
	CHECK_EQ_STR(e->snp[1].cpu_type, "EPYC-Genoa");
	CHECK(!e->has_tdx);

	/* Fail closed on every kind of deviation; free-form assumptions may carry new keys. */
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		bad = replace(text, edits[i].from, edits[i].to);
		CHECK_EQ_INT(parse_str(bad, e), edits[i].want);
		free(bad);
	}
	for (size_t cut = 0; cut + 1 < len; cut += 13)
		CHECK(refdoc_parse(text, cut, e, NULL, 0) < 0);
	free(text);
	free(text2);
	free(d);
	free(e);
}

static void write_key(EVP_PKEY *k, const char *priv, const char *pub)
{
	FILE *f = fopen(priv, "w");

	PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	f = fopen(pub, "w");
	PEM_write_PUBKEY(f, k);
	fclose(f);
}

static void test_docsig(void)
{
	static const uint8_t doc[] = "{\n  \"version\": 1\n}\n";
	char dir[] = "/tmp/test-docsig-XXXXXX", priv[64], pub[64], pub2[64];
	uint8_t sig[DOCSIG_MAX], tampered[sizeof(doc)];
	EVP_PKEY *ed, *p384, *p256, *ed2;
	size_t n = 0;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(priv, sizeof(priv), "%s/k.pem", dir);
	snprintf(pub, sizeof(pub), "%s/p.pem", dir);
	snprintf(pub2, sizeof(pub2), "%s/p2.pem", dir);
	ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	ed2 = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	p256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	memcpy(tampered, doc, sizeof(doc));
	tampered[5] ^= 1;

	write_key(ed, priv, pub);
	CHECK_EQ_INT(docsig_sign(priv, doc, sizeof(doc), sig, &n), 0);
	CHECK_EQ_INT(n, 64);
	CHECK_EQ_INT(docsig_verify(pub, doc, sizeof(doc), sig, n), 0);
	CHECK_EQ_INT(docsig_verify(pub, tampered, sizeof(doc), sig, n), -EBADMSG);
	CHECK_EQ_INT(docsig_verify(pub, doc, sizeof(doc), sig, n - 1), -EBADMSG);
	write_key(ed2, priv, pub2);
	CHECK_EQ_INT(docsig_verify(pub2, doc, sizeof(doc), sig, n), -EBADMSG);

	write_key(p384, priv, pub);
	CHECK_EQ_INT(docsig_sign(priv, doc, sizeof(doc), sig, &n), 0);
	CHECK_EQ_INT(docsig_verify(pub, doc, sizeof(doc), sig, n), 0);
	CHECK_EQ_INT(docsig_verify(pub, tampered, sizeof(doc), sig, n), -EBADMSG);
	sig[n - 1] ^= 1;
	CHECK_EQ_INT(docsig_verify(pub, doc, sizeof(doc), sig, n), -EBADMSG);

	write_key(p256, priv, pub);
	CHECK_EQ_INT(docsig_sign(priv, doc, sizeof(doc), sig, &n), -EOPNOTSUPP);
	CHECK_EQ_INT(docsig_verify(pub, doc, sizeof(doc), sig, n), -EOPNOTSUPP);
	CHECK_EQ_INT(docsig_sign("/nonexistent/key.pem", doc, sizeof(doc), sig, &n), -ENOENT);
	CHECK_EQ_INT(docsig_verify(priv, doc, sizeof(doc), sig, n), -EINVAL); /* private key as public */

	EVP_PKEY_free(ed);
	EVP_PKEY_free(ed2);
	EVP_PKEY_free(p384);
	EVP_PKEY_free(p256);
	remove(priv);
	remove(pub);
	remove(pub2);
	remove(dir);
}

int main(void)
{
	test_authenticode();
	test_uki();
	test_refdoc();
	test_docsig();
	return unit_finish("test-reference-model");
}
