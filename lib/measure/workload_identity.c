/* SPDX-License-Identifier: Apache-2.0 */
#include "measure/workload_identity.h"

#include <errno.h>
#include <string.h>

int workload_identity(const uint8_t *manifest, size_t len, struct workload_identity *ret)
{
	struct workload_identity id = {0};
	int r;

	if (!manifest || len == 0 || len > MANIFEST_MAX_SIZE)
		return -EINVAL;

	r = digest_buf(DIGEST_SHA256, manifest, len, id.sha256);
	if (r < 0)
		return r;
	r = digest_buf(DIGEST_SHA384, manifest, len, id.sha384);
	if (r < 0)
		return r;

	/* One extend per boot into registers that start at zero: the agent does exactly
	 * this once per bank (and once into RTMR3), the firmware never touches them. */
	r = digest_extend(DIGEST_SHA256, id.pcr8_sha256, id.sha256);
	if (r < 0)
		return r;
	r = digest_extend(DIGEST_SHA384, id.pcr8_sha384, id.sha384);
	if (r < 0)
		return r;
	r = digest_extend(DIGEST_SHA384, id.rtmr3, id.sha384);
	if (r < 0)
		return r;

	memcpy(id.host_data, id.sha256, SHA256_LEN);
	memcpy(id.mrconfigid, id.sha384, SHA384_LEN);
	*ret = id;
	return 0;
}
