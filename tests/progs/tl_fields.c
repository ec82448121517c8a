/*
 * Ground truth for the field tests: writes what /proc and the syscalls say
 * about this process into OUT ("key=value" lines), then does what the test's
 * rules watch for — opens MARKER, and makes a TCP connection to itself on
 * 127.0.0.1 (connect and accept) — so the alerts' fields can be compared
 * with the truth.
 *
 * usage: tl_fields OUT MARKER [ARGS...]
 * exit 0: done; 1..: the step that failed
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void put_file(FILE *out, const char *key, const char *path, int nul_to_space)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return;
	while (n > 0 && (buf[n - 1] == '\n' || (nul_to_space && buf[n - 1] == 0)))
		n--;
	buf[n] = 0;
	for (ssize_t i = 0; nul_to_space && i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	fprintf(out, "%s=%s\n", key, buf);
}

/* "CapEff:\t000001ffffffffff" -> the number */
static void put_status(FILE *out, const char *key, const char *field)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, strlen(field)))
			fprintf(out, "%s=%llu\n", key, strtoull(line + strlen(field), 0, 16));
	fclose(f);
}

/* field 7 of /proc/self/stat, after the parenthesised comm */
static void put_tty(FILE *out)
{
	char buf[1024];
	int fd = open("/proc/self/stat", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	char *p;
	int tty = 0;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return;
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (p && sscanf(p + 2, "%*c %*d %*d %*d %d", &tty) == 1)
		fprintf(out, "tty=%d\n", tty);
}

static void put_endpoint(FILE *out, const char *ip_key, const char *port_key, const struct sockaddr_in *sa)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sa->sin_addr, ip, sizeof(ip));
	fprintf(out, "%s=%s\n%s=%d\n", ip_key, ip, port_key, ntohs(sa->sin_port));
}

int main(int argc, char **argv)
{
	struct sockaddr_in srv = {.sin_family = AF_INET}, cli, acc;
	socklen_t len = sizeof(srv);
	char cwd[4096], exe[4096];
	ssize_t n;
	FILE *out;
	int fd, ls, cs, as;

	if (argc < 3 || !(out = fopen(argv[1], "w")))
		return 1;
	fprintf(out, "pid=%d\nppid=%d\nuid=%d\ngid=%d\nsid=%d\npgid=%d\n", getpid(), getppid(), getuid(), getgid(),
		getsid(0), getpgrp());
	if (getcwd(cwd, sizeof(cwd)))
		fprintf(out, "cwd=%s\n", cwd);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		fprintf(out, "exe=%s\n", exe);
	}
	put_file(out, "cmdline", "/proc/self/cmdline", 1);
	put_file(out, "loginuid", "/proc/self/loginuid", 0);
	put_status(out, "cap_effective", "CapEff:");
	put_status(out, "cap_permitted", "CapPrm:");
	put_tty(out);
	/* Falco's EXE_WRITABLE: this process may write its own executable */
	fprintf(out, "exe_writable=%d\n", access("/proc/self/exe", W_OK) == 0);

	fd = open(argv[2], O_RDONLY | O_CREAT, 0600);
	if (fd < 0)
		return 2;
	fprintf(out, "fd=%d\n", fd);

	/* a TCP connection to ourselves: connect on one side, accept on the other */
	srv.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&srv, sizeof(srv)) || listen(ls, 1) ||
	    getsockname(ls, (struct sockaddr *)&srv, &len))
		return 3;
	cs = socket(AF_INET, SOCK_STREAM, 0);
	if (cs < 0 || connect(cs, (struct sockaddr *)&srv, sizeof(srv)))
		return 4;
	len = sizeof(cli);
	if (getsockname(cs, (struct sockaddr *)&cli, &len))
		return 5;
	len = sizeof(acc);
	as = accept(ls, (struct sockaddr *)&acc, &len);
	if (as < 0)
		return 6;
	fprintf(out, "connect_fd=%d\naccept_fd=%d\n", cs, as);
	put_endpoint(out, "server_ip", "server_port", &srv);
	put_endpoint(out, "client_ip", "client_port", &cli);
	fclose(out);
	return 0;
}
