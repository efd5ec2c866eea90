/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest asks for an MMU switch while another of its vcpus is inside
 * KVM_RUN, which KVM-HV cannot do. Real guests on both vcpus:
 *
 *   vcpu 0  stores 1 at BUSY_FLAG_IN, spins in the guest until the test
 *           stores non-zero at BUSY_FLAG_GO, then DONE.
 *   vcpu 1  calls H_REGISTER_PROC_TBL for as long as the answer is
 *           H_LONG_BUSY_ORDER_1_MSEC, counting those answers in r21 and at
 *           BUSY_COUNT, then REPORT(TAG_REGISTER, final answer, count), DONE.
 *
 * Linux's pseries_lpar_register_process_table() retries on any
 * H_LONG_BUSY_* (after the hinted delay) and BUG()s on anything else but
 * H_SUCCESS. vcpu 1 is stricter: it retries only on the one code the module
 * promises, so any other busy answer ends its loop and shows in the report.
 */
#ifndef PPCMMU_SELFTEST_BUSY_SWITCH_H
#define PPCMMU_SELFTEST_BUSY_SWITCH_H

#include <stdbool.h>
#include <stdint.h>

#include "ppcmmu/guest.h"
#include "ppcmmu/mmu_guest.h"

#define BUSY_FLAG_IN		0x600000ULL
#define BUSY_FLAG_GO		0x600100ULL
#define BUSY_COUNT		0x600200ULL
#define H_LONG_BUSY_ORDER_1_MSEC	9900

struct busy_switch_result {
	int r;				/* 0, or -errno of the set-up */
	bool spinner_done;		/* vcpu 0 ran to DONE once released */
	/* vcpu 1: register_rc is its final answer, register_busy the count */
	struct mmu_guest_result res;
};

/*
 * @vm: memory and MMU mode set up, no vcpus yet. Adds vcpu 0 and 1 with the
 * programs above (vcpu 1 registers with @flags, @base), starts vcpu 0 and
 * waits until it runs in the guest, starts vcpu 1 and waits until it has
 * been answered long-busy @min_busy times (or has stopped), calls
 * @meanwhile(@arg) if given, releases vcpu 0, and waits for both.
 */
void busy_switch_run(struct guest_vm *vm, uint64_t flags, uint64_t base, int min_busy,
		     void (*meanwhile)(void *arg), void *arg, struct busy_switch_result *out);

#endif
