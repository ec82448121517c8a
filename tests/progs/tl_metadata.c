/*
 * Connects to the cloud metadata address without leaving the machine: in a
 * private network namespace, 169.254.169.254 is put on loopback, a listener
 * waits on port 80, and this process connects to it. Extra arguments are
 * ignored; they let a test shape the command line.
 *
 * exit 0: connected; 1..: the step that failed
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int set_addr(int fd, const char *ifname, const char *ip)
{
	struct ifreq ifr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, ip, &sin->sin_addr);
	return ioctl(fd, SIOCSIFADDR, &ifr);
}

int main(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(80)};
	struct ifreq ifr;
	int ctl, srv, cli;

	if (unshare(CLONE_NEWNET))
		return 1;
	ctl = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(ctl, SIOCGIFFLAGS, &ifr))
		return 2;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(ctl, SIOCSIFFLAGS, &ifr))
		return 3;
	if (set_addr(ctl, "lo:1", "169.254.169.254"))
		return 4;
	inet_pton(AF_INET, "169.254.169.254", &sa.sin_addr);
	srv = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(srv, (struct sockaddr *)&sa, sizeof(sa)) || listen(srv, 1))
		return 5;
	cli = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(cli, (struct sockaddr *)&sa, sizeof(sa)))
		return 6;
	return 0;
}
