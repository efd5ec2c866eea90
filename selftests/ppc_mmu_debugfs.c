// SPDX-License-Identifier: GPL-2.0
/*
 * The per-VM state file <debugfs>/kvm/<pid>-<fd>/ppc_mmu: absent for a VM
 * that does not opt in; for a radix and a hash guest booted through CAS it
 * must show what GET_STATE, GET_CAS and the guest's own calls say; it goes
 * with the VM; an fd held open across the VM's end reads an error, not
 * freed memory; and a reader looping over every VM's file while another
 * thread creates and destroys opted-in VMs only ever sees whole files or
 * clean errors (the host's console is checked for oopses and WARNs too).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/ktap.h"
#include "lib/test_env.h"
#include "ppcmmu/cas_guest.h"
#include "ppcmmu/guest.h"
#include "ppcmmu/guest_asm.h"
#include "ppcmmu/mmu_guest.h"
#include "ppcmmu/module_ctl.h"
#include "ppcmmu/ppcmmu.h"

#define DEBUGFS		"/sys/kernel/debug"
#define KVM_DIR		DEBUGFS "/kvm"
#define STATE_NAME	"ppc_mmu"
#define GR		(1ULL << 63)
#define CHURN_VMS	40
#define NR_TESTS	16

static struct kvm_ppc_mmu_caps caps;
static bool can_radix, can_hash, forced;

static void state_path(int vm_fd, char *p, size_t n)
{
	snprintf(p, n, KVM_DIR "/%d-%d/" STATE_NAME, getpid(), vm_fd);
}

/* Whole file into @buf: bytes read, or -errno. */
static int read_all(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t r = 0;

	if (fd < 0)
		return -errno;
	while (len < n - 1 && (r = read(fd, buf + len, n - 1 - len)) > 0)
		len += r;
	if (r < 0)
		r = -errno;
	close(fd);
	buf[len] = '\0';
	return r < 0 ? (int)r : (int)len;
}

/* The value of "key: value" in @text (the rest of its line), or NULL. */
static const char *value(const char *text, const char *key, char *val, size_t n)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == ':' && p[klen + 1] == ' ') {
			size_t l;

			p += klen + 2;
			l = strcspn(p, "\n");
			if (l >= n)
				l = n - 1;
			memcpy(val, p, l);
			val[l] = '\0';
			return val;
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return NULL;
}

static bool is(const char *text, const char *key, const char *want)
{
	char v[160];

	if (!value(text, key, v, sizeof(v)))
		return false;
	if (strcmp(v, want))
		ktap_info("  %s: '%s', expected '%s'", key, v, want);
	return !strcmp(v, want);
}

static unsigned long long num(const char *text, const char *key)
{
	char v[64];

	return value(text, key, v, sizeof(v)) ? strtoull(v, NULL, 0) : ~0ULL;
}

static void show(const char *what, const char *text)
{
	const char *p = text;

	ktap_info("%s:", what);
	while (p && *p) {
		size_t l = strcspn(p, "\n");

		ktap_info("  %.*s", (int)l, p);
		p += l + (p[l] == '\n');
	}
}

/* The file is complete: every key, in order, the last line whole. */
static bool well_formed(const char *t)
{
	static const char *const keys[] = { "vm", "pid", "features", "vcpus_ran", "mode",
		"process_table", "gtse", "hpt_order", "hpt_from", "last_cas", "cas_calls",
		"registrations", "refusals", "busy" };
	unsigned int i;
	char v[160];

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!value(t, keys[i], v, sizeof(v)))
			return false;
	return strncmp(t, "vm: ", 4) == 0 && t[strlen(t) - 1] == '\n';
}

/* Plain VM: KVM's directory, no file of ours. 2 results. */
static void test_not_opted_in(void)
{
	struct guest_exit log[2];
	struct guest_vm vm;
	char p[128] = "", d[128] = "";
	struct gasm a;
	struct stat s;
	int r;

	r = mmu_guest_vm(&vm, 16UL << 20, GUEST_MMU_DEFAULT, 0);
	if (!r) {
		gasm_init(&a, vm.mem + GUEST_CODE_ADDR);
		gasm_hcall(&a, TEST_HCALL_DONE);
		gasm_emit(&a, PPC_B_SELF);
		r = guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
		r = r < 0 ? r : guest_run_script(&vm, 0, log, 2);
		state_path(vm.vm_fd, p, sizeof(p));
		snprintf(d, sizeof(d), KVM_DIR "/%d-%d", getpid(), vm.vm_fd);
	}
	ktap_result(r == 1 && !stat(d, &s) && S_ISDIR(s.st_mode),
		    "VM not opted in runs; KVM's debugfs directory %s exists (r=%d)", d, r);
	ktap_result(r == 1 && stat(p, &s) && errno == ENOENT, "and it has no %s file", STATE_NAME);
	if (vm.vm_fd >= 0)
		guest_vm_destroy(&vm);
}

