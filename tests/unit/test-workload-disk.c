/* SPDX-License-Identifier: Apache-2.0 */
/* The workload disk as the agent reads it: the manifest record (exact bytes, length
 * field, zero tail), wldisk_find on a GPT written by cvm-workload's writer (type AND
 * name, CRCs, duplicate roles), and the fields the agent's binding checks read from
 * an SNP report (HOST_DATA @0xC0, REPORT_DATA @0x50), a TDREPORT (MRCONFIGID @576,
 * RTMR3 @864) and a TD quote v4 (MRCONFIGID @232, RTMR3 @520, REPORTDATA @568) — the
 * offsets of docs/guest-interfaces.md §1d/§2, through lib/evidence/snp_report and
 * lib/evidence/tdx_quote. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../measure-agent/gpt-write.h"
#include "evidence/snp_report.h"
#include "evidence/tdx_quote.h"
#include "unit.h"
#include "measure/workload_disk.h"
#include "measure/workload_identity.h"

static void test_record(void)
{
	static const char m[] = "{\"version\":1}";
	uint8_t buf[4096] = {0};
	const uint8_t *got;
	size_t len;

	CHECK_EQ_INT(wldisk_record_encode((const uint8_t *)m, strlen(m), buf, sizeof buf), 0);
	CHECK_MEM(buf, "CVMMANI1", 8);
	CHECK_EQ_INT(buf[8], strlen(m));
	CHECK_EQ_INT(wldisk_record_parse(buf, sizeof buf, &got, &len), 0);
	CHECK_EQ_INT(len, strlen(m));
	CHECK(got == buf + 16);
	CHECK_MEM(got, m, len);

	buf[4095] = 1; /* a byte hidden after M */
	CHECK_EQ_INT(wldisk_record_parse(buf, sizeof buf, &got, &len), -EBADMSG);
	buf[4095] = 0;
	buf[8] = 0xF1; buf[9] = 0x0F; /* L = 4081: one byte beyond the partition */
	CHECK_EQ_INT(wldisk_record_parse(buf, sizeof buf, &got, &len), -EBADMSG);
	buf[8] = 0x01; buf[9] = 0x00; buf[10] = 0x01; /* L = 65537 */
	CHECK_EQ_INT(wldisk_record_parse(buf, sizeof buf, &got, &len), -EFBIG);
	buf[8] = 0; buf[10] = 0; /* L = 0 */
	CHECK_EQ_INT(wldisk_record_parse(buf, sizeof buf, &got, &len), -EBADMSG);
	buf[8] = (uint8_t)strlen(m);
	buf[12] = 1; /* reserved */
	CHECK_EQ_INT(wldisk_record_parse(buf, sizeof buf, &got, &len), -EBADMSG);
	buf[12] = 0;
	buf[0] = 'X';
	CHECK_EQ_INT(wldisk_record_parse(buf, sizeof buf, &got, &len), -EBADMSG);
	CHECK_EQ_INT(wldisk_record_parse(buf, 15, &got, &len), -EBADMSG);
	CHECK_EQ_INT(wldisk_record_encode((const uint8_t *)m, strlen(m), buf, 20), -EINVAL);
}

static int make_disk(struct gptw_part *parts, size_t n)
{
	uint8_t guid[16] = { 1, 2, 3 };
	uint64_t sectors = gptw_layout(parts, n);
	int fd = memfd_create("disk", MFD_CLOEXEC);

	CHECK(fd >= 0);
	CHECK_EQ_INT(ftruncate(fd, (off_t)(sectors * 512)), 0);
	CHECK_EQ_INT(gptw_write(fd, sectors, guid, parts, n), 0);
	return fd;
}

