/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The timed guest of the benchmarks: one vcpu that registers a radix
 * process table once (so an opted-in VM is in a steady state), reports,
 * then makes the same hypercall a fixed number of times and stops.
 * Header-only: each benchmark is one source file plus tools/lib/ppcmmu.
 */
#ifndef PPCMMU_BENCH_LOOP_H
#define PPCMMU_BENCH_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "bench_stats.h"
#include "ppcmmu/guest.h"
#include "ppcmmu/guest_asm.h"
#include "ppcmmu/mmu_guest.h"

/*
 * At GUEST_CODE_ADDR: H_REGISTER_PROC_TBL(radix, GTSE), REPORT, then
 * @calls x hcall @nr with r4 = @flags, r5..r7 = 0, then DONE. The loop
 * counts in r20, not CTR (DESIGN.md: a CTR loop around hypercalls never
 * ended on the rig).
 */
static inline void bench_write_loop(struct guest_vm *vm, long calls, uint64_t nr, uint64_t flags)
{
	uint32_t *loop;
	struct gasm a;

	gasm_init(&a, vm->mem + GUEST_CODE_ADDR);
	mmu_guest_register(&a, PROC_TBL_NEW_RADIX_GTSE, MMU_GUEST_PROC_TBL, 0);
	gasm_li64(&a, 20, calls);
	loop = a.p;
	gasm_li64(&a, 4, flags);
	gasm_emit(&a, PPC_LI(5, 0));
	gasm_emit(&a, PPC_LI(6, 0));
	gasm_emit(&a, PPC_LI(7, 0));
	gasm_hcall(&a, nr);
	gasm_emit(&a, PPC_ADDI(20, 20, -1));
	gasm_emit(&a, PPC_CMPDI(20, 0));
	gasm_emit(&a, PPC_BNE((int)((loop - a.p) * 4)));
	gasm_hcall(&a, TEST_HCALL_DONE);
	gasm_emit(&a, PPC_B_SELF);
}

/*
 * Run vcpu 0 of @vm to DONE, answering every other hypercall with
 * H_SUCCESS as a VMM would. Returns ns per call from the REPORT to DONE
 * (the loop alone), or -1; *exits counts the hypercalls answered here,
 * the registration included.
 */
static inline long long bench_run_loop(struct guest_vm *vm, long calls, int *exits)
{
	struct kvm_run *run = vm->vcpus[0].run;
	long long t0 = 0, t1;
	bool done = false;

	*exits = 0;
	for (;;) {
		if (guest_vcpu_run(vm, 0) || run->exit_reason != KVM_EXIT_PAPR_HCALL)
			break;
		if (run->papr_hcall.nr == TEST_HCALL_DONE) {
			done = true;
			break;
		}
		if (run->papr_hcall.nr == TEST_HCALL_REPORT)	/* registered */
			t0 = now_ns();
		else
			(*exits)++;
		run->papr_hcall.ret = 0;	/* the VMM's answer: H_SUCCESS */
	}
	t1 = now_ns();
	return done && t0 ? (t1 - t0) / calls : -1;
}

#endif
