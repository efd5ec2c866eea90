/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What snapshot.c saves of a VM, for the files that carry it further
 * (migration.c writes it to a stream another VMM process reads).
 */
#ifndef PPCMMU_VMM_SNAPSHOT_H
#define PPCMMU_VMM_SNAPSHOT_H

#include "vmm.h"

/* Room for snapshot.c's one_regs[], VSR0-31, VR0-31, DEC_EXPIRY and ICP_STATE (it checks). */
#define SNAPSHOT_MAX_REGS	160

struct saved_reg {
	uint64_t id;
	uint8_t val[16];
};

/* Everything KVM holds of one vcpu (vmm.h: vcpu_image_save/load). */
struct vcpu_image {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct saved_reg reg[SNAPSHOT_MAX_REGS];
	int nr_regs;
};

struct vm_image {
	int nr_vcpus;
	struct vcpu_image cpu[VMM_MAX_VCPUS];
	bool started[VMM_MAX_VCPUS];	/* stopped ones wait for RTAS start-cpu */
	struct kvm_ppc_mmu_state mmu;
	uint8_t *htab;		/* KVM's HTAB stream, hash guests */
	size_t htab_len;
};

/*
 * With every vcpu parked and no hypercall answer pending (cpus.c): each
 * vcpu's registers, the MMU state, the HPT. free(img->htab).
 */
int snapshot_save_vm(struct vmm *vmm, struct vm_image *img);
/* A new VM and its vcpus in @vmm (RAM already in vmm->ram) put in @img's state. */
int snapshot_restore_vm(struct vmm *vmm, const struct vm_image *img, int *hptes);
/* Whether @id is a register snapshot_save_vm() saves (and so may restore). */
bool snapshot_reg_known(uint64_t id);

#endif
