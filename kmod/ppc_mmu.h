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
 * One per HV VM that has entered the module's code in a way that can last
 * (a vcpu run, an opt-in). While it exists the VM holds a reference on this
 * module, so the module cannot be unloaded under it.
 */
struct ppcmmu_vm {
	struct hlist_node node;
	struct rcu_head rcu;
	struct kvm *kvm;
	struct mutex lock;	/* serialises ENABLE and the MMU hypercalls */
	u64 features;		/* KVM_PPC_MMU_FEAT_*, frozen once vcpus_ran */
	bool vcpus_ran;		/* a vcpu entered KVM_RUN through us */
	bool cas_valid;		/* cas holds the last CAS outcome */
	struct kvm_ppc_mmu_cas cas;
};

/* hooks.c: KVM-HV's original operations, valid while the module is loaded. */
extern struct kvmppc_ops ppcmmu_orig_ops;
int ppcmmu_hooks_install(void);
void ppcmmu_hooks_remove(void);

/* vm_registry.c */
struct ppcmmu_vm *ppcmmu_vm_find(struct kvm *kvm);
struct ppcmmu_vm *ppcmmu_vm_pin(struct kvm *kvm);
void ppcmmu_vm_release(struct kvm *kvm);
bool ppcmmu_vm_registry_empty(void);

/* ioctl.c */
long ppcmmu_vm_ioctl(struct kvm *kvm, unsigned int ioctl, void __user *argp);

/* caps.c: the host's abilities, computed once at load */
void ppcmmu_host_init(void);
u64 ppcmmu_guest_modes(void);
int ppcmmu_fill_caps(struct kvm *kvm, struct kvm_ppc_mmu_caps *caps);

/* hpt.c */
u64 ppcmmu_guest_ram_bytes(struct kvm *kvm);
u32 ppcmmu_hpt_sized_order(struct kvm *kvm);
int ppcmmu_hpt_install(struct kvm *kvm, const struct ppcmmu_hpt_want *want,
		       unsigned long *installed);
int ppcmmu_hpt_install_sized(struct kvm *kvm);
int ppcmmu_configure_mmu(struct kvm *kvm, struct kvm_ppc_mmuv3_cfg *cfg,
			 const struct ppcmmu_hpt_want *hpt);
void ppcmmu_hpt_free_stray(struct kvm *kvm);

/* proc_tbl.c */
long ppcmmu_h_register_proc_tbl(struct ppcmmu_vm *vm, struct kvm_vcpu *vcpu);

/* run.c */
int ppcmmu_vcpu_run_hooked(struct ppcmmu_vm *vm, struct kvm_vcpu *vcpu);

/* state.c */
void ppcmmu_fill_state(struct kvm *kvm, struct kvm_ppc_mmu_state *st);
/* @st must have passed ppcmmu_check_set_state() */
int ppcmmu_set_state(struct ppcmmu_vm *vm, const struct kvm_ppc_mmu_state *st);

/* cas.c */
/* The PVR CAS matches: @vcpu's, or for a VM-wide call (NULL) its first vcpu's. */
u32 ppcmmu_vm_pvr(struct kvm *kvm, struct kvm_vcpu *vcpu);
int ppcmmu_cas_negotiate(struct ppcmmu_vm *vm, u32 pvr, u64 vec_addr,
			 struct kvm_ppc_mmu_cas *out);

#endif /* PPCMMU_PPC_MMU_H */
