// SPDX-License-Identifier: GPL-2.0
/*
 * H_REGISTER_PROC_TBL answered in the kernel for VMs with
 * KVM_PPC_MMU_FEAT_PROC_TBL.
 *
 * logic/proc_tbl.c decides from the arguments alone; this file adds what
 * needs the VM (is the table in guest RAM?) and applies the outcome through
 * KVM-HV's own configure_mmu, the code behind KVM_PPC_CONFIGURE_V3_MMU: it
 * sets the partition-table entry, switches radix <-> HPT, and updates LPCR
 * UPRT/HR/GTSE on every vcore. It refuses (EBUSY) to switch while another
 * vcpu of the VM is inside KVM_RUN. The guest is then told
 * H_LONG_BUSY_ORDER_1_MSEC: Linux's pseries_lpar_register_process_table()
 * retries only on H_LONG_BUSY_* and BUG()s on any other answer but
 * H_SUCCESS, H_BUSY included. Every refusal happens before anything changes.
 */
#include <linux/build_bug.h>

#include "ppc_mmu.h"
#include <asm/kvm_book3s.h>
#include <asm/hvcall.h>
#include <linux/kvm_ppc_mmu.h>
#include "logic/papr.h"
#include "logic/proc_tbl.h"
#include "trace.h"

/* logic/papr.h restates these for code without kernel headers. */
#define PPCMMU_SAME(ours, kernels) static_assert((ours) == (kernels), #ours " != " #kernels)
PPCMMU_SAME(PPCMMU_H_SUCCESS, H_SUCCESS);
PPCMMU_SAME(PPCMMU_H_BUSY, H_BUSY);
PPCMMU_SAME(PPCMMU_H_LONG_BUSY_ORDER_1_MSEC, H_LONG_BUSY_ORDER_1_MSEC);
PPCMMU_SAME(PPCMMU_H_HARDWARE, H_HARDWARE);
PPCMMU_SAME(PPCMMU_H_FUNCTION, H_FUNCTION);
PPCMMU_SAME(PPCMMU_H_PARAMETER, H_PARAMETER);
PPCMMU_SAME(PPCMMU_H_NO_MEM, H_NO_MEM);
PPCMMU_SAME(PPCMMU_H_P2, H_P2);
PPCMMU_SAME(PPCMMU_H_P3, H_P3);
PPCMMU_SAME(PPCMMU_H_P4, H_P4);
PPCMMU_SAME(PPCMMU_H_UNSUPPORTED_FLAG, H_UNSUPPORTED_FLAG_START);
PPCMMU_SAME(PPCMMU_H_REGISTER_PROC_TBL, H_REGISTER_PROC_TBL);
PPCMMU_SAME(PPCMMU_PROC_TABLE_OP_MASK, PROC_TABLE_OP_MASK);
PPCMMU_SAME(PPCMMU_PROC_TABLE_NEW, PROC_TABLE_NEW);
PPCMMU_SAME(PPCMMU_PROC_TABLE_DEREG, PROC_TABLE_DEREG);
PPCMMU_SAME(PPCMMU_PROC_TABLE_RADIX, PROC_TABLE_RADIX);
PPCMMU_SAME(PPCMMU_PROC_TABLE_HPT_PT, PROC_TABLE_HPT_PT);
PPCMMU_SAME(PPCMMU_PROC_TABLE_GTSE, PROC_TABLE_GTSE);
PPCMMU_SAME(PPCMMU_PATB_GR, PATB_GR);
PPCMMU_SAME(PPCMMU_PRTS_MASK, PRTS_MASK);
PPCMMU_SAME(PPCMMU_PRTB_MASK, PRTB_MASK);
PPCMMU_SAME(PPCMMU_HPT_ORDER_MIN, PPC_MIN_HPT_ORDER);
PPCMMU_SAME(PPCMMU_HPT_ORDER_MAX, PPC_MAX_HPT_ORDER);

/* Is [base, base + bytes) guest RAM, inside one memslot? */
static long ppcmmu_table_range_hret(struct kvm *kvm, u64 base, u64 bytes)
{
	struct kvm_memory_slot *slot;
	gfn_t first = base >> PAGE_SHIFT;
	gfn_t last = (base + bytes - 1) >> PAGE_SHIFT;
	bool base_ok, all_ok;
	int idx;

	idx = srcu_read_lock(&kvm->srcu);
	slot = ppcmmu_gfn_to_memslot(kvm, first);
	base_ok = slot && !(slot->flags & KVM_MEMSLOT_INVALID);
	all_ok = base_ok && last < slot->base_gfn + slot->npages;
	srcu_read_unlock(&kvm->srcu, idx);
	return ppcmmu_proc_tbl_range_hret(base_ok, all_ok);
}

