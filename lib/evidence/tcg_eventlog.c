/* SPDX-License-Identifier: Apache-2.0 */
/* TCG2 / legacy SHA-1 / CCEL firmware event-log reader and replay. Sources in
 * tcg_eventlog.h. */
#include "evidence/tcg_eventlog.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/bytes.h"

#define SHA1_EVENT_HDR 32 /* pcr u32, type u32, digest[20], size u32 */
static const char SPEC_ID_SIG[16] = "Spec ID Event03";
static const char STARTUP_LOCALITY_SIG[16] = "StartupLocality";

/* The rest of the log is unused space: edk2 fills CCEL with 0xFF, TPM logs exported
 * by the kernel may end in zeros. */
static int only_fill(const uint8_t *p, size_t n)
{
	if (n == 0)
		return 1;
	if (p[0] != 0x00 && p[0] != 0xFF)
		return 0;
	for (size_t i = 1; i < n; i++)
		if (p[i] != p[0])
			return 0;
	return 1;
}

/* Parses the TCG_EfiSpecIDEvent in data; fills the algorithm table. */
static int parse_spec_id(const uint8_t *d, size_t n, struct tcg_log *log)
{
	uint32_t count;
	size_t off;

	/* signature[16] platformClass u32 minor u8 major u8 errata u8 uintnSize u8
	 * numberOfAlgorithms u32, then {algorithmId u16, digestSize u16}[n]. */
	if (n < 28)
		return -EBADMSG;
	count = le32(d + 24);
	if (count == 0 || count > TCG_MAX_ALGS || n < 28 + 4 * (size_t)count + 1)
		return -EBADMSG;
	off = 28;
	for (uint32_t i = 0; i < count; i++, off += 4) {
		uint16_t alg = le16(d + off), size = le16(d + off + 2);
		enum digest_alg da;

		/* The size must be the algorithm's, or every later record is misread. An
		 * algorithm lib/measure/digest does not know (SM3) keeps its declared size, so
		 * iteration still works; replay refuses it. */
		if (digest_from_tpm_alg(alg, &da) == 0 && digest_len(da) != size)
			return -EBADMSG;
		if (size == 0 || size > DIGEST_MAX)
			return -EBADMSG;
		for (uint32_t j = 0; j < i; j++)
			if (log->algs[j] == alg)
				return -EBADMSG;
		log->algs[i] = alg;
		log->alg_sizes[i] = size;
	}
	log->n_algs = count;
	return 0;
}

int tcg_log_open(const uint8_t *buf, size_t len, enum tcg_log_format want, struct tcg_log *ret)
{
	struct tcg_log log;
	enum tcg_log_format found;
	uint32_t size;
	int r;

	if (!buf || len < SHA1_EVENT_HDR || len > TCG_LOG_MAX_SIZE)
		return -EINVAL;
	memset(&log, 0, sizeof(log));
	log.buf = buf;
	log.len = len;

	size = le32(buf + 28);
	if (le32(buf + 4) == EV_NO_ACTION && size >= 16 && size <= len - SHA1_EVENT_HDR &&
	    memcmp(buf + SHA1_EVENT_HDR, SPEC_ID_SIG, 16) == 0) {
		r = parse_spec_id(buf + SHA1_EVENT_HDR, size, &log);
		if (r < 0)
			return r;
		/* TDVF writes PCRIndex 1 into the SpecID header of the CC event log and
		 * lists only SHA-384 (SetupCcEventLog); TPM logs use PCR 0. */
		found = le32(buf) == 1 && log.n_algs == 1 && log.algs[0] == 0x000C ?
			TCG_LOG_CCEL : TCG_LOG_CRYPTO_AGILE;
		if (want == TCG_LOG_CCEL && log.n_algs == 1 && log.algs[0] == 0x000C)
			found = TCG_LOG_CCEL;
	} else {
		found = TCG_LOG_SHA1;
		log.n_algs = 1;
		log.algs[0] = 0x0004;
		log.alg_sizes[0] = 20;
	}
	if (want != TCG_LOG_AUTO && want != found)
		return -EINVAL;
	log.format = found;
	log.header_pending = 1;
	*ret = log;
	return 0;
}

