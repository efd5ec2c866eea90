// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the emulated POWER9 host's initramfs.
 *
 * Loads kvm.ko and kvm-hv.ko, runs every selftest named in /selftests/list
 * (one per line) with a time limit, and prints the results as KTAP in the
 * layout of kselftest's runner: each program's own KTAP indented under "# ",
 * then one "ok N selftests: ppc-mmu: NAME" line for it. Then powers off.
 *
 * The kernel command line chooses what the tests expect:
 *   ppcmmu.host=HOST	exported as PPC_MMU_EXPECT_HOST (tools/rig/lib/qemu.sh)
 *   ppcmmu.only=NAME			run just that selftest
 *   ppcmmu.run=NAME			run /NAME (demo, bench, bench-scale) instead of the selftests
 *   ppcmmu.kvm_hv=fixed		load /kvm-hv-fixed.ko (tools/kvm-hv/) instead of
 *					Debian's kvm-hv, and give the module
 *					kvm_hv_preempt_fixed=1 wherever it is loaded
 *					(PPC_MMU_KO_OPTIONS), as an admin's
 *					modprobe.d would
 *   PPC_MMU_FUZZ_SECONDS=N, PPC_MMU_STORM_SECONDS=N, PPC_MMU_PREEMPT_SECONDS=N
 *							(the kernel puts them in
 *					our environment) longer runs: each selftest's
 *					time limit grows by N
 * Before the selftests it runs the admin's host check twice (tools/host-check/,
 * "host-check: <when> exit=N <json>"): without kvm-ppc-mmu, then with it
 * loaded (and unloaded again, so the selftests start as before).
 * On a kernel with kmemleak (the debug host kernel, tools/rig/debug-kernel/)
 * it clears what boot left at the start and, at the end, unloads the module
 * and reports what is left unreferenced ("kmemleak: ..." lines).
 * tools/stages/run-hosts.sh reads the console and turns it into pass/fail.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TEST_TIMEOUT_S	240	/* one selftest program */
#define RUN_TIMEOUT_S	1200	/* a ppcmmu.run= program: many guest boots in one */
#define MAX_TESTS	64

static char cmdline[4096];

static const char *cmdline_value(const char *key)
{
	static char val[128];
	char *p = strstr(cmdline, key);
	size_t n;

	if (!p)
		return NULL;
	p += strlen(key);
	n = strcspn(p, " \n");
	if (n >= sizeof(val))
		n = sizeof(val) - 1;
	memcpy(val, p, n);
	val[n] = '\0';
	return val;
}

#define KMEMLEAK	"/sys/kernel/debug/kmemleak"

static void kmemleak_cmd(const char *cmd)
{
	int fd = open(KMEMLEAK, O_WRONLY);

	if (fd < 0)
		return;
	if (write(fd, cmd, strlen(cmd)) < 0)
		printf("ppcmmu-init: kmemleak %s: %s\n", cmd, strerror(errno));
	close(fd);
}

/*
 * kmemleak reports an object only once it is older than 5 s and was seen
 * unreferenced by a scan; "clear" marks everything reported so far as
 * known. So: at boot scan and clear (the boot's own leftovers), at the end
 * wait, scan twice and print what is new.
 */
/* Whether the kernel has SYMBOL (a checker's entry point), from kallsyms. */
static bool kernel_has_symbol(const char *symbol)
{
	char line[256], name[128];
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "r");

	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %*s %127s", name) == 1 && !strcmp(name, symbol);
	if (f)
		fclose(f);
	return found;
}

static bool kmemleak_begin(void)
{
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	if (access(KMEMLEAK, F_OK))
		return false;
	/* The debug stage checks these: a checker missing is a failure there. */
	printf("ppcmmu-init: checkers: lockdep=%d kasan=%d kmemleak=1\n",
	       !access("/proc/lockdep", F_OK), kernel_has_symbol("kasan_report"));
	kmemleak_cmd("scan");
	kmemleak_cmd("clear");
	printf("ppcmmu-init: kmemleak: boot leftovers cleared\n");
	return true;
}

static void kmemleak_end(void)
{
	char line[256];
	int found = 0;
	FILE *f;

	printf("ppcmmu-init: kmemleak: unload kvm-ppc-mmu -> %d\n",
	       syscall(SYS_delete_module, "kvm_ppc_mmu", O_NONBLOCK) ? -errno : 0);
	sleep(6);
	kmemleak_cmd("scan");
	kmemleak_cmd("scan");
	f = fopen(KMEMLEAK, "r");
	while (f && fgets(line, sizeof(line), f)) {
		found += !strncmp(line, "unreferenced object", 19);
		printf("kmemleak: %s", line);
	}
	if (f)
		fclose(f);
	printf("ppcmmu-init: kmemleak: %d unreferenced objects after the run\n", found);
}

/* kvm-ppc-mmu.ko gets PPC_MMU_KO_OPTIONS, as modprobe.d would give it. */
static int load_module(const char *path)
{
	const char *opts = getenv("PPC_MMU_KO_OPTIONS");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -errno;
	if (!opts || strcmp(path, "/kvm-ppc-mmu.ko"))
		opts = "";
	r = syscall(SYS_finit_module, fd, opts, 0) ? -errno : 0;
	close(fd);
	return r;
}

/*
 * TEST_TIMEOUT_S, plus the longer fuzz, storm or preemption run asked for
 * on the command line (the last runs two scenarios of that length).
 */
