// SPDX-License-Identifier: GPL-2.0
/*
 * H_REGISTER_PROC_TBL in the kernel and the radix/hash switch, proven by
 * guests that build their own translation structures, turn translation on,
 * and move data through non-identity mappings (ppcmmu/mmu_guest.h).
 *
 * A DD2.2 radix host (the emulated "radix" host, like real POWER9 hosts)
 * runs hash guests next to radix ones as is. On a DD2.0 radix host (the
 * emulated "dd20" host) KVM-HV refuses hash guests; the module is reloaded
 * there with allow_hash_on_no_mixing_cpu=1 so the switch is exercised on
 * that silicon level too (Documentation/rig.rst). Tests that need a mode
 * the host cannot give are skipped with the reason.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/busy_switch.h"
#include "lib/ktap.h"
#include "lib/test_env.h"
#include "ppcmmu/guest.h"
#include "ppcmmu/guest_asm.h"
#include "ppcmmu/mmu_guest.h"
#include "ppcmmu/module_ctl.h"
#include "ppcmmu/ppcmmu.h"

#define MEM_64M		(64UL << 20)
#define MEM_48M		(48UL << 20)
#define ORDER_64M	19		/* 64 MiB / 128 = 512 KiB */
#define KVM_DEFAULT_ORDER 24
#define GR		(1ULL << 63)
#define FEAT_ALL	KVM_PPC_MMU_FEAT_ALL
#define B_VALUE		MMU_GUEST_B_VALUE
#define H_PARAMETER	((uint64_t)-4)
#define H_P2		((uint64_t)-55)
#define H_P3		((uint64_t)-56)
#define H_P4		((uint64_t)-57)
#define STORM_VCPUS	4
#define STORM_ROUNDS	200

static struct kvm_ppc_mmu_caps caps;
static bool can_radix, can_hash, forced;

#define LPCR_UPRT	0x400000ULL
#define LPCR_HR		0x100000ULL
#define LPCR_GTSE	0x400ULL
#define LPCR_HAIL	0x4000000ULL	/* HV AIL, ISA 3.1 */

/*
 * The LPCR bits of a radix VM: on a bare-metal ISA 3.1 radix host (POWER10,
 * whose Linux sets HAIL in its own LPCR) KVM-HV sets HAIL for radix guests,
 * and a switch to hash must clear it, a switch back set it again.
 */
static uint64_t radix_lpcr(void)
{
	bool hail = (getauxval(AT_HWCAP2) & PPC_FEATURE2_ARCH_3_1) &&
		    (caps.host_flags & KVM_PPC_MMU_HOST_RADIX) &&
		    !(caps.host_flags & KVM_PPC_MMU_HOST_NESTED);

	return LPCR_UPRT | LPCR_HR | LPCR_GTSE | (hail ? LPCR_HAIL : 0);
}

/* What a hash VM's LPCR never has. */
#define HASH_LPCR_CLEAR	(LPCR_UPRT | LPCR_HR | LPCR_GTSE | LPCR_HAIL)

/* Every vcpu's LPCR has @set bits set and @clear bits clear. */
static bool lpcr_all(struct guest_vm *vm, uint64_t set, uint64_t clear, const char *what)
{
	uint64_t lpcr;
	struct kvm_one_reg reg = { .id = KVM_REG_PPC_LPCR_64, .addr = (uintptr_t)&lpcr };
	bool ok = vm->nr_vcpus > 0;
	int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		lpcr = 0;
		if (ioctl(vm->vcpus[i].fd, KVM_GET_ONE_REG, &reg))
			return false;
		ktap_info("%s: vcpu %d LPCR %#llx", what, i, (unsigned long long)lpcr);
		ok &= (lpcr & set) == set && !(lpcr & clear);
	}
	return ok;
}

/* 2 results */
static void test_not_opted_in(void)
{
	uint64_t flags = can_radix ? PROC_TBL_NEW_RADIX_GTSE : PROC_TBL_NEW_HASH_SLB;
	struct mmu_guest_result res;
	struct guest_vm vm;
	struct gasm a;
	int r;

	r = mmu_guest_vm(&vm, MEM_64M, GUEST_MMU_DEFAULT, KVM_PPC_MMU_FEAT_HPT_SIZING);
	if (r) {
		ktap_result(0, "not opted in: VM setup (r=%d)", r);
		ktap_skip_n(1, "no VM", "not opted in");
		return;
	}
	gasm_init(&a, vm.mem + GUEST_CODE_ADDR);
	mmu_guest_register(&a, flags, MMU_GUEST_PROC_TBL, 0);
	gasm_hcall(&a, TEST_HCALL_DONE);
	guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
	mmu_guest_run(&vm, 0, &res);
	ktap_result(res.other_hcall == H_REGISTER_PROC_TBL,
		    "without FEAT_PROC_TBL, H_REGISTER_PROC_TBL exits to the VMM (saw %#llx)",
		    (unsigned long long)res.other_hcall);
	/* guest_run_script answers unknown hcalls with -2 (H_FUNCTION). */
	ktap_result(res.saw_register && res.register_rc == (uint64_t)-2 && res.done,
		    "and the VMM's answer is what the guest gets (%#llx)",
		    (unsigned long long)res.register_rc);
	guest_vm_destroy(&vm);
}