static int next_sha1_form(struct tcg_log *log, struct tcg_event *ev)
{
	const uint8_t *p = log->buf + log->pos;
	size_t left = log->len - log->pos;
	uint32_t size;

	if (left < SHA1_EVENT_HDR)
		return -EBADMSG;
	size = le32(p + 28);
	if (size > left - SHA1_EVENT_HDR)
		return -EBADMSG;
	ev->offset = log->pos;
	ev->index = le32(p);
	ev->type = le32(p + 4);
	ev->n_digests = 1;
	ev->digests[0] = (struct tcg_digest){ 0x0004, p + 8, 20 };
	ev->data = p + SHA1_EVENT_HDR;
	ev->data_len = size;
	log->pos += SHA1_EVENT_HDR + size;
	return 1;
}

static int next_agile(struct tcg_log *log, struct tcg_event *ev)
{
	const uint8_t *p = log->buf + log->pos;
	size_t left = log->len - log->pos, off = 12;
	uint32_t count, size;

	if (left < 12)
		return -EBADMSG;
	ev->offset = log->pos;
	ev->index = le32(p);
	ev->type = le32(p + 4);
	count = le32(p + 8);
	if (count > TCG_MAX_ALGS)
		return -EBADMSG;
	for (uint32_t i = 0; i < count; i++) {
		uint16_t alg, dsize = 0;

		if (left - off < 2)
			return -EBADMSG;
		alg = le16(p + off);
		for (size_t j = 0; j < log->n_algs; j++)
			if (log->algs[j] == alg)
				dsize = log->alg_sizes[j];
		/* A digest of an algorithm the SpecID did not declare has no known size:
		 * the rest of the log cannot be framed. */
		if (dsize == 0)
			return -EBADMSG;
		for (uint32_t j = 0; j < i; j++)
			if (ev->digests[j].alg == alg)
				return -EBADMSG;
		off += 2;
		if (left - off < dsize)
			return -EBADMSG;
		ev->digests[i] = (struct tcg_digest){ alg, p + off, dsize };
		off += dsize;
	}
	ev->n_digests = count;
	if (left - off < 4)
		return -EBADMSG;
	size = le32(p + off);
	off += 4;
	if (size > left - off)
		return -EBADMSG;
	ev->data = p + off;
	ev->data_len = size;
	log->pos += off + size;
	return 1;
}

int tcg_log_next(struct tcg_log *log, struct tcg_event *ret)
{
	struct tcg_event ev;
	int r;

	if (log->pos >= log->len)
		return 0;
	memset(&ev, 0, sizeof(ev));
	if (log->header_pending || log->format == TCG_LOG_SHA1) {
		log->header_pending = 0;
		if (log->format == TCG_LOG_SHA1 && log->pos > 0 &&
		    only_fill(log->buf + log->pos, log->len - log->pos))
			return 0;
		r = next_sha1_form(log, &ev);
	} else {
		if (only_fill(log->buf + log->pos, log->len - log->pos))
			return 0;
		/* CCEL: edk2 stops at the first all-0xFF record header. */
		if (log->format == TCG_LOG_CCEL && log->len - log->pos >= 4 &&
		    le32(log->buf + log->pos) == 0xFFFFFFFFu)
			return 0;
		r = next_agile(log, &ev);
	}
	if (r < 0) {
		log->pos = log->len; /* stop: the framing is lost */
		return r;
	}
	*ret = ev;
	return 1;
}

/* A StartupLocality record (PC Client FP spec §10.4.5.3) gives PCR 0 its starting
 * value: locality in the last byte. It is honoured only as PCR 0's one record of
 * 17 bytes, before anything extended PCR 0; anywhere else it would wipe PCR 0 events
 * listed before it from the replay, so the log is refused. The CC event log has no
 * locality at all. Returns 1 (applied), 0 (not a StartupLocality record), -EBADMSG. */
static int startup_locality(const struct tcg_event *ev, enum tcg_log_format format, int *pcr0_started,
			    struct tcg_replay *rp)
{
	if (ev->type != EV_NO_ACTION || ev->data_len < 16 || memcmp(ev->data, STARTUP_LOCALITY_SIG, 16) != 0)
		return 0;
	if (format == TCG_LOG_CCEL || ev->index != 0 || ev->data_len != 17 || *pcr0_started)
		return -EBADMSG;
	for (size_t b = 0; b < rp->n_banks; b++) {
		memset(rp->reg[b][0], 0, DIGEST_MAX);
		rp->reg[b][0][digest_len(rp->bank_alg[b]) - 1] = ev->data[16];
	}
	*pcr0_started = 1;
	return 1;
}

