// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the *guest's* initramfs: the program a Linux guest runs once it
 * reaches userspace, under tools/vmm or under Debian's qemu-system-ppc.
 *
 * It prints what the tests judge, each line prefixed "guest: ":
 *   guest: userspace reached
 *   guest: kernel 6.1.0-50-powerpc64le   (uname -r: which kernel booted)
 *   guest: MMU : Radix            (the /proc/cpuinfo line, verbatim value)
 *   guest: pa-features radix bit: 1   (byte 40 bit 0 of the boot CPU's
 *                                  ibm,pa-features; "absent" if none)
 *   guest: ibm,pft-size: 22       (log2 of the HPT the hypervisor gave the
 *                                  boot CPU's ibm,pft-size; "absent" if none)
 *   guest: cpus online: 4         (sysconf: the cpus Linux brought up)
 *   guest: tick N                 (N = 1..3, ~0.2 s apart: the guest keeps
 *                                  running; a VMM can snapshot between ticks)
 *   guest: clock jumped: N ms ...  (only if a tick took over 2.5 s
 *                                  on the guest's clock: its timebase jumped)
 *   guest: work ran on cpus: 0 1 2 3  (one process pinned to each online
 *                                  cpu computed from before tick 1 to past
 *                                  tick 2, and was never seen on another cpu)
 * and then powers the machine off (RTAS power-off). Kernel command line:
 *   guest.reboot=1   reboot (RTAS system-reboot) instead of powering off
 *   guest.forever=1  neither: go on ticking, one "guest: tick N" a second
 *   guest.memcheck=1 and, with forever, keep rewriting memory and report any
 *                    write that went missing (start_memcheck(): the live
 *                    migration scenarios' lost-write detector)
 *   guest.dt=1       first print every device-tree property as
 *                    "guest: dt: <path>/<name> <len> <crc32>" (the Open
 *                    Firmware fidelity check, tools/vmm/dt_digest.h),
 *                    twice, with the kernel's console held meanwhile;
 *                    what the kernel logged then follows as
 *                    "guest: kernel said during the dt dump: <line>"
 *   guest.dt_noise=1 and the kernel logs a warning every 20 ms meanwhile
 *   guest.kexec=1    after the ticks, kexec into the same kernel, with the
 *                    same command line but guest.kexec=1 ("guest: kexec
 *                    into: <cmdline>"): needs /kexec of initramfs-kexec.cpio
 *                    (tools/rig/guest/mkguest-kexec.sh)
 *   guest.hotplug=1  after the ticks, "guest: waiting for a hotplugged cpu"
 *                    (the VMM's cue to plug one), then, once Linux brought
 *                    it online, "guest: cpus online after the hotplug: N"
 *                    and "guest: hotplug: <cpu node> ibm,pft-size: N" for
 *                    every cpu node, the new one's written by the VMM then
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../../vmm/dt_digest.h"

#define TICKS	3
#define MAX_CPUS	64
#define WORK_NS		500000000LL	/* past tick 2: across a snapshot at tick 1 */
#define CLOCK_JUMP_NS	2500000000LL	/* a restore that did not continue the timebase */

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Pinned to @cpu, compute for WORK_NS; exit 0 only if it never ran elsewhere. */
static void work_on(int cpu)
{
	long long end = now_ns() + WORK_NS;
	volatile unsigned long x = cpu;
	cpu_set_t set;
	int wrong = 0;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		_exit(2);
	while (now_ns() < end) {
		for (int i = 0; i < 10000; i++)
			x = x * 6364136223846793005UL + 1442695040888963407UL;
		wrong |= sched_getcpu() != cpu;
	}
	_exit(wrong);
}

/* One worker per online cpu; returns how many were started (pids[]). */
static int start_work(pid_t *pids, int *cpus)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	int n = 0;

	printf("guest: cpus online: %ld\n", online);
	for (int cpu = 0; cpu < MAX_CPUS && n < online; cpu++) {
		char path[64];

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d", cpu);
		if (access(path, F_OK))
			continue;
		pids[n] = fork();
		if (pids[n] == 0)
			work_on(cpu);
		if (pids[n] > 0)
			cpus[n++] = cpu;
	}
	return n;
}

static void report_work(const pid_t *pids, const int *cpus, int n)
{
	char line[4 * MAX_CPUS] = "";
	int status;

	for (int i = 0; i < n; i++) {
		if (waitpid(pids[i], &status, 0) == pids[i] && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0)
			snprintf(line + strlen(line), sizeof(line) - strlen(line), " %d", cpus[i]);
		else
			printf("guest: work on cpu %d failed\n", cpus[i]);
	}
	printf("guest: work ran on cpus:%s\n", line);
}

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

static int is_cpu_node(const struct dirent *d)
{
	return !strncmp(d->d_name, "PowerPC,", 8);
}

/* Reads property @name of cpu node @node (PowerPC,*@N); its length or -1. */
static ssize_t read_node_prop(const char *node, const char *name,
			      unsigned char *buf, size_t size)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/device-tree/cpus/%s/%s", node, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size);
	close(fd);
	return n;
}

/* Reads property @name of the first cpu node that has it; its length or -1. */
static ssize_t read_cpu_prop(const char *name, unsigned char *buf, size_t size)
{
	DIR *dir = opendir("/proc/device-tree/cpus");
	struct dirent *d;
	ssize_t n = -1;

	while (dir && n < 0 && (d = readdir(dir)))
		if (is_cpu_node(d))
			n = read_node_prop(d->d_name, name, buf, size);
	if (dir)
		closedir(dir);
	return n;
}

/* PAPR ibm,pa-features: 2 header bytes, then attribute bytes; radix is byte 40 bit 0 (0x80). */
static void print_pa_features_radix(void)
{
	unsigned char buf[256];
	ssize_t n = read_cpu_prop("ibm,pa-features", buf, sizeof(buf));

	if (n < 2 + 41)
		printf("guest: pa-features radix bit: absent\n");
	else
		printf("guest: pa-features radix bit: %d\n", !!(buf[2 + 40] & 0x80));
}

/*
 * ibm,pft-size, read into @buf (@n bytes): two cells, the second log2 of
 * the HPT's size. Printed as "guest: <what>ibm,pft-size: N" or "absent".
 */
static void print_pft_size_prop(const char *what, const unsigned char *buf, ssize_t n)
{
	if (n != 8)
		printf("guest: %sibm,pft-size: absent\n", what);
	else
		printf("guest: %sibm,pft-size: %u\n", what,
		       buf[7] | buf[6] << 8 | buf[5] << 16 | buf[4] << 24);
}

static void print_pft_size(void)
{
	unsigned char buf[8];

	print_pft_size_prop("", buf, read_cpu_prop("ibm,pft-size", buf, sizeof(buf)));
}

/*
 * guest.kexec=1: kexec into this kernel again, as a kexec or kdump does.
 * There is no CAS then: the new kernel takes the MMU the old one
 * negotiated from /chosen/ibm,architecture-vec-5 (early_check_vec5: a
 * disable_radix or not on its command line cannot change it) and registers
 * its process table with H_REGISTER_PROC_TBL again, which the module
 * answers without QEMU. Debian's kexec (kexec-tools, with its libc) loads
 * it: the guest kernel has no kexec_file_load. Returns only if it failed.
 */
static void kexec_again(void)
{
	char cmdline[1024] = "", arg[1200], *at;
	const char *key = "guest.kexec=1";
	FILE *f = fopen("/proc/cmdline", "r");
	int status;
	pid_t pid;

	if (f) {
		if (!fgets(cmdline, sizeof(cmdline), f))
			cmdline[0] = 0;
		fclose(f);
	}
	cmdline[strcspn(cmdline, "\n")] = 0;
	at = strstr(cmdline, key);
	if (!at) {
		printf("guest: kexec failed: no %s in /proc/cmdline\n", key);
		return;
	}
	memmove(at, at + strlen(key), strlen(at + strlen(key)) + 1);
	snprintf(arg, sizeof(arg), "--command-line=%s", cmdline);
	pid = fork();
	if (pid == 0) {
		execl("/kexec/kexec", "kexec", "-l", "/kexec/vmlinux",
		      "--initrd=/kexec/initramfs.cpio", arg, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		printf("guest: kexec failed: kexec -l did not load the kernel\n");
		return;
	}
	printf("guest: kexec into: %s\n", arg + strlen("--command-line="));
	sync();
	reboot(0x45584543);	/* LINUX_REBOOT_CMD_KEXEC */
	printf("guest: kexec failed: reboot(KEXEC) returned\n");
}

/*
 * guest.hotplug=1: wait up to 120 s for the VMM to plug a cpu, and print
 * what the guest then sees: the cpus online and each cpu node's
 * ibm,pft-size, which the VMM writes into a new node from its own idea of
 * the HPT (QEMU: spapr->htab_shift), so a VMM whose view went stale shows.
 */
static void wait_for_hotplugged_cpu(void)
{
	struct timespec step = { 0, 200 * 1000 * 1000 };
	long before = sysconf(_SC_NPROCESSORS_ONLN), now = before;
	struct dirent **nodes;
	unsigned char buf[8];
	char what[300];
	int i, n;

	printf("guest: waiting for a hotplugged cpu\n");
	for (i = 0; i < 5 * 120 && now == before; i++) {
		nanosleep(&step, NULL);
		now = sysconf(_SC_NPROCESSORS_ONLN);
	}
	if (now == before) {
		printf("guest: no cpu was hotplugged in 120 s\n");
		return;
	}
	printf("guest: cpus online after the hotplug: %ld\n", now);
	n = scandir("/proc/device-tree/cpus", &nodes, is_cpu_node, alphasort);
	for (i = 0; i < n; i++) {
		snprintf(what, sizeof(what), "hotplug: %s ", nodes[i]->d_name);
		print_pft_size_prop(what, buf,
				    read_node_prop(nodes[i]->d_name, "ibm,pft-size",
						   buf, sizeof(buf)));
		free(nodes[i]);
	}
	if (n > 0)
		free(nodes);
}

/* Every property below @dir, as "guest: dt: /path/name len crc32". */
static void print_dt_digest(const char *dir, const char *rel)
{
	static unsigned char val[1 << 20];
	char path[1024], sub[1024];
	struct dirent *d;
	DIR *dp = opendir(dir);
	struct stat st;

	while (dp && (d = readdir(dp))) {
		ssize_t n;
		int fd;

		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		snprintf(sub, sizeof(sub), "%s/%s", rel, d->d_name);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			print_dt_digest(path, sub);
			continue;
		}
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, val, sizeof(val));
		close(fd);
		if (n >= 0)
			printf("guest: dt: %s %zd %08x\n", sub, n, dt_digest_crc32(val, n));
	}
	if (dp)
		closedir(dp);
}

static int cmdline_has(const char *word)
{
	char line[4096] = "";
	FILE *f = fopen("/proc/cmdline", "r");
	char *tok, *save;

	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = 0;
		fclose(f);
	}
	for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		if (!strcmp(tok, word))
			return 1;
	return 0;
}

/* klogctl(2)'s actions (glibc's <sys/klog.h> names none of them) */
#define SYSLOG_ACTION_READ		2
#define SYSLOG_ACTION_CONSOLE_OFF	6
#define SYSLOG_ACTION_CONSOLE_ON	7
#define SYSLOG_ACTION_SIZE_UNREAD	9

/*
 * A syslog(2) line without its "<level>[ seconds] " prefix: the console
 * checkers read a timestamp inside a line as a kernel message cutting in.
 */
static const char *kernel_log_text(const char *line)
{
	const char *end;

	if (*line == '<' && (end = strchr(line, '>')))
		line = end + 1;
	if (*line == '[' && (end = strstr(line, "] ")))
		line = end + 2;
	return line;
}

/*
 * Read what the kernel logged since the last call (klogctl's read position);
 * print each line after @prefix, or nothing if @prefix is NULL. With a
 * @needle, only the lines containing it, each cut before a " (" (the
 * timings some messages end with differ from run to run). A read happens
 * only while the kernel says something is unread, so it never blocks; a
 * bounded number of rounds, so a kernel that keeps logging cannot keep the
 * guest here.
 */
static void kernel_log_unread_matching(const char *prefix, const char *needle)
{
	static char buf[1 << 18];
	int round;

	for (round = 0; round < 64; round++) {
		char *line, *save;
		int len;

		if (klogctl(SYSLOG_ACTION_SIZE_UNREAD, NULL, 0) <= 0)
			return;
		len = klogctl(SYSLOG_ACTION_READ, buf, sizeof(buf) - 1);
		if (len <= 0)
			return;
		buf[len] = '\0';
		for (line = strtok_r(buf, "\n", &save); prefix && line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (needle && !strstr(line, needle))
				continue;
			if (needle && strstr(line, " ("))
				*strstr(line, " (") = '\0';
			printf("%s%s\n", prefix, kernel_log_text(line));
		}
	}
}

/* Every line kernel_log_unread_matching() reads, whole. */
static void kernel_log_unread(const char *prefix)
{
	kernel_log_unread_matching(prefix, NULL);
}

/*
 * Lines no kernel message may cut (print_dt_digest_twice() says why): the
 * kernel's console held from console_hold() to console_release(), which
 * waits until the console has written what we printed (the tty buffers
 * behind us) and then prints what the kernel logged meanwhile after
 * @prefix, outside the "guest: " lines.
 */
static void console_hold(void)
{
	kernel_log_unread(NULL);
	klogctl(SYSLOG_ACTION_CONSOLE_OFF, NULL, 0);
}

static void console_release(const char *prefix)
{
	fflush(stdout);
	tcdrain(STDOUT_FILENO);
	klogctl(SYSLOG_ACTION_CONSOLE_ON, NULL, 0);
	kernel_log_unread(prefix);
}

static long mem_total_kb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	long kb = -1;

	if (f) {
		if (fscanf(f, "MemTotal: %ld kB", &kb) != 1)
			kb = -1;
		fclose(f);
	}
	return kb;
}

