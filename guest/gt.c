// SPDX-License-Identifier: GPL-2.0
/*
 * gt - guest tool for the PCI hotplug tests (static, runs in the busybox
 * initramfs).
 *
 *   gt now                       CLOCK_MONOTONIC in seconds
 *   gt wait SECS [!]GLOB...      wait until every GLOB matches (with '!':
 *                                matches nothing); exit 1 on timeout
 *   gt write PATH VALUE          write VALUE to PATH in one write(2);
 *                                prints "ok" or the errno name, exit 0/1
 *   gt together PATH=VALUE...    fork one writer per argument, release them
 *                                at once, print "<i> ok|ERRNO" per writer;
 *                                a writer still blocked after $GT_HANG
 *                                seconds (default 90) is "hung": gt then
 *                                returns and leaves it behind
 *   gt readloop PATH N           pread(2) the first 64 bytes of PATH N
 *                                times; prints nanoseconds per read
 *   gt writeloop PATH VALUE SECS pwrite(2) VALUE to PATH again and again
 *                                for SECS seconds; prints "<n> writes,
 *                                <m> failed" (a race's hammer)
 *   gt writex PATH VALUE         like write, with \0, \n and \\ in VALUE
 *                                written as NUL, newline and backslash
 *   gt readto SECS PATH          read(2) PATH in a child; prints "ok", the
 *                                errno name, or "hung" if the read has not
 *                                returned after SECS seconds (the child is
 *                                left behind)
 *   gt failnth N PATH VALUE      open PATH, make the Nth fault-injection
 *                                point this thread passes fail
 *                                (/proc/thread-self/fail-nth), write VALUE
 *                                in one write(2); prints "<ok|ERRNO>
 *                                injected", or "<ok|ERRNO> clean <P>": the
 *                                write passed only P (< N) points
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *errname(int err)
{
	static const struct { int e; const char *n; } names[] = {
		{ EINVAL, "EINVAL" }, { ERANGE, "ERANGE" }, { ENODEV, "ENODEV" },
		{ EBUSY, "EBUSY" }, { ENOENT, "ENOENT" }, { EPERM, "EPERM" },
		{ EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EIO, "EIO" },
		{ ENOSPC, "ENOSPC" }, { EEXIST, "EEXIST" }, { ENXIO, "ENXIO" },
		{ EINTR, "EINTR" }, { ENOSYS, "ENOSYS" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ EACCES, "EACCES" }, { ENOTTY, "ENOTTY" }, { EFAULT, "EFAULT" },
	};
	static char buf[16];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == err)
			return names[i].n;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

/* Returns 0 or an errno. */
static int write_bytes(const char *path, const char *val, size_t len)
{
	int fd = open(path, O_WRONLY);
	int err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, val, len) < 0)
		err = errno;
	if (close(fd) < 0 && !err)
		err = errno;
	return err;
}

static int write_value(const char *path, const char *val)
{
	return write_bytes(path, val, strlen(val));
}

/* VALUE with its escapes decoded, in one write */
static int cmd_writex(const char *path, const char *val)
{
	size_t i, n = 0, len = strlen(val);
	char *buf = malloc(len + 1);
	int err;

	if (!buf)
		return 2;
	for (i = 0; i < len; i++) {
		if (val[i] == '\\' && i + 1 < len) {
			i++;
			buf[n++] = val[i] == '0' ? '\0' : val[i] == 'n' ? '\n' : val[i];
		} else {
			buf[n++] = val[i];
		}
	}
	err = write_bytes(path, buf, n);
	free(buf);
	puts(err ? errname(err) : "ok");
	return !!err;
}

static int matches(const char *pat)
{
	glob_t g;
	int n = 0;

	if (glob(pat, 0, NULL, &g) == 0)
		n = g.gl_pathc;
	globfree(&g);
	return n > 0;
}

static int cmd_wait(int argc, char **argv)
{
	double end = now() + atof(argv[0]);
	int i, pending;

	for (;;) {
		pending = 0;
		for (i = 1; i < argc; i++) {
			int neg = argv[i][0] == '!';

			if (matches(argv[i] + neg) == neg)
				pending++;
		}
		if (!pending)
			return 0;
		if (now() > end)
			break;
		usleep(5000);
	}
	for (i = 1; i < argc; i++) {
		int neg = argv[i][0] == '!';

		if (matches(argv[i] + neg) == neg)
			printf("timeout: %s\n", argv[i]);
	}
	return 1;
}

/* Milliseconds left until END (CLOCK_MONOTONIC seconds), at least 0. */
static int hang_ms(double end)
{
	double left = end - now();

	return left > 0 ? (int)(left * 1000) : 0;
}

static int cmd_readloop(const char *path, long n)
{
	char buf[64];
	int fd = open(path, O_RDONLY);
	double start = now();
	long i;

	if (fd < 0 || n <= 0)
		return 2;
	for (i = 0; i < n; i++)
		if (pread(fd, buf, sizeof(buf), 0) <= 0)
			return 1;
	printf("%.0f\n", (now() - start) * 1e9 / n);
	close(fd);
	return 0;
}