/* Checks common to every translated run: 4 results. */
static void check_translated(struct guest_vm *vm, const struct mmu_guest_result *res,
			     const char *name)
{
	ktap_result(res->saw_translated && res->value_read == B_VALUE,
		    "%s: guest read the test's value through EA %#llx (got %#llx)", name,
		    MMU_GUEST_EA_B, (unsigned long long)res->value_read);
	ktap_result(*(uint64_t *)(vm->mem + MMU_GUEST_PAGE_A) == MMU_GUEST_MAGIC,
		    "%s: guest's store through EA %#llx landed at RA %#llx", name,
		    MMU_GUEST_EA_A, MMU_GUEST_PAGE_A);
	ktap_result((res->msr & (GUEST_MSR_IR | GUEST_MSR_DR)) == (GUEST_MSR_IR | GUEST_MSR_DR),
		    "%s: with MSR[IR|DR] on (msr %#llx)", name, (unsigned long long)res->msr);
	ktap_result(res->done && !res->other_hcall,
		    "%s: ran to the end, no hypercall reached the VMM (%#llx)", name,
		    (unsigned long long)res->other_hcall);
}

static void write_radix_program(struct guest_vm *vm, uint64_t at)
{
	struct gasm a;

	gasm_init(&a, vm->mem + at);
	mmu_guest_build_radix(&a);
	mmu_guest_register(&a, PROC_TBL_NEW_RADIX_GTSE, MMU_GUEST_PROC_TBL, 0);
	mmu_guest_translate(&a);
}

static void write_hash_program(struct guest_vm *vm, uint64_t at, bool do_register)
{
	struct gasm a;

	gasm_init(&a, vm->mem + at);
	if (do_register)
		mmu_guest_register(&a, PROC_TBL_NEW_HASH_SLB, 0, 0);
	mmu_guest_build_hash(&a);
	mmu_guest_translate(&a);
}

static int restart_vcpu(struct guest_vm *vm, int idx, uint64_t pc)
{
	struct kvm_regs regs;

	if (guest_get_regs(vm, idx, &regs))
		return -EIO;
	regs.pc = pc;
	regs.msr = GUEST_MSR_REAL;
	return ioctl(vm->vcpus[idx].fd, KVM_SET_REGS, &regs) ? -errno : 0;
}

/* 7 results */
static void test_radix_guest(void)
{
	struct mmu_guest_result res;
	struct guest_vm vm;
	int r;

	if (!can_radix) {
		ktap_skip_n(7, "host cannot run radix guests", "radix guest");
		return;
	}
	r = mmu_guest_vm(&vm, MEM_64M, GUEST_MMU_RADIX, FEAT_ALL);
	if (r) {
		ktap_result(0, "radix: VM setup (r=%d)", r);
		ktap_skip_n(6, "no VM", "radix guest");
		return;
	}
	mmu_guest_pages(&vm);
	write_radix_program(&vm, GUEST_CODE_ADDR);
	guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
	guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);	/* never runs */
	mmu_guest_run(&vm, 0, &res);
	ktap_result(res.saw_register && res.register_rc == 0,
		    "radix: H_REGISTER_PROC_TBL answered H_SUCCESS in the kernel (%#llx)",
		    (unsigned long long)res.register_rc);
	ktap_result(lpcr_all(&vm, radix_lpcr(), 0, "radix"),
		    "radix: LPCR UPRT, HR, GTSE (and HAIL on POWER10) set on every vcpu, also one that never ran");
	ktap_result(test_state_is(vm.vm_fd, KVM_PPC_MMU_MODE_RADIX, GR | MMU_GUEST_PROC_TBL, 0, "radix"),
		    "radix: GET_STATE shows the registered table, radix, no HPT");
	check_translated(&vm, &res, "radix");
	guest_vm_destroy(&vm);
}

/*
 * A guest that registers hash, maps with H_ENTER + SLB, translates; then,
 * where the host also does radix, registers radix and translates again: the
 * switch both ways. 7 + 7 results.
 */
static void test_hash_guest_and_switch(void)
{
	struct mmu_guest_result res;
	struct guest_vm vm;
	int r;

	if (!can_hash) {
		ktap_skip_n(14, "host cannot run hash guests", "hash guest");
		return;
	}
	r = mmu_guest_vm(&vm, MEM_64M, GUEST_MMU_DEFAULT, FEAT_ALL);
	if (r) {
		ktap_result(0, "hash: VM setup (r=%d)", r);
		ktap_skip_n(13, "no VM", "hash guest");
		return;
	}
	mmu_guest_pages(&vm);
	write_hash_program(&vm, GUEST_CODE_ADDR, true);
	guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
	guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);	/* never runs */
	mmu_guest_run(&vm, 0, &res);
	ktap_result(lpcr_all(&vm, 0, HASH_LPCR_CLEAR, "hash"),
		    "hash: LPCR UPRT, HR, GTSE, HAIL clear on every vcpu");
	ktap_result(res.saw_register && res.register_rc == 0 && res.saw_henter && res.henter_rc == 0,
		    "hash: registration and three H_ENTERs succeed (%#llx, %#llx)",
		    (unsigned long long)res.register_rc, (unsigned long long)res.henter_rc);
	ktap_result(test_state_is(vm.vm_fd, KVM_PPC_MMU_MODE_HASH, 0, ORDER_64M, "hash"),
		    "hash: GET_STATE shows hash with an HPT sized from 64 MiB (order %d)", ORDER_64M);
	check_translated(&vm, &res, "hash");

	if (!can_radix) {
		ktap_skip_n(7, "host cannot run radix guests: no switch to test", "switch to radix");
		guest_vm_destroy(&vm);
		return;
	}
	mmu_guest_pages(&vm);
	write_radix_program(&vm, 0x800);
	r = restart_vcpu(&vm, 0, 0x800);
	if (r)
		ktap_info("restart failed: %d", r);
	mmu_guest_run(&vm, 0, &res);
	ktap_result(res.saw_register && res.register_rc == 0,
		    "hash -> radix: registration succeeds (%#llx)", (unsigned long long)res.register_rc);
	ktap_result(test_state_is(vm.vm_fd, KVM_PPC_MMU_MODE_RADIX, GR | MMU_GUEST_PROC_TBL, 0, "switched"),
		    "hash -> radix: VM is radix and its HPT is gone");
	ktap_result(lpcr_all(&vm, radix_lpcr(), 0, "switched"),
		    "hash -> radix: LPCR UPRT, HR, GTSE (and HAIL on POWER10) set again on every vcpu");
	check_translated(&vm, &res, "after switch to radix");
	guest_vm_destroy(&vm);
}

