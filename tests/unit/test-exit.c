/* SPDX-License-Identifier: Apache-2.0 */
/* lib/util/exit: the message line, the returned and the exit codes. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/exit.h"
#include "unit.h"

/* Runs fn with stderr (and stdout) redirected into a file; returns what was written
 * to stderr in buf and fn's result. */
static int capture(int (*fn)(void), char *buf, size_t size, char *out, size_t out_size)
{
	FILE *err = tmpfile(), *o = tmpfile();
	int saved_err = dup(STDERR_FILENO), saved_out = dup(STDOUT_FILENO), r;
	size_t n;

	fflush(stdout);
	dup2(fileno(err), STDERR_FILENO);
	dup2(fileno(o), STDOUT_FILENO);
	r = fn();
	fflush(stderr);
	fflush(stdout);
	dup2(saved_err, STDERR_FILENO);
	dup2(saved_out, STDOUT_FILENO);
	close(saved_err);
	close(saved_out);
	rewind(err);
	n = fread(buf, 1, size - 1, err);
	buf[n] = 0;
	rewind(o);
	n = fread(out, 1, out_size - 1, o);
	out[n] = 0;
	fclose(err);
	fclose(o);
	return r;
}

static int complain_input(void) { return complain(EXIT_INPUT, "%s: %s", "disk.img", "no GPT"); }
static int usage_ok(void) { return show_usage("usage: t [--x]\n", EXIT_OK); }
static int usage_bad(void) { return show_usage("usage: t [--x]\n", EXIT_USAGE); }

static int die_system(void)
{
	pid_t pid = fork();
	int status;

	if (pid == 0)
		die(EXIT_SYSTEM, "out of %s", "memory");
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int main(void)
{
	char err[256], out[256];

	set_program_name("cvm-test");
	CHECK_EQ_INT(capture(complain_input, err, sizeof err, out, sizeof out), EXIT_INPUT);
	CHECK_EQ_STR(err, "cvm-test: disk.img: no GPT\n");
	CHECK_EQ_STR(out, "");
	CHECK_EQ_INT(capture(die_system, err, sizeof err, out, sizeof out), EXIT_SYSTEM);
	CHECK_EQ_STR(err, "cvm-test: out of memory\n");
	CHECK_EQ_INT(capture(usage_ok, err, sizeof err, out, sizeof out), EXIT_OK);
	CHECK_EQ_STR(out, "usage: t [--x]\n");
	CHECK_EQ_STR(err, "");
	CHECK_EQ_INT(capture(usage_bad, err, sizeof err, out, sizeof out), EXIT_USAGE);
	CHECK_EQ_STR(err, "usage: t [--x]\n");
	CHECK_EQ_STR(out, "");
	set_program_name("cvm-reference snp");
	CHECK_EQ_INT(capture(complain_input, err, sizeof err, out, sizeof out), EXIT_INPUT);
	CHECK_EQ_STR(err, "cvm-reference snp: disk.img: no GPT\n");
	return unit_finish("test-exit");
}
