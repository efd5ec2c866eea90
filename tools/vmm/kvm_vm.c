// SPDX-License-Identifier: GPL-2.0
/*
 * The KVM side of the VMM: VM, RAM, the vcpus with their interrupt
 * controller, and opting in to kvm-ppc-mmu.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm.h"
#include "hpt_order.h"

/* The one memslot: all of guest RAM at guest real address 0. */
static struct kvm_userspace_memory_region ram_region(struct vmm *vmm, uint32_t flags)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0, .flags = flags, .guest_phys_addr = 0,
		.memory_size = vmm->ram.size, .userspace_addr = (uintptr_t)vmm->ram.host,
	};

	return region;
}

/* KVM_MEM_LOG_DIRTY_PAGES on the RAM slot, or off (live_copy.c). */
int ram_log_dirty(struct vmm *vmm, bool on)
{
	struct kvm_userspace_memory_region region =
		ram_region(vmm, on ? KVM_MEM_LOG_DIRTY_PAGES : 0);

	return ioctl(vmm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region);
}

int vm_create(struct vmm *vmm)
{
	struct kvm_userspace_memory_region region;

	vmm->vm_fd = vmm->xics_fd = -1;
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
	region = ram_region(vmm, 0);
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
	/*
	 * A VMM whose rule for the HPT's size is not the module's (QEMU's
	 * maxmem) says so before the guest can choose hash.
	 */
	if (vmm->opt.hpt_ram_size) {
		struct kvm_ppc_mmu_hpt_order o = {
			.order = ppcmmu_hpt_order_for_ram(vmm->opt.hpt_ram_size),
		};

		if (ioctl(vmm->vm_fd, KVM_PPC_MMU_SET_HPT_ORDER, &o)) {
			perror("vmm: KVM_PPC_MMU_SET_HPT_ORDER");
			return -1;
		}
	}
	return 0;
}

static int vcpu_create(struct vmm *vmm, struct vcpu *vcpu, int id)
{
	struct kvm_enable_cap papr = { .cap = KVM_CAP_PPC_PAPR };

	vcpu->vmm = vmm;
	vcpu->id = id;
	vcpu->fd = ioctl(vmm->vm_fd, KVM_CREATE_VCPU, id);
	if (vcpu->fd < 0) {
		fprintf(stderr, "vmm: KVM_CREATE_VCPU %d: %s\n", id, strerror(errno));
		return -1;
	}
	/* PAPR mode: hypercalls, and KVM_RUN works at all on an HV vcpu. */
	if (ioctl(vcpu->fd, KVM_ENABLE_CAP, &papr)) {
		perror("vmm: KVM_CAP_PPC_PAPR");
		return -1;
	}
	vcpu->run = mmap(NULL, vmm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		vcpu->run = NULL;
		perror("vmm: mmap kvm_run");
		return -1;
	}
	return xics_connect(vcpu);
}

/*
 * The interrupt controller, then opt.nr_vcpus vcpus, each its server. Only
 * vcpu 0 is started: the others wait for RTAS start-cpu (rtas.c), as on
 * PAPR machines, so the guest's secondaries come up when Linux asks.
 */
int vcpus_create(struct vmm *vmm)
{
	int size, i;

	size = ioctl(vmm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size <= 0) {
		perror("vmm: KVM_GET_VCPU_MMAP_SIZE");
		return -1;
	}
	vmm->run_size = size;
	if (xics_create(vmm))
		return -1;
	for (i = 0; i < vmm->opt.nr_vcpus; i++) {
		struct vcpu *vcpu = &vmm->vcpu[i];

		vcpu->fd = -1;
		vmm->nr_vcpus = i + 1;
		if (vcpu_create(vmm, vcpu, i))
			return -1;
		vcpu->started = i == 0;
		vcpu->hcall_pending = false;
	}
	return 0;
}

int vcpu_set_entry(struct vcpu *vcpu, uint64_t pc, uint64_t msr, uint64_t r1,
		   uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct kvm_regs regs;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &regs))
		return -1;
	regs.pc = pc;
	regs.msr = msr;
	regs.gpr[1] = r1;
	regs.gpr[3] = r3;
	regs.gpr[4] = r4;
	regs.gpr[5] = r5;
	return ioctl(vcpu->fd, KVM_SET_REGS, &regs);
}

/*
 * An answered hypercall is loaded into r3..r12 by KVM only on the vcpu's
 * next KVM_RUN. Before anyone reads or sets the registers of a vcpu that
 * is not running (a snapshot, a reset, start-cpu), let KVM do that now: a
 * KVM_RUN with immediate_exit completes the hypercall and returns EINTR
 * without entering the guest.
 */
int vcpu_complete_hcall(struct vcpu *vcpu)
{
	uint8_t was = vcpu->run->immediate_exit;
	int r;

	if (!vcpu->hcall_pending)
		return 0;
	vcpu->run->immediate_exit = 1;
	r = ioctl(vcpu->fd, KVM_RUN, 0);
	vcpu->run->immediate_exit = was;
	if (r == 0 || errno != EINTR) {
		fprintf(stderr, "vmm: vcpu %d: completing a hypercall: KVM_RUN did not stop at once\n",
			vcpu->id);
		return -1;
	}
	vcpu->hcall_pending = false;
	return 0;
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

/* A register every vcpu holds the same (the compatibility level). */
int one_reg_set_all(struct vmm *vmm, uint64_t id, const void *val)
{
	int i;

	for (i = 0; i < vmm->nr_vcpus; i++)
		if (one_reg_set(vmm->vcpu[i].fd, id, val))
			return -1;
	return 0;
}

/*
 * LPCR bits the VMM owns (ILE for H_SET_MODE), on every vcpu as PAPR's
 * H_SET_MODE is partition-wide; KVM-HV keeps the rest.
 */
int lpcr_update(struct vmm *vmm, uint64_t mask, uint64_t bits)
{
	uint64_t lpcr;
	int i;

	for (i = 0; i < vmm->nr_vcpus; i++) {
		if (one_reg_get(vmm->vcpu[i].fd, KVM_REG_PPC_LPCR_64, &lpcr))
			return -1;
		lpcr = (lpcr & ~mask) | (bits & mask);
		if (one_reg_set(vmm->vcpu[i].fd, KVM_REG_PPC_LPCR_64, &lpcr))
			return -1;
	}
	return 0;
}

void vm_destroy(struct vmm *vmm)
{
	int i;

	for (i = 0; i < vmm->nr_vcpus; i++) {
		struct vcpu *vcpu = &vmm->vcpu[i];

		if (vcpu->run)
			munmap(vcpu->run, vmm->run_size);
		if (vcpu->fd >= 0)
			close(vcpu->fd);
		vcpu->run = NULL;
		vcpu->fd = -1;
	}
	vmm->nr_vcpus = 0;
	if (vmm->xics_fd >= 0)
		close(vmm->xics_fd);
	if (vmm->vm_fd >= 0)
		close(vmm->vm_fd);
	vmm->xics_fd = vmm->vm_fd = -1;
}