int tcg_log_replay(const uint8_t *buf, size_t len, enum tcg_log_format want, struct tcg_replay *ret)
{
	struct tcg_log log;
	struct tcg_event ev;
	struct tcg_replay *rp = ret;
	struct tcg_replay tmp;
	int r, first = 1, pcr0_started = 0;

	r = tcg_log_open(buf, len, want, &log);
	if (r < 0)
		return r;
	memset(&tmp, 0, sizeof(tmp));
	tmp.format = log.format;
	tmp.n_banks = log.n_algs;
	for (size_t b = 0; b < log.n_algs; b++) {
		tmp.bank_tpm_alg[b] = log.algs[b];
		if (digest_from_tpm_alg(log.algs[b], &tmp.bank_alg[b]) < 0)
			return -EOPNOTSUPP;
	}

	while ((r = tcg_log_next(&log, &ev)) > 0) {
		unsigned reg;

		if (first && log.format != TCG_LOG_SHA1) {
			first = 0; /* the SpecID header event */
			continue;
		}
		first = 0;
		r = startup_locality(&ev, log.format, &pcr0_started, &tmp);
		if (r < 0)
			return r;
		if (ev.type == EV_NO_ACTION)
			continue;
		if (log.format == TCG_LOG_CCEL) {
			/* MR index 1..4 = RTMR0..3; 0 (MRTD) is never extended by firmware. */
			if (ev.index < 1 || ev.index > TCG_NUM_RTMRS)
				return -EBADMSG;
			reg = ev.index - 1;
		} else {
			if (ev.index >= TCG_NUM_PCRS)
				return -EBADMSG;
			reg = ev.index;
			pcr0_started |= reg == 0;
		}
		/* Every active bank must be extended by every event (PC Client FP spec:
		 * "all active PCR banks"); a missing bank would let its value float. */
		if (ev.n_digests != tmp.n_banks)
			return -EBADMSG;
		for (size_t b = 0; b < tmp.n_banks; b++) {
			const struct tcg_digest *d = NULL;

			for (size_t i = 0; i < ev.n_digests; i++)
				if (ev.digests[i].alg == tmp.bank_tpm_alg[b])
					d = &ev.digests[i];
			if (!d)
				return -EBADMSG;
			r = digest_extend(tmp.bank_alg[b], tmp.reg[b][reg], d->d);
			if (r < 0)
				return r;
			tmp.extended[b] |= UINT32_C(1) << reg;
		}
		tmp.n_events++;
	}
	if (r < 0)
		return r;
	memcpy(rp, &tmp, sizeof(tmp));
	return 0;
}

const char *tcg_event_type_name(uint32_t type)
{
	switch (type) {
	case 0x0: return "EV_PREBOOT_CERT";
	case 0x1: return "EV_POST_CODE";
	case 0x2: return "EV_UNUSED";
	case 0x3: return "EV_NO_ACTION";
	case 0x4: return "EV_SEPARATOR";
	case 0x5: return "EV_ACTION";
	case 0x6: return "EV_EVENT_TAG";
	case 0x7: return "EV_S_CRTM_CONTENTS";
	case 0x8: return "EV_S_CRTM_VERSION";
	case 0x9: return "EV_CPU_MICROCODE";
	case 0xA: return "EV_PLATFORM_CONFIG_FLAGS";
	case 0xB: return "EV_TABLE_OF_DEVICES";
	case 0xC: return "EV_COMPACT_HASH";
	case 0xD: return "EV_IPL";
	case 0xE: return "EV_IPL_PARTITION_DATA";
	case 0xF: return "EV_NONHOST_CODE";
	case 0x10: return "EV_NONHOST_CONFIG";
	case 0x11: return "EV_NONHOST_INFO";
	case 0x12: return "EV_OMIT_BOOT_DEVICE_EVENTS";
	case 0x80000001u: return "EV_EFI_VARIABLE_DRIVER_CONFIG";
	case 0x80000002u: return "EV_EFI_VARIABLE_BOOT";
	case 0x80000003u: return "EV_EFI_BOOT_SERVICES_APPLICATION";
	case 0x80000004u: return "EV_EFI_BOOT_SERVICES_DRIVER";
	case 0x80000005u: return "EV_EFI_RUNTIME_SERVICES_DRIVER";
	case 0x80000006u: return "EV_EFI_GPT_EVENT";
	case 0x80000007u: return "EV_EFI_ACTION";
	case 0x80000008u: return "EV_EFI_PLATFORM_FIRMWARE_BLOB";
	case 0x80000009u: return "EV_EFI_HANDOFF_TABLES";
	case 0x8000000Au: return "EV_EFI_PLATFORM_FIRMWARE_BLOB2";
	case 0x8000000Bu: return "EV_EFI_HANDOFF_TABLES2";
	case 0x8000000Cu: return "EV_EFI_VARIABLE_BOOT2";
	case 0x80000010u: return "EV_EFI_HCRTM_EVENT";
	case 0x800000E0u: return "EV_EFI_VARIABLE_AUTHORITY";
	case 0x800000E1u: return "EV_EFI_SPDM_FIRMWARE_BLOB";
	case 0x800000E2u: return "EV_EFI_SPDM_FIRMWARE_CONFIG";
	}
	return NULL;
}

