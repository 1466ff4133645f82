/* SPDX-License-Identifier: Apache-2.0 */
/* Detached signatures over the exact bytes of a reference document, checkable with
 * the plain openssl command line (reference/FORMAT.md "Signature"):
 *   Ed25519   : 64-byte raw RFC 8032 signature (PureEdDSA, no pre-hash);
 *   ECDSA P-384: DER ECDSA-Sig-Value over SHA-384 of the bytes.
 * Keys are PEM files; any other key type or curve is refused. */
#ifndef CVM_DOCSIG_H
#define CVM_DOCSIG_H

#include <stddef.h>
#include <stdint.h>

#define DOCSIG_MAX 160 /* DER P-384 signature is at most 104 bytes; Ed25519 64 */

/* Signs data with the private key in key_pem. *ret_sig (DOCSIG_MAX bytes) / *ret_len.
 * Returns 0, -ENOENT/-EACCES (key unreadable), -EINVAL (not a PEM private key),
 * -EOPNOTSUPP (key type other than Ed25519 / P-384), -EIO (OpenSSL). */
int docsig_sign(const char *key_pem, const uint8_t *data, size_t len, uint8_t *ret_sig,
		size_t *ret_len);

/* Checks sig over data with the public key (or certificate-less SubjectPublicKeyInfo
 * PEM) in pub_pem. Returns 0 valid, -EBADMSG invalid signature, other -errno as above. */
int docsig_verify(const char *pub_pem, const uint8_t *data, size_t len, const uint8_t *sig,
		  size_t sig_len);

#endif
