// SPDX-License-Identifier: GPL-2.0
/*
 * Giving a hash guest an HPT sized from its RAM.
 *
 * KVM-HV allocates an HPT in two places, both internal to kvm-hv.ko:
 * KVM_PPC_ALLOCATE_HTAB (needs a userspace pointer) and, when a hash VM
 * first enters with none, kvmppc_hv_setup_htab_rma() with the fixed default
 * order 24. Neither can be asked for another size from here. What works is
 * to put a table of the right size in place first: setup_htab_rma() then
 * finds kvm->arch.hpt populated, keeps it, and builds the VRMA for its size.
 *
 * The allocation below therefore mirrors kvm-hv's kvmppc_allocate_hpt() and
 * kvmppc_set_hpt() (book3s_64_mmu_hv.c, alike in 6.1/6.12/7.2: kernel_compat.h) field for
 * field (CMA first, then the page allocator; the reverse map; sdr1), so
 * that kvm-hv's own kvmppc_free_hpt() releases it on VM destroy or when the
 * guest goes back to radix. Change them together.
 *
 * Rules (logic/hpt_install.c decides, from the VM as read under
 * kvm->arch.mmu_setup_lock, which every MMU change of KVM-HV holds):
 *  - The caller states the mode it expects the VM in: radix, about to be
 *    switched to hash (the table must be in place before KVM-HV's
 *    configure_mmu switches), or hash, needing its table. A VM found in the
 *    other mode gets nothing: a radix VM never uses an HPT, and KVM-HV's
 *    destroy frees a radix VM's radix tree, never its HPT.
 *  - A table already in place is kept and nothing is allocated. A caller
 *    that needs one exact order (SET_STATE restores one) gets -EBUSY if the
 *    table in place has another, and nothing changes.
 *  - A hash VM whose MMU is in use cannot have its table swapped (-EBUSY);
 *    nor is anything allocated for a switch that configure_mmu would
 *    refuse because other vcpus are in KVM_RUN (-EBUSY at once).
 *  - The verdict is taken before allocating, so no memory is spent on a
 *    table that would be thrown away, and again in the same lock hold that
 *    installs it, since allocating (CMA, zeroing: slow) happens without the
 *    lock and the VM may have changed meanwhile. A table no longer wanted
 *    is freed at once.
 *  - So a table is only ever installed while no vcpu can be using an HPT:
 *    the VM is radix, or hash and not yet MMU-ready (kvmhv_setup_mmu() then
 *    builds the VRMA into it under the same lock).
 * Should a radix VM hold an HPT anyway when it is destroyed, the destroy
 * hook frees it (ppcmmu_hpt_free_stray()).
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/vmalloc.h>

#include "ppc_mmu.h"
#include <asm/kvm_book3s_64.h>
#include "logic/hpt_install.h"
#include "logic/hpt_order.h"
#include "logic/papr.h"
#include "trace.h"

/*
 * For the selftests only: an HPT for a large guest takes a while to
 * allocate and zero (RAM/128 bytes from CMA), longer than the emulated
 * hosts' RAM allows to show. This stretches every allocation, so a test can
 * check that no vcpu waits for one and that the VMM's kick still gets
 * through (selftests/ppc_mmu_kick.c). 0 (the default) costs nothing.
 */
static unsigned int test_hpt_alloc_delay_ms;
module_param(test_hpt_alloc_delay_ms, uint, 0444);
MODULE_PARM_DESC(test_hpt_alloc_delay_ms,
		 "Testing only: make each HPT allocation take this many ms longer (max 10000)");

/*
 * For the VMM's tests only: every HPT allocation of the module fails as if
 * memory were short, so a VMM's handling of it can be shown without
 * exhausting the host (tools/debian13: QEMU falls back to its own CAS).
 */
static bool test_hpt_alloc_fail;
module_param(test_hpt_alloc_fail, bool, 0444);
MODULE_PARM_DESC(test_hpt_alloc_fail,
		 "Testing only: fail every HPT allocation of the module with -ENOMEM");

u64 ppcmmu_guest_ram_bytes(struct kvm *kvm)
{
	struct kvm_memory_slot *slot;
	u64 bytes = 0;
	int idx, bkt;

	idx = srcu_read_lock(&kvm->srcu);
	kvm_for_each_memslot(slot, bkt, kvm_memslots(kvm))
		bytes += slot->npages << PAGE_SHIFT;
	srcu_read_unlock(&kvm->srcu, idx);
	return bytes;
}

