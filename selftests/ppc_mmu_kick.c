// SPDX-License-Identifier: GPL-2.0
/*
 * The VMM's kick reaches every vcpu while the module switches the VM to
 * hash, however long the new HPT takes to allocate.
 *
 * A VMM pauses its vcpus (snapshot, migration, reset) by kicking each out
 * of KVM_RUN: a non-fatal signal, plus run->immediate_exit for a vcpu about
 * to enter (QEMU's cpu_exit(), the reference VMM's vcpu_kick()). An HPT is
 * RAM/128 bytes from CMA, zeroed: GiBs and seconds for a large guest. The
 * module allocates it before it takes the entry gate, so no vcpu waits for
 * the allocation, and vcpus wait for the gate interruptibly.
 *
 * The emulated hosts have too little RAM to make an allocation slow, so the
 * module is loaded with test_hpt_alloc_delay_ms=ALLOC_DELAY_MS: every
 * allocation takes that much longer. Then:
 *   vcpu 0  registers hash (a switch from radix) until it is not answered
 *           H_LONG_BUSY_ORDER_1_MSEC; every try allocates (slowly);
 *   vcpu 1  exits to the test with a REPORT hcall over and over, so it is
 *           often between two KVM_RUNs, where a switch can take the gate;
 *   the test kicks vcpu 1 every KICK_EVERY_MS and times how long its
 *           KVM_RUN takes to come back with EINTR.
 * Before, the module allocated under the gate and vcpus waited for it
 * uninterruptibly (down_read_killable): a kick then took up to the whole
 * allocation. Once vcpu 1 stops, vcpu 0's switch completes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "lib/ktap.h"
#include "lib/test_env.h"
#include "ppcmmu/guest.h"
#include "ppcmmu/guest_asm.h"
#include "ppcmmu/mmu_guest.h"
#include "ppcmmu/module_ctl.h"
#include "ppcmmu/ppcmmu.h"

#define MEM_256M	(256UL << 20)
#define ORDER_256M	21
#define ALLOC_DELAY_MS	2000
#define DELAY_PARAM	"test_hpt_alloc_delay_ms=2000"
#define KICKS		12
#define KICK_EVERY_MS	400
#define KICK_BOUND_MS	500	/* well under ALLOC_DELAY_MS, far above a kick's cost */
#define SWITCHER_ADDR	0x1000ULL
#define RUNNER_ADDR	0x2000ULL
#define STOP_ADDR	0x3000ULL
#define TAG_SWITCHED	0x500
#define H_LONG_BUSY_ORDER_1_MSEC	9900
#define FEATURES	(KVM_PPC_MMU_FEAT_PROC_TBL | KVM_PPC_MMU_FEAT_HPT_SIZING)

/* vcpu 0: register hash until not busy; REPORT(TAG_SWITCHED, rc, busy), DONE. */
static void write_switcher(struct guest_vm *vm)
{
	uint32_t *loop, *bne;
	struct gasm a;

	gasm_init(&a, vm->mem + SWITCHER_ADDR);
	gasm_emit(&a, PPC_LI(22, 0));
	loop = a.p;
	mmu_guest_call_register(&a, PROC_TBL_NEW_HASH_SLB, 0, 0);
	gasm_emit(&a, PPC_CMPDI(3, H_LONG_BUSY_ORDER_1_MSEC));
	bne = a.p;
	gasm_emit(&a, 0);
	gasm_emit(&a, PPC_ADDI(22, 22, 1));
	gasm_emit(&a, PPC_B((int)((loop - a.p) * 4)));
	*bne = PPC_BNE((int)((a.p - bne) * 4));
	gasm_emit(&a, PPC_MR(5, 3));
	gasm_emit(&a, PPC_MR(6, 22));
	gasm_li64(&a, 4, TAG_SWITCHED);
	gasm_hcall(&a, TEST_HCALL_REPORT);
	gasm_hcall(&a, TEST_HCALL_DONE);
	gasm_emit(&a, PPC_B_SELF);
}

