// SPDX-License-Identifier: GPL-2.0
/*
 * KVM-HV's own races with the MMU notifier, which this project found and
 * tools/kvm-hv/patches fixes (Documentation/kvm-hv-fixes.rst). Plain
 * KVM-HV VMs: the module is not involved.
 *
 * htab-replace: KVM_PPC_ALLOCATE_HTAB replacing the HPT of a hash VM whose
 *   guest has H_ENTERed HPTEs for RAM, while a real-time thread on the same
 *   CPU keeps madvise()ing that RAM (selftests/lib/rt_notifier.h).
 *   kvmppc_alloc_reset_hpt() frees the old table before it resets the
 *   reverse maps that name its HPTEs, outside kvm->mmu_lock; the notifier,
 *   preempting it in between, walks them into the freed table: an Oops in
 *   kvmppc_unmap_hpte() on an unfixed kvm-hv. The notifier is paused while
 *   the guest runs, so that KVM-HV's preemption bug (ppc_mmu_preempt.c)
 *   cannot hang the host first.
 *
 * configure-vs-entry: a vcpu entering a VM whose MMU is not set up yet,
 *   again and again, while a real-time thread on the same CPU keeps
 *   switching the VM between radix and hash (KVM_PPC_CONFIGURE_V3_MMU).
 *   kvmppc_vcpu_run_hv() reads the vcore's LPCR before kvmhv_setup_mmu(),
 *   and a switch lands in between while mmu_ready is clear (the only time
 *   kvmhv_configure_mmu() does not check for running vcpus): the vcpu
 *   enters with the other mode's LPCR and an unfixed host hangs.
 *
 * An unfixed kvm-hv oopses or hangs the host running the tests, so the scenarios run
 * only where kvm-hv is the one rebuilt with the fixes (out of tree, and the
 * module told so: kvm_hv_preempt_fixed=Y), or with
 * PPC_MMU_KVM_HV_RACES_REPRODUCE=1 to show the failure;
 * PPC_MMU_KVM_HV_RACES_SCENARIO=NAME runs only that one. On a kernel that
 * does not preempt, a one-CPU host cannot open the window at all.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "lib/ktap.h"
#include "lib/rt_notifier.h"
#include "lib/test_env.h"
#include "ppcmmu/guest.h"
#include "ppcmmu/guest_asm.h"
#include "ppcmmu/mmu_guest.h"
#include "ppcmmu/module_ctl.h"
#include <linux/kvm_ppc_mmu.h>

#define NR_TESTS	5
#define GUEST_MEM	(64UL << 20)
#define RUN_SECONDS	20
#define PROGRAM		0x2000ULL
#define FAILED_RC	0xf08ULL	/* first failing H_ENTER's return code */
#define PAGES		0x400000ULL	/* the RAM whose HPTEs the guest enters */
#define NR_PAGES	32
#define H_ENTER		0x08ULL
#define VSID		0x200ULL
#define HPTE_V(vsid, pg) ((((vsid) << 28 | (pg) << 12) >> 23) << 7 | 1)
#define HPTE_R(ra)	((ra) | 0x192)	/* R, C, M, read/write */
#define PTEG(vsid, pg)	((((vsid) ^ (pg)) & 0x7ff) * 8)

static bool read_flag(const char *path, char want)
{
	char buf[32] = "";
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return strchr(buf, want) != NULL;
}

/* The kvm-hv loaded is the one rebuilt with tools/kvm-hv/patches. */
static bool kvm_hv_rebuilt_with_fixes(void)
{
	return read_flag("/sys/module/kvm_hv/taint", 'O') &&
	       read_flag("/sys/module/kvm_ppc_mmu/parameters/kvm_hv_preempt_fixed", 'Y');
}

/* H_ENTER one 4 KiB page of PAGES after another, then DONE. */
static void write_enter_guest(struct guest_vm *vm)
{
	uint32_t *skip;
	struct gasm a;
	uint64_t pg;

	gasm_init(&a, vm->mem + PROGRAM);
	for (pg = 0; pg < NR_PAGES; pg++) {
		gasm_emit(&a, PPC_LI(4, 0));
		gasm_li64(&a, 5, PTEG(VSID, pg));
		gasm_li64(&a, 6, HPTE_V(VSID, pg));
		gasm_li64(&a, 7, HPTE_R(PAGES + pg * 4096));
		gasm_hcall(&a, H_ENTER);
		gasm_emit(&a, PPC_CMPDI(3, 0));
		skip = a.p;
		gasm_emit(&a, 0);
		gasm_li64(&a, 8, FAILED_RC);
		gasm_emit(&a, PPC_STD(3, 8, 0));
		gasm_hcall(&a, TEST_HCALL_DONE);
		*skip = PPC_BEQ((int)((a.p - skip) * 4));
	}
	gasm_hcall(&a, TEST_HCALL_DONE);
	gasm_emit(&a, PPC_B_SELF);
}

