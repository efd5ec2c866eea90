// SPDX-License-Identifier: GPL-2.0
/* The KVM side of the VMM: VM, RAM, one vcpu, and opting in to kvm-ppc-mmu. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm.h"

int vm_create(struct vmm *vmm)
{
	struct kvm_userspace_memory_region region = { 0 };

	vmm->vm_fd = vmm->vcpu_fd = -1;
	if (vmm->kvm_fd < 0) {
		vmm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
		if (vmm->kvm_fd < 0) {
			perror("vmm: /dev/kvm");
			return -1;
		}
	}
	vmm->vm_fd = ioctl(vmm->kvm_fd, KVM_CREATE_VM, KVM_VM_PPC_HV);
	if (vmm->vm_fd < 0) {
		perror("vmm: KVM_CREATE_VM (is kvm-hv loaded?)");
		return -1;
	}
	if (!vmm->ram.host && guest_mem_alloc(&vmm->ram)) {
		perror("vmm: guest RAM");
		return -1;
	}
	region.memory_size = vmm->ram.size;
	region.userspace_addr = (uintptr_t)vmm->ram.host;
	if (ioctl(vmm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region)) {
		perror("vmm: KVM_SET_USER_MEMORY_REGION");
		return -1;
	}
	return 0;
}

/*
 * Opt the VM in to everything the module offers. Without the module the
 * first ioctl fails with ENOTTY and the VMM says so: it needs the module for
 * CAS (it has no userspace fallback on purpose: it is the module's example).
 */
int vm_opt_in(struct vmm *vmm)
{
	struct kvm_ppc_mmu_enable en = { .features = KVM_PPC_MMU_FEAT_ALL };

	memset(&vmm->caps, 0, sizeof(vmm->caps));
	if (ioctl(vmm->vm_fd, KVM_PPC_MMU_GET_CAPS, &vmm->caps)) {
		fprintf(stderr, "vmm: KVM_PPC_MMU_GET_CAPS: %s (is kvm-ppc-mmu loaded?)\n",
			errno == ENOTTY ? "not supported" : strerror(errno));
		return -1;
	}
	if (ioctl(vmm->vm_fd, KVM_PPC_MMU_ENABLE, &en)) {
		perror("vmm: KVM_PPC_MMU_ENABLE");
		return -1;
	}
	vmm->features = en.features;
	return 0;
}

int vcpu_create(struct vmm *vmm)
{
	struct kvm_enable_cap papr = { .cap = KVM_CAP_PPC_PAPR };
	int size;

	vmm->vcpu_fd = ioctl(vmm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vmm->vcpu_fd < 0) {
		perror("vmm: KVM_CREATE_VCPU");
		return -1;
	}
	/* PAPR mode: hypercalls, and KVM_RUN works at all on an HV vcpu. */
	if (ioctl(vmm->vcpu_fd, KVM_ENABLE_CAP, &papr)) {
		perror("vmm: KVM_CAP_PPC_PAPR");
		return -1;
	}
	size = ioctl(vmm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size <= 0) {
		perror("vmm: KVM_GET_VCPU_MMAP_SIZE");
		return -1;
	}
	vmm->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vmm->vcpu_fd, 0);
	if (vmm->run == MAP_FAILED) {
		vmm->run = NULL;
		perror("vmm: mmap kvm_run");
		return -1;
	}
	vmm->run_size = size;
	return 0;
}

int vcpu_set_entry(struct vmm *vmm, uint64_t pc, uint64_t msr, uint64_t r1,
		   uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct kvm_regs regs;

	if (ioctl(vmm->vcpu_fd, KVM_GET_REGS, &regs))
		return -1;
	regs.pc = pc;
	regs.msr = msr;
	regs.gpr[1] = r1;
	regs.gpr[3] = r3;
	regs.gpr[4] = r4;
	regs.gpr[5] = r5;
	return ioctl(vmm->vcpu_fd, KVM_SET_REGS, &regs);
}

int one_reg_get(int vcpu_fd, uint64_t id, void *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)val };

	return ioctl(vcpu_fd, KVM_GET_ONE_REG, &reg);
}

int one_reg_set(int vcpu_fd, uint64_t id, const void *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)val };

	return ioctl(vcpu_fd, KVM_SET_ONE_REG, &reg);
}

/* LPCR bits the VMM owns (ILE for H_SET_MODE); KVM-HV keeps the rest. */
int lpcr_update(struct vmm *vmm, uint64_t mask, uint64_t bits)
{
	uint64_t lpcr;

	if (one_reg_get(vmm->vcpu_fd, KVM_REG_PPC_LPCR_64, &lpcr))
		return -1;
	lpcr = (lpcr & ~mask) | (bits & mask);
	return one_reg_set(vmm->vcpu_fd, KVM_REG_PPC_LPCR_64, &lpcr);
}

void vm_destroy(struct vmm *vmm)
{
	if (vmm->run)
		munmap(vmm->run, vmm->run_size);
	vmm->run = NULL;
	if (vmm->vcpu_fd >= 0)
		close(vmm->vcpu_fd);
	if (vmm->vm_fd >= 0)
		close(vmm->vm_fd);
	vmm->vcpu_fd = vmm->vm_fd = -1;
}
