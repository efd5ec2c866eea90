/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything that differs between the Linux kernels kvm-ppc-mmu builds
 * against, in one place (with kernel_compat.c). The rest of the module uses
 * only what is declared here or what all the kernels below have alike.
 * Differences are found by testing types and macros, not version numbers;
 * the one version test is the audit gate, because what it guards cannot be
 * seen from the headers.
 *
 * Kernels checked (Debian's powerpc64le builds, sources from Debian's
 * linux-source-* packages):
 *   6.1   bookworm        6.1.0-50 = 6.1.176 (source also 6.1.192)
 *   6.12  trixie          6.12.113+deb13 (and bookworm-bpo's 6.12.95+deb12)
 *   7.2   sid             7.2.13+deb14 (PREEMPT_LAZY, so CONFIG_PREEMPTION)
 *
 * What changed, and how the module copes:
 *  - kvmppc_ops.arch_vm_ioctl returns long in 6.1 and int in 6.12 and 7.2:
 *    PPCMMU_VM_IOCTL_RET is whatever this kernel's member returns.
 *  - virt_to_pfn() (behind virt_to_page()) is a macro taking any address
 *    in 6.1 and an inline taking a pointer in 6.12 and 7.2: callers pass a
 *    pointer, which all accept (kvm-hv itself made the same change).
 *  - kvm.ko exports gfn_to_memslot(), kvm_read_guest() and most of its
 *    other internals to any module in 6.1 and 6.12; 7.2 exports them only
 *    to kvm-hv and kvm-pr (EXPORT_SYMBOL_FOR_KVM_INTERNAL, a "module:"
 *    namespace no other module may import). ppcmmu_gfn_to_memslot() and
 *    ppcmmu_read_guest() do the same from the inline helpers kvm_host.h
 *    gives every module, on every kernel.
 *  - 7.2 is preemptible: the unload path waits with synchronize_rcu_tasks()
 *    there (hooks.c), which needs CONFIG_TASKS_RCU (7.2's config has it).
 *    And KVM-HV's hash-guest paths can hang a CPU on a preemptible kernel,
 *    so the module withholds hash there; decided at run time from
 *    preempt_model_preemptible() (caps.c, logic/host_modes.c), which all
 *    three kernels have, so it is no build difference.
 *  - kvm->debugfs_dentry (the VM's directory under debugfs kvm/, named
 *    "<pid>-<fd>") is alike in all three (kvm_main.c): ERR_PTR(-ENOENT)
 *    from kvm_create_vm() until kvm_create_vm_debugfs() succeeds, so it
 *    stays an error pointer when debugfs is off or the name was taken; and
 *    kvm_destroy_vm() removes it recursively (debugfs_remove_recursive) as
 *    its first teardown step, before kvm_arch_destroy_vm() and so before
 *    the module's destroy_vm hook. debugfs.c relies on that order.
 *    ppcmmu_kvm_debugfs_dir() hides the error-pointer convention.
 *  - 6.12 and 7.2 are built with 4K pages, 6.1 with 64K. Nothing here
 *    depends on it (HPT orders are in bytes, allocations in PAGE_SHIFT),
 *    but KVM-HV's VRMA, a hash guest's real-mode window, then reaches only
 *    4K per HPTE group: RAM/4 with the HPT of RAM/128 this module gives.
 *    VMMs must describe no larger real mode area (tools/vmm/rma.c; README,
 *    "Loading it"; Documentation/rig.rst, "Host kernels").
 *
 * kvm-hv internals the module mirrors (hpt.c): kvmppc_allocate_hpt(),
 * kvmppc_set_hpt() and kvmppc_free_hpt() in book3s_64_mmu_hv.c, and what
 * kvmhv_configure_mmu(), kvmhv_setup_mmu() and kvmppc_hv_setup_htab_rma()
 * in book3s_hv.c do with a table already in place. Their bodies are
 * identical in all three kernels apart from the virt_to_page() cast in
 * kvmppc_free_hpt(); the structures they use are asserted field by field
 * in kernel_compat.c, so a changed layout fails the build there.
 * The bodies are invisible to the compiler, hence the gate: a kernel series
 * whose kvm-hv nobody compared with hpt.c does not build.
 */
#ifndef PPCMMU_KERNEL_COMPAT_H
#define PPCMMU_KERNEL_COMPAT_H

#include <linux/version.h>
#include <linux/kvm_host.h>
#include <asm/kvm_ppc.h>

#if LINUX_VERSION_MAJOR == 6 && LINUX_VERSION_PATCHLEVEL == 1
#define PPCMMU_KVM_HV_AUDITED "6.1"
#elif LINUX_VERSION_MAJOR == 6 && LINUX_VERSION_PATCHLEVEL == 12
#define PPCMMU_KVM_HV_AUDITED "6.12"
#elif LINUX_VERSION_MAJOR == 7 && LINUX_VERSION_PATCHLEVEL == 2
#define PPCMMU_KVM_HV_AUDITED "7.2"
#else
#error "kvm-ppc-mmu: nobody has compared this kernel's kvm-hv with hpt.c, which mirrors kvmppc_allocate_hpt/set_hpt/free_hpt (book3s_64_mmu_hv.c): compare them, then add the series to the list in this header"
#endif

/* The return type of this kernel's kvmppc_ops.arch_vm_ioctl. */
#define PPCMMU_VM_IOCTL_RET typeof(((struct kvmppc_ops *)NULL)->arch_vm_ioctl(NULL, 0, 0))

/* gfn_to_memslot(): the caller holds kvm->srcu (or slots_lock). */
static inline struct kvm_memory_slot *ppcmmu_gfn_to_memslot(struct kvm *kvm, gfn_t gfn)
{
	return __gfn_to_memslot(kvm_memslots(kvm), gfn);
}

/* The VM's own debugfs directory, or NULL when it has none. */
static inline struct dentry *ppcmmu_kvm_debugfs_dir(struct kvm *kvm)
{
	return IS_ERR_OR_NULL(kvm->debugfs_dentry) ? NULL : kvm->debugfs_dentry;
}

/*
 * Has @vcpu ever entered KVM_RUN? KVM sets vcpu->pid on the first KVM_RUN,
 * before the architecture's run (kvm_vcpu_ioctl()), and never clears it
 * while the vcpu lives (an __rcu pointer in 6.1 and 6.12, a plain one
 * under vcpu->pid_lock in 7.2); only whether it is NULL is read here, so no
 * lock or RCU section is needed.
 */
static inline bool ppcmmu_vcpu_entered_run(struct kvm_vcpu *vcpu)
{
	return READ_ONCE(vcpu->pid) != NULL;
}

/* kvm-hv runs its guests through the PAPR nested API v2 (6.8+; else false). */
bool ppcmmu_kvmhv_is_nestedv2(void);

/*
 * Does this kernel's own kvm-hv run a hash guest's HPT hypercalls and faults
 * with preemption disabled? Upstream fixed it in 2026 ("KVM: PPC: Book3S HV:
 * Add preempt_disable() around virtual-mode HPTE bit-lock users", "... Add
 * SRCU protection for virtual-mode HPT hcalls"); of the series here only
 * 6.12 has it, from 6.12.117 (Debian's 6.12.117-1). 7.2 (Debian 7.2.13)
 * and 6.1 do not. A kvm-hv rebuilt with tools/kvm-hv/patches/ is the
 * admin's word (caps.c).
 */
#define PPCMMU_KVM_HV_PREEMPT_FIX_UPSTREAM					\
	(LINUX_VERSION_MAJOR == 6 && LINUX_VERSION_PATCHLEVEL == 12 &&		\
	 LINUX_VERSION_SUBLEVEL >= 117)

/* kvm_read_guest(): the caller holds kvm->srcu. 0 or -EFAULT. */
int ppcmmu_read_guest(struct kvm *kvm, gpa_t gpa, void *data, unsigned long len);

#endif /* PPCMMU_KERNEL_COMPAT_H */
