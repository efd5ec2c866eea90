/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared by the kvm-ppc-mmu module's files. */
#ifndef PPCMMU_PPC_MMU_H
#define PPCMMU_PPC_MMU_H

#include <linux/kvm_host.h>
#include <asm/kvm_ppc.h>
#include <linux/kvm_ppc_mmu.h>

#include "kernel_compat.h"
#include "logic/hpt_install.h"

/*
 * Why the module changed a VM's MMU: shown by the tracepoints (trace.h)
 * and the per-VM debugfs file (debugfs.c), named by ppcmmu_cause_name().
 */
enum ppcmmu_cause {
	PPCMMU_CAUSE_NONE,
	PPCMMU_CAUSE_ENTRY,	/* a hash VM's first KVM_RUN (run.c) */
	PPCMMU_CAUSE_CAS,	/* CAS, by ioctl or intercepted hcall */
	PPCMMU_CAUSE_PROC_TBL,	/* the guest's H_REGISTER_PROC_TBL */
	PPCMMU_CAUSE_SET_STATE,	/* KVM_PPC_MMU_SET_STATE */
	PPCMMU_CAUSE_DESTROY,	/* the VM went away */
};

/* What a refusal refused (ppc_mmu_refusal tracepoint). */
enum ppcmmu_op {
	PPCMMU_OP_CAS,
	PPCMMU_OP_PROC_TBL,
	PPCMMU_OP_ENABLE,
	PPCMMU_OP_SET_STATE,
	PPCMMU_OP_SET_HPT_ORDER,
};

/*
 * One per HV VM that has entered the module's code in a way that can last
 * (a vcpu run, an opt-in). While it exists the VM holds a reference on this
 * module, so the module cannot be unloaded under it.
 */
struct ppcmmu_vm {
	struct hlist_node node;
	struct rcu_head rcu;
	struct kvm *kvm;
	u32 id;			/* the module's number for the VM, from 1 */
	pid_t pid;		/* process (tgid) that first brought it to us */
	struct mutex lock;	/* serialises ENABLE and the MMU hypercalls */
	/*
	 * Held for read by each vcpu of an opted-in VM (features or not) for as long
	 * as it is inside KVM-HV's vcpu_run (run.c); taken for write, never waited
	 * for (trylock, else -EBUSY), by a radix <-> hash switch of ours
	 * (ppcmmu_configure_mmu()). KVM-HV's own rule refuses a switch
	 * while vcpus_running, but a vcpu counted just after the check reads
	 * the vcore's LPCR before waiting for the switch in kvmhv_setup_mmu()
	 * and enters the guest with the old mode's LPCR: the host then
	 * hangs (kvmppc_p9_bad_interrupt). The gate closes that window for
	 * every switch a guest can ask for. A switch also keeps clear of the
	 * VMM's own ioctls on the VM (switch_guard.c), and takes the gate
	 * last, after its HPT is allocated, so vcpus wait for it briefly.
	 */
	struct rw_semaphore entry_gate;
	/* KVM_PPC_GET_HTAB_FD calls under way (switch_guard.c) */
	atomic_t htab_fds_opening;
	u64 features;		/* KVM_PPC_MMU_FEAT_*, frozen once vcpus_ran */
	/*
	 * The order of every HPT the module allocates for the VM, as
	 * KVM_PPC_MMU_SET_HPT_ORDER set it; 0: sized from the VM's RAM.
	 * A lone word, no lock: written with WRITE_ONCE, read once per
	 * allocation with READ_ONCE (a switch racing the ioctl gets the
	 * old order or the new, either valid).
	 */
	u32 hpt_order;
	bool vcpus_ran;		/* a vcpu entered KVM_RUN through us */
	bool cas_valid;		/* cas holds the last CAS outcome */
	/*
	 * The VMM used ENABLE, SET_STATE or CAS on the VM. Only such VMs are
	 * traced at destroy and get a state file: a VM merely run through
	 * the hooks (every HV VM is, once the module is loaded) must look
	 * exactly as without the module. Set only before the first KVM_RUN
	 * (ioctl.c), under lock; a VM without it enters KVM-HV ungated.
	 */
	bool opted_in;
	bool debugfs_added;	/* the state file exists (debugfs.c) */
	struct kvm_ppc_mmu_cas cas;
	/*
	 * The HPT the module last put in place and why; under
	 * kvm->arch.mmu_setup_lock. It is the VM's table only while
	 * kvm->arch.hpt.virt still equals hpt_virt.
	 */
	unsigned long hpt_virt;
	enum ppcmmu_cause hpt_cause;
	/* Counters for the debugfs file: anyone may bump them, no lock. */
	atomic64_t nr_cas;		/* CAS negotiations */
	atomic64_t nr_registrations;	/* H_REGISTER_PROC_TBL answered */
	atomic64_t nr_refusals;		/* anything answered but success */
	atomic64_t nr_busy;		/* of those, H_LONG_BUSY / CAS BUSY / EBUSY */
};