/* A guest that never registers anything and just uses hash. 6 results. */
static void test_legacy_guest(void)
{
	struct mmu_guest_result res;
	struct guest_vm vm;
	int r;

	if (!can_hash || (caps.host_flags & KVM_PPC_MMU_HOST_RADIX)) {
		ktap_skip_n(6, "needs a hash host: on a radix host such guests are switched at CAS",
			    "legacy guest");
		return;
	}
	r = mmu_guest_vm(&vm, MEM_64M, GUEST_MMU_DEFAULT, FEAT_ALL);
	if (r) {
		ktap_result(0, "legacy: VM setup (r=%d)", r);
		ktap_skip_n(5, "no VM", "legacy guest");
		return;
	}
	mmu_guest_pages(&vm);
	write_hash_program(&vm, GUEST_CODE_ADDR, false);
	guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
	mmu_guest_run(&vm, 0, &res);
	ktap_result(res.saw_henter && res.henter_rc == 0 &&
		    test_state_is(vm.vm_fd, KVM_PPC_MMU_MODE_HASH, 0, ORDER_64M, "legacy"),
		    "legacy: never registers, gets an HPT sized from RAM at first entry");
	check_translated(&vm, &res, "legacy");
	guest_vm_destroy(&vm);

	/* The same guest without the feature gets KVM-HV's fixed default. */
	r = mmu_guest_vm(&vm, MEM_64M, GUEST_MMU_DEFAULT, 0);
	if (!r) {
		mmu_guest_pages(&vm);
		write_hash_program(&vm, GUEST_CODE_ADDR, false);
		guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
		mmu_guest_run(&vm, 0, &res);
	}
	ktap_result(!r && res.saw_translated &&
		    test_state_is(vm.vm_fd, KVM_PPC_MMU_MODE_HASH, 0, KVM_DEFAULT_ORDER, "not opted in"),
		    "without the feature the same guest gets KVM-HV's 16 MiB HPT");
	if (!r)
		guest_vm_destroy(&vm);
}

struct hostile_case {
	const char *name;
	uint64_t flags, base, page_size, table_size;
	uint64_t want_radix_host, want_hash_host;	/* expected rc per current mode */
};

#define NR 0x1cULL	/* new radix */
#define NH 0x18ULL	/* new hash with SLB */
static const struct hostile_case hostile[] = {
	{ "reserved flag bit 5", 0x20 | NR, 0x10000, 0, 0, H_PARAMETER, H_PARAMETER },
	{ "all flag bits", ~0ULL, 0x10000, 0, 0, H_PARAMETER, H_PARAMETER },
	{ "hash with segment table", 0x1a, 0x10000, 0, 0, H_PARAMETER, H_PARAMETER },
	{ "type 0b11", 0x1e, 0x10000, 0, 0, H_PARAMETER, H_PARAMETER },
	/* Bad arguments are refused before the mode is judged, as QEMU does. */
	{ "radix base not 4K aligned", NR, 0x10800, 0, 0, H_P2, H_P2 },
	{ "radix base 2^60", NR, 1ULL << 60, 0, 0, H_P2, H_P2 },
	{ "radix base all ones", NR, ~0ULL, 0, 0, H_P2, H_P2 },
	{ "radix base not size-aligned", NR, 0x11000, 0, 1, H_P2, H_P2 },
	/* Valid arguments: RAM is looked at only where radix is possible. */
	{ "radix base beyond RAM (1 GiB)", NR, 1ULL << 30, 0, 0, H_P2, H_PARAMETER },
	{ "radix base huge, aligned", NR, 1ULL << 59, 0, 24, H_P2, H_PARAMETER },
	{ "radix table across the end of RAM", NR, 32ULL << 20, 0, 13, H_P4, H_PARAMETER },
	{ "radix page size 1", NR, 0x10000, 1, 0, H_P3, H_P3 },
	{ "radix table size 25", NR, 0x10000, 0, 25, H_P4, H_P4 },
	{ "radix table size all ones", NR, 0x10000, 0, ~0ULL, H_P4, H_P4 },
	/* New hash with SLB, QEMU's limits: base < 2^38, page size 0..7, size <= 24 */
	{ "hash base 2^38", NH, 1ULL << 38, 0, 0, H_P2, H_P2 },
	{ "hash base all ones", NH, ~0ULL, 0, 0, H_P2, H_P2 },
	{ "hash page size 8", NH, 0, 8, 0, H_P3, H_P3 },
	{ "hash page size all ones", NH, 0, ~0ULL, 0, H_P3, H_P3 },
	{ "hash table size 25", NH, 0, 0, 25, H_P4, H_P4 },
	{ "hash P2 before P3 and P4", NH, 1ULL << 38, 8, 25, H_P2, H_P2 },
	/* flags name hash; on a hash VM the test flips them to name radix */
	{ "keep current naming the other mode", 0x00, 0, 0, 0, H_PARAMETER, H_PARAMETER },
	{ "deregister naming the other mode", 0x10, 0, 0, 0, H_PARAMETER, H_PARAMETER },
};
#define NR_HOSTILE (int)(sizeof(hostile) / sizeof(hostile[0]))

