/* SPDX-License-Identifier: Apache-2.0 */
#include "agent-sysroot.h"

#include <stdio.h>
#include <string.h>

#include "../../measure-agent/agent.h"
#include "tmptree.h"

char *agent_sysroot_new(const char *name)
{
	char *root = tree_new(name);

	if (root)
		agent_set_sysroot(root);
	agent_clear_detail();
	return root;
}

bool agent_detail_has(const char *s)
{
	if (strstr(agent_detail(), s))
		return true;
	fprintf(stderr, "failure detail \"%s\" lacks \"%s\"\n", agent_detail(), s);
	return false;
}
