/* SPDX-License-Identifier: Apache-2.0 */
/* Kernel command line tokenizer with the kernel's own quoting rules
 * (Linux lib/cmdline.c next_arg): words split at white space outside double quotes,
 * key=value split at the first '=', a quote right after '=' (or around the whole
 * word) is not part of the value. Stricter than the kernel: an unterminated quote
 * or a quote in the middle of a value is an error instead of being kept. */
#ifndef CVM_KCMDLINE_H
#define CVM_KCMDLINE_H

#include <stddef.h>

/* Upper bound of what cvm-init accepts (COMMAND_LINE_SIZE is 2048 on x86). */
#define KCMDLINE_MAX 4096

/* Splits the next word off *state (a writable NUL-terminated string, modified in
 * place). *ret_key gets the key, *ret_value the value or NULL when there is no '='.
 * Returns 1 for a word, 0 at the end, -EINVAL for bad quoting. */
int kcmdline_next(char **state, char **ret_key, char **ret_value);

#endif