/*
 * Every bad argument combination from a real guest: the right code, and the
 * VM's MMU state untouched. The VM has 48 MiB so a size-aligned table can
 * run past its end. NR_HOSTILE + 2 results.
 */
static void test_hostile_arguments(void)
{
	struct kvm_ppc_mmu_state before, after;
	bool radix_vm = can_radix;
	struct guest_vm vm;
	struct kvm_regs regs;
	struct kvm_run *run;
	uint32_t *top;
	struct gasm a;
	int i, r, same = 1;

	r = mmu_guest_vm(&vm, MEM_48M, radix_vm ? GUEST_MMU_RADIX : GUEST_MMU_DEFAULT, FEAT_ALL);
	if (r) {
		ktap_result(0, "hostile: VM setup (r=%d)", r);
		ktap_skip_n(NR_HOSTILE + 1, "no VM", "hostile");
		return;
	}
	/*
	 * sc 1 with r3..r7 as given; REPORT(r4 = rc); loop. The test answers
	 * each REPORT with the next case: completing an hcall loads r3 from
	 * its return value and r4.. from its args, which is exactly how the
	 * next H_REGISTER_PROC_TBL gets its arguments.
	 */
	gasm_init(&a, vm.mem + GUEST_CODE_ADDR);
	top = a.p;
	gasm_emit(&a, PPC_SC1);
	gasm_emit(&a, PPC_MR(4, 3));
	gasm_hcall(&a, TEST_HCALL_REPORT);
	gasm_emit(&a, PPC_B((int)((top - a.p) * 4)));
	guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
	run = vm.vcpus[0].run;

	for (i = 0; i <= NR_HOSTILE; i++) {
		const struct hostile_case *c = &hostile[i < NR_HOSTILE ? i : 0];
		uint64_t args[4] = { c->flags, c->base, c->page_size, c->table_size };
		uint64_t want = radix_vm ? c->want_radix_host : c->want_hash_host;

		if (!radix_vm && (args[0] == 0x00 || args[0] == 0x10))
			args[0] |= 0x04;	/* name the mode the VM is not in */
		if (i == NR_HOSTILE) {		/* finally, a valid call */
			args[0] = radix_vm ? PROC_TBL_NEW_RADIX_GTSE : PROC_TBL_NEW_HASH_SLB;
			args[1] = radix_vm ? MMU_GUEST_PROC_TBL : 0;
			args[2] = args[3] = 0;
			want = 0;
		}
		if (i == 0) {
			guest_get_regs(&vm, 0, &regs);
			regs.gpr[3] = H_REGISTER_PROC_TBL;
			memcpy(&regs.gpr[4], args, sizeof(args));
			ioctl(vm.vcpus[0].fd, KVM_SET_REGS, &regs);
		} else {
			run->papr_hcall.ret = H_REGISTER_PROC_TBL;
			memcpy(run->papr_hcall.args, args, sizeof(args));
		}
		r = guest_vcpu_run(&vm, 0);
		r = r ? r : (run->exit_reason == KVM_EXIT_PAPR_HCALL &&
			     run->papr_hcall.nr == TEST_HCALL_REPORT) ? 0 : -EPROTO;
		if (i == NR_HOSTILE) {
			ktap_result(same, "hostile: no refused call changed the VM's MMU state");
			/* A host that offers no mode (preemptible hash host) refuses it too. */
			ktap_result(!r && run->papr_hcall.args[0] ==
				    (can_radix || can_hash ? 0 : H_PARAMETER),
				    "hostile: a valid call afterwards %s (%lld)",
				    can_radix || can_hash ? "succeeds" : "is refused: no mode offered",
				    (long long)run->papr_hcall.args[0]);
			break;
		}
		ppcmmu_get_state(vm.vm_fd, &after);
		if (i == 0)	/* after the first entry: a hash VM has its HPT now */
			before = after;
		same &= !memcmp(&before, &after, sizeof(before));
		ktap_result(!r && run->papr_hcall.args[0] == want,
			    "hostile: %s -> %lld (want %lld)", c->name,
			    r ? (long long)r : (long long)run->papr_hcall.args[0], (long long)want);
	}
	guest_vm_destroy(&vm);
}

#define BUSY_MIN	5

