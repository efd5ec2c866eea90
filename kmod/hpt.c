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
 * kvmppc_set_hpt() (v6.1 arch/powerpc/kvm/book3s_64_mmu_hv.c) field for
 * field (CMA first, then the page allocator; the reverse map; sdr1), so
 * that kvm-hv's own kvmppc_free_hpt() releases it on VM destroy or when the
 * guest goes back to radix. Change them together.
 *
 * Installing happens under kvm->arch.mmu_setup_lock, only while the VM has
 * no HPT, and only while it is radix (before a switch to hash, which kvm-hv
 * then performs) or not yet MMU-ready (a hash VM before its first entry),
 * so no vcpu can be using the table being set.
 */
#include <linux/vmalloc.h>

#include "ppc_mmu.h"
#include <asm/kvm_book3s_64.h>
#include "logic/hpt_order.h"
#include "logic/papr.h"

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
	return 0;
}

static void ppcmmu_hpt_free(struct kvm_hpt_info *info)
{
	vfree(info->rev);
	if (info->cma)
		kvm_free_hpt_cma(virt_to_page(info->virt), 1UL << (info->order - PAGE_SHIFT));
	else if (info->virt)
		free_pages(info->virt, info->order - PAGE_SHIFT);
	memset(info, 0, sizeof(*info));
}

/* log2 of the HPT size @kvm's RAM calls for. */
u32 ppcmmu_hpt_sized_order(struct kvm *kvm)
{
	return ppcmmu_hpt_order_for_ram(ppcmmu_guest_ram_bytes(kvm));
}

/* Give @kvm an HPT sized from its RAM unless it has one already. */
int ppcmmu_hpt_install_sized(struct kvm *kvm)
{
	return ppcmmu_hpt_install(kvm, ppcmmu_hpt_sized_order(kvm));
}

/*
 * Give @kvm an empty HPT of 2^@order bytes unless it has one already.
 * Returns 0 (also when it had one), -ENOMEM, or -EBUSY (a hash VM already
 * running: its table cannot be swapped under it).
 */
int ppcmmu_hpt_install(struct kvm *kvm, u32 order)
{
	struct kvm_hpt_info info = { 0 };
	int err;

	/* Allocate outside the lock: CMA and zeroing can take a while. */
	err = ppcmmu_hpt_alloc(&info, order);
	if (err)
		return err;

	mutex_lock(&kvm->arch.mmu_setup_lock);
	if (kvm->arch.hpt.virt) {
		err = 0;			/* someone was first: keep theirs */
	} else if (!kvm_is_radix(kvm) && kvm->arch.mmu_ready) {
		err = -EBUSY;			/* a hash VM already in use */
	} else {
		atomic64_set(&kvm->arch.mmio_update, 0);
		kvm->arch.hpt = info;
		kvm->arch.sdr1 = __pa(info.virt) | (info.order - PPCMMU_HPT_ORDER_MIN);
		cpumask_setall(&kvm->arch.need_tlb_flush);
		info.virt = 0;			/* now owned by the VM */
		info.rev = NULL;
	}
	mutex_unlock(&kvm->arch.mmu_setup_lock);

	if (info.virt)
		ppcmmu_hpt_free(&info);
	return err;
}

/* Undo ppcmmu_hpt_install() when the switch to hash did not happen. */
static void ppcmmu_hpt_drop_if_radix(struct kvm *kvm)
{
	mutex_lock(&kvm->arch.mmu_setup_lock);
	if (kvm_is_radix(kvm) && kvm->arch.hpt.virt)
		ppcmmu_hpt_free(&kvm->arch.hpt);
	mutex_unlock(&kvm->arch.mmu_setup_lock);
}

/*
 * Apply @cfg with KVM-HV's own configure_mmu (the code behind
 * KVM_PPC_CONFIGURE_V3_MMU). Going hash with a non-zero @hpt_order, an
 * empty HPT of that size is put in place first, so KVM-HV keeps it instead
 * of allocating its default; if the switch then fails, a table installed
 * into a still-radix VM is taken back, so a refusal changes nothing.
 * Returns 0 or -errno (-EBUSY: other vcpus running, -ENOMEM, -EINVAL).
 */
int ppcmmu_configure_mmu(struct kvm *kvm, struct kvm_ppc_mmuv3_cfg *cfg, u32 hpt_order)
{
	bool to_hash = !(cfg->flags & KVM_PPC_MMUV3_RADIX);
	bool installed = false;
	int err;

	if (to_hash && hpt_order) {
		installed = kvm_is_radix(kvm);
		err = ppcmmu_hpt_install(kvm, hpt_order);
		if (err)
			return err;
	}
	err = ppcmmu_orig_ops.configure_mmu(kvm, cfg);
	if (err && installed)
		ppcmmu_hpt_drop_if_radix(kvm);
	return err;
}
