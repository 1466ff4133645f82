/* SPDX-License-Identifier: Apache-2.0 */
#include "doc/refdoc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/hex.h"
#include "util/strnum.h"
#include "util/json.h"
#include "util/json_write.h"

/* ---- writer ------------------------------------------------------------------------- */

int refdoc_assume(struct refdoc_assumptions *a, const char *key, const char *value)
{
	if (a->n >= REFDOC_MAX_ASSUMPTIONS || strlen(key) >= REFDOC_NAME_MAX ||
	    strlen(value) >= REFDOC_TEXT_MAX)
		return -E2BIG;
	strcpy(a->key[a->n], key);
	strcpy(a->value[a->n], value);
	a->n++;
	return 0;
}

/* The document's layout (reference/FORMAT.md): one member per line, except the entries of
 * lists, which are one line each with a space inside their braces; empty lists and
 * objects still open and close on two lines. The bytes are signed: any change here
 * must keep tests/unit/test-refdoc-golden.c passing. */
#define REFDOC_STYLE (JSON_PAD_LINE | JSON_OPEN_EMPTY)

static void put_assumptions(struct json_writer *w, const struct refdoc_assumptions *a)
{
	json_write_object(w, "assumptions", JSON_BLOCK);
	for (size_t i = 0; i < a->n; i++)
		json_write_string(w, a->key[i], a->value[i]);
	json_write_end(w);
}

static void put_event_list(struct json_writer *w, const char *key, const struct refdoc_events *e,
			   size_t dlen)
{
	json_write_array(w, key, JSON_BLOCK);
	for (size_t i = 0; i < e->n; i++) {
		json_write_object(w, NULL, JSON_LINE);
		json_write_uint(w, "pcr", e->ev[i].pcr);
		json_write_string(w, "type", e->ev[i].type);
		json_write_hex(w, "digest", e->ev[i].digest, dlen);
		json_write_string(w, "what", e->ev[i].what);
		json_write_end(w);
	}
	json_write_end(w);
}

/* "events": the two registers' (or banks') lists. */
static void put_events(struct json_writer *w, const char *key1, const struct refdoc_events *e1, size_t dlen1,
		       const char *key2, const struct refdoc_events *e2, size_t dlen2)
{
	json_write_object(w, "events", JSON_BLOCK);
	put_event_list(w, key1, e1, dlen1);
	put_event_list(w, key2, e2, dlen2);
	json_write_end(w);
}

static void put_image(struct json_writer *w, const struct refdoc *d)
{
	json_write_object(w, "image", JSON_BLOCK);
	json_write_object(w, "uki", JSON_BLOCK);
	json_write_string(w, "file", d->uki.file);
	json_write_uint(w, "size", d->uki.size);
	json_write_hex(w, "sha256", d->uki.sha256, 32);
	json_write_hex(w, "authenticode_sha256", d->uki.authenticode_sha256, 32);
	json_write_hex(w, "authenticode_sha384", d->uki.authenticode_sha384, 48);
	json_write_string(w, "stub", d->uki.stub);
	json_write_array(w, "sections", JSON_BLOCK);
	for (size_t i = 0; i < d->uki.n_sections; i++) {
		json_write_object(w, NULL, JSON_LINE);
		json_write_string(w, "name", d->uki.sections[i].name);
		json_write_uint(w, "size", d->uki.sections[i].size);
		json_write_hex(w, "sha256", d->uki.sections[i].sha256, 32);
		json_write_end(w);
	}
	json_write_end(w);
	json_write_end(w);
	json_write_object(w, "kernel", JSON_BLOCK);
	json_write_uint(w, "size", d->kernel.size);
	json_write_hex(w, "sha256", d->kernel.sha256, 32);
	json_write_hex(w, "authenticode_sha256", d->kernel.authenticode_sha256, 32);
	json_write_hex(w, "authenticode_sha384", d->kernel.authenticode_sha384, 48);
	json_write_end(w);
	json_write_string(w, "cmdline", d->cmdline);
	if (d->has_roothash)
		json_write_string(w, "roothash", d->roothash);
	json_write_end(w);
}