/* A guest through CAS; the file's content, then gone. 3 results each. */
static void test_guest(bool radix)
{
	const char *name = radix ? "radix" : "hash";
	struct kvm_ppc_mmu_state st = { 0 };
	struct mmu_guest_result res;
	struct kvm_ppc_mmu_cas out;
	char p[128], t[2048], want[160];
	struct guest_vm vm;
	struct stat s;
	bool ok;
	int r, n = -1;

	if (radix ? !can_radix : !can_hash) {
		ktap_skip_n(3, "host cannot run this mode", name);
		return;
	}
	r = cas_guest_boot(&vm, radix ? 0x40 : 0x00, radix ? 0x40 : 0x00, &out, &res);
	if (!r && ppcmmu_get_state(vm.vm_fd, &st))
		r = -EIO;
	if (!r) {
		state_path(vm.vm_fd, p, sizeof(p));
		n = read_all(p, t, sizeof(t));
	}
	if (n > 0)
		show(name, t);

	ok = !r && n > 0 && well_formed(t) && num(t, "vm") > 0 &&
	     num(t, "pid") == (unsigned long long)getpid() &&
	     is(t, "features", "0x7 proc_tbl hpt_sizing cas") && is(t, "vcpus_ran", "yes") &&
	     is(t, "mode", name) && is(t, "cas_calls", "1") && is(t, "registrations", "1") &&
	     is(t, "refusals", "0") && is(t, "busy", "0");
	if (radix) {
		ok = ok && is(t, "gtse", "yes") && is(t, "hpt_order", "0") &&
		     is(t, "hpt_from", "none") && num(t, "process_table") == (GR | MMU_GUEST_PROC_TBL);
		snprintf(want, sizeof(want),
			 "accepted reason=0 mode=radix legacy=0 gtse=1 compat_pvr=0x%x hpt_order=0 hret=0",
			 out.compat_pvr);
	} else {
		char from[64];

		/* radix host: switched at CAS; hash host: sized at first entry */
		snprintf(from, sizeof(from), "kvm-ppc-mmu:%s", can_radix ? "cas" : "entry");
		ok = ok && is(t, "gtse", "no") && is(t, "process_table", "0x0") &&
		     num(t, "hpt_order") == CAS_GUEST_HPT_ORDER &&
		     value(t, "hpt_from", want, sizeof(want)) && !strncmp(want, from, strlen(from));
		snprintf(want, sizeof(want),
			 "accepted reason=0 mode=hash legacy=0 gtse=0 compat_pvr=0x%x hpt_order=%d hret=0",
			 out.compat_pvr, CAS_GUEST_HPT_ORDER);
	}
	ok = ok && is(t, "last_cas", want);
	ktap_result(ok && res.done, "%s guest: state file shows features, mode, tables, CAS and counters (r=%d n=%d)",
		    name, r, n);
	ktap_result(n > 0 && st.process_table == num(t, "process_table") &&
		    st.hpt_order == num(t, "hpt_order") &&
		    (st.mode == KVM_PPC_MMU_MODE_RADIX) == radix,
		    "%s guest: file agrees with KVM_PPC_MMU_GET_STATE", name);
	if (vm.vm_fd >= 0)
		guest_vm_destroy(&vm);
	ktap_result(n > 0 && stat(p, &s) && errno == ENOENT, "%s guest: file gone with the VM", name);
}

/* Counters and last CAS of a refused CAS; an fd open across the VM's end. 3 results. */
static void test_refusal_and_open_fd(void)
{
	struct kvm_ppc_mmu_cas c = { .vec_addr = 1ULL << 40 };
	char p[128], t[2048];
	struct guest_vm vm;
	int r, fd = -1, n = -1;
	ssize_t after = 0;

	r = mmu_guest_vm(&vm, 16UL << 20, GUEST_MMU_DEFAULT, KVM_PPC_MMU_FEAT_ALL);
	if (!r)
		r = ioctl(vm.vm_fd, KVM_PPC_MMU_CAS, &c) ? -errno : 0;
	if (!r) {
		state_path(vm.vm_fd, p, sizeof(p));
		n = read_all(p, t, sizeof(t));
		fd = open(p, O_RDONLY | O_CLOEXEC);
	}
	if (n > 0)
		show("refused CAS", t);
	ktap_result(!r && n > 0 && is(t, "cas_calls", "1") && is(t, "refusals", "1") &&
		    is(t, "busy", "0") && is(t, "registrations", "0") &&
		    is(t, "vcpus_ran", "no") &&
		    is(t, "last_cas", "malformed reason=1 mode=none legacy=0 gtse=0 compat_pvr=0x0 hpt_order=0 hret=-4"),
		    "refused CAS: cas_calls 1, refusals 1, last_cas malformed (not in RAM)");
	if (!r)
		guest_vm_destroy(&vm);
	if (fd >= 0) {
		after = read(fd, t, sizeof(t));
		if (after < 0)
			after = -errno;
		close(fd);
	}
	ktap_result(fd >= 0 && after == -EIO,
		    "an fd opened before the VM's end reads EIO after it (got %zd)", after);
	ktap_result(ppcmmu_ensure_unloaded() == 0 && ppcmmu_ensure_loaded() == 0,
		    "and once closed the module unloads and loads again");
}