static int ppcmmu_hpt_alloc(struct kvm_hpt_info *info, u32 order)
{
	unsigned long npte = 1UL << (order - 4);	/* HPTEs are 16 bytes */
	struct page *page;
	unsigned long hpt = 0;
	int cma = 0;

	if (test_hpt_alloc_fail)
		return -ENOMEM;
	page = kvm_alloc_hpt_cma(1UL << (order - PAGE_SHIFT));
	if (page) {
		hpt = (unsigned long)pfn_to_kaddr(page_to_pfn(page));
		memset((void *)hpt, 0, 1UL << order);
		cma = 1;
	} else {
		hpt = __get_free_pages(GFP_KERNEL | __GFP_ZERO | __GFP_RETRY_MAYFAIL |
				       __GFP_NOWARN, order - PAGE_SHIFT);
		if (!hpt)
			return -ENOMEM;
	}

	info->rev = vmalloc(array_size(npte, sizeof(struct revmap_entry)));
	if (!info->rev) {
		if (cma)
			kvm_free_hpt_cma(page, 1UL << (order - PAGE_SHIFT));
		else
			free_pages(hpt, order - PAGE_SHIFT);
		return -ENOMEM;
	}
	info->order = order;
	info->virt = hpt;
	info->cma = cma;
	if (test_hpt_alloc_delay_ms)
		msleep(min(test_hpt_alloc_delay_ms, PPCMMU_TEST_DELAY_MAX_MS));
	return 0;
}

static void ppcmmu_hpt_free(struct kvm_hpt_info *info)
{
	vfree(info->rev);
	if (info->cma)
		kvm_free_hpt_cma(virt_to_page((void *)info->virt), 1UL << (info->order - PAGE_SHIFT));
	else if (info->virt)
		free_pages(info->virt, info->order - PAGE_SHIFT);
	memset(info, 0, sizeof(*info));
}

/* log2 of the HPT size for @vm: the VMM's order if it set one, else from RAM. */
u32 ppcmmu_hpt_sized_order(struct ppcmmu_vm *vm)
{
	u32 order = READ_ONCE(vm->hpt_order);

	return order ? order : ppcmmu_hpt_order_for_ram(ppcmmu_guest_ram_bytes(vm->kvm));
}

static enum ppcmmu_hpt_verdict ppcmmu_hpt_judge_locked(struct kvm *kvm,
							const struct ppcmmu_hpt_want *want)
{
	struct ppcmmu_hpt_vm vm = {
		.radix = kvm_is_radix(kvm),
		.mmu_ready = kvm->arch.mmu_ready,
		.vcpus_running = atomic_read(&kvm->arch.vcpus_running) != 0,
		.hpt_order = kvm->arch.hpt.virt ? kvm->arch.hpt.order : 0,
	};

	lockdep_assert_held(&kvm->arch.mmu_setup_lock);
	return ppcmmu_hpt_verdict(&vm, want);
}

static enum ppcmmu_hpt_verdict ppcmmu_hpt_judge(struct kvm *kvm,
						 const struct ppcmmu_hpt_want *want)
{
	enum ppcmmu_hpt_verdict v;

	mutex_lock(&kvm->arch.mmu_setup_lock);
	v = ppcmmu_hpt_judge_locked(kvm, want);
	mutex_unlock(&kvm->arch.mmu_setup_lock);
	return v;
}

/* kvm-hv's kvmppc_set_hpt(), plus a flush before the table is first used. */
static void ppcmmu_hpt_set_locked(struct kvm *kvm, const struct kvm_hpt_info *info)
{
	lockdep_assert_held(&kvm->arch.mmu_setup_lock);
	atomic64_set(&kvm->arch.mmio_update, 0);
	kvm->arch.hpt = *info;
	kvm->arch.sdr1 = __pa(info->virt) | (info->order - PPCMMU_HPT_ORDER_MIN);
	cpumask_setall(&kvm->arch.need_tlb_flush);
}

/*
 * First half of an install: if @vm, judged now, needs a table for @want,
 * allocate it into *@info (no lock held: CMA and zeroing can take a while);
 * else leave *@info empty. 0, or -ENOMEM, or -EBUSY (see
 * ppcmmu_hpt_install()).
 */
static int ppcmmu_hpt_prepare(struct ppcmmu_vm *vm, const struct ppcmmu_hpt_want *want,
			      struct kvm_hpt_info *info)
{
	enum ppcmmu_hpt_verdict v = ppcmmu_hpt_judge(vm->kvm, want);

