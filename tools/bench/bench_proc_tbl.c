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
 * the whole loop (tools/bench.sh runs the host instruction-counted: one ns
 * per emulated instruction); ROUNDS rounds interleave the variants (odd
 * rounds in the reverse order, so no variant always runs right after a
 * module reload) and the median per call is reported.
 *
 * "VMM path hooked/unhooked" is what a VM that does not opt in pays for
 * the module being loaded (every vcpu takes the module's vcpu_run wrapper,
 * kmod/hooks.c and run.c; only opted-in VMs also take the entry gate):
 * vmm / vmm-bare of the same round, one ratio per round, reported as the
 * median with min, max and quartiles, as well as the ratio of the medians.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_loop.h"
#include "ppcmmu/module_ctl.h"
#include "ppcmmu/ppcmmu.h"

#define CALLS	3000
#define ROUNDS	11
#define KEEP_RADIX_GTSE	0x05ULL

enum variant { FLOOR, KERNEL, VMM, VMM_BARE, NR_VARIANTS };
static const char *const names[] = { "floor (H_SET_DABR, in KVM-HV)",
	"H_REGISTER_PROC_TBL in kvm-ppc-mmu", "H_REGISTER_PROC_TBL via the VMM",
	"same via the VMM, module unloaded" };

/* ns per call, or -1. The VMM answers every hcall but DONE with H_SUCCESS. */
static long long run_variant(enum variant v)
{
	bool opted = v == KERNEL;
	struct guest_vm vm;
	long long ns = -1;
	int r, exits;

	if (v == VMM_BARE ? ppcmmu_ensure_unloaded() : ppcmmu_ensure_loaded())
		return -1;
	if (guest_vm_create(&vm, 64UL << 20))
		return -1;
	r = guest_vm_set_mmu(&vm, GUEST_MMU_RADIX);
	if (!r && opted)
		r = ppcmmu_enable(vm.vm_fd, KVM_PPC_MMU_FEAT_PROC_TBL);
	bench_write_loop(&vm, CALLS, v == FLOOR ? H_SET_DABR : H_REGISTER_PROC_TBL,
			 v == FLOOR ? 0 : KEEP_RADIX_GTSE);
	r = r ? r : guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL) < 0;
	if (!r)
		ns = bench_run_loop(&vm, CALLS, &exits);
	guest_vm_destroy(&vm);
	if (ns < 0)
		return -1;
	/* A variant measured in the kernel must not have exited, and v.v. */
	if ((v == VMM || v == VMM_BARE) ? exits < CALLS : exits > 1)
		return -1;
	return ns;
}

/* One hooked/unhooked ratio per round; 0 if a round failed. */
static void print_hook_ratio(long long t[NR_VARIANTS][ROUNDS])
{
	double ratio[ROUNDS];
	int i;

	for (i = 0; i < ROUNDS; i++)
		ratio[i] = t[VMM_BARE][i] > 0 ? (double)t[VMM][i] / t[VMM_BARE][i] : 0;
	printf("bench: VMM path hooked/unhooked per round:");
	for (i = 0; i < ROUNDS; i++)
		printf(" %.3f", ratio[i]);
	printf("\n");
	bench_sort_double(ratio, ROUNDS);
	printf("bench: VMM path hooked/unhooked: median %.3f of %d interleaved rounds (min %.3f max %.3f, quartiles %.3f-%.3f)\n",
	       ratio[ROUNDS / 2], ROUNDS, ratio[0], ratio[ROUNDS - 1], ratio[ROUNDS / 4],
	       ratio[3 * ROUNDS / 4]);
}

int main(void)
{
	long long t[NR_VARIANTS][ROUNDS], med[NR_VARIANTS];
	int v, i, k;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < ROUNDS; i++)
		for (k = 0; k < NR_VARIANTS; k++) {
			v = i % 2 ? NR_VARIANTS - 1 - k : k;
			t[v][i] = run_variant(v);
		}
	ppcmmu_ensure_loaded();
	print_hook_ratio(t);
	for (v = 0; v < NR_VARIANTS; v++) {
		bench_sort_ll(t[v], ROUNDS);
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