/*
 * vcpu 1 of a radix guest registers hash while vcpu 0 is inside KVM_RUN, so
 * the switch cannot happen yet. It must be told to retry in the one way
 * Linux understands (H_LONG_BUSY_*: Linux BUG()s on any other answer but
 * H_SUCCESS), and once vcpu 0 has stopped its retry must switch the VM
 * (lib/busy_switch.h). 3 results.
 */
static void test_register_while_another_runs(void)
{
	const char *name = "switch while another vcpu runs";
	struct busy_switch_result bs;
	struct guest_vm vm;
	int r;

	if (!(can_radix && can_hash)) {
		ktap_skip_n(3, "host cannot run both modes: no switch", name);
		return;
	}
	r = mmu_guest_vm(&vm, MEM_64M, GUEST_MMU_RADIX, FEAT_ALL);
	if (r) {
		ktap_result(0, "%s: VM setup (r=%d)", name, r);
		ktap_skip_n(2, "no VM", name);
		return;
	}
	busy_switch_run(&vm, PROC_TBL_NEW_HASH_SLB, 0, BUSY_MIN, NULL, NULL, &bs);
	ktap_result(!bs.r && bs.res.register_busy >= BUSY_MIN,
		    "%s: vcpu 1's registration is answered H_LONG_BUSY_ORDER_1_MSEC (%llu times, then %lld; r=%d)",
		    name, (unsigned long long)bs.res.register_busy, (long long)bs.res.register_rc, bs.r);
	ktap_result(bs.spinner_done && bs.res.saw_register && bs.res.register_rc == 0 && bs.res.done,
		    "%s: once vcpu 0 stopped, vcpu 1's retry succeeds, as Linux's retry loop expects (%lld)",
		    name, (long long)bs.res.register_rc);
	ktap_result(test_state_is(vm.vm_fd, KVM_PPC_MMU_MODE_HASH, 0, ORDER_64M, name) &&
		    lpcr_all(&vm, 0, HASH_LPCR_CLEAR, name),
		    "%s: the VM went hash with its RAM-sized HPT, LPCR on both vcpus", name);
	guest_vm_destroy(&vm);
}

struct storm_arg {
	struct guest_vm *vm;
	int idx;
	struct guest_exit log[2];
	int n;
};

static void *storm_thread(void *p)
{
	struct storm_arg *s = p;

	s->n = guest_run_script(s->vm, s->idx, s->log, 2);
	return NULL;
}

/*
 * Each vcpu registers STORM_ROUNDS times and counts answers in GPRs:
 * r21 H_SUCCESS, r22 H_LONG_BUSY_ORDER_1_MSEC, r23 anything else. Branches
 * are patched once their targets are known.
 */
static uint64_t write_storm_program(struct guest_vm *vm, uint64_t at, uint64_t flags, uint64_t base)
{
	struct gasm a;
	uint32_t *loop, *bne1, *b1, *bne2, *b2, *next;

	gasm_init(&a, vm->mem + at);
	gasm_emit(&a, PPC_LI(20, STORM_ROUNDS));
	gasm_emit(&a, PPC_LI(21, 0));
	gasm_emit(&a, PPC_LI(22, 0));
	gasm_emit(&a, PPC_LI(23, 0));
	loop = a.p;
	mmu_guest_call_register(&a, flags, base, 0);
	gasm_emit(&a, PPC_CMPDI(3, 0));
	bne1 = a.p;
	gasm_emit(&a, 0);
	gasm_emit(&a, PPC_ADDI(21, 21, 1));
	b1 = a.p;
	gasm_emit(&a, 0);
	*bne1 = PPC_BNE((int)((a.p - bne1) * 4));
	gasm_emit(&a, PPC_CMPDI(3, H_LONG_BUSY_ORDER_1_MSEC));
	bne2 = a.p;
	gasm_emit(&a, 0);
	gasm_emit(&a, PPC_ADDI(22, 22, 1));
	b2 = a.p;
	gasm_emit(&a, 0);
	*bne2 = PPC_BNE((int)((a.p - bne2) * 4));
	gasm_emit(&a, PPC_ADDI(23, 23, 1));
	next = a.p;
	*b1 = PPC_B((int)((next - b1) * 4));
	*b2 = PPC_B((int)((next - b2) * 4));
	gasm_emit(&a, PPC_ADDI(20, 20, -1));
	gasm_emit(&a, PPC_CMPDI(20, 0));
	gasm_emit(&a, PPC_BNE((int)((loop - a.p) * 4)));
	gasm_emit(&a, PPC_MR(4, 21));
	gasm_emit(&a, PPC_MR(5, 22));
	gasm_emit(&a, PPC_MR(6, 23));
	gasm_hcall(&a, TEST_HCALL_REPORT);
	gasm_hcall(&a, TEST_HCALL_DONE);
	gasm_emit(&a, PPC_B_SELF);
	return at;
}

/*
 * STORM_VCPUS vcpus register at once. @flip: half of them radix, half hash,
 * so every call is a switch racing the others. 2 results.
 */
