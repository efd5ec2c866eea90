// SPDX-License-Identifier: GPL-2.0
/*
 * system-reboot: the guest asked for a reboot (RTAS), and the same VM is
 * brought back to how it was powered on, then booted again through
 * prom_init and CAS, as QEMU resets a pseries machine. The VM and its vcpu
 * are kept (KVM cannot destroy a vcpu), so everything the old kernel left
 * in them is undone explicitly:
 *   RAM          zeroed (MADV_DONTNEED on the anonymous mapping), then the
 *                kernel and initrd loaded again
 *   device tree  rebuilt, Open Firmware claims and instances dropped
 *   vcpus        the VPA, SLB shadow and DTL deregistered (KVM would keep
 *                writing to them, into the new kernel's memory), then every
 *                register back to its power-on value (vcpu_image), the
 *                interrupt controller's per-vcpu state included; only
 *                vcpu 0 starts again, the others wait for start-cpu
 *   MMU          KVM_PPC_MMU_SET_STATE to the mode a fresh VM starts in on
 *                this host, so the next CAS decides again: on a host that
 *                runs radix guests, radix with no process table (a hash VM
 *                switches back and KVM-HV frees its HPT); on a hash-only
 *                host, hash, and the HPT's old entries are cleared with
 *                KVM's own KVM_PPC_ALLOCATE_HTAB (same order), since
 *                SET_STATE keeps a table of the right size as it is.
 * The module keeps the features the VM opted in to (they are frozen once a
 * vcpu ran, and the same set is what SET_STATE gets).
 */
#include <errno.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include "vmm.h"

#define PATB_GR		(1ULL << 63)	/* partition-table entry: radix guest */

static int vpa_deregister(struct vcpu *vcpu)
{
	/* DTL and SLB shadow before the VPA: KVM refuses the reverse. */
	static const uint64_t order[] = { KVM_REG_PPC_VPA_DTL, KVM_REG_PPC_VPA_SLB };
	uint64_t none[2] = { 0, 0 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(order); i++)
		if (one_reg_set(vcpu->fd, order[i], none))
			return -1;
	return one_reg_set(vcpu->fd, KVM_REG_PPC_VPA_ADDR, none);
}

static int mmu_reset(struct vmm *vmm)
{
	struct kvm_ppc_mmu_state st = { .features = vmm->features };
	struct kvm_ppc_mmu_state now = { 0 };

	if (vmm->caps.guest_modes & KVM_PPC_MMU_GUEST_RADIX) {
		st.mode = KVM_PPC_MMU_MODE_RADIX;
		st.process_table = PATB_GR;
	} else {
		st.mode = KVM_PPC_MMU_MODE_HASH;
	}
	unsigned int tries = 0;
	int r;

	/* Busy while dirty logging is on (a live copy): the switch waits for its end. */
	while ((r = ioctl(vmm->vm_fd, KVM_PPC_MMU_SET_STATE, &st)) && errno == EBUSY)
		if (vmm_retry_busy(vmm, "reset: KVM_PPC_MMU_SET_STATE", &tries))
			return -1;
	if (r) {
		perror("vmm: reset: KVM_PPC_MMU_SET_STATE");
		return -1;
	}
	if (tries)
		printf("vmm: reset: KVM_PPC_MMU_SET_STATE went through after %u busy answers\n", tries);
	if (ioctl(vmm->vm_fd, KVM_PPC_MMU_GET_STATE, &now)) {
		perror("vmm: reset: KVM_PPC_MMU_GET_STATE");
		return -1;
	}
	if (now.mode == KVM_PPC_MMU_MODE_HASH && now.hpt_order) {
		uint32_t order = now.hpt_order;

		if (ioctl(vmm->vm_fd, KVM_PPC_ALLOCATE_HTAB, &order)) {
			perror("vmm: reset: KVM_PPC_ALLOCATE_HTAB");
			return -1;
		}
	}
	printf("vmm: reset: MMU back to %s through KVM_PPC_MMU_SET_STATE (HPT order %u)\n",
	       now.mode == KVM_PPC_MMU_MODE_RADIX ? "radix" : "hash", now.hpt_order);
	return 0;
}

int vm_reset(struct vmm *vmm)
{
	int i;

	vmm->reboot_due = false;
	/* A guest from --restore: no kernel to boot again, nor its power-on vcpu. */
	if (!vmm->vcpu[0].power_on) {
		printf("vmm: reset: a restored guest asked for a reboot, which needs its kernel: stopping\n");
		return -1;
	}
	printf("vmm: reset: the guest asked for a reboot; boot %d follows\n", vmm->boots + 1);
	if (guest_mem_clear(&vmm->ram)) {
		perror("vmm: reset: clearing RAM");
		return -1;
	}
	for (i = 0; i < vmm->nr_vcpus; i++) {
		if (vpa_deregister(&vmm->vcpu[i])) {
			perror("vmm: reset: deregistering the VPA");
			return -1;
		}
		if (vcpu_image_load(&vmm->vcpu[i], vmm->vcpu[i].power_on))
			return -1;
	}
	if (mmu_reset(vmm))
		return -1;
	dt_free(vmm->dt);
	vmm->dt = NULL;
	vmm->nr_claims = 0;
	vmm->nr_instances = 0;
	vmm->con.line_len = 0;
	vmm->cas_done = false;
	vmm->of_quiesced = false;
	if (vmm->opt.reboot_cmdline)
		vmm->opt.cmdline = vmm->opt.reboot_cmdline;
	if (boot_prepare(vmm)) {
		perror("vmm: reset: entry registers");
		return -1;
	}
	return 0;
}