#define MEMPLUG_MIB 512

/*
 * guest.memplug=1: wait up to 120 s for the VMM to plug MEMPLUG_MIB of
 * memory (two 256 MiB LMBs), then print what the guest then has: how much
 * MemTotal grew, its HPT's order (debugfs: Linux's ppc64_pft_size, which a
 * resize changes), and what its kernel said about resizing the HPT. A hash
 * Linux resizes its HPT for the new memory size as each LMB arrives
 * (resize_hpt_for_hotplug: H_RESIZE_HPT_PREPARE/COMMIT, which QEMU hands
 * to KVM's resize ioctls) when the platform offers hcall-hpt-resize
 * (resize-hpt enabled or required), so under the module KVM then replaces
 * an HPT the module allocated.
 */
static void wait_for_hotplugged_memory(void)
{
	struct timespec step = { 0, 200 * 1000 * 1000 };
	long before = mem_total_kb(), now = before, want = MEMPLUG_MIB * 1024L;
	char order[32] = "absent";
	int i, fd;
	ssize_t n;

	printf("guest: waiting for %d MiB of hotplugged memory\n", MEMPLUG_MIB);
	for (i = 0; i < 5 * 120 && now - before < want; i++) {
		nanosleep(&step, NULL);
		now = mem_total_kb();
	}
	if (now - before < want) {
		printf("guest: memory hotplug: MemTotal grew by %ld kB in 120 s, not %ld\n",
		       now - before, want);
		return;
	}
	nanosleep(&step, NULL);	/* a last LMB's resize message, if any */
	printf("guest: memory hotplug: MemTotal grew by %ld kB\n", mem_total_kb() - before);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	fd = open("/sys/kernel/debug/powerpc/hpt_order", O_RDONLY);
	if (fd >= 0) {
		n = read(fd, order, sizeof(order) - 1);
		order[n > 0 ? n : 0] = '\0';
		order[strcspn(order, "\n")] = '\0';
		close(fd);
	}
	printf("guest: memory hotplug: hpt order %s\n", order);
	kernel_log_unread_matching("guest: memory hotplug: kernel: ", "HPT");
}

