/*
 * Triggers for Falco's stable rules (tests/test_falco.cpp): each action makes
 * the syscalls a rule watches for, as this process or as a child of it,
 * optionally inside a "container" (a cgroup named like a runtime's scope plus
 * new pid, mount and uts namespaces) and with a controlling terminal.
 *
 * usage: tl_falco [OPTIONS] ACTION [ARGS] [then ACTION [ARGS]]...
 *
 * options, applied in the order given:
 *   --cgroup PROCS   join the cgroup whose cgroup.procs file is PROCS, unshare
 *                    pid/mount/uts namespaces (mounts made private, so nothing
 *                    mounted here reaches the host); the actions run in the
 *                    first child, pid 1 of the new pid namespace
 *   --newns          only a private mount namespace (no cgroup, no pid ns)
 *   --quiet          stdout and stderr to /dev/null (for chatty tools)
 *   --setsid         a new session without a controlling terminal
 *   --tty TRUTH      a new session whose controlling terminal is a new pty;
 *                    "tty=<new_encode_dev of the pty>" is written to TRUTH
 *   --comm NAME      the process's name (PR_SET_NAME): the actions' children
 *                    see it as their parent's name
 *   --drop-cap N     drop capability N from the effective set
 *   --note TEXT      ignored: lets a test put TEXT in the command line
 *
 * actions (fixed arity, except the exec ones, which run to the next "then"):
 *   exec PROG ARGS...          fork, exec PROG (argv[0] = PROG), wait; fails
 *                              when the program cannot be run (status 127)
 *   exec-as ARGV0 PROG ARGS... the same with another argv[0]
 *   exec-self ARGV0 ARGS...    this very process becomes PROG (no fork)
 *   become UID                 setgroups/setresgid/setresuid to UID
 *   drop-cap N                 drop capability N from the effective set
 *   chdir DIR | mkdir DIR | copy SRC DST (mode 0755) | sleep MS
 *   mount-tmpfs DIR | mount-overlay LOWER UPPER WORK MERGED
 *   open-read PATH | open-write PATH | open-trunc PATH | open-fail PATH
 *   symlink TARGET LINK | symlinkat TARGET LINK    (the link is removed after)
 *   link OLD NEW | linkat OLD NEW                  (the link is removed after)
 *   socket DOMAIN TYPE         socket(DOMAIN, TYPE, 0), closed
 *   dup-socket                 a TCP connection to itself on 127.0.0.1; the
 *                              client end made fd 0 (dup), 1 (dup2), 2 (dup3)
 *   dup-pipe                   a pipe's end made fd 1 (dup2)
 *   dup-high                   the TCP client end copied to a fd above 2 (dup)
 *   modules                    init_module on a bogus image, finit_module on
 *                              an empty memfd: both must fail
 *   ptrace-attach | ptrace-peek | ptrace-traceme
 *   memfd-exec NAME PROG ARGS...   PROG copied into memfd NAME, then executed
 *                              from it by execveat(AT_EMPTY_PATH) in a child
 *   ssh-netns ADDR PORT        a private network namespace with ADDR on
 *                              loopback and a listener on ADDR:PORT; the
 *                              real ssh client connects to it
 *
 * exit 0: every action done; otherwise 10 * (action index + 1) + the step
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loopback_netns.h"

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

static char **environ_copy;

static int wait_status(pid_t pid)
{
	int st = 0;

	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int run(char *path, char **argv)
{
	pid_t pid = fork();

	if (pid == 0) {
		execve(path, argv, environ_copy);
		_exit(127);
	}
	return wait_status(pid);
}

static int copy_file(const char *src, const char *dst, int out)
{
	char buf[65536];
	int in = open(src, O_RDONLY);
	ssize_t n;

	if (in < 0)
		return 1;
	if (out < 0)
		out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (out < 0)
		return 2;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			return 3;
	close(in);
	if (dst)
		close(out);
	return n < 0 ? 4 : 0;
}

static int make_private_mounts(void)
{
	return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

/* new_encode_dev(), as the kernel encodes tty_nr */
static unsigned int encode_dev(dev_t d)
{
	unsigned int maj = major(d), min = minor(d);

	return (min & 0xff) | (maj << 8) | ((min & ~0xffu) << 12);
}