static void test_storm(bool flip)
{
	const char *name = flip ? "mode-flip storm" : "registration storm";
	struct storm_arg args[STORM_VCPUS];
	pthread_t th[STORM_VCPUS];
	struct guest_vm vm;
	uint64_t ok = 0, busy = 0, other = 0, expect_ok = 1;
	int i, r, finished = 1;

	if (flip && !(can_radix && can_hash)) {
		ktap_skip_n(2, "host cannot run both modes", name);
		return;
	}
	if (!can_radix && !can_hash) {
		ktap_skip_n(2, "host offers no guest MMU mode", name);
		return;
	}
	r = mmu_guest_vm(&vm, MEM_64M, can_radix ? GUEST_MMU_RADIX : GUEST_MMU_DEFAULT, FEAT_ALL);
	if (r) {
		ktap_result(0, "%s: VM setup (r=%d)", name, r);
		ktap_skip_n(1, "no VM", name);
		return;
	}
	/* Registration checks the table's place, not its contents. */
	for (i = 0; i < STORM_VCPUS; i++) {
		bool radix = flip ? (i & 1) : can_radix;
		uint64_t at = 0x1000 + i * 0x200;

		write_storm_program(&vm, at, radix ? PROC_TBL_NEW_RADIX_GTSE : PROC_TBL_NEW_HASH_SLB,
				    radix ? MMU_GUEST_PROC_TBL : 0);
		guest_vcpu_add(&vm, at, GUEST_MSR_REAL);
	}
	for (i = 0; i < STORM_VCPUS; i++) {
		args[i] = (struct storm_arg){ .vm = &vm, .idx = i };
		pthread_create(&th[i], NULL, storm_thread, &args[i]);
	}
	for (i = 0; i < STORM_VCPUS; i++) {
		pthread_join(th[i], NULL);
		finished &= args[i].n == 2 && args[i].log[1].nr == TEST_HCALL_DONE;
		ok += args[i].log[0].args[0];
		busy += args[i].log[0].args[1];
		other += args[i].log[0].args[2];
	}
	ktap_info("%s: %d vcpus x %d calls: %llu H_SUCCESS, %llu H_LONG_BUSY_ORDER_1_MSEC, %llu other",
		  name,
		  STORM_VCPUS, STORM_ROUNDS, (unsigned long long)ok, (unsigned long long)busy,
		  (unsigned long long)other);
	if (flip)
		expect_ok = ok > 0 && ok + busy == STORM_VCPUS * STORM_ROUNDS;
	else
		expect_ok = ok == STORM_VCPUS * STORM_ROUNDS;
	ktap_result(finished && expect_ok && !other,
		    "%s: every vcpu finished, answers only H_SUCCESS%s", name,
		    flip ? " or H_LONG_BUSY_ORDER_1_MSEC" : "");
	/* Whatever won, the VM and all its vcpus must be in one consistent mode. */
	ktap_result((test_state_is(vm.vm_fd, KVM_PPC_MMU_MODE_RADIX, GR | MMU_GUEST_PROC_TBL, 0, name) &&
		     lpcr_all(&vm, radix_lpcr(), 0, name)) ||
		    (test_state_is(vm.vm_fd, KVM_PPC_MMU_MODE_HASH, 0, ORDER_64M, name) &&
		     lpcr_all(&vm, 0, HASH_LPCR_CLEAR, name)),
		    "%s: VM and every vcpu's LPCR left in one mode (radix + table, or hash + HPT)",
		    name);
	guest_vm_destroy(&vm);
}

#define MEM_VMS		8
#define MEM_256M	(256UL << 20)
#define ORDER_256M	21		/* 256 MiB / 128 = 2 MiB */

/*
 * Start MEM_VMS guests of 256 MiB at once in @mmu and return how much free
 * memory dropped per VM while they ran; then destroy them and report in
 * *@leak how much did not come back. -1 on failure.
 */
static long long memory_per_vm(enum guest_mmu mmu, uint64_t features, bool hash_guest,
			       long long *leak)
{
	static struct guest_vm vms[MEM_VMS];
	struct mmu_guest_result res;
	long long before, during, after;
	int i, ok = 1;

	sync();
	before = free_bytes();
	for (i = 0; i < MEM_VMS; i++) {
		if (mmu_guest_vm(&vms[i], MEM_256M, mmu, features)) {
			ok = 0;
			break;
		}
		mmu_guest_pages(&vms[i]);
		if (hash_guest)
			write_hash_program(&vms[i], GUEST_CODE_ADDR, can_radix);
		else
			write_radix_program(&vms[i], GUEST_CODE_ADDR);
		guest_vcpu_add(&vms[i], GUEST_CODE_ADDR, GUEST_MSR_REAL);
		mmu_guest_run(&vms[i], 0, &res);
		ok &= res.saw_translated && res.value_read == B_VALUE;
	}
	during = free_bytes();
	while (i-- > 0)
		guest_vm_destroy(&vms[i]);
	usleep(300 * 1000);	/* deferred frees (RCU, vfree) */
	after = free_bytes();
	*leak = before - after;
	return ok ? (before - during) / MEM_VMS : -1;
}

/*
 * HPT memory, measured: the kernel's free memory with MEM_VMS guests running
 * at once. A hash VM costs its HPT plus the reverse map kvm-hv keeps beside
 * it (16 bytes per HPTE: as much again), on top of what any VM costs, so
 * the checks compare against a baseline taken in the same run: radix guests
 * where the host has them, else hash guests with KVM-HV's default HPT.
 * A first round warms the allocator caches so the leak checks see only
 * what a VM keeps. 4 results.
 */
