/* SPDX-License-Identifier: Apache-2.0 */
/* Intel TDX MRTD of a TD built by QEMU from a TDVF (OVMF IntelTdx) image: SHA-384 over
 * the TDH.MEM.PAGE.ADD and TDH.MR.EXTEND records the VMM issues for the TDVF metadata
 * sections (Intel TDX module ABI spec, TDH.MEM.PAGE.ADD / TDH.MR.EXTEND "MRTD update";
 * TDVF design guide). */
#ifndef CVM_TDX_MRTD_H
#define CVM_TDX_MRTD_H

#include <stddef.h>
#include <stdint.h>

#define TDX_MRTD_LEN 48

enum tdx_mrtd_order {
	/* QEMU >= 9.2 (upstream TDX): per page, PAGE.ADD then its 16 MR.EXTENDs. */
	TDX_MRTD_PER_PAGE,
	/* Older (out-of-tree 8.x TDX QEMU): per section, all PAGE.ADDs, then all MR.EXTENDs. */
	TDX_MRTD_TWO_PASS,
};

/* "per-page" / "two-pass". Returns 0 or -EINVAL. */
int tdx_mrtd_order_from_name(const char *name, enum tdx_mrtd_order *ret);
const char *tdx_mrtd_order_name(enum tdx_mrtd_order order);

/* Returns 0, the ovmf_tdx_parse() errors (-ENOENT: no TDVF metadata, -EBADMSG,
 * -E2BIG, -EFBIG), -EINVAL (bad order), -EIO. */
int tdx_mrtd(const uint8_t *fw, size_t len, enum tdx_mrtd_order order,
	     uint8_t ret_mrtd[TDX_MRTD_LEN]);

#endif