static unsigned int test_timeout_s(void)
{
	static const char *const vars[] = { "PPC_MMU_FUZZ_SECONDS", "PPC_MMU_STORM_SECONDS",
					    "PPC_MMU_PREEMPT_SECONDS", "PPC_MMU_PREEMPT_SECONDS" };
	unsigned int t = TEST_TIMEOUT_S, i;
	const char *v;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		v = getenv(vars[i]);
		if (v && atol(v) > 0 && atol(v) < 7L * 24 * 3600)
			t += atol(v);
	}
	return t;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Run a program, optionally prefixing its output with "# "; returns its wait status. */
static int run_program(const char *path, const char *name, bool nest, unsigned int timeout_s)
{
	char line[1024];
	int pipefd[2], status = 0;
	pid_t pid;
	FILE *out;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		close(pipefd[1]);
		alarm(timeout_s);	/* survives exec: SIGALRM kills a hung test */
		execl(path, name, (char *)NULL);
		printf("exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	out = fdopen(pipefd[0], "r");
	while (out && fgets(line, sizeof(line), out)) {
		printf("%s%s", nest ? "# " : "", line);
		if (!strchr(line, '\n'))
			putchar('\n');
	}
	if (out)
		fclose(out);
	waitpid(pid, &status, 0);
	return status;
}

/* host-check: WHEN exit=N {json}: one line, as tools/stages/run-hosts.sh judges it. */
static void host_check(const char *when)
{
	char line[4096] = "";
	int pipefd[2], status = 0;
	pid_t pid;
	FILE *out;

	if (pipe(pipefd))
		return;
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		close(pipefd[1]);
		execl("/ppc-mmu-host-check", "ppc-mmu-host-check", "--json", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	out = fdopen(pipefd[0], "r");
	if (out && !fgets(line, sizeof(line), out))
		line[0] = '\0';
	if (out)
		fclose(out);
	waitpid(pid, &status, 0);
	line[strcspn(line, "\n")] = '\0';
	printf("host-check: %s exit=%d %s\n", when, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
	       line);
}

int main(void)
{
	char names[MAX_TESTS][64], path[128];
	const char *host, *only, *kvm_hv, *kvm_hv_ko = "/kvm-hv.ko";
	int n = 0, i, fd;
	bool kmemleak;
	FILE *list;

	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	fd = open("/proc/cmdline", O_RDONLY);
	if (fd >= 0) {
		ssize_t len = read(fd, cmdline, sizeof(cmdline) - 1);

		cmdline[len > 0 ? len : 0] = '\0';
		close(fd);
	}
	/* cmdline_value() reuses one buffer: keep each value in its own */
	host = cmdline_value("ppcmmu.host=");
	host = host ? strdup(host) : NULL;
	kvm_hv = cmdline_value("ppcmmu.kvm_hv=");
	if (kvm_hv && !strcmp(kvm_hv, "fixed") && !access("/kvm-hv-fixed.ko", R_OK)) {
		kvm_hv_ko = "/kvm-hv-fixed.ko";
		setenv("PPC_MMU_KO_OPTIONS", "kvm_hv_preempt_fixed=1", 1);
	}
	only = cmdline_value("ppcmmu.only=");
	if (host)
		setenv("PPC_MMU_EXPECT_HOST", host, 1);
	setenv("PPC_MMU_KO", "/kvm-ppc-mmu.ko", 1);
	setenv("PPC_MMU_KVM_HV_KO", kvm_hv_ko, 1);
	setenv("PPC_MMU_TWIN_KO", "/kvm-ppc-mmu-twin.ko", 1);
	setenv("PATH", "/selftests:/", 1);

	printf("ppcmmu-init: host=%s\n", host ? host : "?");
	kmemleak = kmemleak_begin();
	printf("ppcmmu-init: load kvm.ko -> %d\n", load_module("/kvm.ko"));
	printf("ppcmmu-init: load %s -> %d\n", kvm_hv_ko + 1, load_module(kvm_hv_ko));

	if (cmdline_value("ppcmmu.run=")) {
		const char *prog = cmdline_value("ppcmmu.run=");
		int st;

		snprintf(path, sizeof(path), "/%.100s", prog);
		st = run_program(path, prog, false, RUN_TIMEOUT_S);
		printf("ppcmmu-init: %s exit=%d signal=%d\n", prog,
		       WIFEXITED(st) ? WEXITSTATUS(st) : -1, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
		goto out;
	}

	host_check("without-module");
	printf("ppcmmu-init: load kvm-ppc-mmu.ko -> %d\n", load_module("/kvm-ppc-mmu.ko"));
	host_check("with-module");
	printf("ppcmmu-init: unload kvm-ppc-mmu -> %d\n",
	       syscall(SYS_delete_module, "kvm_ppc_mmu", O_NONBLOCK) ? -errno : 0);

	list = fopen("/selftests/list", "r");
	while (list && n < MAX_TESTS && fscanf(list, "%63s", names[n]) == 1)
		if (!only || !strcmp(only, names[n]))
			n++;
	if (list)
		fclose(list);

	printf("TAP version 13\n1..%d\n", n);
	for (i = 0; i < n; i++) {
		long t0 = now_ms();
		int st;

		printf("# selftests: ppc-mmu: %s\n", names[i]);
		snprintf(path, sizeof(path), "/selftests/%.100s", names[i]);
		st = run_program(path, names[i], true, test_timeout_s());
		printf("# %s took %ld ms\n", names[i], now_ms() - t0);
		if (WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 4))
			printf("ok %d selftests: ppc-mmu: %s%s\n", i + 1, names[i],
			       WEXITSTATUS(st) == 4 ? " # SKIP" : "");
		else
			printf("not ok %d selftests: ppc-mmu: %s # exit=%d signal=%d\n", i + 1,
			       names[i], WIFEXITED(st) ? WEXITSTATUS(st) : -1,
			       WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	}
	printf("ppcmmu-init: done\n");
out:
	if (kmemleak)
		kmemleak_end();
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