static void test_hpt_memory(void)
{
	long long radix = -1, sized, dflt = -1, leak_r = 0, leak_s = 0, leak_d = 0, warm;
	long long hpt = 1LL << ORDER_256M, dflt_hpt = 1LL << KVM_DEFAULT_ORDER;
	long long slack = 1LL << 20, diff;

	if (!can_hash) {
		ktap_skip_n(4, "host cannot run hash guests", "HPT memory");
		return;
	}
	memory_per_vm(GUEST_MMU_DEFAULT, FEAT_ALL, true, &warm);
	if (can_radix)
		radix = memory_per_vm(GUEST_MMU_RADIX, FEAT_ALL, false, &leak_r);
	sized = memory_per_vm(GUEST_MMU_DEFAULT, FEAT_ALL, true, &leak_s);
	if (!can_radix)
		dflt = memory_per_vm(GUEST_MMU_DEFAULT, 0, true, &leak_d);
	ktap_info("memory per 256 MiB guest: radix %lld, hash with sized HPT %lld, hash with KVM default HPT %lld bytes",
		  radix, sized, dflt);
	ktap_info("not returned after destroying %d VMs: %lld, %lld, %lld bytes", MEM_VMS,
		  leak_r, leak_s, leak_d);

	ktap_result(sized > 0 && (radix > 0 || dflt > 0), "every guest ran translated");
	if (can_radix) {
		diff = sized - radix;
		ktap_result(diff > 2 * hpt - slack && diff < 2 * hpt + slack,
			    "hash costs a %lld-byte HPT + reverse map more than radix: %lld (+-1 MiB)",
			    hpt, diff);
	} else {
		diff = dflt - sized;
		ktap_result(diff > 2 * (dflt_hpt - hpt) - slack && diff < 2 * (dflt_hpt - hpt) + slack,
			    "sized HPT saves 2 x (16 MiB - %lld) against KVM-HV's default: %lld (+-1 MiB)",
			    hpt, diff);
	}
	if (kernel_has_kasan()) {
		ktap_skip_n(2, "KASAN's quarantine holds freed memory back (kmemleak checks leaks here)",
			    "VMs destroyed: memory back");
		return;
	}
	ktap_result(leak_s < slack && leak_s > -slack,
		    "hash VMs destroyed: memory back within 1 MiB (%lld)", leak_s);
	ktap_result(leak_r < slack && leak_r > -slack && leak_d < slack && leak_d > -slack,
		    "other VMs destroyed: memory back within 1 MiB (%lld, %lld)", leak_r, leak_d);
}

/* KVM_PPC_MMU_ENABLE and GET_STATE as the uapi header documents. 12 results. */
static void test_enable_and_state_ioctls(void)
{
	struct kvm_ppc_mmu_enable e;
	struct kvm_ppc_mmu_state st;
	struct guest_exit log[2];
	struct guest_vm vm;
	struct gasm a;
	int r;

	r = mmu_guest_vm(&vm, 16 << 20, GUEST_MMU_DEFAULT, 0);
	if (r) {
		ktap_result(0, "ioctls: VM setup (r=%d)", r);
		ktap_skip_n(11, "no VM", "ioctls");
		return;
	}
	r = ppcmmu_get_state(vm.vm_fd, &st);
	ktap_result(!r && st.features == 0 &&
		    st.mode == (can_radix ? KVM_PPC_MMU_MODE_RADIX : KVM_PPC_MMU_MODE_HASH),
		    "GET_STATE on a VM that never opted in: no features, KVM-HV's default mode");

	memset(&e, 0, sizeof(e));
	e.features = 1ULL << 40;
	ktap_result(ioctl(vm.vm_fd, KVM_PPC_MMU_ENABLE, &e) == -1 && errno == EINVAL,
		    "ENABLE with an unknown feature -> EINVAL");
	e.features = FEAT_ALL;
	e.flags = 1;
	ktap_result(ioctl(vm.vm_fd, KVM_PPC_MMU_ENABLE, &e) == -1 && errno == EINVAL,
		    "ENABLE with flags -> EINVAL");
	e.flags = 0;
	e.reserved[0] = 1;
	ktap_result(ioctl(vm.vm_fd, KVM_PPC_MMU_ENABLE, &e) == -1 && errno == EINVAL,
		    "ENABLE with reserved set -> EINVAL");
	ktap_result(ioctl(vm.vm_fd, KVM_PPC_MMU_ENABLE, NULL) == -1 && errno == EFAULT,
		    "ENABLE with a NULL pointer -> EFAULT");

	r = ppcmmu_enable(vm.vm_fd, FEAT_ALL);
	r = r ? r : ppcmmu_enable(vm.vm_fd, 0);
	r = r ? r : ppcmmu_enable(vm.vm_fd, KVM_PPC_MMU_FEAT_PROC_TBL);
	r = r ? r : ppcmmu_get_state(vm.vm_fd, &st);
	ktap_result(!r && st.features == KVM_PPC_MMU_FEAT_PROC_TBL,
		    "before any vcpu ran: enable, opt out, enable again all succeed (r=%d)", r);

	gasm_init(&a, vm.mem + GUEST_CODE_ADDR);
	gasm_hcall(&a, TEST_HCALL_DONE);
	guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
	r = guest_run_script(&vm, 0, log, 2);
	ktap_result(r == 1 && ppcmmu_enable(vm.vm_fd, KVM_PPC_MMU_FEAT_PROC_TBL) == 0,
		    "after a vcpu ran: asking for the same set succeeds");
	r = ppcmmu_enable(vm.vm_fd, FEAT_ALL);
	ktap_result(r == -EBUSY, "after a vcpu ran: changing the set -> EBUSY (r=%d)", r);
	ppcmmu_get_state(vm.vm_fd, &st);
	ktap_result(st.features == KVM_PPC_MMU_FEAT_PROC_TBL, "and the set is unchanged");

	memset(&st, 0, sizeof(st));
	st.flags = 2;
	ktap_result(ioctl(vm.vm_fd, KVM_PPC_MMU_GET_STATE, &st) == -1 && errno == EINVAL,
		    "GET_STATE with flags -> EINVAL");
	st.flags = 0;
	st.reserved[3] = 9;
	ktap_result(ioctl(vm.vm_fd, KVM_PPC_MMU_GET_STATE, &st) == -1 && errno == EINVAL,
		    "GET_STATE with reserved set -> EINVAL");
	ktap_result(ioctl(vm.vm_fd, KVM_PPC_MMU_GET_STATE, (void *)8) == -1 && errno == EFAULT,
		    "GET_STATE with a bad pointer -> EFAULT");
	guest_vm_destroy(&vm);
}

