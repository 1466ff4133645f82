/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness for the workload-disk reader the agent runs on every attached
 * disk: GPT header/entries (lib/disk/gpt via wldisk_find), partition roles, and the
 * manifest record. The input is the disk image. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "measure/workload_disk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *m;
	struct wldisk d;
	size_t len;
	int fd;

	if (wldisk_record_parse(data, size, &m, &len) == 0 && (m < data || m + len > data + size))
		abort();
	fd = memfd_create("disk", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size && wldisk_find(fd, size, &d) == 0) {
		uint8_t *buf = NULL;

		if (d.manifest.offset + d.manifest.size > size || d.payload.offset + d.payload.size > size ||
		    d.verity.offset + d.verity.size > size)
			abort(); /* partitions must lie inside the disk */
		if (wldisk_read_manifest(fd, &d, &buf, &len) == 0 && (len == 0 || len > 65536))
			abort();
		free(buf);
	}
	close(fd);
	return 0;
}