static int cmd_writeloop(const char *path, const char *value, double secs)
{
	double end = now() + secs;
	long n = 0, failed = 0;
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return 2;
	while (now() < end) {
		n++;
		if (pwrite(fd, value, strlen(value), 0) < 0)
			failed++;
	}
	close(fd);
	printf("%ld writes, %ld failed\n", n, failed);
	return 0;
}

static int cmd_failnth(const char *n, const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	int nth = open("/proc/thread-self/fail-nth", O_RDWR);
	char left[32] = "";
	int err = 0;

	if (fd < 0 || nth < 0) {
		printf("%s clean\n", errname(errno));
		return 1;
	}
	/* Nothing between arming and the write but the write itself. */
	if (write(nth, n, strlen(n)) < 0)
		return 2;
	if (write(fd, val, strlen(val)) < 0)
		err = errno;
	if (pread(nth, left, sizeof(left) - 1, 0) < 0)
		return 2;
	/* "0": the fault was injected; otherwise disarm before close(). */
	if (write(nth, "0", 1) < 0)
		return 2;
	close(fd);
	close(nth);
	if (atoi(left))
		printf("%s clean %ld\n", err ? errname(err) : "ok", atol(n) - atol(left));
	else
		printf("%s injected\n", err ? errname(err) : "ok");
	return !!err;
}

static int cmd_readto(double secs, const char *path)
{
	int res[2], err = -1;
	struct pollfd pfd;
	pid_t pid;

	if (pipe(res))
		return 2;
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		char buf[4096];
		int fd;

		/* A child left behind must not hold the caller's output open */
		fd = open("/dev/null", O_WRONLY);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(2);
		close(fd);
		fd = open(path, O_RDONLY);

		err = fd < 0 || read(fd, buf, sizeof(buf)) < 0 ? errno : 0;
		if (write(res[1], &err, sizeof(err)) != sizeof(err))
			_exit(2);
		_exit(0);
	}
	close(res[1]);
	pfd.fd = res[0];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, (int)(secs * 1000)) != 1) {
		puts("hung");
		return 1;
	}
	if (read(res[0], &err, sizeof(err)) != sizeof(err))
		err = -1;
	waitpid(pid, NULL, 0);
	puts(err == 0 ? "ok" : err < 0 ? "lost" : errname(err));
	return !!err;
}

static int cmd_together(int argc, char **argv)
{
	const char *hang = getenv("GT_HANG");
	double end = now() + (hang ? atof(hang) : 90);
	int go[2], i, rc = 0;
	pid_t *pids = calloc(argc, sizeof(*pids));
	int (*res)[2] = calloc(argc, sizeof(*res));

	if (!pids || !res || pipe(go))
		return 2;
	for (i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		char c;

		if (!eq || pipe(res[i]))
			return 2;
		pids[i] = fork();
		if (pids[i] < 0)
			return 2;
		if (pids[i] == 0) {
			int err, null = open("/dev/null", O_WRONLY);

			/* A writer left behind must not hold gt's output open */
			if (null < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
				_exit(2);
			*eq = '\0';
			close(go[1]);
			/* Released when the parent closes the write end. */
			if (read(go[0], &c, 1) < 0)
				_exit(2);
			err = write_value(argv[i], eq + 1);
			if (write(res[i][1], &err, sizeof(err)) != sizeof(err))
				_exit(2);
			_exit(0);
		}
		/* Only the child writes: a child that dies reads as EOF. */
		close(res[i][1]);
	}
	close(go[0]);
	close(go[1]);
	for (i = 0; i < argc; i++) {
		struct pollfd pfd = { .fd = res[i][0], .events = POLLIN };
		int err = -1;

		if (poll(&pfd, 1, hang_ms(end)) != 1) {
			printf("%d hung\n", i);
			rc = 1;
			continue;	/* blocked in the kernel: leave it */
		}
		if (read(res[i][0], &err, sizeof(err)) != sizeof(err))
			err = -1;
		waitpid(pids[i], NULL, 0);
		printf("%d %s\n", i, err == 0 ? "ok" : err < 0 ? "lost" : errname(err));
		rc |= err != 0;
	}
	return rc;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "now")) {
		printf("%.6f\n", now());
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "wait"))
		return cmd_wait(argc - 2, argv + 2);
	if (argc == 4 && !strcmp(argv[1], "write")) {
		int err = write_value(argv[2], argv[3]);

		puts(err ? errname(err) : "ok");
		return !!err;
	}
	if (argc >= 3 && !strcmp(argv[1], "together"))
		return cmd_together(argc - 2, argv + 2);
	if (argc == 4 && !strcmp(argv[1], "readloop"))
		return cmd_readloop(argv[2], atol(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "writeloop"))
		return cmd_writeloop(argv[2], argv[3], atof(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "writex"))
		return cmd_writex(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "readto"))
		return cmd_readto(atof(argv[2]), argv[3]);
	if (argc == 5 && !strcmp(argv[1], "failnth"))
		return cmd_failnth(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: gt now | wait SECS [!]GLOB... | write PATH VALUE | writex PATH VALUE | together PATH=VALUE... | readloop PATH N | writeloop PATH VALUE SECS | readto SECS PATH | failnth N PATH VALUE\n");
	return 2;
}
