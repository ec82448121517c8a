/*
 * Connects to the cloud metadata address without leaving the machine: in a
 * private network namespace, 169.254.169.254 is put on loopback, a listener
 * waits on port 80, and this process connects to it. Extra arguments are
 * ignored; they let a test shape the command line.
 *
 * exit 0: connected; 1..: the step that failed
 */
#define _GNU_SOURCE
#include <unistd.h>

#include "loopback_netns.h"

int main(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(80)};
	int srv, cli, r;

	r = loopback_netns("169.254.169.254");
	if (r)
		return r;
	inet_pton(AF_INET, "169.254.169.254", &sa.sin_addr);
	srv = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(srv, (struct sockaddr *)&sa, sizeof(sa)) || listen(srv, 1))
		return 5;
	cli = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(cli, (struct sockaddr *)&sa, sizeof(sa)))
		return 6;
	return 0;
}