static int controlling_tty(const char *truth)
{
	char name[64];
	unsigned int n = 0, unlock = 0;
	struct stat st;
	FILE *out;
	int master, slave;

	if (setsid() < 0)
		return 1;
	master = open("/dev/ptmx", O_RDWR | O_NOCTTY);
	if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) || ioctl(master, TIOCGPTN, &n))
		return 2;
	snprintf(name, sizeof(name), "/dev/pts/%u", n);
	slave = open(name, O_RDWR);
	if (slave < 0 || ioctl(slave, TIOCSCTTY, 0) || fstat(slave, &st))
		return 3;
	out = fopen(truth, "w");
	if (!out)
		return 4;
	fprintf(out, "tty=%u\n", encode_dev(st.st_rdev));
	fclose(out);
	/* master and slave stay open until exit: closing them would hang up the session */
	return 0;
}

static int drop_cap(int cap)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return 1;
	d[cap / 32].effective &= ~(1u << (cap % 32));
	return syscall(SYS_capset, &h, d) ? 2 : 0;
}

/* a connected TCP pair on 127.0.0.1: *client and *server */
static int tcp_pair(int *client, int *server)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int ls = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 1) ||
	    getsockname(ls, (struct sockaddr *)&sa, &len))
		return 1;
	*client = socket(AF_INET, SOCK_STREAM, 0);
	if (*client < 0 || connect(*client, (struct sockaddr *)&sa, sizeof(sa)))
		return 2;
	*server = accept(ls, NULL, NULL);
	close(ls);
	return *server < 0 ? 3 : 0;
}

static int dup_socket(void)
{
	int c, s;

	if (tcp_pair(&c, &s))
		return 1;
	close(0);
	if (dup(c) != 0) /* the lowest free fd: 0 */
		return 2;
	if (dup2(c, 1) != 1)
		return 3;
	if (dup3(c, 2, 0) != 2)
		return 4;
	return 0;
}

static int dup_high(void)
{
	int c, s;

	if (tcp_pair(&c, &s))
		return 1;
	return dup(c) > 2 ? 0 : 2;
}

static int dup_pipe(void)
{
	int p[2];

	if (pipe(p) || dup2(p[1], 1) != 1)
		return 1;
	return 0;
}

static int modules(void)
{
	static const char bogus[64] = "not an ELF module";
	int fd = memfd_create("tl-module", 0);

	/* neither can succeed: no image is valid, and this kernel may have no modules at all */
	if (syscall(SYS_init_module, bogus, sizeof(bogus), "") == 0)
		return 1;
	if (fd < 0)
		return 2;
	if (syscall(SYS_finit_module, fd, "", 0) == 0)
		return 3;
	return 0;
}

static int ptrace_attach(void)
{
	pid_t child = fork();
	int st, ret = 0;

	if (child == 0) {
		for (;;)
			pause();
	}
	if (child < 0)
		return 1;
	if (ptrace(PTRACE_ATTACH, child, 0, 0))
		ret = 2;
	else if (waitpid(child, &st, 0) != child || ptrace(PTRACE_DETACH, child, 0, 0))
		ret = 3;
	kill(child, SIGKILL);
	waitpid(child, &st, 0);
	return ret;
}

static int memfd_exec(const char *name, char **argv)
{
	int fd = memfd_create(name, 0);
	pid_t pid;

	if (fd < 0 || copy_file(argv[0], NULL, fd))
		return 1;
	pid = fork();
	if (pid == 0) {
		syscall(SYS_execveat, fd, "", argv, environ_copy, AT_EMPTY_PATH);
		_exit(127);
	}
	return wait_status(pid) ? 2 : 0;
}

/*
 * Nothing leaves the machine: the address lives on the loopback device of a
 * network namespace that exists only for this process and its ssh child.
 */
