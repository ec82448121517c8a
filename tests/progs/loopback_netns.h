/*
 * A private network namespace whose loopback device is up and also carries
 * ADDR: the trigger programs connect to addresses that must never leave the
 * machine (the cloud metadata address, a public-looking one) without any
 * route outside. Included by tests/progs/tl_metadata.c and tl_falco.c.
 */
#ifndef TL_LOOPBACK_NETNS_H
#define TL_LOOPBACK_NETNS_H

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

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

/* returns 0, or the step that failed (1..4); 127.0.0.1 needs no extra address */
static int loopback_netns(const char *addr)
{
	struct ifreq ifr;
	int ctl;

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
	if (strcmp(addr, "127.0.0.1") && set_addr(ctl, "lo:1", addr))
		return 4;
	return 0;
}

#endif
