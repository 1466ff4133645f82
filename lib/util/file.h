/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded whole-file reads for inputs that are parsed afterwards. */
#ifndef CVM_FILE_H
#define CVM_FILE_H

#include <stddef.h>
#include <stdint.h>

/* Reads all of path (a regular file or a sysfs/pseudo file) into a fresh buffer,
 * NUL-terminated for convenience (the NUL is not counted in *ret_len).
 * Refuses anything larger than max bytes with -EFBIG. Returns 0 or -errno. */
int file_read_all(const char *path, size_t max, uint8_t **ret_buf, size_t *ret_len);

/* Same for an open descriptor (read until EOF). */
int fd_read_all(int fd, size_t max, uint8_t **ret_buf, size_t *ret_len);

#endif
