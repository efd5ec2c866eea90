// SPDX-License-Identifier: GPL-2.0
/*
 * The per-VM state file: <debugfs>/kvm/<pid>-<fd>/ppc_mmu, read-only, in
 * the directory KVM-HV made for the VM (kvm->debugfs_dentry), for VMs that
 * used the module's ioctls (ENABLE, SET_STATE, CAS). A VM that never did
 * gets no file: its debugfs directory looks as without the module.
 *
 * Lifetime. The file's private data is the VM's struct ppcmmu_vm, which
 * also leads to its struct kvm. Both outlive every read:
 *  - kvm_destroy_vm() removes the VM's directory, this file with it,
 *    before anything of the VM is torn down (kernel_compat.h): before
 *    kvm_arch_destroy_vm(), which calls our destroy_vm hook, which is what
 *    frees the struct ppcmmu_vm (kfree_rcu) and drops the module reference.
 *  - debugfs_remove_recursive() waits for reads in flight: debugfs wraps
 *    our fops in its proxy, which holds the file's "active users" count
 *    around each read, and removal waits until that count drains. A read
 *    that starts after removal fails with EIO without calling us.
 *  - An open file descriptor outliving the VM only holds the seq_file and
 *    a reference on this module (the proxy's fops_get() of our fops, whose
 *    owner is THIS_MODULE), so its close runs no freed code.
 * So a reader never sees a freed ppcmmu_vm or kvm, however VMs come and
 * go. The file is only created from an ioctl on the VM, which holds a
 * reference on the VM: it cannot race the directory's removal.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "ppc_mmu.h"
#include <asm/kvm_book3s_64.h>

#define PPCMMU_DEBUGFS_NAME	"ppc_mmu"

static const char *const ppcmmu_cause_names[] = {
	[PPCMMU_CAUSE_NONE] = "none",
	[PPCMMU_CAUSE_ENTRY] = "entry",
	[PPCMMU_CAUSE_CAS] = "cas",
	[PPCMMU_CAUSE_PROC_TBL] = "proc_tbl",
	[PPCMMU_CAUSE_SET_STATE] = "set_state",
	[PPCMMU_CAUSE_DESTROY] = "destroy",
};

const char *ppcmmu_cause_name(enum ppcmmu_cause cause)
{
	return (unsigned int)cause < ARRAY_SIZE(ppcmmu_cause_names) ?
	       ppcmmu_cause_names[cause] : "?";
}

static const char *ppcmmu_cas_status_name(u32 status)
{
	static const char *const names[] = {
		[KVM_PPC_MMU_CAS_ACCEPTED] = "accepted",
		[KVM_PPC_MMU_CAS_MALFORMED] = "malformed",
		[KVM_PPC_MMU_CAS_MODE_UNAVAILABLE] = "mode_unavailable",
		[KVM_PPC_MMU_CAS_BUSY] = "busy",
		[KVM_PPC_MMU_CAS_NO_MEMORY] = "no_memory",
	};

	return status < ARRAY_SIZE(names) ? names[status] : "?";
}

/* What the file shows of KVM-HV's own state, read under mmu_setup_lock. */
struct ppcmmu_debugfs_mmu {
	bool radix;
	bool gtse;
	u64 process_table;
	u32 hpt_order;		/* 0: no HPT */
	bool hpt_cma;
	bool hpt_ours;		/* the module put this table in place */
	enum ppcmmu_cause hpt_cause;
};