/* Run the guest from the top to its DONE. 0 or -errno / -EPROTO. */
static int run_to_done(struct guest_vm *vm)
{
	struct kvm_regs regs;
	int r;

	if (ioctl(vm->vcpus[0].fd, KVM_GET_REGS, &regs))
		return -errno;
	regs.pc = PROGRAM;
	if (ioctl(vm->vcpus[0].fd, KVM_SET_REGS, &regs))
		return -errno;
	do {
		r = guest_vcpu_run(vm, 0);
	} while (r == -EINTR);
	if (r)
		return r;
	if (vm->vcpus[0].run->exit_reason != KVM_EXIT_PAPR_HCALL ||
	    vm->vcpus[0].run->papr_hcall.nr != TEST_HCALL_DONE)
		return -EPROTO;
	return 0;
}

/* PPC_MMU_KVM_HV_RACES_SCENARIO names another scenario: skip @n results. */
static bool not_chosen(const char *name, int n)
{
	const char *only = getenv("PPC_MMU_KVM_HV_RACES_SCENARIO");

	if (!only || !*only || !strcmp(only, name))
		return false;
	ktap_skip_n(n, "PPC_MMU_KVM_HV_RACES_SCENARIO", name);
	return true;
}

static void htab_replace(void)
{
	const char *name = "htab-replace";
	long long start = test_now_ms(), madvised = 0;
	int r, rounds = 0, order = 18;
	struct guest_vm vm = { .vm_fd = -1 };
	struct rt_notifier n;
	uint64_t failed;

	if (not_chosen(name, 2))
		return;
	r = mmu_guest_vm(&vm, GUEST_MEM, GUEST_MMU_HASH, 0);
	if (!r)
		write_enter_guest(&vm);
	r = r ? r : guest_vcpu_add(&vm, PROGRAM, GUEST_MSR_REAL);
	r = r ? r : rt_notifier_start(&n, vm.mem + PAGES, NR_PAGES * 4096, true);
	if (!ktap_result(r == 0, "%s: hash VM, notifier thread on CPU %d (r=%d)", name,
			 sched_getcpu(), r)) {
		ktap_skip("no VM", "%s: every round", name);
		if (vm.vm_fd >= 0)
			guest_vm_destroy(&vm);
		return;
	}
	while (!r && test_now_ms() - start < RUN_SECONDS * 1000LL) {
		memset(vm.mem + PAGES, 0, NR_PAGES * 4096);	/* present for H_ENTER */
		r = run_to_done(&vm);
		if (r)
			break;
		madvised = atomic_load(&n.rounds);
		atomic_store(&n.paused, false);
		order = order == 18 ? 19 : 18;
		r = ioctl(vm.vm_fd, KVM_PPC_ALLOCATE_HTAB, &order) ? -errno : 0;
		atomic_store(&n.paused, true);
		rounds++;
	}
	rt_notifier_stop(&n);
	failed = *(volatile uint64_t *)(vm.mem + FAILED_RC);
	ktap_info("%s: %d rounds in %lld ms, notifier %ld madvise()s%s, the last round's %lld",
		  name, rounds, test_now_ms() - start, atomic_load(&n.rounds),
		  n.realtime ? " (SCHED_FIFO)" : "", atomic_load(&n.rounds) - madvised);
	ktap_result(!r && !failed && !n.error && rounds > 20 && atomic_load(&n.rounds) > rounds,
		    "%s: %d HPT replacements under the notifier, every H_ENTER before them took (r=%d, H_ENTER rc %#llx, madvise errno %d)",
		    name, rounds, r, (unsigned long long)failed, n.error);
	guest_vm_destroy(&vm);
}

struct switcher {
	int vm_fd;
	bool radix;
	long done;		/* switches KVM took */
};

