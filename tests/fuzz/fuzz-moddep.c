/* SPDX-License-Identifier: Apache-2.0 */
/* initrd/moddep on arbitrary modules.dep / modules.softdep text (split at the first
 * 0xff byte): parse, then order every module; no crash, no leak, and an order
 * never lists a module twice. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "moddep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct moddep db;
	const uint8_t *split = memchr(data, 0xff, size);
	size_t dep_len = split ? (size_t)(split - data) : size;
	size_t order[64], n;
	const char *names[8];
	size_t n_names = 0;

	if (size > 65536)
		return 0;
	memset(&db, 0, sizeof(db));
	if (moddep_load(&db, (const char *)data, dep_len) == 0) {
		if (split)
			(void)moddep_load_softdep(&db, (const char *)split + 1, size - dep_len - 1);
		for (size_t i = 0; i < db.n_mods && n_names < 8; i++)
			names[n_names++] = db.mods[i].name;
		if (moddep_order(&db, names, n_names, order, 64, &n) == 0) {
			for (size_t i = 0; i < n; i++)
				for (size_t j = i + 1; j < n; j++)
					if (order[i] == order[j])
						abort();
		}
	}
	moddep_free(&db);
	return 0;
}
