/* SPDX-License-Identifier: Apache-2.0 */
/* Shared between `sign` and `image --key`: signs bytes already in memory and writes
 * the detached signature to sig_path atomically. Returns a cvm-reference exit code. */
#ifndef CVM_REFERENCE_SIGN_H
#define CVM_REFERENCE_SIGN_H

#include <stddef.h>
#include <stdint.h>

int sign_document_file(const uint8_t *bytes, size_t len, const char *key, const char *sig_path);

#endif
