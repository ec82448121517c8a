/*
 * ia32 syscalls from a 64-bit process (int 0x80 takes the compat entry, as a
 * 32-bit program's syscalls do): getpid, to learn whether this kernel has ia32
 * emulation at all, then open("/etc/shadow") and setuid(0).
 *
 * exit 0: done; 3: no ia32 emulation here; 4, 5: a call failed
 */
#include <unistd.h>

/* a static, non-PIE binary: this string's address fits the 32-bit argument */
static const char path[] = "/etc/shadow";

static long int80(long nr, long a, long b)
{
	long ret;

	/* the compat entry clears r8-r11 */
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b) : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

int main(void)
{
	if (int80(20 /* getpid */, 0, 0) != getpid())
		return 3;
	if (int80(5 /* open */, (long)path, 0 /* O_RDONLY */) < 0)
		return 4;
	if (int80(23 /* setuid */, 0, 0) != 0)
		return 5;
	return 0;
}
