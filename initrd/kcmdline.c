/* SPDX-License-Identifier: Apache-2.0 */
#include "kcmdline.h"

#include <errno.h>
#include <string.h>

static int is_space(char c)
{
	/* The kernel's isspace() set; systemd-stub already turned controls into spaces. */
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Removes one pair of quotes enclosing s entirely; any other quote is refused. */
static int unquote(char *s)
{
	size_t n = strlen(s);
	char *q = strchr(s, '"');

	if (!q)
		return 0;
	if (q != s || n < 2 || s[n - 1] != '"' || memchr(s + 1, '"', n - 2))
		return -EINVAL;
	memmove(s, s + 1, n - 2);
	s[n - 2] = '\0';
	return 0;
}

int kcmdline_next(char **state, char **ret_key, char **ret_value)
{
	char *p = *state, *word, *eq;
	int in_quote = 0;

	while (*p && is_space(*p))
		p++;
	if (!*p) {
		*state = p;
		return 0;
	}
	word = p;
	for (; *p; p++) {
		if (*p == '"')
			in_quote = !in_quote;
		else if (is_space(*p) && !in_quote)
			break;
	}
	if (in_quote)
		return -EINVAL;
	if (*p)
		*p++ = '\0';

	/* A word quoted as a whole ("key=value") is unwrapped first, as the kernel does. */
	if (word[0] == '"' && unquote(word) < 0)
		return -EINVAL;
	eq = strchr(word, '=');
	if (eq) {
		*eq = '\0';
		if (strchr(word, '"') || unquote(eq + 1) < 0)
			return -EINVAL;
	} else if (strchr(word, '"')) {
		return -EINVAL;
	}
	*state = p;
	*ret_key = word;
	*ret_value = eq ? eq + 1 : NULL;
	return 1;
}
