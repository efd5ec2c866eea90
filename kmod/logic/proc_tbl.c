// SPDX-License-Identifier: GPL-2.0
/*
 * H_REGISTER_PROC_TBL: which calls are valid and what they ask for.
 *
 * flags (r4):  bits 3-4 operation: 0b11 register a new table, 0b10
 *              deregister, 0b00 (and 0b01, as QEMU has always accepted)
 *              keep the current one; bits 1-2 type: 0b10 radix, 0b00 hash
 *              with SLB (no table), 0b01 hash with an in-memory segment
 *              table; bit 0 GTSE. Anything above bit 4 is H_PARAMETER.
 * base (r5), page_size (r6), table_size (r7): only for a new radix table.
 *
 * Codes follow PAPR and QEMU's implementation of the same call, so a guest
 * sees the same answers as with the VMM doing the work:
 *   reserved flag bits, a hash table with segment table (not supported by
 *   KVM-HV), "keep current" or "deregister" naming another mode than the
 *   current one, a mode the host cannot run       -> H_PARAMETER
 *   radix base not 4 KiB aligned, above 2^60, not aligned to the table's
 *   size, or not in guest RAM                     -> H_P2
 *   radix page_size != 0                          -> H_P3
 *   radix table_size > 24, or table running past
 *   the end of guest RAM                          -> H_P4
 * QEMU only logs a base that is not size-aligned; the architecture requires
 * it (the partition table keeps only the base's high bits), so it is
 * refused here instead of handing the hardware a table it would misread.
 */
#include "proc_tbl.h"
#include "papr.h"
#include <linux/kvm_ppc_mmu.h>

#define PROC_TBL_MAX_SIZE_FIELD	24	/* 2^(12+24) bytes = 64 GiB */

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
	if (!(guest_modes & (radix ? KVM_PPC_MMU_GUEST_RADIX : KVM_PPC_MMU_GUEST_HASH)))
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
