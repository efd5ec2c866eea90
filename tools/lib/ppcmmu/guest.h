/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Create KVM-HV VMs with one or more vcpus and run hand-written guests in
 * them. Every helper reports failure through its return value (-errno) so
 * callers can turn setup failures into test failures instead of crashing.
 */
#ifndef PPCMMU_LIB_GUEST_H
#define PPCMMU_LIB_GUEST_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

#define GUEST_MAX_VCPUS		8
#define GUEST_CODE_ADDR		0x100ULL
/* One KVM_RUN longer than this is a broken guest: -ETIMEDOUT. */
#define GUEST_RUN_TIMEOUT_S	20

/* Real mode (no IR/DR), 64-bit, little endian, machine checks on. */
#define GUEST_MSR_REAL		0x8000000000001001ULL
#define GUEST_MSR_IR		0x20ULL
#define GUEST_MSR_DR		0x10ULL

/* Hcalls the test guests use to talk to the test (answered in userspace). */
#define TEST_HCALL_REPORT	0x7e00ULL	/* r4..r6: values for the test */
#define TEST_HCALL_DONE		0x7e04ULL	/* guest finished */
/* The cheapest hypercall KVM-HV answers in the kernel. */
#define H_SET_DABR		0x28ULL

enum guest_mmu {
	GUEST_MMU_DEFAULT,	/* whatever KVM-HV gives a new VM */
	GUEST_MMU_RADIX,	/* KVM_PPC_CONFIGURE_V3_MMU radix */
	GUEST_MMU_HASH,		/* KVM_PPC_CONFIGURE_V3_MMU hash (+ HPT on radix host) */
};

struct guest_vcpu {
	int fd;
	struct kvm_run *run;
	size_t run_size;
};

struct guest_vm {
	int kvm_fd;
	int vm_fd;
	uint8_t *mem;
	size_t mem_size;
	int nr_vcpus;
	struct guest_vcpu vcpus[GUEST_MAX_VCPUS];
};

/* One observed exit, for comparing runs. */
struct guest_exit {
	uint32_t reason;
	uint64_t nr;
	uint64_t args[3];
};

int guest_vm_create(struct guest_vm *vm, size_t mem_size);
int guest_vm_set_mmu(struct guest_vm *vm, enum guest_mmu mmu);
int guest_vcpu_add(struct guest_vm *vm, uint64_t pc, uint64_t msr);
/* KVM_RUN once; 0 or -errno (-ETIMEDOUT after GUEST_RUN_TIMEOUT_S). */
int guest_vcpu_run(struct guest_vm *vm, int idx);
int guest_vcpu_run_for(struct guest_vm *vm, int idx, long seconds);
/*
 * Run until the guest makes hcall TEST_HCALL_DONE or @max_exits exits pass.
 * Each TEST_HCALL_REPORT is answered with r3=0 and r4=args[0]+1 and logged.
 * Returns the number of exits logged (>= 0) or -errno.
 */
int guest_run_script(struct guest_vm *vm, int idx, struct guest_exit *log,
		     int max_exits);
int guest_get_regs(struct guest_vm *vm, int idx, struct kvm_regs *regs);
void guest_vm_destroy(struct guest_vm *vm);
/*
 * The least that goes through vcpu_run: a VM of @mem_size with one vcpu
 * whose guest reports TEST_HCALL_DONE with r4 = 7 and stops.
 * guest_vm_run_done() runs it: 0 if it did exactly that, else -errno.
 */
int guest_vm_create_done(struct guest_vm *vm, size_t mem_size);
int guest_vm_run_done(struct guest_vm *vm);
const char *guest_exit_name(uint32_t reason);

#endif
