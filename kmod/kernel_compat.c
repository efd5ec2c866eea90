// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel-dependent pieces declared in kernel_compat.h, and the build-time
 * check that the kvm-hv structures hpt.c fills are laid out as audited.
 */
#include <linux/build_bug.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "ppc_mmu.h"
#include <asm/kvm_book3s_64.h>

/*
 * hpt.c builds a struct kvm_hpt_info the way kvmppc_allocate_hpt() does and
 * installs it the way kvmppc_set_hpt() does; kvm-hv's kvmppc_free_hpt()
 * later frees it. It judges the VM as kvmhv_configure_mmu() and
 * kvmhv_setup_mmu() (book3s_hv.c) would, from the fields below, under
 * mmu_setup_lock. All of these are identical in 6.1, 6.12 and 7.2. If any
 * assertion fails, the kernel's kvm-hv changed: compare it with hpt.c again.
 */
#define PPCMMU_FIELD(type, member, want) \
	static_assert(__same_type(((type *)NULL)->member, want), \
		      "kvm-hv layout changed: " #type "." #member " is no longer " #want "; re-audit kmod/hpt.c")

PPCMMU_FIELD(struct kvm_hpt_info, virt, unsigned long);
PPCMMU_FIELD(struct kvm_hpt_info, rev, struct revmap_entry *);
PPCMMU_FIELD(struct kvm_hpt_info, order, u32);
PPCMMU_FIELD(struct kvm_hpt_info, cma, int);
static_assert(sizeof(struct kvm_hpt_info) ==
	      offsetofend(struct kvm_hpt_info, cma),
	      "kvm-hv layout changed: struct kvm_hpt_info has new members; re-audit kmod/hpt.c");
PPCMMU_FIELD(struct revmap_entry, guest_rpte, unsigned long);
PPCMMU_FIELD(struct revmap_entry, forw, unsigned int);
PPCMMU_FIELD(struct revmap_entry, back, unsigned int);
static_assert(sizeof(struct revmap_entry) == 16,
	      "kvm-hv layout changed: struct revmap_entry; re-audit kmod/hpt.c");
PPCMMU_FIELD(struct kvm_arch, hpt, struct kvm_hpt_info);
PPCMMU_FIELD(struct kvm_arch, sdr1, unsigned long);
PPCMMU_FIELD(struct kvm_arch, mmio_update, atomic64_t);
PPCMMU_FIELD(struct kvm_arch, need_tlb_flush, cpumask_t);
PPCMMU_FIELD(struct kvm_arch, mmu_setup_lock, struct mutex);
PPCMMU_FIELD(struct kvm_arch, mmu_ready, int);
PPCMMU_FIELD(struct kvm_arch, vcpus_running, atomic_t);
/* kvmppc_set_hpt() encodes SDR1's HTABSIZE as order - 18, a literal. */
static_assert(PPC_MIN_HPT_ORDER == 18 && PPC_MAX_HPT_ORDER == 46,
	      "kvm-hv's HPT order range changed; re-audit kmod/hpt.c");

/*
 * kvm_read_guest() as kvm.ko does it (kvm_main.c: page by page, an invalid
 * or missing memslot is -EFAULT, then a copy from the VMM's mapping), from
 * helpers inline in kvm_host.h; see kernel_compat.h for why. Like
 * kvm_read_guest(), the caller holds kvm->srcu.
 */
int ppcmmu_read_guest(struct kvm *kvm, gpa_t gpa, void *data, unsigned long len)
{
	unsigned long offset = offset_in_page(gpa);
	gfn_t gfn = gpa >> PAGE_SHIFT;
	int err = 0;

	while (len) {
		unsigned long seg = min(len, PAGE_SIZE - offset);
		struct kvm_memory_slot *slot = ppcmmu_gfn_to_memslot(kvm, gfn);
		unsigned long hva;

		if (!slot || (slot->flags & KVM_MEMSLOT_INVALID)) {
			err = -EFAULT;
			break;
		}
		hva = __gfn_to_hva_memslot(slot, gfn);
		if (copy_from_user(data, (void __user *)(hva + offset), seg)) {
			err = -EFAULT;
			break;
		}
		data += seg;
		len -= seg;
		offset = 0;
		gfn++;
	}
	return err;
}

/* modinfo shows which audited kvm-hv this build is for. */
MODULE_INFO(kvm_hv_audited, PPCMMU_KVM_HV_AUDITED);

/*
 * kvmhv_is_nestedv2() reads a static key that kvm-hv exports from Linux 6.8
 * on (book3s_hv_nestedv2.c). It is looked up by name so that the module
 * neither links against kvm-hv (it must load without it, to refuse with
 * ENODEV and say why) nor needs the key where it does not exist: 6.1 has no
 * nested API v2, and there the lookup finds nothing. The caller holds
 * kvm-hv (hooks.c), so the key cannot go away under the read.
 */
bool ppcmmu_kvmhv_is_nestedv2(void)
{
	struct static_key_false *key = __symbol_get("__kvmhv_is_nestedv2");
	bool v2;

	if (!key)
		return false;
	v2 = static_key_enabled(&key->key);
	/* By name: symbol_put_addr() takes text addresses only (BUG otherwise). */
	__symbol_put("__kvmhv_is_nestedv2");
	return v2;
}