/*
 * guest.dt_noise=1: while the tree is dumped (seconds: a console hcall per
 * 16 bytes), a process on the last cpu has the kernel log a warning every
 * 20 ms, 100 of them (through /dev/kmsg, reopened for each as its rate
 * limit is per open file), so the dump below is tested against what once
 * garbled it rather than hoped to be safe. Returns its pid, or -1.
 */
static pid_t start_kernel_noise(void)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	long cpu = sysconf(_SC_NPROCESSORS_ONLN) - 1;
	int i, fd, started[2];
	cpu_set_t set;
	pid_t pid;
	char c;

	if (!cmdline_has("guest.dt_noise=1") || pipe(started))
		return -1;
	pid = fork();
	if (pid) {
		/* the dump starts once the noise has (EOF: the child failed) */
		close(started[1]);
		if (read(started[0], &c, 1) != 1)
			printf("guest: dt noise did not start\n");
		close(started[0]);
		return pid;
	}
	close(started[0]);
	CPU_ZERO(&set);
	CPU_SET(cpu > 0 ? cpu : 0, &set);
	sched_setaffinity(0, sizeof(set), &set);
	mkdir("/dev", 0755);
	mknod("/dev/kmsg", S_IFCHR | 0600, makedev(1, 11));
	for (i = 0; i < 100; i++) {	/* 2 s of it: enough to overlap the dump */
		char msg[64];
		int len = snprintf(msg, sizeof(msg), "<4>dt noise %d from cpu %ld\n", i, cpu);

		/* one write() a record (dprintf would lseek, which kmsg refuses) */
		fd = open("/dev/kmsg", O_WRONLY);
		if (fd < 0 || write(fd, msg, len) != len)
			_exit(1);
		close(fd);
		if (i == 0 && write(started[1], "", 1) == 1)
			close(started[1]);
		nanosleep(&pause, NULL);
	}
	_exit(0);
}

