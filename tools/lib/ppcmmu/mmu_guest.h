/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests that prove an MMU mode is real: they build their own translation
 * structures in guest RAM, turn on MSR[IR|DR], and move data through a
 * non-identity mapping the test checks from outside.
 *
 * Guest-real layout (all inside the first 4 MiB):
 *   0x000000  code (page 0, mapped 1:1 so execution survives IR on)
 *   0x010000  radix process table (4 KiB, one entry used: PID 0)
 *   0x020000  radix root (64 KiB, 8192 entries), then L2, L3, two PTE pages
 *   0x200000  page A: the guest stores MMU_GUEST_MAGIC through EA 0x10000000
 *   0x300000  page B: the test puts a value there, the guest loads it
 *             through EA 0x10001000
 * Neither EA is guest RAM (the VM has 64 MiB): only a working translation
 * can make the accesses land.
 */
#ifndef PPCMMU_LIB_MMU_GUEST_H
#define PPCMMU_LIB_MMU_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest.h"
#include "guest_asm.h"

#define MMU_GUEST_PROC_TBL	0x10000ULL
#define MMU_GUEST_RADIX_ROOT	0x20000ULL
#define MMU_GUEST_PAGE_A	0x200000ULL
#define MMU_GUEST_PAGE_B	0x300000ULL
#define MMU_GUEST_EA_A		0x10000000ULL
#define MMU_GUEST_EA_B		0x10001000ULL
#define MMU_GUEST_MAGIC		0x5ca1ab1e0ddba11ULL
/* What mmu_guest_pages() puts in page B, for the guest to read back. */
#define MMU_GUEST_B_VALUE	0x0123456789abcdefULL

#define H_REGISTER_PROC_TBL	0x37cULL
#define H_ENTER			0x08ULL
#define PROC_TBL_NEW_RADIX_GTSE	0x1dULL
#define PROC_TBL_NEW_HASH_SLB	0x18ULL

/* Report slots: every REPORT hcall carries a tag in r4, values in r5, r6. */
enum mmu_guest_tag {
	TAG_REGISTER = 0x100,	/* r5 = H_REGISTER_PROC_TBL return code, r6 = retries */
	TAG_HENTER = 0x200,	/* r5 = OR of the three H_ENTER codes, r6 = last */
	TAG_TRANSLATED = 0x300,	/* r5 = value read through EA B, r6 = MSR */
	TAG_TRANSLATED_AGAIN = 0x301,	/* the same through EA A/B + 8 */
	TAG_CAS = 0x400,	/* r5 = what the VMM answered to KVMPPC_H_CAS */
};

/*
 * A VM of @mem bytes in @mmu, opted in to the module's @features (0: not
 * opted in). 0 or -errno; on failure nothing is left to destroy.
 */
int mmu_guest_vm(struct guest_vm *vm, size_t mem, enum guest_mmu mmu, uint64_t features);
/* Clear page A, put MMU_GUEST_B_VALUE in page B. */
void mmu_guest_pages(struct guest_vm *vm);

/* H_REGISTER_PROC_TBL(flags, base, 0, size); the return code is left in r3. */
void mmu_guest_call_register(struct gasm *a, uint64_t flags, uint64_t base, uint64_t size);
/* H_REGISTER_PROC_TBL(flags, base, 0, size) and REPORT(TAG_REGISTER, rc). */
void mmu_guest_register(struct gasm *a, uint64_t flags, uint64_t base, uint64_t size);
/* Write the radix process table and page tables described above. */
void mmu_guest_build_radix(struct gasm *a);
/* H_ENTER the three HPTEs, REPORT(TAG_HENTER), load the two SLB entries. */
void mmu_guest_build_hash(struct gasm *a);
/* IR|DR on, store magic via EA A, load via EA B, REPORT(TAG_TRANSLATED), DONE. */
void mmu_guest_translate(struct gasm *a);
/* The same, then again one doubleword further (TAG_TRANSLATED_AGAIN), DONE. */
void mmu_guest_translate_twice(struct gasm *a);

#define H_CAS			0xf002ULL	/* KVMPPC_H_CAS, as SLOF issues it */

/*
 * A whole boot sequence at GUEST_CODE_ADDR: CAS with the vector at
 * @vec_addr, REPORT(TAG_CAS, rc), then follow the VMM's answer (r4 = mode,
 * r5 = legacy): radix -> tables, registration, translation; hash ->
 * registration (not for legacy), H_ENTER + SLB, translation.
 */
void mmu_guest_cas_program(struct guest_vm *vm, uint64_t vec_addr);

/* What a run of such a guest reported. */
struct mmu_guest_result {
	int exits;		/* -errno, or number of exits seen */
	bool saw_register;	/* a REPORT with TAG_REGISTER */
	uint64_t register_rc;
	uint64_t register_busy;	/* long-busy answers before it (H_REGISTER_PROC_TBL retried) */
	bool saw_henter;
	uint64_t henter_rc;
	bool saw_translated;
	uint64_t value_read;
	uint64_t msr;
	bool saw_cas;
	uint64_t cas_rc;
	bool saw_translated_again;
	uint64_t value_read_again;
	uint64_t msr_again;
	bool done;
	uint64_t other_hcall;	/* first hcall the test did not expect, or 0 */
};

/* Run vcpu @idx to DONE, decoding the reports. */
void mmu_guest_run(struct guest_vm *vm, int idx, struct mmu_guest_result *res);

#endif
