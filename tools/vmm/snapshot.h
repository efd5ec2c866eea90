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

/*
 * The guest's timebase is the host's plus the vcpus' TB_OFFSET. A VM
 * restored later, in this process or another, would see its clock jump by
 * the whole pause, which its watchdogs call a hard lockup; QEMU stops the
 * guest's timebase while the VM is stopped and continues it on restore
 * (timebase_save/timebase_load). These do the same.
 */
uint64_t snapshot_host_timebase(void);
/* @img's vcpu 0 TB_OFFSET value, or NULL if it has none. */
uint64_t *snapshot_tb_offset(struct vm_image *img);
/*
 * Every vcpu's TB_OFFSET such that the guest's timebase goes on from
 * @guest_tb now (KVM-HV rounds the offset up to 2^24 ticks, ~33 ms).
 * Returns the host time that passed since, in timebase ticks.
 */
int64_t snapshot_continue_timebase(struct vm_image *img, uint64_t guest_tb);

#endif