/* The most a testing-only delay parameter may stretch anything (hooks.c, hpt.c). */
#define PPCMMU_TEST_DELAY_MAX_MS	10000U

const char *ppcmmu_cause_name(enum ppcmmu_cause cause);
/* Count (and trace) a refusal of @op with @code (-errno or H_*). */
void ppcmmu_refused(struct ppcmmu_vm *vm, enum ppcmmu_op op, long code, bool busy);

/* hooks.c: KVM-HV's original operations, valid while the module is loaded. */
extern struct kvmppc_ops ppcmmu_orig_ops;
int ppcmmu_hooks_install(void);
void ppcmmu_hooks_remove(void);

/* vm_registry.c */
struct ppcmmu_vm *ppcmmu_vm_find(struct kvm *kvm);
struct ppcmmu_vm *ppcmmu_vm_pin(struct kvm *kvm);
void ppcmmu_vm_release(struct kvm *kvm);
bool ppcmmu_vm_registry_empty(void);

/* debugfs.c: the VM's read-only state file, once it used our ioctls */
void ppcmmu_debugfs_add(struct ppcmmu_vm *vm);

/* ioctl.c */
long ppcmmu_vm_ioctl(struct kvm *kvm, unsigned int ioctl, void __user *argp);

/* caps.c: the host's abilities, computed once at load */
void ppcmmu_host_init(struct module *kvm_hv);
u64 ppcmmu_guest_modes(void);
int ppcmmu_fill_caps(struct kvm *kvm, struct kvm_ppc_mmu_caps *caps);

/* hpt.c */
u64 ppcmmu_guest_ram_bytes(struct kvm *kvm);
u32 ppcmmu_hpt_sized_order(struct ppcmmu_vm *vm);
int ppcmmu_hpt_install(struct ppcmmu_vm *vm, const struct ppcmmu_hpt_want *want,
		       enum ppcmmu_cause cause, unsigned long *installed);
int ppcmmu_hpt_install_sized(struct ppcmmu_vm *vm, enum ppcmmu_cause cause);
int ppcmmu_configure_mmu(struct ppcmmu_vm *vm, struct kvm_ppc_mmuv3_cfg *cfg,
			 const struct ppcmmu_hpt_want *hpt, enum ppcmmu_cause cause);
void ppcmmu_hpt_free_stray(struct kvm *kvm, struct ppcmmu_vm *vm);

/* switch_guard.c: a radix <-> hash switch vs the VMM's own ioctls */
int ppcmmu_switch_guard_begin(struct ppcmmu_vm *vm);
void ppcmmu_switch_guard_end(struct ppcmmu_vm *vm);
long ppcmmu_get_htab_fd_ioctl(struct file *filp, unsigned int ioctl, unsigned long arg);

/* proc_tbl.c */
long ppcmmu_h_register_proc_tbl(struct ppcmmu_vm *vm, struct kvm_vcpu *vcpu);

/* run.c */
int ppcmmu_vcpu_run_hooked(struct ppcmmu_vm *vm, struct kvm_vcpu *vcpu);

/* state.c */
/* Partition-table doubleword 1 of @kvm; under kvm->arch.mmu_setup_lock. */
u64 ppcmmu_process_table_locked(struct kvm *kvm);
void ppcmmu_fill_state(struct kvm *kvm, struct kvm_ppc_mmu_state *st);
/* @st must have passed ppcmmu_check_set_state() */
int ppcmmu_set_state(struct ppcmmu_vm *vm, const struct kvm_ppc_mmu_state *st);

/* cas.c */
/* The PVR CAS matches: @vcpu's, or for a VM-wide call (NULL) its first vcpu's. */
u32 ppcmmu_vm_pvr(struct kvm *kvm, struct kvm_vcpu *vcpu);
int ppcmmu_cas_negotiate(struct ppcmmu_vm *vm, int vcpu_id, u32 pvr, u64 vec_addr,
			 struct kvm_ppc_mmu_cas *out);

#endif /* PPCMMU_PPC_MMU_H */
