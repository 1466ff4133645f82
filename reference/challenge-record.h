/* SPDX-License-Identifier: Apache-2.0 */
/* The customer's private record of one AK-binding challenge: what the credential was
 * made for (the AK's Name, the EK certificate) and the secret it hides. It stays with
 * the customer (mode 0600); only the request goes to the node.
 *
 *   {"version": 1, "ak_name": HEX, "ek_certificate_sha256": HEX, "secret": HEX} */
#ifndef CVM_REFERENCE_CHALLENGE_RECORD_H
#define CVM_REFERENCE_CHALLENGE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "ak-binding.h"

struct challenge_record {
	uint8_t ak_name[AK_NAME_MAX];
	size_t ak_name_len;
	uint8_t ek_sha256[32];
	uint8_t secret[32];
	size_t secret_len;
};

/* Returns 0, or -errno (unreadable), -EBADMSG (not a version 1 record). */
int challenge_record_load(const char *path, struct challenge_record *ret);
/* Creates path with mode 0600 (replacing a file there). Returns 0 or -errno. */
int challenge_record_write(const char *path, const struct challenge_record *rec);

#endif
