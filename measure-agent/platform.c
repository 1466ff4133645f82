/* SPDX-License-Identifier: Apache-2.0 */
/* Which confidential-computing platform this guest runs on. */
#include "agent.h"

int cc_platform_detect(struct cc_platform *ret)
{
	ret->tdx = tdx_present();
	ret->snp = snp_present();
	return 0;
}