static long ppcmmu_hret_from_errno(int err)
{
	switch (err) {
	case 0:
		return H_SUCCESS;
	case -EBUSY:	/* other vcpus run, or the VM changed meanwhile: retry */
		return H_LONG_BUSY_ORDER_1_MSEC;
	case -EINVAL:
		return H_PARAMETER;
	case -ENOMEM:
		return H_NO_MEM;
	default:
		return H_HARDWARE;
	}
}

/*
 * A call that asks for exactly what is in force (typically "keep current")
 * changes nothing, so it must not cost what a change costs: configure_mmu
 * rewrites the partition-table entry and flushes the LPID's translations.
 */
static bool ppcmmu_plan_in_force(struct kvm *kvm, const struct ppcmmu_proc_tbl_plan *plan)
{
	bool same;

	mutex_lock(&kvm->arch.mmu_setup_lock);
	same = plan->radix == kvm_is_radix(kvm) &&
	       plan->process_table == ppcmmu_process_table_locked(kvm) &&
	       plan->gtse == !!(kvm->arch.lpcr & LPCR_GTSE);
	mutex_unlock(&kvm->arch.mmu_setup_lock);
	return same;
}

/* *@applied: configure_mmu ran and succeeded. */
static long ppcmmu_apply_plan(struct ppcmmu_vm *vm, struct kvm *kvm,
			      const struct ppcmmu_proc_tbl_plan *plan, bool *applied)
{
	struct kvm_ppc_mmuv3_cfg cfg = {
		.flags = (plan->radix ? KVM_PPC_MMUV3_RADIX : 0) |
			 (plan->gtse ? KVM_PPC_MMUV3_GTSE : 0),
		.process_table = plan->process_table,
	};
	struct ppcmmu_hpt_want want = { .from_radix = true };
	const struct ppcmmu_hpt_want *hpt = NULL;
	long hret;

	if (ppcmmu_plan_in_force(kvm, plan))
		return H_SUCCESS;

	/* Radix going hash: with the RAM-sized HPT, not KVM-HV's default. */
	if (!plan->radix && kvm_is_radix(kvm) &&
	    (vm->features & KVM_PPC_MMU_FEAT_HPT_SIZING)) {
		want.order = ppcmmu_hpt_sized_order(vm);
		hpt = &want;
	}

	hret = ppcmmu_hret_from_errno(ppcmmu_configure_mmu(vm, &cfg, hpt, PPCMMU_CAUSE_PROC_TBL));
	*applied = hret == H_SUCCESS;
	return hret;
}

long ppcmmu_h_register_proc_tbl(struct ppcmmu_vm *vm, struct kvm_vcpu *vcpu)
{
	struct kvm *kvm = vcpu->kvm;
	struct ppcmmu_proc_tbl_args args = {
		.flags = kvmppc_get_gpr(vcpu, 4),
		.base = kvmppc_get_gpr(vcpu, 5),
		.page_size = kvmppc_get_gpr(vcpu, 6),
		.table_size = kvmppc_get_gpr(vcpu, 7),
	};
	struct ppcmmu_proc_tbl_plan plan;
	struct ppcmmu_mmu_now now;
	bool applied = false;
	long hret;

	mutex_lock(&vm->lock);

	mutex_lock(&kvm->arch.mmu_setup_lock);
	now.radix = kvm_is_radix(kvm);
	now.process_table = ppcmmu_process_table_locked(kvm);
	mutex_unlock(&kvm->arch.mmu_setup_lock);

	hret = ppcmmu_proc_tbl_decide(&args, &now, ppcmmu_guest_modes(), &plan);
	if (hret == H_SUCCESS && plan.table_bytes)
		hret = ppcmmu_table_range_hret(kvm, plan.table_base, plan.table_bytes);
	if (hret == H_SUCCESS)
		hret = ppcmmu_apply_plan(vm, kvm, &plan, &applied);

	atomic64_inc(&vm->nr_registrations);
	trace_ppc_mmu_register_proc_tbl(vm, vcpu->vcpu_id, args.flags, args.base,
					args.page_size, args.table_size, hret, applied,
					now.radix, applied ? plan.radix : now.radix);
	if (hret != H_SUCCESS)
		ppcmmu_refused(vm, PPCMMU_OP_PROC_TBL, hret, hret == H_LONG_BUSY_ORDER_1_MSEC);
	mutex_unlock(&vm->lock);
	return hret;
}
