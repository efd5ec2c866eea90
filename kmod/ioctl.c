// SPDX-License-Identifier: GPL-2.0
/*
 * The module's VM ioctls (type KVM_PPC_MMU_IO). Each copies its argument in
 * whole, validates it with the pure checks in logic/, acts, and copies the
 * result out; nothing is read from userspace twice.
 */
#include <linux/kvm_ppc_mmu.h>
#include <linux/uaccess.h>

#include "ppc_mmu.h"
#include "logic/uapi_checks.h"
#include "trace.h"

/*
 * Pin @kvm for an ioctl that makes it the module's (ENABLE, SET_STATE,
 * CAS): from then on it is traced at destroy, has a state file, and its
 * vcpus enter through the entry gate (run.c). Errors as ppcmmu_vm_pin():
 * ERR_PTR(-ENODEV) while unloading, -ENOMEM; and -EBUSY for a VM whose
 * vcpus already ran without opting in: they entered ungated, and nothing
 * tells whether one is inside KVM-HV now, so no switch of ours may ever
 * touch the VM (the decision is the first KVM_RUN's, as for features).
 */
static struct ppcmmu_vm *ppcmmu_vm_pin_opted_in(struct kvm *kvm, enum ppcmmu_op op)
{
	struct ppcmmu_vm *vm = ppcmmu_vm_pin(kvm);
	bool added = false;

	if (IS_ERR(vm))
		return vm;
	mutex_lock(&vm->lock);		/* pairs with run.c's first run */
	if (!vm->opted_in && vm->vcpus_ran) {
		mutex_unlock(&vm->lock);
		ppcmmu_refused(vm, op, -EBUSY, true);
		return ERR_PTR(-EBUSY);
	}
	if (!vm->opted_in) {
		WRITE_ONCE(vm->opted_in, true);
		added = true;
	}
	mutex_unlock(&vm->lock);
	if (added)
		ppcmmu_debugfs_add(vm);		/* idempotent */
	return vm;
}

static long ppcmmu_ioctl_get_caps(struct kvm *kvm, void __user *argp)
{
	struct kvm_ppc_mmu_caps caps;
	int r;

	if (copy_from_user(&caps, argp, sizeof(caps)))
		return -EFAULT;
	r = ppcmmu_check_caps_request(&caps);
	if (r)
		return r;

	memset(&caps, 0, sizeof(caps));
	r = ppcmmu_fill_caps(kvm, &caps);
	if (r)
		return r;
	if (copy_to_user(argp, &caps, sizeof(caps)))
		return -EFAULT;
	return 0;
}

static long ppcmmu_ioctl_enable(struct kvm *kvm, void __user *argp)
{
	struct kvm_ppc_mmu_enable req;
	struct ppcmmu_vm *vm;
	u64 old;
	int r;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	r = ppcmmu_check_enable_request(&req);
	if (r) {
		vm = ppcmmu_vm_find(kvm);
		trace_ppc_mmu_enable(vm, vm ? READ_ONCE(vm->features) : 0, req.features, r);
		ppcmmu_refused(vm, PPCMMU_OP_ENABLE, r, false);
		return r;
	}

	/* An opted-in VM depends on the module: pin it for the VM's life. */
	vm = ppcmmu_vm_pin_opted_in(kvm, PPCMMU_OP_ENABLE);
	if (IS_ERR(vm))
		return PTR_ERR(vm);	/* ENODEV: unloading; ENOMEM; EBUSY: ran */

	mutex_lock(&vm->lock);
	old = vm->features;
	r = ppcmmu_enable_transition(vm->features, req.features, vm->vcpus_ran);
	if (!r)
		vm->features = req.features;
	trace_ppc_mmu_enable(vm, old, req.features, r);
	if (r)
		ppcmmu_refused(vm, PPCMMU_OP_ENABLE, r, r == -EBUSY);
	mutex_unlock(&vm->lock);
	return r;
}

static long ppcmmu_ioctl_get_state(struct kvm *kvm, void __user *argp)
{
	struct kvm_ppc_mmu_state st;
	int r;

	if (copy_from_user(&st, argp, sizeof(st)))
		return -EFAULT;
	r = ppcmmu_check_state_request(&st);
	if (r)
		return r;

	memset(&st, 0, sizeof(st));
	ppcmmu_fill_state(kvm, &st);
	if (copy_to_user(argp, &st, sizeof(st)))
		return -EFAULT;
	return 0;
}