static int ssh_netns(const char *addr, const char *port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(atoi(port))};
	char dest[64], portopt[32];
	int srv, conn, r;
	pid_t pid;

	r = loopback_netns(addr);
	if (r)
		return r;
	inet_pton(AF_INET, addr, &sa.sin_addr);
	srv = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(srv, (struct sockaddr *)&sa, sizeof(sa)) || listen(srv, 1))
		return 5;
	snprintf(dest, sizeof(dest), "tl@%s", addr);
	snprintf(portopt, sizeof(portopt), "%s", port);
	pid = fork();
	if (pid == 0) {
		char *argv[] = {"/usr/bin/ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
				"-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=5",
				"-F", "/dev/null", "-p", portopt, dest, "true", NULL};
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execve(argv[0], argv, environ_copy);
		_exit(127);
	}
	alarm(20); /* bounded: never hang the test on a client that does not come */
	conn = accept(srv, NULL, NULL);
	if (conn < 0)
		return 6;
	close(conn); /* ssh sees the connection closed and gives up */
	return wait_status(pid) == 127 ? 7 : 0;
}

static int container(const char *procs)
{
	int fd = open(procs, O_WRONLY);
	pid_t pid;

	if (fd < 0 || write(fd, "0", 1) != 1)
		return 1;
	close(fd);
	if (unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWPID) || make_private_mounts())
		return 2;
	pid = fork();
	if (pid < 0)
		return 3;
	if (pid == 0)
		return -1; /* the caller goes on, as pid 1 of the new namespace */
	exit(wait_status(pid));
}

/* the arguments of an exec action: up to the next "then" */
static char **exec_args(char **argv, int *i, int argc)
{
	char **args = &argv[*i];
	int j = *i;

	while (j < argc && strcmp(argv[j], "then"))
		j++;
	argv[j < argc ? j : argc] = NULL; /* argv[argc] is NULL already */
	*i = j;
	return args;
}

static int action(int argc, char **argv, int *i)
{
	const char *a = argv[(*i)++];
	char **rest = &argv[*i];
	int have = argc - *i;
	int fd;

#define NEED(n)                 \
	do {                    \
		if (have < (n)) \
			return 9;  \
		*i += (n);      \
	} while (0)

	if (!strcmp(a, "exec")) {
		char **args = exec_args(argv, i, argc);

		return run(args[0], args) == 127 ? 1 : 0;
	}
	if (!strcmp(a, "exec-as")) {
		char **args = exec_args(argv, i, argc);
		char *path = args[1];

		args[1] = args[0];
		return run(path, &args[1]) == 127 ? 1 : 0;
	}
	if (!strcmp(a, "exec-self")) {
		char **args = exec_args(argv, i, argc);

		execve(args[0], args, environ_copy);
		return 1;
	}
	if (!strcmp(a, "become")) {
		uid_t id;

		NEED(1);
		id = atoi(rest[0]);
		if (setgroups(0, NULL) || setresgid(id, id, id) || setresuid(id, id, id))
			return 1;
		return 0;
	}
	if (!strcmp(a, "drop-cap")) {
		NEED(1);
		return drop_cap(atoi(rest[0]));
	}
	if (!strcmp(a, "chdir")) {
		NEED(1);
		return chdir(rest[0]) ? 1 : 0;
	}
	if (!strcmp(a, "mkdir")) {
		NEED(1);
		return mkdir(rest[0], 0755) ? 1 : 0;
	}
	if (!strcmp(a, "copy")) {
		NEED(2);
		return copy_file(rest[0], rest[1], -1);
	}
	if (!strcmp(a, "sleep")) {
		struct timespec ts;

		NEED(1);
		ts.tv_sec = atoi(rest[0]) / 1000;
		ts.tv_nsec = (atoi(rest[0]) % 1000) * 1000000L;
		return nanosleep(&ts, NULL) ? 1 : 0;
	}
	if (!strcmp(a, "mount-tmpfs")) {
		NEED(1);
		return mount("tl-tmpfs", rest[0], "tmpfs", 0, "mode=0755") ? 1 : 0;
	}
	if (!strcmp(a, "mount-overlay")) {
		char opts[1024];

		NEED(4);
		snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", rest[0], rest[1], rest[2]);
		return mount("tl-overlay", rest[3], "overlay", 0, opts) ? 1 : 0;
	}
	if (!strcmp(a, "open-read")) {
		NEED(1);
		fd = open(rest[0], O_RDONLY);
		return fd < 0 ? 1 : (close(fd), 0);
	}
	if (!strcmp(a, "open-write")) {
		NEED(1);
		fd = open(rest[0], O_WRONLY | O_CREAT, 0600);
		return fd < 0 ? 1 : (close(fd), 0);
	}
	if (!strcmp(a, "open-trunc")) {
		NEED(1);
		fd = open(rest[0], O_WRONLY | O_CREAT | O_TRUNC, 0600);
		return fd < 0 ? 1 : (close(fd), 0);
	}
	if (!strcmp(a, "open-fail")) {
		NEED(1);
		return open(rest[0], O_RDONLY) < 0 ? 0 : 1;
	}
	if (!strcmp(a, "symlink") || !strcmp(a, "symlinkat")) {
		int r;

		NEED(2);
		r = a[7] ? symlinkat(rest[0], AT_FDCWD, rest[1]) : symlink(rest[0], rest[1]);
		return r || unlink(rest[1]) ? 1 : 0;
	}
	if (!strcmp(a, "link") || !strcmp(a, "linkat")) {
		int r;

		NEED(2);
		r = a[4] ? linkat(AT_FDCWD, rest[0], AT_FDCWD, rest[1], 0) : link(rest[0], rest[1]);
		if (r && errno == EXDEV) /* /tmp on another filesystem: the attempt is what counts */
			return 0;
		return r || unlink(rest[1]) ? 1 : 0;
	}
	if (!strcmp(a, "socket")) {
		NEED(2);
		fd = socket(atoi(rest[0]), atoi(rest[1]), 0);
		return fd < 0 ? 1 : (close(fd), 0);
	}
	if (!strcmp(a, "dup-socket"))
		return dup_socket();
	if (!strcmp(a, "dup-high"))
		return dup_high();
	if (!strcmp(a, "dup-pipe"))
		return dup_pipe();
	if (!strcmp(a, "modules"))
		return modules();
	if (!strcmp(a, "ptrace-attach"))
		return ptrace_attach();
	if (!strcmp(a, "ptrace-peek")) /* no tracee: fails with ESRCH, and is still a ptrace call */
		return ptrace(PTRACE_PEEKDATA, getppid(), 0, 0) == -1 ? 0 : 1;
	if (!strcmp(a, "ptrace-traceme"))
		return ptrace(PTRACE_TRACEME, 0, 0, 0) ? 1 : 0;
	if (!strcmp(a, "memfd-exec")) {
		const char *name;
		char **args;

		NEED(1);
		name = rest[0];
		args = exec_args(argv, i, argc);
		return memfd_exec(name, args);
	}
	if (!strcmp(a, "ssh-netns")) {
		NEED(2);
		return ssh_netns(rest[0], rest[1]);
	}
	return 8;
#undef NEED
}