/* vcpu 1: REPORT, then DONE once STOP_ADDR is non-zero, else again. */
static void write_runner(struct guest_vm *vm)
{
	uint32_t *loop;
	struct gasm a;

	gasm_init(&a, vm->mem + RUNNER_ADDR);
	gasm_emit(&a, PPC_LI(7, STOP_ADDR));
	loop = a.p;
	gasm_hcall(&a, TEST_HCALL_REPORT);
	gasm_emit(&a, PPC_LD(8, 7, 0));
	gasm_emit(&a, PPC_CMPDI(8, 0));
	gasm_emit(&a, PPC_BEQ((int)((loop - a.p) * 4)));
	gasm_hcall(&a, TEST_HCALL_DONE);
	gasm_emit(&a, PPC_B_SELF);
}

struct switcher {
	struct guest_vm *vm;
	pthread_t thread;
	int r;
	uint64_t rc, busy;	/* its REPORT */
};

static void *switcher_main(void *arg)
{
	struct switcher *s = arg;
	struct kvm_run *run = s->vm->vcpus[0].run;
	int r;

	for (;;) {
		r = guest_vcpu_run_for(s->vm, 0, 120);
		if (r == -EINTR)
			continue;
		if (r || run->exit_reason != KVM_EXIT_PAPR_HCALL)
			break;
		if (run->papr_hcall.nr == TEST_HCALL_DONE)
			break;
		if (run->papr_hcall.nr == TEST_HCALL_REPORT && run->papr_hcall.args[0] == TAG_SWITCHED) {
			s->rc = run->papr_hcall.args[1];
			s->busy = run->papr_hcall.args[2];
		}
		run->papr_hcall.ret = 0;
	}
	s->r = r ? r : run->exit_reason == KVM_EXIT_PAPR_HCALL ? 0 : -EPROTO;
	return NULL;
}

/* vcpu 1's thread; a kick is immediate_exit plus SIGUSR1, as a VMM does it. */
struct runner {
	struct guest_vm *vm;
	pthread_t thread;
	volatile long long kicked_at, back_at;	/* of the kick under way */
	long reports, eintr;
	int r;
};

static void on_kick(int sig)
{
	(void)sig;
}

static void *runner_main(void *arg)
{
	struct runner *rn = arg;
	struct kvm_run *run = rn->vm->vcpus[1].run;
	int r;

	for (;;) {
		r = ioctl(rn->vm->vcpus[1].fd, KVM_RUN, 0) ? -errno : 0;
		if (r == -EINTR) {
			rn->eintr++;
			run->immediate_exit = 0;
			if (rn->kicked_at && !rn->back_at)
				rn->back_at = test_now_ms();
			continue;
		}
		if (r || run->exit_reason != KVM_EXIT_PAPR_HCALL)
			break;
		if (run->papr_hcall.nr == TEST_HCALL_DONE)
			break;
		rn->reports++;
		run->papr_hcall.ret = 0;
	}
	rn->r = r ? r : run->exit_reason == KVM_EXIT_PAPR_HCALL ? 0 : -EPROTO;
	return NULL;
}

