// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the *guest's* initramfs: the program a Linux guest runs once it
 * reaches userspace, under tools/vmm or under Debian's qemu-system-ppc.
 *
 * It prints what the tests judge, each line prefixed "guest: ":
 *   guest: userspace reached
 *   guest: MMU : Radix            (the /proc/cpuinfo line, verbatim value)
 *   guest: pa-features radix bit: 1   (byte 40 bit 0 of the boot CPU's
 *                                  ibm,pa-features; "absent" if none)
 *   guest: tick N                 (N = 1..3, ~0.2 s apart: the guest keeps
 *                                  running; a VMM can snapshot between ticks)
 * and then powers the machine off (RTAS power-off).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <time.h>
#include <unistd.h>

#define TICKS	3

static void print_mmu_line(void)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "MMU", 3)) {
			char *val = strchr(line, ':');

			val = val ? val + 1 : line;
			val += strspn(val, " \t");
			val[strcspn(val, "\n")] = '\0';
			printf("guest: MMU : %s\n", val);
			fclose(f);
			return;
		}
	}
	if (f)
		fclose(f);
	printf("guest: MMU : (no MMU line in /proc/cpuinfo)\n");
}

/* PAPR ibm,pa-features: 2 header bytes, then attribute bytes; radix is byte 40 bit 0 (0x80). */
static void print_pa_features_radix(void)
{
	const char *cpus = "/proc/device-tree/cpus";
	unsigned char buf[256];
	char path[512];
	struct dirent *d;
	DIR *dir = opendir(cpus);
	ssize_t n = -1;

	while (dir && (d = readdir(dir))) {
		int fd;

		if (strncmp(d->d_name, "PowerPC,", 8))
			continue;
		snprintf(path, sizeof(path), "%s/%s/ibm,pa-features", cpus, d->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		close(fd);
		break;
	}
	if (dir)
		closedir(dir);
	if (n < 2 + 41)
		printf("guest: pa-features radix bit: absent\n");
	else
		printf("guest: pa-features radix bit: %d\n", !!(buf[2 + 40] & 0x80));
}

int main(void)
{
	struct timespec pause = { 0, 200 * 1000 * 1000 };
	int i;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);	/* /proc/device-tree lives there */
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("guest: userspace reached\n");
	print_mmu_line();
	print_pa_features_radix();
	for (i = 1; i <= TICKS; i++) {
		nanosleep(&pause, NULL);
		printf("guest: tick %d\n", i);
	}
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