static void put_inputs(struct json_writer *w, const struct refdoc *d)
{
	json_write_array(w, "inputs", JSON_BLOCK);
	for (size_t i = 0; i < d->n_inputs; i++) {
		const struct refdoc_file *in = &d->inputs[i];

		json_write_object(w, NULL, JSON_LINE);
		json_write_string(w, "role", in->role);
		json_write_string(w, "file", in->file);
		json_write_uint(w, "size", in->size);
		json_write_hex(w, "sha256", in->sha256, 32);
		json_write_hex(w, "sha384", in->sha384, 48);
		json_write_end(w);
	}
	json_write_end(w);
}

static void put_pcr_bank(struct json_writer *w, const char *bank, const struct refdoc *d, bool sha384)
{
	json_write_object(w, bank, JSON_BLOCK);
	for (unsigned p = 0; p < REFDOC_PCRS; p++) {
		char key[4];

		if (!(d->pcr_mask & (1u << p)))
			continue;
		snprintf(key, sizeof key, "%u", p);
		if (sha384)
			json_write_hex(w, key, d->pcr_sha384[p], 48);
		else
			json_write_hex(w, key, d->pcr_sha256[p], 32);
	}
	json_write_end(w);
}

static void put_vtpm(struct json_writer *w, const struct refdoc *d)
{
	json_write_object(w, "vtpm", JSON_BLOCK);
	json_write_string(w, "boot", "uefi-disk-uki");
	put_assumptions(w, &d->vtpm_assumptions);
	json_write_object(w, "pcrs", JSON_BLOCK);
	put_pcr_bank(w, "sha256", d, false);
	put_pcr_bank(w, "sha384", d, true);
	json_write_end(w);
	json_write_array(w, "pcr11_phases", JSON_BLOCK);
	for (size_t i = 0; i < d->n_pcr11_phases; i++) {
		json_write_object(w, NULL, JSON_LINE);
		json_write_string(w, "phases", d->pcr11_phases[i].phases);
		json_write_hex(w, "sha256", d->pcr11_phases[i].sha256, 32);
		json_write_hex(w, "sha384", d->pcr11_phases[i].sha384, 48);
		json_write_end(w);
	}
	json_write_end(w);
	put_events(w, "sha256", &d->events_sha256, 32, "sha384", &d->events_sha384, 48);
	json_write_end(w);
}

static void put_tdx(struct json_writer *w, const struct refdoc *d)
{
	json_write_object(w, "tdx", JSON_BLOCK);
	put_assumptions(w, &d->tdx_assumptions);
	json_write_array(w, "mrtd", JSON_BLOCK);
	for (size_t i = 0; i < d->n_mrtd; i++) {
		json_write_object(w, NULL, JSON_LINE);
		json_write_string(w, "firmware", d->mrtd[i].firmware);
		json_write_string(w, "order", d->mrtd[i].order);
		json_write_hex(w, "value", d->mrtd[i].value, 48);
		json_write_end(w);
	}
	json_write_end(w);
	json_write_hex(w, "rtmr1", d->rtmr1, 48);
	json_write_hex(w, "rtmr2", d->rtmr2, 48);
	put_events(w, "rtmr1", &d->events_rtmr1, 48, "rtmr2", &d->events_rtmr2, 48);
	json_write_end(w);
}