int main(int argc, char **argv, char **envp)
{
	int i = 1, n = 0;

	environ_copy = envp;
	for (; i < argc && !strncmp(argv[i], "--", 2); i += 2) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		int r = 0;

		if (!strcmp(opt, "--quiet")) {
			int null = open("/dev/null", O_WRONLY);

			if (null < 0 || dup2(null, 1) != 1 || dup2(null, 2) != 2)
				return 2;
			close(null);
			i--;
			continue;
		}
		if (!strcmp(opt, "--setsid")) {
			if (setsid() < 0)
				return 2;
			i--;
			continue;
		}
		if (!strcmp(opt, "--newns")) {
			if (unshare(CLONE_NEWNS) || make_private_mounts())
				return 2;
			i--; /* no value */
			continue;
		}
		if (!val)
			return 1;
		if (!strcmp(opt, "--cgroup"))
			r = container(val) > 0 ? 3 : 0;
		else if (!strcmp(opt, "--tty"))
			r = controlling_tty(val) ? 4 : 0;
		else if (!strcmp(opt, "--comm"))
			r = prctl(PR_SET_NAME, val) ? 5 : 0;
		else if (!strcmp(opt, "--drop-cap"))
			r = drop_cap(atoi(val)) ? 6 : 0;
		else if (strcmp(opt, "--note"))
			r = 7;
		if (r)
			return r;
	}
	while (i < argc) {
		int r;

		n++;
		r = action(argc, argv, &i);
		if (r)
			return 10 * n + r;
		if (i < argc && !strcmp(argv[i] ? argv[i] : "then", "then"))
			i++;
	}
	return 0;
}
