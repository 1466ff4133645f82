/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzzes the .config and requirement-fragment parsers of cvm-kconfig-check
 * (kernel-config/kconfig.c) and the evaluation of every parsed requirement against every
 * parsed config. Input: fragment bytes, a 0xFF separator, .config bytes (no separator:
 * both parsers get the whole input). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *sep = memchr(data, 0xFF, size);
	const char *frag = (const char *)data, *cfg = (const char *)data;
	size_t frag_len = size, cfg_len = size;
	struct kc_config c = { 0 };
	struct kc_reqs r;
	struct kc_error e;

	if (sep) {
		frag_len = (size_t)(sep - data);
		cfg = (const char *)sep + 1;
		cfg_len = size - frag_len - 1;
	}
	if (kc_reqs_init(&r) < 0)
		return 0;
	if (kc_reqs_parse(&r, frag, frag_len, "fuzz", &e) < 0 && r.n != 0)
		abort();        /* a refused fragment must leave nothing behind */
	if (kc_config_parse(cfg, cfg_len, &c, &e) == 0) {
		for (size_t i = 0; i < r.n; i++) {
			const struct kc_symbol *s;
			enum kc_status st = kc_check(&r.v[i], &c, i & 1, &s);

			if (kc_status_name(st)[0] == '?')
				abort();
			if (s && (s->name_len == 0 || s->name_len > KC_NAME_MAX))
				abort();
		}
		/* Sorted and unique: every symbol finds itself. */
		for (size_t i = 0; i < c.n; i++) {
			char name[KC_NAME_MAX + 1];

			memcpy(name, c.syms[i].name, c.syms[i].name_len);
			name[c.syms[i].name_len] = '\0';
			if (kc_config_find(&c, name) != &c.syms[i])
				abort();
		}
		kc_config_free(&c);
	}
	kc_reqs_free(&r);
	return 0;
}
