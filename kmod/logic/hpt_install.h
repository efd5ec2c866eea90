/* SPDX-License-Identifier: GPL-2.0 */
/* Whether to give a VM an HPT, and what to do if it has one: pure logic. */
#ifndef PPCMMU_LOGIC_HPT_INSTALL_H
#define PPCMMU_LOGIC_HPT_INSTALL_H

#include "compat.h"

/* What the caller of an HPT install expects of the VM, and wants. */
struct ppcmmu_hpt_want {
	bool from_radix;	/* VM radix, about to switch to hash; else hash, needs its table */
	bool exact;		/* a table of another order is a conflict, not a keeper */
	u32 order;		/* log2 of the table's size in bytes */
};

/* The VM as KVM-HV holds it, read under kvm->arch.mmu_setup_lock. */
struct ppcmmu_hpt_vm {
	bool radix;		/* kvm_is_radix() */
	bool mmu_ready;		/* kvm->arch.mmu_ready: vcpus may use the MMU as set up */
	bool vcpus_running;	/* kvm->arch.vcpus_running != 0 */
	u32 hpt_order;		/* order of the HPT it has, 0 for none */
};

enum ppcmmu_hpt_verdict {
	PPCMMU_HPT_ALLOCATE,	/* no table: allocate one and install it */
	PPCMMU_HPT_KEEP,	/* a suitable table is in place: nothing to do */
	PPCMMU_HPT_MOVED,	/* the VM is no longer in the expected mode: nothing for it */
	PPCMMU_HPT_BUSY,	/* cannot be done now, or conflicts with the table in place */
};

/*
 * What an install of @want into @vm must do. Asked before allocating (so
 * nothing is allocated that would be thrown away) and again, under the same
 * lock hold, right before installing (the VM may have changed meanwhile).
 */
enum ppcmmu_hpt_verdict ppcmmu_hpt_verdict(const struct ppcmmu_hpt_vm *vm,
					   const struct ppcmmu_hpt_want *want);

/* An install's result for @v: -EBUSY for MOVED and BUSY, else 0. */
int ppcmmu_hpt_verdict_errno(enum ppcmmu_hpt_verdict v);

#endif /* PPCMMU_LOGIC_HPT_INSTALL_H */