static void test_find(void)
{
	struct gptw_part parts[4] = {
		{ .type = wldisk_type_manifest, .uuid = { 1 }, .name = WLDISK_LABEL_MANIFEST, .sectors = 8 },
		{ .type = wldisk_type_payload, .uuid = { 2 }, .name = WLDISK_LABEL_PAYLOAD, .sectors = 16 },
		{ .type = wldisk_type_verity, .uuid = { 3 }, .name = WLDISK_LABEL_VERITY, .sectors = 8 },
		{ .type = wldisk_type_payload, .uuid = { 4 }, .name = WLDISK_LABEL_PAYLOAD, .sectors = 8 },
	};
	static const char m[] = "{\"version\":1,\"name\":\"a\",\"argv\":[\"/x\"],\"user\":{\"uid\":0,\"gid\":0}}";
	uint8_t rec[4096] = {0}, *got = NULL, b;
	struct wldisk d;
	size_t len = 0;
	int fd;

	fd = make_disk(parts, 3);
	CHECK_EQ_INT(wldisk_find(fd, (uint64_t)lseek(fd, 0, SEEK_END), &d), 0);
	CHECK_EQ_INT(d.manifest.number, 1);
	CHECK_EQ_INT(d.payload.number, 2);
	CHECK_EQ_INT(d.verity.number, 3);
	CHECK_EQ_INT(d.manifest.offset, parts[0].first_lba * 512);
	CHECK_EQ_INT(d.payload.size, 16 * 512);
	CHECK_EQ_INT(d.manifest.offset % 4096, 0);
	CHECK_EQ_INT(d.payload.offset % 4096, 0);
	/* empty manifest partition: not a record */
	CHECK_EQ_INT(wldisk_read_manifest(fd, &d, &got, &len), -EBADMSG);
	CHECK_EQ_INT(wldisk_record_encode((const uint8_t *)m, strlen(m), rec, sizeof rec), 0);
	CHECK_EQ_INT(pwrite(fd, rec, sizeof rec, (off_t)d.manifest.offset), (ssize_t)sizeof rec);
	CHECK_EQ_INT(wldisk_read_manifest(fd, &d, &got, &len), 0);
	CHECK_EQ_INT(len, strlen(m));
	CHECK(got && memcmp(got, m, len) == 0);
	free(got);
	/* a flipped bit in the entry array breaks its CRC */
	CHECK_EQ_INT(pread(fd, &b, 1, 1024 + 60), 1);
	b ^= 1;
	CHECK_EQ_INT(pwrite(fd, &b, 1, 1024 + 60), 1);
	CHECK_EQ_INT(wldisk_find(fd, (uint64_t)lseek(fd, 0, SEEK_END), &d), -EBADMSG);
	close(fd);

	fd = make_disk(parts, 4); /* two payload partitions: ambiguous */
	CHECK_EQ_INT(wldisk_find(fd, (uint64_t)lseek(fd, 0, SEEK_END), &d), -EBADMSG);
	close(fd);
	fd = make_disk(parts + 1, 2); /* no manifest partition: not a workload disk */
	CHECK_EQ_INT(wldisk_find(fd, (uint64_t)lseek(fd, 0, SEEK_END), &d), -ENOENT);
	close(fd);
	parts[0].name = "cvm-manifesto"; /* right type, wrong name */
	fd = make_disk(parts, 3);
	CHECK_EQ_INT(wldisk_find(fd, (uint64_t)lseek(fd, 0, SEEK_END), &d), -ENOENT);
	close(fd);
	fd = memfd_create("empty", MFD_CLOEXEC);
	CHECK_EQ_INT(ftruncate(fd, 1 << 20), 0);
	CHECK_EQ_INT(wldisk_find(fd, 1 << 20, &d), -ENOENT);
	close(fd);
}

static void fill(uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v + i);
}

static void test_offsets(void)
{
	uint8_t *snp = calloc(1, SNP_REPORT_SIZE), *tdr = calloc(1, TDX_REPORT_SIZE), *q = calloc(1, 2048);
	struct snp_report sr;
	struct tdx_report tr;
	struct tdx_quote tq;

	/* SNP ATTESTATION_REPORT v2 (AMD 56860 Table 22) */
	snp[0] = 2;
	snp[0x08 + 2] = 0x02; /* POLICY bit 17 (reserved, must be one) */
	snp[0x34] = 1;        /* SIGNATURE_ALGO ECDSA P-384 */
	fill(snp + 0x50, 64, 0x10);
	fill(snp + 0xC0, 32, 0xA0);
	CHECK_EQ_INT(snp_report_parse(snp, SNP_REPORT_SIZE, &sr), 0);
	CHECK_EQ_INT(sr.host_data[0], 0xA0);
	CHECK_EQ_INT(sr.host_data[31], 0xA0 + 31);
	CHECK_EQ_INT(sr.report_data[0], 0x10);
	CHECK_EQ_INT(sr.report_data[63], 0x10 + 63);

	/* TDREPORT_STRUCT: REPORTTYPE.type 0x81 @0; TDINFO from 512 */
	tdr[0] = 0x81;
	fill(tdr + 576, 48, 0x30);
	fill(tdr + 864, 48, 0x60);
	fill(tdr + 128, 64, 0x90);
	CHECK_EQ_INT(tdx_report_parse(tdr, TDX_REPORT_SIZE, &tr), 0);
	CHECK_EQ_INT(tr.body.mrconfigid[0], 0x30);
	CHECK_EQ_INT(tr.body.mrconfigid[47], 0x30 + 47);
	CHECK_EQ_INT(tr.body.rtmr[3][0], 0x60);
	CHECK_EQ_INT(tr.body.report_data[0], 0x90);

	/* TD quote v4: header 48, body 584 @48, sig len @632 */
	q[0] = 4;
	q[2] = 2;
	q[4] = 0x81;
	fill(q + 232, 48, 0x40);
	fill(q + 520, 48, 0x70);
	fill(q + 568, 64, 0xB0);
	q[632] = 0; /* no signature data: the parser only locates it */
	CHECK_EQ_INT(tdx_quote_parse(q, 636, &tq), 0);
	CHECK_EQ_INT(tq.body.mrconfigid[0], 0x40);
	CHECK_EQ_INT(tq.body.rtmr[3][0], 0x70);
	CHECK_EQ_INT(tq.body.rtmr[3][47], 0x70 + 47);
	CHECK_EQ_INT(tq.body.report_data[0], 0xB0);
	CHECK_EQ_INT(tq.body.report_data[63], (uint8_t)(0xB0 + 63));
	free(snp);
	free(tdr);
	free(q);
}

int main(void)
{
	test_record();
	test_find();
	test_offsets();
	return unit_finish("test-workload-disk");
}
