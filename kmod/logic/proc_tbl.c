// SPDX-License-Identifier: GPL-2.0
/*
 * H_REGISTER_PROC_TBL: which calls are valid and what they ask for.
 *
 * flags (r4):  bits 3-4 operation: 0b11 register a new table, 0b10
 *              deregister, 0b00 (and 0b01, as QEMU has always accepted)
 *              keep the current one; bits 1-2 type: 0b10 radix, 0b00 hash
 *              with SLB (no table), 0b01 hash with an in-memory segment
 *              table; bit 0 GTSE. Anything above bit 4 is H_PARAMETER.
 * base (r5), page_size (r6), table_size (r7): checked for a new table.
 *
 * Codes follow PAPR and QEMU's implementation of the same call
 * (h_register_process_table in hw/ppc/spapr_hcall.c), in QEMU's order, so
 * a guest sees the same answers as with the VMM doing the work:
 *   reserved flag bits, a hash table with segment table (not supported by
 *   KVM-HV), "keep current" or "deregister" naming another mode than the
 *   current one                                   -> H_PARAMETER
 *   radix base not 4 KiB aligned or >= 2^60, not aligned to the table's
 *   size, or not in guest RAM; hash base >= 2^38  -> H_P2
 *   radix page_size != 0; hash page_size > 7      -> H_P3
 *   table_size > 24 (either), or a radix table
 *   running past the end of guest RAM             -> H_P4
 *   then a mode the host cannot run               -> H_PARAMETER (QEMU
 *     passes the call on to KVM_PPC_CONFIGURE_V3_MMU, which fails EINVAL)
 * A new hash table's valid arguments describe nothing KVM-HV uses (hash
 * with SLB has no process table), so they are checked and dropped.
 * Where the module is stricter than QEMU, on purpose:
 *  - a radix base that is not size-aligned: QEMU only logs it; the
 *    architecture requires it (the partition table keeps only the base's
 *    high bits), so it is refused instead of handing the hardware a table
 *    it would misread;
 *  - a radix table outside guest RAM (QEMU does not look);
 *  - a type other than radix or hash with SLB, whatever the operation
 *    (QEMU takes 0b11 for radix, and lets 0b01 through when keeping or
 *    dropping a table).
 */
#include "proc_tbl.h"
#include "papr.h"
#include <linux/kvm_ppc_mmu.h>

#define PROC_TBL_MAX_SIZE_FIELD	24	/* 2^(12+24) bytes = 64 GiB */
#define PROC_TBL_HASH_BASE_BITS	38	/* QEMU: proc_tbl >> 38 -> H_P2 */
#define PROC_TBL_HASH_PAGE_SIZE	0x7ULL	/* QEMU: page_size & ~0x7 -> H_P3 */

static long ppcmmu_proc_tbl_new_radix(const struct ppcmmu_proc_tbl_args *a,
				      struct ppcmmu_proc_tbl_plan *plan)
{
	u64 bytes;

	if ((a->base & 0xfff) || (a->base >> 60))
		return PPCMMU_H_P2;
	if (a->page_size)
		return PPCMMU_H_P3;
	if (a->table_size > PROC_TBL_MAX_SIZE_FIELD)
		return PPCMMU_H_P4;
	bytes = 1ULL << (a->table_size + 12);
	if (a->base & (bytes - 1))
		return PPCMMU_H_P2;

	plan->process_table = PPCMMU_PATB_GR | a->base | a->table_size;
	plan->table_base = a->base;
	plan->table_bytes = bytes;
	return PPCMMU_H_SUCCESS;
}

/* Hash with SLB: nothing is registered, but the arguments are checked. */
static long ppcmmu_proc_tbl_new_hash(const struct ppcmmu_proc_tbl_args *a)
{
	if (a->base >> PROC_TBL_HASH_BASE_BITS)
		return PPCMMU_H_P2;
	if (a->page_size & ~PROC_TBL_HASH_PAGE_SIZE)
		return PPCMMU_H_P3;
	if (a->table_size > PROC_TBL_MAX_SIZE_FIELD)
		return PPCMMU_H_P4;
	return PPCMMU_H_SUCCESS;
}

long ppcmmu_proc_tbl_decide(const struct ppcmmu_proc_tbl_args *args,
			    const struct ppcmmu_mmu_now *now, u64 guest_modes,
			    struct ppcmmu_proc_tbl_plan *plan)
{
	u64 op = args->flags & PPCMMU_PROC_TABLE_OP_MASK;
	u64 type = args->flags & PPCMMU_PROC_TABLE_TYPE_MASK;
	bool radix = type == PPCMMU_PROC_TABLE_RADIX;
	struct ppcmmu_proc_tbl_plan p = { 0 };
	long hret;

	if (args->flags & ~(u64)PPCMMU_PROC_TABLE_VALID)
		return PPCMMU_H_PARAMETER;
	/* 0b11 in the type field has no meaning; 0b01 needs a segment table. */
	if (type != PPCMMU_PROC_TABLE_RADIX && type != PPCMMU_PROC_TABLE_HPT_SLB)
		return PPCMMU_H_PARAMETER;

	p.radix = radix;
	p.gtse = args->flags & PPCMMU_PROC_TABLE_GTSE;

	switch (op) {
	case PPCMMU_PROC_TABLE_NEW:
		if (radix) {
			hret = ppcmmu_proc_tbl_new_radix(args, &p);
			if (hret)
				return hret;
		} else {
			hret = ppcmmu_proc_tbl_new_hash(args);
			if (hret)
				return hret;
			p.process_table = 0;	/* hash with SLB: no table */
		}
		break;
	case PPCMMU_PROC_TABLE_DEREG:
		/*
		 * Drop the table, stay in the current mode. Under QEMU+KVM a
		 * type that differs from the current mode fails in KVM's
		 * CONFIGURE_V3_MMU (H_PARAMETER); here it fails the same way
		 * but before anything changed.
		 */
		if (radix != now->radix)
			return PPCMMU_H_PARAMETER;
		p.process_table = radix ? PPCMMU_PATB_GR : 0;
		break;
	default:	/* keep the current registration */
		if (radix != now->radix)
			return PPCMMU_H_PARAMETER;
		p.process_table = now->process_table;
		if (radix) {
			p.table_base = now->process_table & PPCMMU_PRTB_MASK;
			p.table_bytes = p.table_base ?
				1ULL << ((now->process_table & PPCMMU_PRTS_MASK) + 12) : 0;
		}
		break;
	}
	/* After the arguments, as QEMU (whose KVM call refuses the mode). */
	if (!(guest_modes & (radix ? KVM_PPC_MMU_GUEST_RADIX : KVM_PPC_MMU_GUEST_HASH)))
		return PPCMMU_H_PARAMETER;
	*plan = p;
	return PPCMMU_H_SUCCESS;
}

long ppcmmu_proc_tbl_range_hret(bool base_in_ram, bool all_in_ram)
{
	if (!base_in_ram)
		return PPCMMU_H_P2;
	if (!all_in_ram)
		return PPCMMU_H_P4;
	return PPCMMU_H_SUCCESS;
}