/* Appends printable ASCII from an 8-bit (wide=0) or UTF-16LE (wide=1) string, up to
 * n bytes of input, stopping at NUL; other characters become '.'. */
static void put_text(char *out, size_t size, size_t *pos, const uint8_t *s, size_t n, int wide)
{
	for (size_t i = 0; i + (wide ? 1 : 0) < n; i += wide ? 2 : 1) {
		unsigned c = wide ? le16(s + i) : s[i];

		if (c == 0)
			break;
		if (*pos + 1 >= size)
			return;
		out[(*pos)++] = c >= 0x20 && c < 0x7f ? (char)c : '.';
	}
	out[*pos] = 0;
}

void tcg_event_describe(const struct tcg_event *ev, char *out, size_t size)
{
	const uint8_t *d = ev->data;
	size_t n = ev->data_len, pos = 0;

	if (size == 0)
		return;
	out[0] = 0;
	switch (ev->type) {
	case EV_NO_ACTION:
		/* SpecID, StartupLocality and other signed headers: a 16-byte ASCII tag. */
		if (n >= 16)
			put_text(out, size, &pos, d, 16, 0);
		if (n == 17 && memcmp(d, STARTUP_LOCALITY_SIG, 16) == 0)
			snprintf(out + pos, size - pos, " %u", d[16]);
		return;
	case EV_POST_CODE:
	case EV_SEPARATOR:
		if (n == 4) {
			snprintf(out, size, "%08x", le32(d));
			return;
		}
		/* fall through */
	case EV_ACTION:
	case EV_EFI_ACTION:
	case EV_IPL:
	case EV_S_CRTM_CONTENTS:
		put_text(out, size, &pos, d, n, 0);
		return;
	case EV_S_CRTM_VERSION:
		put_text(out, size, &pos, d, n, 1);
		return;
	case EV_EVENT_TAG:
		/* TCG_PCClientTaggedEvent: taggedEventID u32, size u32, data. Linux's EFI stub
		 * puts a description string in the data (efi-stub-helper.c). */
		if (n >= 8) {
			uint32_t dsize = le32(d + 4);

			pos = (size_t)snprintf(out, size, "tag 0x%08x ", le32(d));
			if (pos >= size)
				pos = size - 1;
			if (dsize <= n - 8)
				put_text(out, size, &pos, d + 8, dsize, 0);
		}
		return;
	case EV_EFI_VARIABLE_DRIVER_CONFIG:
	case EV_EFI_VARIABLE_BOOT:
	case EV_EFI_VARIABLE_BOOT2:
	case EV_EFI_VARIABLE_AUTHORITY:
		/* UEFI_VARIABLE_DATA: VariableName GUID[16], UnicodeNameLength u64 (chars),
		 * VariableDataLength u64, UnicodeName[], VariableData[]. */
		if (n >= 32) {
			uint64_t chars = le64(d + 16);

			if (chars <= (n - 32) / 2)
				put_text(out, size, &pos, d + 32, (size_t)chars * 2, 1);
		}
		return;
	case EV_EFI_BOOT_SERVICES_APPLICATION:
		/* UEFI_IMAGE_LOAD_EVENT: location u64, length u64, link-time address u64,
		 * device path length u64, device path. */
		if (n >= 32)
			snprintf(out, size, "image at 0x%llx, %llu bytes",
				 (unsigned long long)le64(d), (unsigned long long)le64(d + 8));
		return;
	}
}

const char *tcg_log_format_name(enum tcg_log_format f)
{
	switch (f) {
	case TCG_LOG_AUTO: return "auto";
	case TCG_LOG_SHA1: return "tcg-sha1";
	case TCG_LOG_CRYPTO_AGILE: return "tcg2";
	case TCG_LOG_CCEL: return "ccel";
	}
	return "?";
}