static void put_snp(struct json_writer *w, const struct refdoc *d)
{
	char features[2 + 16 + 1];

	json_write_object(w, "snp", JSON_BLOCK);
	put_assumptions(w, &d->snp_assumptions);
	json_write_object(w, "direct_boot", JSON_BLOCK);
	json_write_hex(w, "kernel_sha256", d->snp_kernel_sha256, 32);
	json_write_hex(w, "initrd_sha256", d->snp_initrd_sha256, 32);
	json_write_hex(w, "cmdline_sha256", d->snp_cmdline_sha256, 32);
	json_write_end(w);
	snprintf(features, sizeof features, "0x%" PRIx64, d->snp_guest_features);
	json_write_string(w, "guest_features", features);
	json_write_array(w, "measurements", JSON_BLOCK);
	for (size_t i = 0; i < d->n_snp; i++) {
		json_write_object(w, NULL, JSON_LINE);
		json_write_uint(w, "vcpus", d->snp[i].vcpus);
		json_write_string(w, "cpu_type", d->snp[i].cpu_type);
		json_write_hex(w, "value", d->snp[i].value, 48);
		json_write_end(w);
	}
	json_write_end(w);
	json_write_end(w);
}

int refdoc_write(FILE *f, const struct refdoc *d)
{
	struct json_writer w;

	json_writer_to_file(&w, f, REFDOC_STYLE);
	json_write_object(&w, NULL, JSON_BLOCK);
	json_write_uint(&w, "version", REFDOC_VERSION);
	json_write_string(&w, "kind", REFDOC_KIND);
	put_image(&w, d);
	put_inputs(&w, d);
	if (d->has_vtpm)
		put_vtpm(&w, d);
	if (d->has_tdx)
		put_tdx(&w, d);
	if (d->has_snp)
		put_snp(&w, d);
	json_write_end(&w);
	return json_writer_finish(&w);
}

/* ---- reader ------------------------------------------------------------------------- */

struct rd {
	char *err;
	size_t errlen;
};

static int fail(struct rd *rd, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct rd *rd, int r, const char *fmt, ...)
{
	va_list ap;

	if (rd->err && rd->errlen > 0 && rd->err[0] == 0) {
		va_start(ap, fmt);
		vsnprintf(rd->err, rd->errlen, fmt, ap);
		va_end(ap);
	}
	return r;
}

static int only_keys(struct rd *rd, const struct json_value *o, const char *where,
		     const char *const *allowed)
{
	if (json_type(o) != JSON_OBJECT)
		return fail(rd, -EINVAL, "%s: not an object", where);
	for (size_t i = 0; i < json_object_len(o); i++) {
		const char *k = json_object_key(o, i);
		size_t j = 0;

		while (allowed[j] && strcmp(allowed[j], k) != 0)
			j++;
		if (!allowed[j])
			return fail(rd, -EINVAL, "%s: unknown key \"%s\"", where, k);
	}
	return 0;
}

static const struct json_value *need(struct rd *rd, const struct json_value *o, const char *key,
				     enum json_type t, const char *where)
{
	const struct json_value *v = json_get(o, key);

	if (!v || json_type(v) != t) {
		fail(rd, -EINVAL, "%s.%s: missing or of the wrong type", where, key);
		return NULL;
	}
	return v;
}

static int get_str(struct rd *rd, const struct json_value *o, const char *key, char *out,
		   size_t max, const char *where)
{
	const struct json_value *v = need(rd, o, key, JSON_STRING, where);
	const char *s = v ? json_string(v) : NULL;

	if (!s)
		return -EINVAL;
	if (strlen(s) >= max)
		return fail(rd, -E2BIG, "%s.%s: too long", where, key);
	strcpy(out, s);
	return 0;
}