	memset(info, 0, sizeof(*info));
	if (v != PPCMMU_HPT_ALLOCATE)
		return ppcmmu_hpt_verdict_errno(v);
	return ppcmmu_hpt_alloc(info, want->order);
}

/*
 * Second half: judge @vm again under mmu_setup_lock and put the table
 * @info prepared in place if it still needs one. A table not put in place
 * is freed. A VM that needs a table now but did not when prepared (another
 * thread took its table away meanwhile) is -EBUSY: the caller retries.
 * *@installed as ppcmmu_hpt_install().
 */
static int ppcmmu_hpt_commit(struct ppcmmu_vm *vm, const struct ppcmmu_hpt_want *want,
			     struct kvm_hpt_info *info, enum ppcmmu_cause cause,
			     unsigned long *installed)
{
	struct kvm *kvm = vm->kvm;
	enum ppcmmu_hpt_verdict v;

	*installed = 0;
	mutex_lock(&kvm->arch.mmu_setup_lock);
	v = ppcmmu_hpt_judge_locked(kvm, want);
	if (v == PPCMMU_HPT_ALLOCATE && info->virt) {
		ppcmmu_hpt_set_locked(kvm, info);
		*installed = info->virt;
		vm->hpt_virt = info->virt;	/* for the debugfs file's "from" */
		vm->hpt_cause = cause;
	}
	mutex_unlock(&kvm->arch.mmu_setup_lock);

	if (*installed)
		trace_ppc_mmu_hpt_install(vm, info->order, info->cma, cause);
	else if (info->virt)
		ppcmmu_hpt_free(info);
	if (v == PPCMMU_HPT_ALLOCATE && !*installed)
		return -EBUSY;
	return ppcmmu_hpt_verdict_errno(v);
}

/*
 * Give @vm an empty HPT as @want says (see the rules above), for @cause.
 * On return *@installed is the table put in place (its virt), 0 if none
 * was. Returns 0 (installed, or a suitable table was there), -ENOMEM, or
 * -EBUSY (the VM is not in the mode @want expects, its MMU is in use,
 * other vcpus run, or @want->exact and the table in place has another
 * order): nothing changed then.
 */
int ppcmmu_hpt_install(struct ppcmmu_vm *vm, const struct ppcmmu_hpt_want *want,
		       enum ppcmmu_cause cause, unsigned long *installed)
{
	struct kvm_hpt_info info;
	int err;

	*installed = 0;
	err = ppcmmu_hpt_prepare(vm, want, &info);
	if (err)
		return err;
	return ppcmmu_hpt_commit(vm, want, &info, cause, installed);
}

/* Give hash VM @vm an HPT sized from its RAM unless it has one already. */
int ppcmmu_hpt_install_sized(struct ppcmmu_vm *vm, enum ppcmmu_cause cause)
{
	struct ppcmmu_hpt_want want = { .order = ppcmmu_hpt_sized_order(vm) };
	unsigned long installed;

	return ppcmmu_hpt_install(vm, &want, cause, &installed);
}

/*
 * Undo ppcmmu_hpt_install() when the configure_mmu it prepared failed:
 * take back table @virt if it is still @vm's and no vcpu can be using it.
 */
static void ppcmmu_hpt_drop(struct ppcmmu_vm *vm, unsigned long virt,
			    enum ppcmmu_cause cause)
{
	struct kvm *kvm = vm->kvm;
	struct kvm_hpt_info old = { 0 };

	mutex_lock(&kvm->arch.mmu_setup_lock);
	if (kvm->arch.hpt.virt == virt && (kvm_is_radix(kvm) || !kvm->arch.mmu_ready)) {
		old = kvm->arch.hpt;
		ppcmmu_hpt_free(&kvm->arch.hpt);
	}
	mutex_unlock(&kvm->arch.mmu_setup_lock);
	if (old.virt)
		trace_ppc_mmu_hpt_free(vm, old.order, old.cma, true, cause);
}

/* What a VM's MMU was before and after one of our changes, for tracing. */
struct ppcmmu_mmu_snap {
	bool radix;
	unsigned long hpt_virt;
	u32 hpt_order;
	bool hpt_cma;
};

static void ppcmmu_mmu_snap(struct kvm *kvm, struct ppcmmu_mmu_snap *s)
{
	mutex_lock(&kvm->arch.mmu_setup_lock);
	s->radix = kvm_is_radix(kvm);
	s->hpt_virt = kvm->arch.hpt.virt;
	s->hpt_order = kvm->arch.hpt.order;
	s->hpt_cma = kvm->arch.hpt.cma;
	mutex_unlock(&kvm->arch.mmu_setup_lock);
}