/* Churn: one thread makes and destroys opted-in VMs, another reads every file. */
static struct {
	volatile int stop;
	volatile long reads_ok, reads_gone, bad, seen_vm;
	int last_err;
	char bad_text[512];
} churn;

static void *reader(void *arg)
{
	char p[300], t[2048];
	struct dirent *e;
	DIR *d;

	while (!churn.stop) {
		d = opendir(KVM_DIR);
		if (!d) {
			churn.bad++;
			churn.last_err = errno;
			break;
		}
		while ((e = readdir(d))) {
			int n;

			if (!strchr(e->d_name, '-'))
				continue;
			snprintf(p, sizeof(p), KVM_DIR "/%s/" STATE_NAME, e->d_name);
			n = read_all(p, t, sizeof(t));
			if (n > 0 && well_formed(t)) {
				churn.reads_ok++;
				churn.seen_vm = strtol(t + 4, NULL, 10);
			} else if (n == -ENOENT || n == -EIO) {
				churn.reads_gone++;	/* went away meanwhile */
			} else {
				churn.bad++;
				churn.last_err = n;
				if (n > 0)
					snprintf(churn.bad_text, sizeof(churn.bad_text), "%.500s", t);
			}
		}
		closedir(d);
	}
	return NULL;
}

/* 3 results */
static void test_churn(void)
{
	struct guest_exit log[2];
	int i, r = 0, made = 0, waited_ok = 0;
	struct dirent *e;
	pthread_t th;
	char pfx[32];
	int left = 0;
	DIR *d;

	memset((void *)&churn, 0, sizeof(churn));
	if (pthread_create(&th, NULL, reader, NULL)) {
		ktap_skip_n(3, "no thread", "churn");
		return;
	}
	for (i = 0; i < CHURN_VMS && !r; i++) {
		struct guest_vm vm;
		struct gasm a;

		r = mmu_guest_vm(&vm, 16UL << 20, GUEST_MMU_DEFAULT, KVM_PPC_MMU_FEAT_ALL);
		if (r)
			break;
		if (i % 2) {	/* every other VM also runs, and pins the module */
			gasm_init(&a, vm.mem + GUEST_CODE_ADDR);
			gasm_hcall(&a, TEST_HCALL_DONE);
			gasm_emit(&a, PPC_B_SELF);
			r = guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
			r = r < 0 ? r : guest_run_script(&vm, 0, log, 2);
			r = r == 1 ? 0 : (r < 0 ? r : -EPROTO);
		}
		if (i % 4 == 0) {
			/* now and then wait until the reader has read a file: overlap is certain */
			long before = churn.reads_ok;
			int ms;

			for (ms = 0; ms < 2000 && churn.reads_ok == before; ms++)
				usleep(1000);
			waited_ok += churn.reads_ok != before;
		}
		guest_vm_destroy(&vm);
		made++;
	}
	churn.stop = 1;
	pthread_join(th, NULL);
	ktap_info("churn: %d VMs, reads: %ld whole, %ld gone meanwhile, %ld bad (last error %d)",
		  made, churn.reads_ok, churn.reads_gone, churn.bad, churn.last_err);
	if (churn.bad_text[0])
		show("bad read", churn.bad_text);
	ktap_result(!r && made == CHURN_VMS, "churn: %d opted-in VMs made and destroyed (r=%d)",
		    made, r);
	ktap_result(churn.bad == 0 && churn.reads_ok > 0 && waited_ok == (CHURN_VMS + 3) / 4,
		    "churn: concurrent reader saw only whole files or ENOENT/EIO (%ld whole)",
		    churn.reads_ok);

	snprintf(pfx, sizeof(pfx), "%d-", getpid());
	d = opendir(KVM_DIR);
	while (d && (e = readdir(d)))
		left += !strncmp(e->d_name, pfx, strlen(pfx));
	if (d)
		closedir(d);
	ktap_result(d && left == 0, "churn: no VM directory of ours left (%d)", left);
}

static int mount_debugfs(void)
{
	if (!access(KVM_DIR, F_OK))
		return 0;
	/* The emulated hosts' /init mounts sysfs only; a real host has it. */
	if (mount("debugfs", DEBUGFS, "debugfs", 0, NULL) && errno != EBUSY)
		return -errno;
	return access(KVM_DIR, F_OK) ? -errno : 0;
}

int main(void)
{
	int r;

	test_env_begin(NR_TESTS, "debugfs", &caps, &forced);
	can_radix = caps.guest_modes & KVM_PPC_MMU_GUEST_RADIX;
	can_hash = caps.guest_modes & KVM_PPC_MMU_GUEST_HASH;

	r = mount_debugfs();
	if (!ktap_result(r == 0, "debugfs with KVM's kvm/ directory (r=%d)", r)) {
		ktap_skip_n(NR_TESTS - 2, "no debugfs", "debugfs");
	} else {
		test_not_opted_in();
		test_guest(true);
		test_guest(false);
		test_refusal_and_open_fd();
		test_churn();
	}
	test_env_restore(forced);
	ktap_result(module_is_loaded(PPCMMU_MODNAME), "module loaded at the end");
	ktap_finish();
}
