/* SPDX-License-Identifier: Apache-2.0 */
/* lib/util/io: whole transfers, end of file, and a read a signal interrupts. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/io.h"
#include "unit.h"

static void on_alarm(int sig)
{
	(void)sig;
}

/* A read that blocks on an empty pipe is interrupted by SIGALRM (no SA_RESTART);
 * read_retry must go back to reading and return the byte a child writes later. */
static void read_survives_a_signal(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval t = { .it_value = { .tv_usec = 50000 } };
	int p[2], status;
	char c = 0;
	pid_t pid;

	CHECK_EQ_INT(pipe(p), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		usleep(300000);
		_exit(write(p[1], "x", 1) == 1 ? 0 : 1);
	}
	sigemptyset(&sa.sa_mask);
	CHECK_EQ_INT(sigaction(SIGALRM, &sa, NULL), 0);
	CHECK_EQ_INT(setitimer(ITIMER_REAL, &t, NULL), 0);
	CHECK_EQ_INT(read_retry(p[0], &c, 1), 1);
	CHECK_EQ_INT(c, 'x');
	CHECK_EQ_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(p[1]);
	CHECK_EQ_INT(read_retry(p[0], &c, 1), 0); /* end of file */
	close(p[0]);
}

int main(void)
{
	char path[] = "/tmp/test-io.XXXXXX";
	uint8_t data[3000], back[3000];
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	unlink(path);
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 7);
	CHECK_EQ_INT(write_full(fd, data, 1000), 0);
	CHECK_EQ_INT(pwrite_full(fd, data + 1000, 2000, 1000), 0);
	CHECK_EQ_INT(lseek(fd, 0, SEEK_END), 3000);
	CHECK_EQ_INT(pread_full(fd, back, sizeof back, 0), 0);
	CHECK_MEM(back, data, sizeof data);
	CHECK_EQ_INT(pread_full(fd, back, 10, 2995), -EIO); /* the file ends first */
	CHECK_EQ_INT(pread_full(fd, back, 0, 5000), 0);
	CHECK_EQ_INT(pread_full(fd, back, 1, UINT64_MAX), -EINVAL);
	CHECK_EQ_INT(pwrite_full(fd, back, 1, UINT64_MAX), -EINVAL);
	close(fd);
	CHECK_EQ_INT(write_full(fd, data, 1), -EBADF);
	CHECK_EQ_INT(read_retry(fd, back, 1), -EBADF);

	read_survives_a_signal();
	return unit_finish("test-io");
}