/*
 * 6 results. Whether a VM is the module's is decided at its first KVM_RUN:
 * a VM whose vcpus ran without opting in entered KVM-HV without the entry
 * gate (kmod/run.c), so no switch of the module may ever touch it. ENABLE,
 * SET_STATE and KVM_PPC_MMU_CAS are refused with EBUSY, nothing changes,
 * and the guest runs on as KVM-HV's alone.
 */
static void test_late_opt_in_refused(void)
{
	struct kvm_ppc_mmu_state before, st;
	struct kvm_ppc_mmu_cas cas;
	bool own_mode_offered;
	struct guest_vm vm;
	int r;

	r = guest_vm_create_done(&vm, MEM_64M);
	if (r) {
		ktap_result(0, "late opt-in: VM setup (r=%d)", r);
		ktap_skip_n(5, "no VM", "late opt-in");
		return;
	}
	r = guest_vm_run_done(&vm);
	r = r ? r : ppcmmu_get_state(vm.vm_fd, &before);
	ktap_result(!r && before.features == 0,
		    "late opt-in: a VM ran without opting in (r=%d)", r);

	r = ppcmmu_enable(vm.vm_fd, FEAT_ALL);
	ktap_result(r == -EBUSY && ppcmmu_enable(vm.vm_fd, 0) == -EBUSY,
		    "late opt-in: ENABLE, with features or none -> EBUSY (r=%d)", r);
	/*
	 * The arguments are checked before the VM: on a host that cannot run
	 * the VM's own mode (a preemptible hash host offers none), SET_STATE
	 * is refused for the mode and never reaches the opt-in rule.
	 */
	st = before;
	own_mode_offered = caps.guest_modes & (before.mode == KVM_PPC_MMU_MODE_RADIX ?
					       KVM_PPC_MMU_GUEST_RADIX : KVM_PPC_MMU_GUEST_HASH);
	r = ioctl(vm.vm_fd, KVM_PPC_MMU_SET_STATE, &st) ? -errno : 0;
	ktap_result(r == (own_mode_offered ? -EBUSY : -EOPNOTSUPP),
		    "late opt-in: SET_STATE of its own state -> %s (r=%d)",
		    own_mode_offered ? "EBUSY" : "EOPNOTSUPP: the host cannot run its mode", r);
	memset(&cas, 0, sizeof(cas));
	cas.vec_addr = MMU_GUEST_PROC_TBL;
	r = ioctl(vm.vm_fd, KVM_PPC_MMU_CAS, &cas) ? -errno : 0;
	ktap_result(r == -EBUSY, "late opt-in: KVM_PPC_MMU_CAS -> EBUSY (r=%d)", r);
	r = ppcmmu_get_state(vm.vm_fd, &st);
	ktap_result(!r && !memcmp(&st, &before, sizeof(st)),
		    "late opt-in: the VM's MMU state is unchanged");

	r = restart_vcpu(&vm, 0, GUEST_CODE_ADDR);
	r = r ? r : guest_vm_run_done(&vm);
	ktap_result(!r, "late opt-in: and its guest runs on (r=%d)", r);
	guest_vm_destroy(&vm);
}

int main(void)
{
	int planned = 12 + 6 + 2 + 7 + 14 + 6 + NR_HOSTILE + 2 + 3 + 2 + 2 + 4 + 1;

	test_env_begin(planned, "proc_tbl", &caps, &forced);
	can_radix = caps.guest_modes & KVM_PPC_MMU_GUEST_RADIX;
	can_hash = caps.guest_modes & KVM_PPC_MMU_GUEST_HASH;

	test_enable_and_state_ioctls();
	test_late_opt_in_refused();
	test_not_opted_in();
	test_radix_guest();
	test_hash_guest_and_switch();
	test_legacy_guest();
	test_hostile_arguments();
	test_register_while_another_runs();
	test_storm(false);
	test_storm(true);
	test_hpt_memory();

	test_env_restore(forced);
	ktap_result(module_is_loaded(PPCMMU_MODNAME), "module loaded at the end");
	ktap_finish();
}
