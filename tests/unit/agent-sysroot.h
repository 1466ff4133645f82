/* SPDX-License-Identifier: Apache-2.0 */
/* For unit tests of measure-agent's backends: a fresh temporary sysroot the agent's
 * services point at, and a look at the failure detail the backend left. */
#ifndef CVM_AGENT_SYSROOT_H
#define CVM_AGENT_SYSROOT_H

#include <stdbool.h>

/* tree_new(name), made the agent's sysroot, the failure detail cleared. Free it with
 * tree_remove(). NULL on failure. */
char *agent_sysroot_new(const char *name);
/* Whether agent_detail() contains s; if not, says so on stderr. */
bool agent_detail_has(const char *s);

#endif
