/* SPDX-License-Identifier: GPL-2.0 */
/* H_REGISTER_PROC_TBL argument checking and outcome: pure logic. */
#ifndef PPCMMU_LOGIC_PROC_TBL_H
#define PPCMMU_LOGIC_PROC_TBL_H

#include "compat.h"

/* The hypercall's four arguments (r4..r7), as the guest passed them. */
struct ppcmmu_proc_tbl_args {
	u64 flags;
	u64 base;
	u64 page_size;
	u64 table_size;
};

/* What the VM has now. */
struct ppcmmu_mmu_now {
	bool radix;
	u64 process_table;	/* partition-table dw1 in force */
};

/* What to do, when hret is H_SUCCESS. */
struct ppcmmu_proc_tbl_plan {
	bool radix;		/* mode after the call */
	bool gtse;
	u64 process_table;	/* new partition-table dw1 */
	u64 table_base;		/* guest-real range the table occupies ... */
	u64 table_bytes;	/* ... 0 when no table is referenced */
};

/*
 * Check the arguments against PAPR and the modes the host can give
 * (KVM_PPC_MMU_GUEST_* in @guest_modes). Returns the hypercall return code;
 * only on H_SUCCESS is @plan filled. Whether the table lies in guest RAM is
 * for the caller, who can see the memslots (ppcmmu_proc_tbl_range_hret).
 */
long ppcmmu_proc_tbl_decide(const struct ppcmmu_proc_tbl_args *args,
			    const struct ppcmmu_mmu_now *now, u64 guest_modes,
			    struct ppcmmu_proc_tbl_plan *plan);

/*
 * The return code for a table whose first byte is (@base_in_ram) / whose
 * whole range is (@all_in_ram) inside one block of guest RAM.
 */
long ppcmmu_proc_tbl_range_hret(bool base_in_ram, bool all_in_ram);

#endif /* PPCMMU_LOGIC_PROC_TBL_H */