/* Switch to the other mode; KVM refusing (a vcpu is in) is fine. */
static int switch_mmu(void *ctx)
{
	struct switcher *sw = ctx;
	struct kvm_ppc_mmuv3_cfg cfg = { 0 };

	if (!sw->radix) {
		cfg.flags = KVM_PPC_MMUV3_RADIX | KVM_PPC_MMUV3_GTSE;
		cfg.process_table = 1ULL << 63;		/* PATB_GR */
	}
	if (ioctl(sw->vm_fd, KVM_PPC_CONFIGURE_V3_MMU, &cfg))
		return errno == EBUSY ? 0 : errno;
	sw->radix = !sw->radix;
	sw->done++;
	return 0;
}

static void configure_vs_entry(void)
{
	const char *name = "configure-vs-entry";
	struct guest_vm vm = { .vm_fd = -1 };
	long long start = test_now_ms();
	int r, entries = 0, bad = 0;
	struct switcher sw = { 0 };
	struct rt_notifier n;
	struct gasm a;

	if (not_chosen(name, 2))
		return;
	r = mmu_guest_vm(&vm, GUEST_MEM, GUEST_MMU_HASH, 0);
	if (!r && ioctl(vm.vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_PPC_MMU_RADIX) <= 0) {
		ktap_skip_n(2, "the host cannot run radix guests: no switch", name);
		guest_vm_destroy(&vm);
		return;
	}
	if (!r) {
		gasm_init(&a, vm.mem + PROGRAM);
		gasm_hcall(&a, TEST_HCALL_DONE);
		gasm_emit(&a, PPC_B_SELF);
	}
	r = r ? r : guest_vcpu_add(&vm, PROGRAM, GUEST_MSR_REAL);
	sw.vm_fd = vm.vm_fd;
	r = r ? r : rt_thread_start(&n, switch_mmu, &sw);
	if (!ktap_result(r == 0, "%s: VM, switcher thread on CPU %d (r=%d)", name,
			 sched_getcpu(), r)) {
		ktap_skip("no VM", "%s: every entry", name);
		if (vm.vm_fd >= 0)
			guest_vm_destroy(&vm);
		return;
	}
	while (!r && test_now_ms() - start < RUN_SECONDS * 1000LL) {
		r = run_to_done(&vm);	/* in whichever mode the race left */
		if (r == -EPROTO) {
			bad++;
			r = 0;
		}
		entries++;
	}
	rt_notifier_stop(&n);
	ktap_info("%s: %d entries in %lld ms, %ld switches (%ld tries%s)", name, entries,
		  test_now_ms() - start, sw.done, atomic_load(&n.rounds),
		  n.realtime ? ", SCHED_FIFO" : "");
	ktap_result(!r && !bad && !n.error && entries > 20 && sw.done > 20,
		    "%s: %d entries each ran the guest to DONE while the MMU switched %ld times (r=%d, %d other exits, errno %d)",
		    name, entries, sw.done, r, bad, n.error);
	guest_vm_destroy(&vm);
}

int main(void)
{
	const char *reproduce = getenv("PPC_MMU_KVM_HV_RACES_REPRODUCE");
	struct kvm_ppc_mmu_caps caps;
	int r, hash = 0;

	ktap_start(NR_TESTS);
	r = test_env_probe_host(&caps, &hash);
	if (r) {
		ktap_result(0, "module and a VM (r=%d)", r);
		ktap_skip_n(NR_TESTS - 1, "no VM", "races");
		ktap_finish();
	}
	if (hash <= 0) {
		ktap_skip_n(NR_TESTS, "KVM-HV runs no hash guests here", "races");
		ktap_finish();
	}
	if (!test_env_preemptible(&caps)) {
		ktap_skip_n(NR_TESTS, "the kernel does not preempt kernel code: one CPU cannot open these windows",
			    "races");
		ktap_finish();
	}
	if (!kvm_hv_rebuilt_with_fixes() && !(reproduce && *reproduce == '1')) {
		ktap_skip_n(NR_TESTS,
			    "kvm-hv is not the one rebuilt with tools/kvm-hv/patches: it may oops the host (PPC_MMU_KVM_HV_RACES_REPRODUCE=1 shows it)",
			    "races");
		ktap_finish();
	}
	ktap_result(1, "running on %s", kvm_hv_rebuilt_with_fixes() ? "the rebuilt kvm-hv" :
		    "a kvm-hv expected to fail");
	htab_replace();
	configure_vs_entry();
	ktap_finish();
}