/*
 * The device-tree dump, made robust against the console it goes through.
 * The kernel prints its messages through the hvc console without the tty's
 * lock, 16 bytes per H_PUT_TERM_CHAR, so on an SMP guest a message from
 * another cpu lands inside these lines at that grain, which no checker can
 * undo (seen once in CI: one property's line garbled). So the kernel's
 * console is held during the dump (CONSOLE_OFF keeps the level to restore)
 * and what the kernel logged meanwhile is printed after it, where the
 * kernel-trouble checks still see it. The emulated host's own console can
 * interleave its kernel's messages too; the tree is dumped twice so that a
 * line garbled there has a clean copy (the checker takes the union).
 */
static void print_dt_digest_twice(void)
{
	pid_t noise;

	/* console_hold(), with the noise started between its two steps */
	kernel_log_unread(NULL);
	noise = start_kernel_noise();
	klogctl(SYSLOG_ACTION_CONSOLE_OFF, NULL, 0);
	print_dt_digest("/proc/device-tree", "");
	print_dt_digest("/proc/device-tree", "");
	/* the noise goes on until the console has written it all */
	fflush(stdout);
	tcdrain(STDOUT_FILENO);
	if (noise > 0) {
		kill(noise, SIGKILL);
		waitpid(noise, NULL, 0);
	}
	console_release("guest: kernel said during the dt dump: ");
}

