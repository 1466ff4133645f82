/* SPDX-License-Identifier: Apache-2.0 */
/* PE/COFF Authenticode image digest exactly as edk2 measures an EFI application
 * (SecurityPkg/Tcg/Tcg2Dxe/MeasureBootPeCoff.c MeasurePeImageAndExtend): CheckSum and
 * the certificate-table directory entry skipped, sections hashed in PointerToRawData
 * order, trailing data after the last hashed byte up to the certificate table
 * included, no zero padding (unlike dstack-mr's variant). */
#ifndef CVM_AUTHENTICODE_H
#define CVM_AUTHENTICODE_H

#include <stddef.h>
#include <stdint.h>

#include "measure/digest.h"
#include "boot/pe.h"

/* out[digest_len(alg)]. Returns 0, pe_parse() errors, -EINVAL when the file is
 * shorter than headers + sections + certificate table (edk2 refuses to measure such
 * an image: EFI_UNSUPPORTED), -ENOMEM, -EIO. */
int authenticode_digest(const uint8_t *buf, size_t len, enum digest_alg alg, uint8_t *out);

/* Same over an already parsed image (pe from pe_parse(buf, len)). */
int authenticode_digest_pe(const uint8_t *buf, const struct pe_image *pe, enum digest_alg alg,
			   uint8_t *out);

#endif