/* Kick vcpu 1 and wait for its KVM_RUN to come back: the time it took, or -1. */
static long long kick(struct runner *rn)
{
	long long t0 = test_now_ms();

	rn->back_at = 0;
	rn->kicked_at = t0;
	rn->vm->vcpus[1].run->immediate_exit = 1;
	pthread_kill(rn->thread, SIGUSR1);
	while (!rn->back_at && test_now_ms() - t0 < 3 * ALLOC_DELAY_MS)
		usleep(1000);
	rn->kicked_at = 0;
	return rn->back_at ? rn->back_at - t0 : -1;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_kick };	/* no SA_RESTART: KVM_RUN sees EINTR */
	struct kvm_ppc_mmu_caps caps = { 0 };
	struct kvm_ppc_mmu_state st = { 0 };
	struct switcher sw = { .rc = (uint64_t)-1 };
	struct runner rn = { 0 };
	long long worst = 0, took;
	long reports_before;
	struct guest_vm vm;
	int i, r, late = 0;

	ktap_start(5);
	if (!ppcmmu_ko_path()) {
		ktap_skip_n(5, "PPC_MMU_KO not set", "kicks during a slow HPT allocation");
		ktap_finish();
	}
	sigaction(SIGUSR1, &sa, NULL);
	r = ppcmmu_ensure_unloaded();
	r = r ? r : module_load_file_params(ppcmmu_ko_path(), DELAY_PARAM);
	r = r ? r : mmu_guest_vm(&vm, MEM_256M, GUEST_MMU_DEFAULT, 0);
	r = r ? r : ppcmmu_get_caps(vm.vm_fd, &caps);
	if (!r && (!(caps.guest_modes & KVM_PPC_MMU_GUEST_RADIX) ||
		   !(caps.guest_modes & KVM_PPC_MMU_GUEST_HASH))) {
		guest_vm_destroy(&vm);
		ktap_skip_n(4, "the host cannot switch a guest from radix to hash",
			    "kicks during a slow HPT allocation");
		ktap_result(ppcmmu_ensure_unloaded() == 0 && ppcmmu_ensure_loaded() == 0,
			    "module reloaded without the delay");
		ktap_finish();
	}
	if (!r) {
		guest_vm_destroy(&vm);
		r = mmu_guest_vm(&vm, MEM_256M, GUEST_MMU_RADIX, FEATURES);
	}
	if (!r) {
		write_switcher(&vm);
		write_runner(&vm);
		r = guest_vcpu_add(&vm, SWITCHER_ADDR, GUEST_MSR_REAL);
		r = r < 0 ? r : guest_vcpu_add(&vm, RUNNER_ADDR, GUEST_MSR_REAL);
		r = r < 0 ? r : 0;
	}
	if (!ktap_result(r == 0, "module loaded with %s, radix VM of 256 MiB, two vcpus (r=%d)",
			 DELAY_PARAM, r)) {
		ktap_skip_n(3, "setup failed", "kicks during a slow HPT allocation");
		ktap_result(ppcmmu_ensure_unloaded() == 0 && ppcmmu_ensure_loaded() == 0,
			    "module reloaded without the delay");
		ktap_finish();
	}

	rn.vm = &vm;
	sw.vm = &vm;
	/*
	 * The switcher first: its first try finds vcpu 1 outside KVM_RUN and
	 * allocates, so the first kicks land inside an allocation for sure.
	 */
	pthread_create(&sw.thread, NULL, switcher_main, &sw);
	usleep(100 * 1000);
	pthread_create(&rn.thread, NULL, runner_main, &rn);
	usleep(KICK_EVERY_MS * 1000);
	reports_before = rn.reports;
	for (i = 0; i < KICKS; i++) {
		took = kick(&rn);
		ktap_info("kick %d: KVM_RUN back after %lld ms", i + 1, took);
		if (took < 0 || took > KICK_BOUND_MS)
			late++;
		if (took < 0 || took > worst)
			worst = took < 0 ? 3 * ALLOC_DELAY_MS : took;
		usleep(KICK_EVERY_MS * 1000);
	}
	ktap_result(!late, "every kick brought vcpu 1 out of KVM_RUN within %d ms while vcpu 0's switch allocated its HPT (%d kicks, worst %lld ms, %d late; each allocation takes %d ms more)",
		    KICK_BOUND_MS, KICKS, worst, late, ALLOC_DELAY_MS);
	ktap_result(rn.reports - reports_before > KICKS,
		    "vcpu 1 kept entering its guest meanwhile (%ld REPORT exits, %ld EINTR)",
		    rn.reports - reports_before, rn.eintr);

	*(volatile uint64_t *)(vm.mem + STOP_ADDR) = 1;
	pthread_join(rn.thread, NULL);
	pthread_join(sw.thread, NULL);
	ppcmmu_get_state(vm.vm_fd, &st);
	ktap_result(rn.r == 0 && sw.r == 0 && sw.rc == 0 && st.mode == KVM_PPC_MMU_MODE_HASH &&
		    st.hpt_order == ORDER_256M,
		    "once vcpu 1 stopped, vcpu 0's switch completed: H_SUCCESS after %llu busy answers, VM hash with HPT order %u (want %u; runner r=%d, switcher r=%d rc=%lld)",
		    (unsigned long long)sw.busy, st.hpt_order, ORDER_256M, rn.r, sw.r,
		    (long long)sw.rc);
	guest_vm_destroy(&vm);
	ktap_result(ppcmmu_ensure_unloaded() == 0 && ppcmmu_ensure_loaded() == 0,
		    "module reloaded without the delay");
	ktap_finish();
}