#define MEMCHECK_MIB		32
#define MEMCHECK_REPORT_PASSES	64
#define MEMCHECK_SHOWN		8

/*
 * guest.memcheck=1: a lost-write detector for live migration. A child keeps
 * rewriting MEMCHECK_MIB of its own memory, pass after pass, every page
 * holding the number of the pass that last wrote it; before it writes a page
 * it reads it, and the page must hold the previous pass. One holding an
 * older pass lost a write, as a page the source dirtied and never sent
 * arrives on a migration's destination. Reading first makes every write go
 * through the translation a read set up, the case a dirty tracker built on
 * change bits must not miss. Lines:
 *   guest: memcheck: pass N, M lost writes             (every 64 passes)
 *   guest: memcheck: lost write: page P holds pass A, expected B (first 8)
 *   guest: memcheck: died (status S)                   (tick_forever() saw it)
 */
static pid_t start_memcheck(void)
{
	struct timespec breath = { 0, 10 * 1000 * 1000 };
	size_t page = sysconf(_SC_PAGESIZE), pages, i;
	unsigned long pass, lost = 0;
	pid_t pid = fork();
	char *mem;

	if (pid)
		return pid;
	pages = ((size_t)MEMCHECK_MIB << 20) / page;
	mem = mmap(NULL, pages * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem == MAP_FAILED) {
		printf("guest: memcheck: no memory\n");
		_exit(1);
	}
	for (pass = 1;; pass++) {
		for (i = 0; i < pages; i++) {
			volatile unsigned long *word = (unsigned long *)(mem + i * page);
			unsigned long was = *word;

			if (was != pass - 1 && ++lost <= MEMCHECK_SHOWN)
				printf("guest: memcheck: lost write: page %zu holds pass %lu, expected %lu\n",
				       i, was, pass - 1);
			*word = pass;
		}
		if (pass % MEMCHECK_REPORT_PASSES == 0)
			printf("guest: memcheck: pass %lu, %lu lost writes\n", pass, lost);
		nanosleep(&breath, NULL);
	}
}

