// SPDX-License-Identifier: GPL-2.0
/*
 * Round-trip cost of H_REGISTER_PROC_TBL "keep current", in one run on one
 * host (emulated timing is noisy; only ratios taken together mean much):
 *
 *   floor     H_SET_DABR, the cheapest hcall KVM-HV answers in the kernel
 *   kernel    H_REGISTER_PROC_TBL answered by kvm-ppc-mmu (VM opted in)
 *   vmm       the same call exiting to this program, which answers it
 *   vmm-bare  the same, with the module unloaded: what the hook costs a VM
 *             that does not opt in
 *
 * Each guest registers a radix table once, then loops CALLS times (counting
 * in a GPR), then reports DONE. Times are CLOCK_MONOTONIC integer ns around
 * the whole loop; ROUNDS rounds interleave the variants and the median per
 * call is reported.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/guest.h"
#include "lib/guest_asm.h"
#include "lib/mmu_guest.h"
#include "lib/module_ctl.h"
#include "lib/ppcmmu.h"

#define CALLS	3000
#define ROUNDS	5
#define KEEP_RADIX_GTSE	0x05ULL

enum variant { FLOOR, KERNEL, VMM, VMM_BARE, NR_VARIANTS };
static const char *const names[] = { "floor (H_SET_DABR, in KVM-HV)",
	"H_REGISTER_PROC_TBL in kvm-ppc-mmu", "H_REGISTER_PROC_TBL via the VMM",
	"same via the VMM, module unloaded" };

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void write_loop(struct guest_vm *vm, uint64_t nr, uint64_t flags, uint64_t base)
{
	uint32_t *loop;
	struct gasm a;

	gasm_init(&a, vm->mem + GUEST_CODE_ADDR);
	mmu_guest_register(&a, PROC_TBL_NEW_RADIX_GTSE, MMU_GUEST_PROC_TBL, 0);
	gasm_li64(&a, 20, CALLS);
	loop = a.p;
	gasm_li64(&a, 4, flags);
	gasm_li64(&a, 5, base);
	gasm_emit(&a, PPC_LI(6, 0));
	gasm_emit(&a, PPC_LI(7, 0));
	gasm_hcall(&a, nr);
	gasm_emit(&a, PPC_ADDI(20, 20, -1));
	gasm_emit(&a, PPC_CMPDI(20, 0));
	gasm_emit(&a, PPC_BNE((int)((loop - a.p) * 4)));
	gasm_hcall(&a, TEST_HCALL_DONE);
	gasm_emit(&a, PPC_B_SELF);
}

/* ns per call, or -1. The VMM answers every hcall but DONE with H_SUCCESS. */
static long long run_variant(enum variant v)
{
	bool opted = v == KERNEL;
	struct guest_vm vm;
	struct kvm_run *run;
	long long t0 = 0, t1;
	bool done = false;
	int r, exits = 0;

	if (v == VMM_BARE ? ppcmmu_ensure_unloaded() : ppcmmu_ensure_loaded())
		return -1;
	if (guest_vm_create(&vm, 64UL << 20))
		return -1;
	r = guest_vm_set_mmu(&vm, GUEST_MMU_RADIX);
	if (!r && opted)
		r = ppcmmu_enable(vm.vm_fd, KVM_PPC_MMU_FEAT_PROC_TBL);
	write_loop(&vm, v == FLOOR ? H_SET_DABR : H_REGISTER_PROC_TBL,
		   v == FLOOR ? 0 : KEEP_RADIX_GTSE, 0);
	r = r ? r : guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL) < 0;
	run = r ? NULL : vm.vcpus[0].run;

	while (run) {
		r = guest_vcpu_run(&vm, 0);
		if (r || run->exit_reason != KVM_EXIT_PAPR_HCALL)
			break;
		if (run->papr_hcall.nr == TEST_HCALL_REPORT) {	/* registration done */
			t0 = now_ns();
			run->papr_hcall.ret = 0;
			continue;
		}
		if (run->papr_hcall.nr == TEST_HCALL_DONE) {
			done = true;
			break;
		}
		run->papr_hcall.ret = 0;	/* the VMM's answer: H_SUCCESS */
		exits++;
	}
	t1 = now_ns();
	guest_vm_destroy(&vm);	/* unmaps run */
	if (!done || !t0)
		return -1;
	/* A variant measured in the kernel must not have exited, and v.v. */
	if ((v == VMM || v == VMM_BARE) ? exits < CALLS : exits > 1)
		return -1;
	return (t1 - t0) / CALLS;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

int main(void)
{
	long long t[NR_VARIANTS][ROUNDS], med[NR_VARIANTS];
	int v, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < ROUNDS; i++)
		for (v = 0; v < NR_VARIANTS; v++)
			t[v][i] = run_variant(v);
	ppcmmu_ensure_loaded();
	for (v = 0; v < NR_VARIANTS; v++) {
		qsort(t[v], ROUNDS, sizeof(t[v][0]), cmp_ll);
		med[v] = t[v][ROUNDS / 2];
		printf("bench: %-38s %8lld ns/call (median of %d x %d calls; min %lld max %lld)\n",
		       names[v], med[v], ROUNDS, CALLS, t[v][0], t[v][ROUNDS - 1]);
		if (t[v][0] <= 0) {
			printf("bench: FAILED: a round of '%s' did not run as expected\n", names[v]);
			return 1;
		}
	}
	printf("bench: ratios: in-kernel/floor %.2f, VMM/floor %.2f, VMM/in-kernel %.2f, VMM path hooked/unhooked %.2f\n",
	       (double)med[KERNEL] / med[FLOOR], (double)med[VMM] / med[FLOOR],
	       (double)med[VMM] / med[KERNEL], (double)med[VMM] / med[VMM_BARE]);
	return 0;
}