static int ppcmmu_state_show(struct seq_file *m, void *unused)
{
	struct ppcmmu_vm *vm = m->private;
	struct kvm *kvm = vm->kvm;
	struct ppcmmu_debugfs_mmu mmu;
	struct kvm_ppc_mmu_cas cas;
	bool cas_valid, ran;
	u64 features;

	if (mutex_lock_interruptible(&vm->lock))
		return -EINTR;
	features = vm->features;
	ran = vm->vcpus_ran;
	cas_valid = vm->cas_valid;
	cas = vm->cas;
	mutex_unlock(&vm->lock);

	mutex_lock(&kvm->arch.mmu_setup_lock);
	mmu.radix = kvm_is_radix(kvm);
	mmu.gtse = kvm->arch.lpcr & LPCR_GTSE;
	mmu.process_table = ppcmmu_process_table_locked(kvm);
	mmu.hpt_order = kvm->arch.hpt.virt ? kvm->arch.hpt.order : 0;
	mmu.hpt_cma = kvm->arch.hpt.cma;
	mmu.hpt_ours = kvm->arch.hpt.virt && kvm->arch.hpt.virt == vm->hpt_virt;
	mmu.hpt_cause = vm->hpt_cause;
	mutex_unlock(&kvm->arch.mmu_setup_lock);

	seq_printf(m, "vm: %u\n", vm->id);
	seq_printf(m, "pid: %d\n", vm->pid);
	seq_printf(m, "features: 0x%llx%s%s%s\n", features,
		   features & KVM_PPC_MMU_FEAT_PROC_TBL ? " proc_tbl" : "",
		   features & KVM_PPC_MMU_FEAT_HPT_SIZING ? " hpt_sizing" : "",
		   features & KVM_PPC_MMU_FEAT_CAS ? " cas" : "");
	seq_printf(m, "vcpus_ran: %s\n", ran ? "yes" : "no");
	seq_printf(m, "mode: %s\n", mmu.radix ? "radix" : "hash");
	seq_printf(m, "process_table: 0x%llx\n", mmu.process_table);
	seq_printf(m, "gtse: %s\n", mmu.gtse ? "yes" : "no");
	seq_printf(m, "hpt_order: %u\n", mmu.hpt_order);
	if (!mmu.hpt_order)
		seq_puts(m, "hpt_from: none\n");
	else
		seq_printf(m, "hpt_from: %s%s %s\n",
			   mmu.hpt_ours ? "kvm-ppc-mmu:" : "kvm-hv",
			   mmu.hpt_ours ? ppcmmu_cause_name(mmu.hpt_cause) : "",
			   mmu.hpt_cma ? "cma" : "pages");
	if (!cas_valid)
		seq_puts(m, "last_cas: none\n");
	else
		seq_printf(m, "last_cas: %s reason=%u mode=%s legacy=%d gtse=%d compat_pvr=0x%x hpt_order=%u hret=%lld\n",
			   ppcmmu_cas_status_name(cas.status), cas.reason,
			   cas.status != KVM_PPC_MMU_CAS_ACCEPTED ? "none" :
			   cas.mode == KVM_PPC_MMU_MODE_RADIX ? "radix" : "hash",
			   !!(cas.out_flags & KVM_PPC_MMU_CAS_OUT_LEGACY),
			   !!(cas.out_flags & KVM_PPC_MMU_CAS_OUT_GTSE),
			   cas.compat_pvr, cas.hpt_order, cas.hcall_ret);
	seq_printf(m, "cas_calls: %lld\n", atomic64_read(&vm->nr_cas));
	seq_printf(m, "registrations: %lld\n", atomic64_read(&vm->nr_registrations));
	seq_printf(m, "refusals: %lld\n", atomic64_read(&vm->nr_refusals));
	seq_printf(m, "busy: %lld\n", atomic64_read(&vm->nr_busy));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ppcmmu_state);

void ppcmmu_debugfs_add(struct ppcmmu_vm *vm)
{
	struct dentry *dir = ppcmmu_kvm_debugfs_dir(vm->kvm);

	if (!dir)
		return;
	mutex_lock(&vm->lock);
	if (!vm->debugfs_added) {
		/* Failure only costs the file; debugfs callers ignore it. */
		debugfs_create_file(PPCMMU_DEBUGFS_NAME, 0444, dir, vm, &ppcmmu_state_fops);
		vm->debugfs_added = true;
	}
	mutex_unlock(&vm->lock);
}
