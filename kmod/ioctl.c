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

long ppcmmu_vm_ioctl(struct kvm *kvm, unsigned int ioctl, void __user *argp)
{
	switch (ioctl) {
	case KVM_PPC_MMU_GET_CAPS:
		return ppcmmu_ioctl_get_caps(kvm, argp);
	default:
		return -ENOTTY;
	}
}
