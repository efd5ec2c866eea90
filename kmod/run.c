// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_RUN for a VM the module knows: KVM-HV runs the guest; hypercalls
 * KVM-HV does not answer come back as KVM_EXIT_PAPR_HCALL with
 * hcall_needed set. Those an opted-in VM asked the module to answer are
 * completed here the way kvm_arch_vcpu_ioctl_run() would complete them for
 * userspace (r3 = return code, hcall_needed cleared), and the guest is
 * re-entered without the VMM ever seeing the exit. Everything else returns
 * to the caller unchanged.
 */
#include <linux/kvm_ppc_mmu.h>

#include "ppc_mmu.h"
#include <asm/kvm_book3s.h>
#include <asm/hvcall.h>
#include "logic/papr.h"

#define PPCMMU_HCALL_NOT_OURS	LONG_MIN	/* exit to the VMM untouched */
#define PPCMMU_HCALL_TO_VMM	(LONG_MIN + 1)	/* did our part; the VMM finishes it */

/*
 * The first run freezes the feature set (see KVM_PPC_MMU_ENABLE) and
 * whether the VM opted in at all (ioctl.c refuses a late opt-in). Later
 * runs skip the lock: once vcpus_ran is seen set (acquire), neither can
 * change any more and the values read after it are the final ones.
 */
static int ppcmmu_vm_start_running(struct ppcmmu_vm *vm, u64 *features)
{
	/* pairs with the store below: features read after it are final */
	if (!smp_load_acquire(&vm->vcpus_ran)) {
		/* a CAS may hold the lock for a while: let the VMM's kick in */
		if (mutex_lock_interruptible(&vm->lock))
			return -EINTR;
		/* pairs with the load above; ENABLE checks it under the lock */
		smp_store_release(&vm->vcpus_ran, true);
		mutex_unlock(&vm->lock);
	}
	*features = READ_ONCE(vm->features);
	return 0;
}

/*
 * A hash VM about to enter with no HPT: give it one sized from its RAM.
 * In-kernel CAS sizes HPTs from RAM, so it implies this for the time
 * before the guest's CAS, too. The unlocked look only skips the common
 * case; the install checks again under mmu_setup_lock, so a VM switched
 * to radix meanwhile gets nothing.
 */
static void ppcmmu_prepare_entry(struct ppcmmu_vm *vm, u64 features)
{
	struct kvm *kvm = vm->kvm;

	if (!(features & (KVM_PPC_MMU_FEAT_HPT_SIZING | KVM_PPC_MMU_FEAT_CAS)) ||
	    kvm_is_radix(kvm) ||
	    READ_ONCE(kvm->arch.hpt.virt))
		return;
	/* On failure KVM-HV falls back to its own default-size table. */
	ppcmmu_hpt_install_sized(vm, PPCMMU_CAUSE_ENTRY);
}

static long ppcmmu_handle_hcall(struct ppcmmu_vm *vm, struct kvm_vcpu *vcpu, u64 features)
{
	struct kvm_ppc_mmu_cas outcome;

	switch (kvmppc_get_gpr(vcpu, 3)) {
	case H_REGISTER_PROC_TBL:
		if (features & KVM_PPC_MMU_FEAT_PROC_TBL)
			return ppcmmu_h_register_proc_tbl(vm, vcpu);
		break;
	case PPCMMU_KVMPPC_H_CAS:
		/* The VMM builds the device tree: it completes the call. */
		if ((features & KVM_PPC_MMU_FEAT_CAS) &&
		    !ppcmmu_cas_negotiate(vm, vcpu->vcpu_id, ppcmmu_vm_pvr(vcpu->kvm, vcpu),
					  kvmppc_get_gpr(vcpu, 4), &outcome))
			return PPCMMU_HCALL_TO_VMM;
		break;
	}
	return PPCMMU_HCALL_NOT_OURS;
}

/*
 * KVM-HV's vcpu_run, with no switch of ours while this vcpu is inside it
 * (see entry_gate). Every opted-in VM's vcpus take the gate, also those
 * of a VM without features: KVM_PPC_MMU_SET_STATE and KVM_PPC_MMU_CAS
 * switch any opted-in VM, and a vcpu that skipped the gate could enter the
 * guest with the old mode's LPCR while one of them switches (ppc_mmu_fuzz
 * hard-locked the emulated radix host that way: SET_STATE on a VM without
 * features while its other vcpu entered). Uncontended, the gate changes
 * nothing else.
 */
static int ppcmmu_orig_run_gated(struct ppcmmu_vm *vm, struct kvm_vcpu *vcpu)
{
	int r;

	/*
	 * A switch holds the gate only for KVM-HV's part of it (the HPT is
	 * allocated before), but the VMM's kick must still get through.
	 */
	if (down_read_interruptible(&vm->entry_gate)) {
		vcpu->run->exit_reason = KVM_EXIT_INTR;
		return -EINTR;
	}
	r = ppcmmu_orig_ops.vcpu_run(vcpu);
	up_read(&vm->entry_gate);
	return r;
}

int ppcmmu_vcpu_run_hooked(struct ppcmmu_vm *vm, struct kvm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	u64 features;
	long hret;
	int r;

	if (ppcmmu_vm_start_running(vm, &features)) {
		run->exit_reason = KVM_EXIT_INTR;
		return -EINTR;
	}

	/*
	 * A VM that did not opt in before its first run never will (ioctl.c),
	 * so nothing of ours can switch it: straight to KVM-HV, ungated, the
	 * same path as without the module.
	 */
	if (!features) {
		if (!READ_ONCE(vm->opted_in))
			return ppcmmu_orig_ops.vcpu_run(vcpu);
		return ppcmmu_orig_run_gated(vm, vcpu);
	}

	for (;;) {
		ppcmmu_prepare_entry(vm, features);
		r = ppcmmu_orig_run_gated(vm, vcpu);
		/* RESUME_HOST (> 0) is how an exit to the host comes back. */
		if (r < 0 || run->exit_reason != KVM_EXIT_PAPR_HCALL ||
		    !vcpu->arch.hcall_needed)
			return r;

		hret = ppcmmu_handle_hcall(vm, vcpu, features);
		if (hret == PPCMMU_HCALL_NOT_OURS || hret == PPCMMU_HCALL_TO_VMM)
			return r;

		kvmppc_set_gpr(vcpu, 3, hret);
		vcpu->arch.hcall_needed = 0;
		/*
		 * Re-enter. KVM-HV's vcpu_run returns -EINTR at once if a
		 * signal is pending, with the hypercall already completed, so
		 * a guest looping on these calls still lets the VMM in.
		 */
		cond_resched();
	}
}