static int get_hex(struct rd *rd, const struct json_value *o, const char *key, uint8_t *out,
		   size_t n, const char *where)
{
	const struct json_value *v = need(rd, o, key, JSON_STRING, where);
	const char *s = v ? json_string(v) : NULL;

	if (!s)
		return -EINVAL;
	/* Lower-case only: one spelling per value keeps signed documents canonical. */
	for (const char *p = s; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			return fail(rd, -EINVAL, "%s.%s: upper-case hex", where, key);
	if (hex_decode_exact(s, out, n) < 0)
		return fail(rd, -EINVAL, "%s.%s: not %zu bytes of hex", where, key, n);
	return 0;
}

static int get_u64(struct rd *rd, const struct json_value *o, const char *key, uint64_t *out,
		   const char *where)
{
	const struct json_value *v = need(rd, o, key, JSON_NUMBER, where);

	if (!v || json_uint64(v, out) < 0)
		return fail(rd, -EINVAL, "%s.%s: not a non-negative integer", where, key);
	return 0;
}

static int get_assumptions(struct rd *rd, const struct json_value *parent, const char *where,
			   struct refdoc_assumptions *a)
{
	const struct json_value *o = need(rd, parent, "assumptions", JSON_OBJECT, where);

	if (!o)
		return -EINVAL;
	a->n = 0;
	for (size_t i = 0; i < json_object_len(o); i++) {
		const char *s = json_string(json_object_value(o, i));

		if (!s)
			return fail(rd, -EINVAL, "%s.assumptions: values must be strings", where);
		if (refdoc_assume(a, json_object_key(o, i), s) < 0)
			return fail(rd, -E2BIG, "%s.assumptions: too many or too long", where);
	}
	return 0;
}

static int get_events(struct rd *rd, const struct json_value *arr, size_t dlen, const char *where,
		      struct refdoc_events *e)
{
	static const char *const keys[] = { "pcr", "type", "digest", "what", NULL };

	if (!arr || json_type(arr) != JSON_ARRAY)
		return fail(rd, -EINVAL, "%s: not an array", where);
	if (json_array_len(arr) > REFDOC_MAX_EVENTS)
		return fail(rd, -E2BIG, "%s: too many events", where);
	e->n = 0;
	for (size_t i = 0; i < json_array_len(arr); i++) {
		const struct json_value *o = json_array_at(arr, i);
		struct refdoc_event *ev = &e->ev[e->n];
		uint64_t pcr;
		int r;

		if ((r = only_keys(rd, o, where, keys)) < 0 ||
		    (r = get_u64(rd, o, "pcr", &pcr, where)) < 0 ||
		    (r = get_str(rd, o, "type", ev->type, sizeof(ev->type), where)) < 0 ||
		    (r = get_str(rd, o, "what", ev->what, sizeof(ev->what), where)) < 0 ||
		    (r = get_hex(rd, o, "digest", ev->digest, dlen, where)) < 0)
			return r;
		if (pcr >= REFDOC_PCRS)
			return fail(rd, -EINVAL, "%s: pcr %" PRIu64 " out of range", where, pcr);
		ev->pcr = (uint32_t)pcr;
		e->n++;
	}
	return 0;
}

static int parse_uki(struct rd *rd, const struct json_value *o, struct refdoc *d)
{
	static const char *const keys[] = { "file", "size", "sha256", "authenticode_sha256",
					    "authenticode_sha384", "stub", "sections", NULL };
	static const char *const skeys[] = { "name", "size", "sha256", NULL };
	const struct json_value *secs;
	int r;

	if ((r = only_keys(rd, o, "image.uki", keys)) < 0 ||
	    (r = get_str(rd, o, "file", d->uki.file, sizeof(d->uki.file), "image.uki")) < 0 ||
	    (r = get_u64(rd, o, "size", &d->uki.size, "image.uki")) < 0 ||
	    (r = get_hex(rd, o, "sha256", d->uki.sha256, 32, "image.uki")) < 0 ||
	    (r = get_hex(rd, o, "authenticode_sha256", d->uki.authenticode_sha256, 32, "image.uki")) < 0 ||
	    (r = get_hex(rd, o, "authenticode_sha384", d->uki.authenticode_sha384, 48, "image.uki")) < 0 ||
	    (r = get_str(rd, o, "stub", d->uki.stub, sizeof(d->uki.stub), "image.uki")) < 0)
		return r;
	secs = need(rd, o, "sections", JSON_ARRAY, "image.uki");
	if (!secs)
		return -EINVAL;
	if (json_array_len(secs) > REFDOC_MAX_SECTIONS)
		return fail(rd, -E2BIG, "image.uki.sections: too many");
	d->uki.n_sections = 0;
	for (size_t i = 0; i < json_array_len(secs); i++) {
		const struct json_value *s = json_array_at(secs, i);
		struct refdoc_section *out = &d->uki.sections[i];

		if ((r = only_keys(rd, s, "image.uki.sections", skeys)) < 0 ||
		    (r = get_str(rd, s, "name", out->name, sizeof(out->name), "image.uki.sections")) < 0 ||
		    (r = get_u64(rd, s, "size", &out->size, "image.uki.sections")) < 0 ||
		    (r = get_hex(rd, s, "sha256", out->sha256, 32, "image.uki.sections")) < 0)
			return r;
		d->uki.n_sections++;
	}
	return 0;
}

static int parse_image(struct rd *rd, const struct json_value *o, struct refdoc *d)
{
	static const char *const keys[] = { "uki", "kernel", "cmdline", "roothash", NULL };
	static const char *const kkeys[] = { "size", "sha256", "authenticode_sha256",
					     "authenticode_sha384", NULL };
	const struct json_value *k;
	int r;

	if ((r = only_keys(rd, o, "image", keys)) < 0)
		return r;
	k = need(rd, o, "uki", JSON_OBJECT, "image");
	if (!k || (r = parse_uki(rd, k, d)) < 0)
		return k ? r : -EINVAL;
	k = need(rd, o, "kernel", JSON_OBJECT, "image");
	if (!k)
		return -EINVAL;
	if ((r = only_keys(rd, k, "image.kernel", kkeys)) < 0 ||
	    (r = get_u64(rd, k, "size", &d->kernel.size, "image.kernel")) < 0 ||
	    (r = get_hex(rd, k, "sha256", d->kernel.sha256, 32, "image.kernel")) < 0 ||
	    (r = get_hex(rd, k, "authenticode_sha256", d->kernel.authenticode_sha256, 32, "image.kernel")) < 0 ||
	    (r = get_hex(rd, k, "authenticode_sha384", d->kernel.authenticode_sha384, 48, "image.kernel")) < 0 ||
	    (r = get_str(rd, o, "cmdline", d->cmdline, sizeof(d->cmdline), "image")) < 0)
		return r;
	d->has_roothash = json_get(o, "roothash") != NULL;
	if (d->has_roothash)
		return get_str(rd, o, "roothash", d->roothash, sizeof(d->roothash), "image");
	return 0;
}

static int parse_inputs(struct rd *rd, const struct json_value *arr, struct refdoc *d)
{
	static const char *const keys[] = { "role", "file", "size", "sha256", "sha384", NULL };

	if (json_type(arr) != JSON_ARRAY)
		return fail(rd, -EINVAL, "inputs: not an array");
	if (json_array_len(arr) > REFDOC_MAX_INPUTS)
		return fail(rd, -E2BIG, "inputs: too many");
	d->n_inputs = 0;
	for (size_t i = 0; i < json_array_len(arr); i++) {
		const struct json_value *o = json_array_at(arr, i);
		struct refdoc_file *f = &d->inputs[i];
		int r;

		if ((r = only_keys(rd, o, "inputs", keys)) < 0 ||
		    (r = get_str(rd, o, "role", f->role, sizeof(f->role), "inputs")) < 0 ||
		    (r = get_str(rd, o, "file", f->file, sizeof(f->file), "inputs")) < 0 ||
		    (r = get_u64(rd, o, "size", &f->size, "inputs")) < 0 ||
		    (r = get_hex(rd, o, "sha256", f->sha256, 32, "inputs")) < 0 ||
		    (r = get_hex(rd, o, "sha384", f->sha384, 48, "inputs")) < 0)
			return r;
		d->n_inputs++;
	}
	return 0;
}

static int parse_pcr_bank(struct rd *rd, const struct json_value *o, size_t dlen, uint32_t *mask,
			  uint8_t *vals, const char *where)
{
	if (!o || json_type(o) != JSON_OBJECT)
		return fail(rd, -EINVAL, "%s: missing", where);
	*mask = 0;
	for (size_t i = 0; i < json_object_len(o); i++) {
		const char *k = json_object_key(o, i);
		uint64_t p;

		/* Decimal without sign or leading zeros, 0..23. */
		if (parse_uint_canonical(k, REFDOC_PCRS - 1, &p) < 0)
			return fail(rd, -EINVAL, "%s: bad PCR index \"%s\"", where, k);
		int r = get_hex(rd, o, k, vals + p * dlen, dlen, where);
		if (r < 0)
			return r;
		*mask |= 1u << p;
	}
	return 0;
}

static int parse_vtpm(struct rd *rd, const struct json_value *o, struct refdoc *d)
{
	static const char *const keys[] = { "boot", "assumptions", "pcrs", "pcr11_phases", "events", NULL };
	static const char *const banks[] = { "sha256", "sha384", NULL };
	static const char *const phkeys[] = { "phases", "sha256", "sha384", NULL };
	const struct json_value *pcrs, *events, *phases;
	uint32_t m256, m384;
	const char *boot;
	int r;

	if ((r = only_keys(rd, o, "vtpm", keys)) < 0)
		return r;
	boot = json_get_string(o, "boot");
	if (!boot || strcmp(boot, "uefi-disk-uki") != 0)
		return fail(rd, -EINVAL, "vtpm.boot: missing or unknown");
	if ((r = get_assumptions(rd, o, "vtpm", &d->vtpm_assumptions)) < 0)
		return r;
	pcrs = need(rd, o, "pcrs", JSON_OBJECT, "vtpm");
	events = need(rd, o, "events", JSON_OBJECT, "vtpm");
	if (!pcrs || !events)
		return -EINVAL;
	if ((r = only_keys(rd, pcrs, "vtpm.pcrs", banks)) < 0 ||
	    (r = only_keys(rd, events, "vtpm.events", banks)) < 0 ||
	    (r = parse_pcr_bank(rd, json_get(pcrs, "sha256"), 32, &m256, &d->pcr_sha256[0][0], "vtpm.pcrs.sha256")) < 0 ||
	    (r = parse_pcr_bank(rd, json_get(pcrs, "sha384"), 48, &m384, &d->pcr_sha384[0][0], "vtpm.pcrs.sha384")) < 0 ||
	    (r = get_events(rd, json_get(events, "sha256"), 32, "vtpm.events.sha256", &d->events_sha256)) < 0 ||
	    (r = get_events(rd, json_get(events, "sha384"), 48, "vtpm.events.sha384", &d->events_sha384)) < 0)
		return r;
	if (m256 != m384)
		return fail(rd, -EINVAL, "vtpm.pcrs: sha256 and sha384 banks list different PCRs");
	phases = need(rd, o, "pcr11_phases", JSON_ARRAY, "vtpm");
	if (!phases)
		return -EINVAL;
	if (json_array_len(phases) > REFDOC_MAX_PHASES)
		return fail(rd, -E2BIG, "vtpm.pcr11_phases: too many");
	d->n_pcr11_phases = 0;
	for (size_t i = 0; i < json_array_len(phases); i++) {
		const struct json_value *ph = json_array_at(phases, i);

		if ((r = only_keys(rd, ph, "vtpm.pcr11_phases", phkeys)) < 0 ||
		    (r = get_str(rd, ph, "phases", d->pcr11_phases[i].phases, REFDOC_TEXT_MAX, "vtpm.pcr11_phases")) < 0 ||
		    (r = get_hex(rd, ph, "sha256", d->pcr11_phases[i].sha256, 32, "vtpm.pcr11_phases")) < 0 ||
		    (r = get_hex(rd, ph, "sha384", d->pcr11_phases[i].sha384, 48, "vtpm.pcr11_phases")) < 0)
			return r;
		d->n_pcr11_phases++;
	}
	d->pcr_mask = m256;
	d->has_vtpm = true;
	return 0;
}

static int parse_tdx(struct rd *rd, const struct json_value *o, struct refdoc *d)
{
	static const char *const keys[] = { "assumptions", "mrtd", "rtmr1", "rtmr2", "events", NULL };
	static const char *const mkeys[] = { "firmware", "order", "value", NULL };
	static const char *const ekeys[] = { "rtmr1", "rtmr2", NULL };
	const struct json_value *mrtd, *events;
	int r;

	if ((r = only_keys(rd, o, "tdx", keys)) < 0 ||
	    (r = get_assumptions(rd, o, "tdx", &d->tdx_assumptions)) < 0 ||
	    (r = get_hex(rd, o, "rtmr1", d->rtmr1, 48, "tdx")) < 0 ||
	    (r = get_hex(rd, o, "rtmr2", d->rtmr2, 48, "tdx")) < 0)
		return r;
	mrtd = need(rd, o, "mrtd", JSON_ARRAY, "tdx");
	events = need(rd, o, "events", JSON_OBJECT, "tdx");
	if (!mrtd || !events)
		return -EINVAL;
	if (json_array_len(mrtd) > REFDOC_MAX_MRTD)
		return fail(rd, -E2BIG, "tdx.mrtd: too many");
	d->n_mrtd = 0;
	for (size_t i = 0; i < json_array_len(mrtd); i++) {
		const struct json_value *m = json_array_at(mrtd, i);

		if ((r = only_keys(rd, m, "tdx.mrtd", mkeys)) < 0 ||
		    (r = get_str(rd, m, "firmware", d->mrtd[i].firmware, REFDOC_NAME_MAX, "tdx.mrtd")) < 0 ||
		    (r = get_str(rd, m, "order", d->mrtd[i].order, REFDOC_NAME_MAX, "tdx.mrtd")) < 0 ||
		    (r = get_hex(rd, m, "value", d->mrtd[i].value, 48, "tdx.mrtd")) < 0)
			return r;
		d->n_mrtd++;
	}
	if ((r = only_keys(rd, events, "tdx.events", ekeys)) < 0 ||
	    (r = get_events(rd, json_get(events, "rtmr1"), 48, "tdx.events.rtmr1", &d->events_rtmr1)) < 0 ||
	    (r = get_events(rd, json_get(events, "rtmr2"), 48, "tdx.events.rtmr2", &d->events_rtmr2)) < 0)
		return r;
	d->has_tdx = true;
	return 0;
}

static int parse_snp(struct rd *rd, const struct json_value *o, struct refdoc *d)
{
	static const char *const keys[] = { "assumptions", "direct_boot", "guest_features",
					    "measurements", NULL };
	static const char *const dkeys[] = { "kernel_sha256", "initrd_sha256", "cmdline_sha256", NULL };
	static const char *const mkeys[] = { "vcpus", "cpu_type", "value", NULL };
	const struct json_value *db, *ms;
	const char *gf;
	int r;

	if ((r = only_keys(rd, o, "snp", keys)) < 0 ||
	    (r = get_assumptions(rd, o, "snp", &d->snp_assumptions)) < 0)
		return r;
	db = need(rd, o, "direct_boot", JSON_OBJECT, "snp");
	ms = need(rd, o, "measurements", JSON_ARRAY, "snp");
	if (!db || !ms)
		return -EINVAL;
	if ((r = only_keys(rd, db, "snp.direct_boot", dkeys)) < 0 ||
	    (r = get_hex(rd, db, "kernel_sha256", d->snp_kernel_sha256, 32, "snp.direct_boot")) < 0 ||
	    (r = get_hex(rd, db, "initrd_sha256", d->snp_initrd_sha256, 32, "snp.direct_boot")) < 0 ||
	    (r = get_hex(rd, db, "cmdline_sha256", d->snp_cmdline_sha256, 32, "snp.direct_boot")) < 0)
		return r;
	gf = json_get_string(o, "guest_features");
	if (!gf || strncmp(gf, "0x", 2) != 0 ||
	    parse_uint(gf + 2, 16, UINT64_MAX, &d->snp_guest_features) < 0)
		return fail(rd, -EINVAL, "snp.guest_features: not a 0x… hex string");
	if (json_array_len(ms) > REFDOC_MAX_SNP)
		return fail(rd, -E2BIG, "snp.measurements: too many");
	d->n_snp = 0;
	for (size_t i = 0; i < json_array_len(ms); i++) {
		const struct json_value *m = json_array_at(ms, i);
		uint64_t v;

		if ((r = only_keys(rd, m, "snp.measurements", mkeys)) < 0 ||
		    (r = get_u64(rd, m, "vcpus", &v, "snp.measurements")) < 0 ||
		    (r = get_str(rd, m, "cpu_type", d->snp[i].cpu_type, REFDOC_NAME_MAX, "snp.measurements")) < 0 ||
		    (r = get_hex(rd, m, "value", d->snp[i].value, 48, "snp.measurements")) < 0)
			return r;
		if (v == 0 || v > 4096)
			return fail(rd, -EINVAL, "snp.measurements: vcpus out of range");
		d->snp[i].vcpus = (unsigned)v;
		d->n_snp++;
	}
	d->has_snp = true;
	return 0;
}

static int parse_top(struct rd *rd, const struct json_value *root, struct refdoc *d)
{
	static const char *const keys[] = { "version", "kind", "image", "inputs", "vtpm", "tdx", "snp", NULL };
	const struct json_value *v;
	const char *kind;
	int64_t version;
	int r;

	if (json_type(root) != JSON_OBJECT)
		return fail(rd, -EINVAL, "document: not a JSON object");
	v = json_get(root, "version");
	if (!v || json_int64(v, &version) < 0)
		return fail(rd, -EINVAL, "version: missing or not an integer");
	if (version != REFDOC_VERSION)
		return fail(rd, -EPROTONOSUPPORT, "version %" PRId64 " is not supported (want %d)",
			    version, REFDOC_VERSION);
	kind = json_get_string(root, "kind");
	if (!kind || strcmp(kind, REFDOC_KIND) != 0)
		return fail(rd, -EPROTONOSUPPORT, "kind: not \"%s\"", REFDOC_KIND);
	if ((r = only_keys(rd, root, "document", keys)) < 0)
		return r;
	d->version = (int)version;
	v = need(rd, root, "image", JSON_OBJECT, "document");
	if (!v || (r = parse_image(rd, v, d)) < 0)
		return v ? r : -EINVAL;
	v = need(rd, root, "inputs", JSON_ARRAY, "document");
	if (!v || (r = parse_inputs(rd, v, d)) < 0)
		return v ? r : -EINVAL;
	if ((v = json_get(root, "vtpm")) && (r = parse_vtpm(rd, v, d)) < 0)
		return r;
	if ((v = json_get(root, "tdx")) && (r = parse_tdx(rd, v, d)) < 0)
		return r;
	if ((v = json_get(root, "snp")) && (r = parse_snp(rd, v, d)) < 0)
		return r;
	return 0;
}

int refdoc_parse(const char *text, size_t len, struct refdoc *ret, char *err, size_t errlen)
{
	struct rd rd = { .err = err, .errlen = errlen };
	struct json_value *root = NULL;
	struct refdoc *d;
	size_t off = 0;
	int r;

	if (err && errlen)
		err[0] = 0;
	r = json_parse(text, len, &root, &off);
	if (r < 0)
		return fail(&rd, r, "not valid JSON (near byte %zu)", off);
	d = calloc(1, sizeof(*d));
	if (!d) {
		json_free(root);
		return -ENOMEM;
	}
	r = parse_top(&rd, root, d);
	json_free(root);
	if (r >= 0)
		memcpy(ret, d, sizeof(*d));
	free(d);
	return r;
}

const uint8_t *refdoc_pcr(const struct refdoc *d, unsigned pcr, size_t alg_len)
{
	if (!d->has_vtpm || pcr >= REFDOC_PCRS || !(d->pcr_mask & (1u << pcr)))
		return NULL;
	if (alg_len == 32)
		return d->pcr_sha256[pcr];
	if (alg_len == 48)
		return d->pcr_sha384[pcr];
	return NULL;
}
