// SPDX-License-Identifier: GPL-2.0
/*
 * Validation of ioctl arguments after copy_from_user. Kept free of kernel
 * headers so the unit tests exercise exactly the checks the module runs.
 * Rule for every struct: unknown flags and non-zero reserved space are
 * EINVAL, so those bits can be given meaning later without old kernels
 * silently ignoring them.
 */
#include "uapi_checks.h"
#include <linux/kvm_ppc_mmu.h>
#include "papr.h"

bool ppcmmu_all_zero(const void *buf, size_t len)
{
	const u8 *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

int ppcmmu_check_caps_request(const struct kvm_ppc_mmu_caps *req)
{
	if (req->flags)
		return -EINVAL;
	if (!ppcmmu_all_zero(req->reserved, sizeof(req->reserved)))
		return -EINVAL;
	return 0;
}

int ppcmmu_check_enable_request(const struct kvm_ppc_mmu_enable *req)
{
	if (req->flags || (req->features & ~KVM_PPC_MMU_FEAT_ALL))
		return -EINVAL;
	if (!ppcmmu_all_zero(req->reserved, sizeof(req->reserved)))
		return -EINVAL;
	return 0;
}

/* Order 0 hands sizing back to the module; any other must be architected. */
int ppcmmu_check_hpt_order_request(const struct kvm_ppc_mmu_hpt_order *req)
{
	if (req->flags || req->pad)
		return -EINVAL;
	if (!ppcmmu_all_zero(req->reserved, sizeof(req->reserved)))
		return -EINVAL;
	if (req->order && (req->order < PPCMMU_HPT_ORDER_MIN ||
			   req->order > PPCMMU_HPT_ORDER_MAX))
		return -EINVAL;
	return 0;
}

int ppcmmu_check_state_request(const struct kvm_ppc_mmu_state *req)
{
	if (req->flags)
		return -EINVAL;
	if (!ppcmmu_all_zero(req->reserved, sizeof(req->reserved)))
		return -EINVAL;
	return 0;
}

/*
 * Features decide how a guest's hypercalls are answered; once a vcpu has
 * run, the guest may depend on the answers it got, so the set is frozen.
 * Repeating the same set stays harmless, which keeps VMM retries simple.
 */
int ppcmmu_enable_transition(u64 cur, u64 req, bool vcpus_ran)
{
	if (vcpus_ran && cur != req)
		return -EBUSY;
	return 0;
}

int ppcmmu_check_cas_request(const struct kvm_ppc_mmu_cas *req)
{
	if (req->flags)
		return -EINVAL;
	/* pad is reserved space too: checked, so it can be given a meaning later */
	if (!ppcmmu_all_zero(req->pad, sizeof(req->pad)) ||
	    !ppcmmu_all_zero(req->reserved, sizeof(req->reserved)))
		return -EINVAL;
	return 0;
}

int ppcmmu_check_set_state(const struct kvm_ppc_mmu_state *st, u64 guest_modes)
{
	bool radix = st->mode == KVM_PPC_MMU_MODE_RADIX;

	if (ppcmmu_check_state_request(st))
		return -EINVAL;
	if (st->features & ~KVM_PPC_MMU_FEAT_ALL)
		return -EINVAL;
	if (st->mode != KVM_PPC_MMU_MODE_RADIX && st->mode != KVM_PPC_MMU_MODE_HASH)
		return -EINVAL;
	if (st->state_flags & ~KVM_PPC_MMU_STATE_GTSE)
		return -EINVAL;
	if (radix) {
		/* a radix entry always has GR; the table itself may be absent */
		if (!(st->process_table & PPCMMU_PATB_GR) || st->hpt_order ||
		    (st->process_table & PPCMMU_PRTS_MASK) > 24 ||
		    (st->process_table & ~(PPCMMU_PATB_GR | PPCMMU_PRTB_MASK | PPCMMU_PRTS_MASK)))
			return -EINVAL;
	} else {
		/* hash with SLB only: KVM-HV runs no segment tables */
		if (st->process_table)
			return -EINVAL;
		if (st->hpt_order && (st->hpt_order < PPCMMU_HPT_ORDER_MIN ||
				      st->hpt_order > PPCMMU_HPT_ORDER_MAX))
			return -EINVAL;
	}
	if (!(guest_modes & (radix ? KVM_PPC_MMU_GUEST_RADIX : KVM_PPC_MMU_GUEST_HASH)))
		return -EOPNOTSUPP;
	return 0;
}
