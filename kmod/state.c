// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_PPC_MMU_GET_STATE / SET_STATE. The state is read from KVM-HV itself, not
 * from a copy of ours, so it is right whoever changed it (the guest through
 * the module, or the VMM through KVM_PPC_CONFIGURE_V3_MMU).
 */
#include <linux/kvm_ppc_mmu.h>

#include "ppc_mmu.h"
#include <asm/kvm_book3s_64.h>
#include "logic/uapi_checks.h"
#include "trace.h"

/*
 * The partition-table doubleword 1 KVM-HV builds for @kvm
 * (kvmppc_setup_partition_table(): PATB_GR | process_table for radix).
 * kvm->arch.process_table alone lacks PATB_GR on a radix VM nobody has
 * configured yet (a fresh VM on a radix host): reported as it was, such a
 * state came back from KVM_PPC_MMU_SET_STATE as EINVAL (radix without
 * PATB_GR), and the guest's "keep current table" was refused by
 * configure_mmu (H_PARAMETER). Found by selftests/ppc_mmu_fuzz.c.
 */
u64 ppcmmu_process_table_locked(struct kvm *kvm)
{
	lockdep_assert_held(&kvm->arch.mmu_setup_lock);
	return kvm->arch.process_table | (kvm_is_radix(kvm) ? PATB_GR : 0);
}

void ppcmmu_fill_state(struct kvm *kvm, struct kvm_ppc_mmu_state *st)
{
	struct ppcmmu_vm *vm = ppcmmu_vm_find(kvm);

	if (vm) {
		mutex_lock(&vm->lock);
		st->features = vm->features;
		mutex_unlock(&vm->lock);
	}

	mutex_lock(&kvm->arch.mmu_setup_lock);
	st->mode = kvm_is_radix(kvm) ? KVM_PPC_MMU_MODE_RADIX : KVM_PPC_MMU_MODE_HASH;
	st->hpt_order = kvm->arch.hpt.virt ? kvm->arch.hpt.order : 0;
	st->process_table = ppcmmu_process_table_locked(kvm);
	if (kvm->arch.lpcr & LPCR_GTSE)
		st->state_flags |= KVM_PPC_MMU_STATE_GTSE;
	mutex_unlock(&kvm->arch.mmu_setup_lock);
}

/*
 * KVM_PPC_MMU_SET_STATE: the inverse of ppcmmu_fill_state(), applied with
 * the same KVM-HV code the guest's own registration uses. The ioctl
 * validates first (logic/uapi_checks.c), so a refused state changes nothing.
 */
int ppcmmu_set_state(struct ppcmmu_vm *vm, const struct kvm_ppc_mmu_state *st)
{
	bool radix = st->mode == KVM_PPC_MMU_MODE_RADIX;
	struct kvm_ppc_mmuv3_cfg cfg = {
		.flags = (radix ? KVM_PPC_MMUV3_RADIX : 0) |
			 (st->state_flags & KVM_PPC_MMU_STATE_GTSE ? KVM_PPC_MMUV3_GTSE : 0),
		.process_table = st->process_table,
	};
	/* A table of exactly the saved order, or -EBUSY: the HPT's contents follow */
	struct ppcmmu_hpt_want want = { .exact = true, .order = st->hpt_order };
	const struct ppcmmu_hpt_want *hpt = NULL;
	struct kvm *kvm = vm->kvm;
	int r;

	mutex_lock(&vm->lock);
	r = ppcmmu_enable_transition(vm->features, st->features, vm->vcpus_ran);
	if (r)
		goto out;

	if (!radix && st->hpt_order) {
		/* checked again, with the order, under mmu_setup_lock */
		want.from_radix = kvm_is_radix(kvm);
		hpt = &want;
	}
	r = ppcmmu_configure_mmu(vm, &cfg, hpt, PPCMMU_CAUSE_SET_STATE);
	if (!r)
		vm->features = st->features;
out:
	trace_ppc_mmu_set_state(vm, st, r);
	if (r)
		ppcmmu_refused(vm, PPCMMU_OP_SET_STATE, r, r == -EBUSY);
	mutex_unlock(&vm->lock);
	return r;
}