/*
 * Apply @cfg with KVM-HV's own configure_mmu (the code behind
 * KVM_PPC_CONFIGURE_V3_MMU), for @cause. With @hpt (going hash), an empty
 * HPT as @hpt says is put in place first, so KVM-HV keeps it instead of
 * allocating its default; if that cannot be done, or the switch then
 * fails, nothing changes. Returns 0 or -errno (-EBUSY: other vcpus
 * running or entering, the VMM's own ioctls in the way (switch_guard.c),
 * or the VM changed meanwhile; -ENOMEM, -EINVAL). The caller holds
 * vm->lock, so no switch of ours can make the mode read here stale; only
 * the VMM's own KVM_PPC_CONFIGURE_V3_MMU could, as without us.
 *
 * Order: the table is allocated first, holding nothing but vm->lock, so a
 * large one (RAM/128: GiBs for a large guest) keeps no vcpu waiting at the
 * entry gate; then the guard (switch_guard.c), which takes the gate last;
 * then the table goes in and KVM-HV switches.
 *
 * The before/after look is for the tracepoints only (a switch, and the HPT
 * KVM-HV frees going radix). It is taken only when they are enabled; a VMM
 * reconfiguring the VM between the looks could make an event wrong, never
 * the VM.
 */
int ppcmmu_configure_mmu(struct ppcmmu_vm *vm, struct kvm_ppc_mmuv3_cfg *cfg,
			 const struct ppcmmu_hpt_want *hpt, enum ppcmmu_cause cause)
{
	bool tracing = trace_ppc_mmu_mode_switch_enabled() ||
		       trace_ppc_mmu_hpt_free_enabled();
	struct ppcmmu_mmu_snap before, after;
	struct kvm *kvm = vm->kvm;
	struct kvm_hpt_info table = { 0 };
	unsigned long installed = 0;
	bool switching;
	int err;

	lockdep_assert_held(&vm->lock);
	switching = !!(cfg->flags & KVM_PPC_MMUV3_RADIX) != kvm_is_radix(kvm);
	if (hpt) {
		err = ppcmmu_hpt_prepare(vm, hpt, &table);
		if (err)
			return err;
	}
	if (switching && ppcmmu_switch_guard_begin(vm)) {
		ppcmmu_hpt_free(&table);
		return -EBUSY;
	}
	if (tracing)
		ppcmmu_mmu_snap(kvm, &before);
	if (hpt) {
		err = ppcmmu_hpt_commit(vm, hpt, &table, cause, &installed);
		if (err)
			goto out;
	}
	err = ppcmmu_orig_ops.configure_mmu(kvm, cfg);
	if (err && installed)
		ppcmmu_hpt_drop(vm, installed, cause);
out:
	if (switching)
		ppcmmu_switch_guard_end(vm);
	if (err || !tracing)
		return err;

	ppcmmu_mmu_snap(kvm, &after);
	if (before.radix != after.radix)
		trace_ppc_mmu_mode_switch(vm, after.radix, cfg->process_table,
					  cfg->flags & KVM_PPC_MMUV3_GTSE, cause);
	if (before.hpt_virt && after.hpt_virt != before.hpt_virt)
		trace_ppc_mmu_hpt_free(vm, before.hpt_order, before.hpt_cma, false, cause);
	return 0;
}

/*
 * From the destroy_vm hook, after KVM-HV's own destroy: that frees a radix
 * VM's radix tree or a hash VM's HPT (and clears hpt.virt), never a radix
 * VM's HPT. The rules above never leave one there; should one be there
 * anyway, free it rather than leak it. No vcpu exists any more and the
 * VM's partition-table entry is gone, so nothing can reach the table.
 * @vm is the module's entry for the VM, NULL if it has none.
 */
void ppcmmu_hpt_free_stray(struct kvm *kvm, struct ppcmmu_vm *vm)
{
	if (!kvm_is_radix(kvm) || !kvm->arch.hpt.virt)
		return;
	pr_warn_once("kvm-ppc-mmu: a radix VM was destroyed holding an HPT (order %u); freed\n",
		     kvm->arch.hpt.order);
	trace_ppc_mmu_hpt_free(vm, kvm->arch.hpt.order, kvm->arch.hpt.cma, true,
			       PPCMMU_CAUSE_DESTROY);
	ppcmmu_hpt_free(&kvm->arch.hpt);
}