static long ppcmmu_ioctl_set_state(struct kvm *kvm, void __user *argp)
{
	struct kvm_ppc_mmu_state st;
	struct ppcmmu_vm *vm;
	int r;

	if (copy_from_user(&st, argp, sizeof(st)))
		return -EFAULT;
	r = ppcmmu_check_set_state(&st, ppcmmu_guest_modes());
	if (r) {
		/* refused before the VM is pinned: nothing changed */
		vm = ppcmmu_vm_find(kvm);
		trace_ppc_mmu_set_state(vm, &st, r);
		ppcmmu_refused(vm, PPCMMU_OP_SET_STATE, r, false);
		return r;
	}
	vm = ppcmmu_vm_pin_opted_in(kvm, PPCMMU_OP_SET_STATE);
	if (IS_ERR(vm))
		return PTR_ERR(vm);	/* ENODEV: unloading; ENOMEM; EBUSY: ran */
	return ppcmmu_set_state(vm, &st);
}

static long ppcmmu_ioctl_cas(struct kvm *kvm, void __user *argp)
{
	struct kvm_ppc_mmu_cas req;
	struct ppcmmu_vm *vm;
	int r;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	r = ppcmmu_check_cas_request(&req);
	if (r)
		return r;
	vm = ppcmmu_vm_pin_opted_in(kvm, PPCMMU_OP_CAS);
	if (IS_ERR(vm))
		return PTR_ERR(vm);	/* ENODEV: unloading; ENOMEM; EBUSY: ran */
	r = ppcmmu_cas_negotiate(vm, -1, ppcmmu_vm_pvr(kvm, NULL), req.vec_addr, &req);
	if (r)
		return r;
	if (copy_to_user(argp, &req, sizeof(req)))
		return -EFAULT;
	return 0;
}

static long ppcmmu_ioctl_set_hpt_order(struct kvm *kvm, void __user *argp)
{
	struct kvm_ppc_mmu_hpt_order req;
	struct ppcmmu_vm *vm;
	int r;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	r = ppcmmu_check_hpt_order_request(&req);
	if (r) {
		ppcmmu_refused(ppcmmu_vm_find(kvm), PPCMMU_OP_SET_HPT_ORDER, r, false);
		return r;
	}
	vm = ppcmmu_vm_pin_opted_in(kvm, PPCMMU_OP_SET_HPT_ORDER);
	if (IS_ERR(vm))
		return PTR_ERR(vm);	/* ENODEV: unloading; ENOMEM; EBUSY: ran */
	WRITE_ONCE(vm->hpt_order, req.order);
	return 0;
}

static long ppcmmu_ioctl_get_cas(struct kvm *kvm, void __user *argp)
{
	struct ppcmmu_vm *vm = ppcmmu_vm_find(kvm);
	struct kvm_ppc_mmu_cas out;
	int r;

	if (copy_from_user(&out, argp, sizeof(out)))
		return -EFAULT;
	r = ppcmmu_check_cas_request(&out);
	if (r)
		return r;
	if (!vm)
		return -ENOENT;
	mutex_lock(&vm->lock);
	r = vm->cas_valid ? 0 : -ENOENT;
	out = vm->cas;
	mutex_unlock(&vm->lock);
	if (!r && copy_to_user(argp, &out, sizeof(out)))
		return -EFAULT;
	return r;
}

long ppcmmu_vm_ioctl(struct kvm *kvm, unsigned int ioctl, void __user *argp)
{
	switch (ioctl) {
	case KVM_PPC_MMU_GET_CAPS:
		return ppcmmu_ioctl_get_caps(kvm, argp);
	case KVM_PPC_MMU_ENABLE:
		return ppcmmu_ioctl_enable(kvm, argp);
	case KVM_PPC_MMU_GET_STATE:
		return ppcmmu_ioctl_get_state(kvm, argp);
	case KVM_PPC_MMU_SET_STATE:
		return ppcmmu_ioctl_set_state(kvm, argp);
	case KVM_PPC_MMU_CAS:
		return ppcmmu_ioctl_cas(kvm, argp);
	case KVM_PPC_MMU_GET_CAS:
		return ppcmmu_ioctl_get_cas(kvm, argp);
	case KVM_PPC_MMU_SET_HPT_ORDER:
		return ppcmmu_ioctl_set_hpt_order(kvm, argp);
	default:
		return -ENOTTY;
	}
}
