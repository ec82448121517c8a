/* The benchmark's exec target: a static binary that exits at once, so an
 * exec costs the kernel's exec path and little else. */
int main(void)
{
	return 0;
}
