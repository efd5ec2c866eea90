// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_PPC_MMU_GET_STATE: the VM's MMU state read from KVM-HV itself, not
 * from a copy of ours, so it is right whoever changed it (the guest through
 * the module, or the VMM through KVM_PPC_CONFIGURE_V3_MMU).
 */
#include <linux/kvm_ppc_mmu.h>

#include "ppc_mmu.h"
#include <asm/kvm_book3s_64.h>

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
	st->process_table = kvm->arch.process_table;
	if (kvm->arch.lpcr & LPCR_GTSE)
		st->state_flags |= KVM_PPC_MMU_STATE_GTSE;
	mutex_unlock(&kvm->arch.mmu_setup_lock);
}
