// SPDX-License-Identifier: GPL-2.0
/*
 * When a VM gets an HPT. Two kinds of callers put one in place:
 *   - a radix VM about to switch to hash (CAS, H_REGISTER_PROC_TBL,
 *     SET_STATE): the table must be there before KVM-HV's configure_mmu
 *     switches, so KVM-HV keeps it instead of allocating its default;
 *   - a hash VM that has none yet (its first entry, CAS or SET_STATE on a
 *     hash VM).
 * Anything else gets nothing, whatever the caller believed when it looked:
 *   - a VM no longer in the mode the caller expects (another thread
 *     switched it) gets no table: a radix VM's HPT is never used, and
 *     KVM-HV does not free it when the VM is destroyed;
 *   - a table already in place is kept (the VMM may have restored one), or
 *     with @exact (SET_STATE restores one order) is a conflict if its order
 *     differs;
 *   - a hash VM already running on its MMU cannot have its table swapped;
 *   - a switch that KVM-HV would refuse because other vcpus run
 *     (configure_mmu: mmu_ready and vcpus_running) is refused before any
 *     memory is spent on it. configure_mmu stays the authority; this is
 *     read under mmu_setup_lock without its mmu_ready handshake, so it only
 *     spares work.
 */
#include "hpt_install.h"

enum ppcmmu_hpt_verdict ppcmmu_hpt_verdict(const struct ppcmmu_hpt_vm *vm,
					   const struct ppcmmu_hpt_want *want)
{
	if (vm->radix != want->from_radix)
		return PPCMMU_HPT_MOVED;
	if (vm->hpt_order)
		return want->exact && vm->hpt_order != want->order ?
		       PPCMMU_HPT_BUSY : PPCMMU_HPT_KEEP;
	if (!vm->mmu_ready)
		return PPCMMU_HPT_ALLOCATE;
	/* MMU in use: a hash VM's table cannot change; a switch needs no vcpu in */
	if (!vm->radix || vm->vcpus_running)
		return PPCMMU_HPT_BUSY;
	return PPCMMU_HPT_ALLOCATE;
}

int ppcmmu_hpt_verdict_errno(enum ppcmmu_hpt_verdict v)
{
	/* MOVED too: the caller may retry against the VM as it is now */
	return v == PPCMMU_HPT_MOVED || v == PPCMMU_HPT_BUSY ? -EBUSY : 0;
}