/*
 * guest.forever=1: a guest a VMM manages as an admin's (libvirt: reboot,
 * save and restore), so it never ends on its own: one "guest: tick N" a
 * second, N going on from @first. A restored guest's next tick continues the
 * count; a rebooted one prints "userspace reached" again and starts over.
 */
static void __attribute__((noreturn)) tick_forever(int first, pid_t memcheck)
{
	struct timespec second = { 1, 0 };
	int i, status;

	for (i = first;; i++) {
		nanosleep(&second, NULL);
		printf("guest: tick %d\n", i);
		/* a checker the lost writes killed: say so, not just go quiet */
		if (memcheck > 0 && waitpid(memcheck, &status, WNOHANG) == memcheck) {
			printf("guest: memcheck: died (status 0x%x)\n", status);
			memcheck = 0;
		}
	}
}

int main(void)
{
	struct timespec pause = { 0, 200 * 1000 * 1000 };
	pid_t pids[MAX_CPUS];
	int cpus[MAX_CPUS], nr_workers;
	struct utsname uts;
	long long last;
	int i;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);	/* /proc/device-tree lives there */
	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * The first lines every check waits for, with the kernel's console
	 * held as for the status lines below: a message of the kernel's once
	 * cut "userspace reached" in two (an emulated host's timing: "hrtimer:
	 * interrupt took ..."), and the guest looked as if it never got here.
	 */
	console_hold();
	printf("guest: userspace reached\n");
	if (!uname(&uts))
		printf("guest: kernel %s\n", uts.release);
	console_release("kernel said meanwhile: ");
	if (cmdline_has("guest.dt=1"))
		print_dt_digest_twice();
	/*
	 * The lines the checks read, with the kernel's console held as for the
	 * dump (a message from another cpu once cut "ibm,pft-size" in two);
	 * what it logged meanwhile follows, outside the "guest: " lines, so
	 * two runs' guest lines stay comparable.
	 */
	console_hold();
	print_mmu_line();
	print_pa_features_radix();
	print_pft_size();
	nr_workers = start_work(pids, cpus);
	console_release("kernel said meanwhile: ");
	/*
	 * Each gap runs from the end of one sleep to the end of the next, so
	 * it includes the printf in between: a VMM that saves the guest when
	 * it sees "tick N" stops it inside that printf (the console hcall).
	 */
	last = now_ns();
	for (i = 1; i <= TICKS; i++) {
		long long gap;

		nanosleep(&pause, NULL);
		gap = now_ns() - last;
		last += gap;
		if (gap > CLOCK_JUMP_NS)
			printf("guest: clock jumped: %lld ms for a 200 ms sleep\n", gap / 1000000);
		printf("guest: tick %d\n", i);
	}
	report_work(pids, cpus, nr_workers);
	if (cmdline_has("guest.kexec=1"))
		kexec_again();
	else if (cmdline_has("guest.hotplug=1"))
		wait_for_hotplugged_cpu();
	else if (cmdline_has("guest.memplug=1"))
		wait_for_hotplugged_memory();
	sync();
	if (cmdline_has("guest.forever=1"))
		tick_forever(TICKS + 1, cmdline_has("guest.memcheck=1") ? start_memcheck() : 0);
	if (cmdline_has("guest.reboot=1")) {
		printf("guest: rebooting\n");
		reboot(RB_AUTOBOOT);
	}
	reboot(RB_POWER_OFF);
	return 0;
}
