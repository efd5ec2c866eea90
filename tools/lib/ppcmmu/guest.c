// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <time.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest.h"
#include "guest_asm.h"

int guest_vm_create(struct guest_vm *vm, size_t mem_size)
{
	struct kvm_userspace_memory_region reg = { 0 };

	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = vm->vm_fd = -1;

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return -errno;
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, KVM_VM_PPC_HV);
	if (vm->vm_fd < 0)
		goto err;

	vm->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED) {
		vm->mem = NULL;
		goto err;
	}
	vm->mem_size = mem_size;
	reg.memory_size = mem_size;
	reg.userspace_addr = (uintptr_t)vm->mem;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &reg))
		goto err;
	return 0;
err:
	{
		int e = -errno;

		guest_vm_destroy(vm);
		return e;
	}
}

int guest_vm_set_mmu(struct guest_vm *vm, enum guest_mmu mmu)
{
	struct kvm_ppc_mmuv3_cfg cfg = { 0 };

	switch (mmu) {
	case GUEST_MMU_DEFAULT:
		return 0;
	case GUEST_MMU_RADIX:
		/* No process table yet: the guest runs in real mode. */
		cfg.flags = KVM_PPC_MMUV3_RADIX | KVM_PPC_MMUV3_GTSE;
		cfg.process_table = 1ULL << 63;	/* PATB_GR */
		break;
	case GUEST_MMU_HASH:
		cfg.flags = 0;
		break;
	}
	if (ioctl(vm->vm_fd, KVM_PPC_CONFIGURE_V3_MMU, &cfg))
		return -errno;
	return 0;
}

int guest_vcpu_add(struct guest_vm *vm, uint64_t pc, uint64_t msr)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_PPC_PAPR };
	struct guest_vcpu *v;
	struct kvm_regs regs;
	int mmap_size;

	if (vm->nr_vcpus >= GUEST_MAX_VCPUS)
		return -ENOSPC;
	v = &vm->vcpus[vm->nr_vcpus];
	v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, vm->nr_vcpus);
	if (v->fd < 0)
		return -errno;
	vm->nr_vcpus++;

	/* KVM-HV refuses KVM_RUN on a vcpu without PAPR mode (EINVAL). */
	if (ioctl(v->fd, KVM_ENABLE_CAP, &cap))
		return -errno;
	mmap_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size <= 0)
		return -errno;
	v->run = mmap(NULL, mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		return -errno;
	}
	v->run_size = mmap_size;

	if (ioctl(v->fd, KVM_GET_REGS, &regs))
		return -errno;
	regs.pc = pc;
	regs.msr = msr;
	if (ioctl(v->fd, KVM_SET_REGS, &regs))
		return -errno;
	return vm->nr_vcpus - 1;
}

/*
 * A guest that goes wrong (a translation fault it has no handler for) can
 * spin in its interrupt vectors forever without an exit. Every KVM_RUN is
 * bounded by a per-thread timer whose signal makes KVM_RUN return EINTR,
 * so a broken guest fails its test in seconds instead of hanging it.
 */
static __thread timer_t run_timer;
static __thread bool run_timer_made;
static __thread volatile sig_atomic_t run_timer_fired;

static void run_timer_signal(int sig)
{
	(void)sig;
	run_timer_fired = 1;
}

static int run_timer_arm(long seconds)
{
	struct itimerspec its = { .it_value.tv_sec = seconds };
	struct sigevent sev = { 0 };
	struct sigaction sa = { 0 };

	if (!run_timer_made) {
		sa.sa_handler = run_timer_signal;	/* no SA_RESTART: KVM_RUN sees EINTR */
		sigaction(SIGUSR2, &sa, NULL);
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev.sigev_signo = SIGUSR2;
		sev._sigev_un._tid = syscall(SYS_gettid);
		if (timer_create(CLOCK_MONOTONIC, &sev, &run_timer))
			return -errno;
		run_timer_made = true;
	}
	run_timer_fired = 0;
	return timer_settime(run_timer, 0, &its, NULL) ? -errno : 0;
}

int guest_vcpu_run(struct guest_vm *vm, int idx)
{
	return guest_vcpu_run_for(vm, idx, GUEST_RUN_TIMEOUT_S);
}

int guest_vcpu_run_for(struct guest_vm *vm, int idx, long seconds)
{
	bool fired;
	int r;

	run_timer_arm(seconds);
	r = ioctl(vm->vcpus[idx].fd, KVM_RUN, 0) ? -errno : 0;
	fired = run_timer_fired;	/* read before disarming clears it */
	run_timer_arm(0);
	if (r == -EINTR && fired)
		return -ETIMEDOUT;
	return r;
}

int guest_run_script(struct guest_vm *vm, int idx, struct guest_exit *log,
		     int max_exits)
{
	struct kvm_run *run = vm->vcpus[idx].run;
	int n = 0, r;

	while (n < max_exits) {
		r = guest_vcpu_run(vm, idx);
		if (r == -EINTR)
			continue;
		if (r)
			return r;
		log[n].reason = run->exit_reason;
		log[n].nr = 0;
		memset(log[n].args, 0, sizeof(log[n].args));
		if (run->exit_reason != KVM_EXIT_PAPR_HCALL)
			return n + 1;
		log[n].nr = run->papr_hcall.nr;
		memcpy(log[n].args, run->papr_hcall.args, sizeof(log[n].args));
		n++;
		if (run->papr_hcall.nr == TEST_HCALL_DONE)
			return n;
		run->papr_hcall.ret = run->papr_hcall.nr == TEST_HCALL_REPORT ? 0 : -2;
		run->papr_hcall.args[0] += 1;
	}
	return n;
}

int guest_get_regs(struct guest_vm *vm, int idx, struct kvm_regs *regs)
{
	return ioctl(vm->vcpus[idx].fd, KVM_GET_REGS, regs) ? -errno : 0;
}

void guest_vm_destroy(struct guest_vm *vm)
{
	int i;

	/* The run mapping holds the vcpu file: unmap it or the VM outlives us. */
	for (i = 0; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].run)
			munmap(vm->vcpus[i].run, vm->vcpus[i].run_size);
		if (vm->vcpus[i].fd >= 0)
			close(vm->vcpus[i].fd);
	}
	vm->nr_vcpus = 0;
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->mem)
		munmap(vm->mem, vm->mem_size);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->vm_fd = vm->kvm_fd = -1;
	vm->mem = NULL;
}

const char *guest_exit_name(uint32_t reason)
{
	static char buf[32];

	switch (reason) {
	case KVM_EXIT_PAPR_HCALL: return "PAPR_HCALL";
	case KVM_EXIT_INTERNAL_ERROR: return "INTERNAL_ERROR";
	case KVM_EXIT_FAIL_ENTRY: return "FAIL_ENTRY";
	case KVM_EXIT_MMIO: return "MMIO";
	case KVM_EXIT_DEBUG: return "DEBUG";
	case KVM_EXIT_INTR: return "INTR";
	default:
		snprintf(buf, sizeof(buf), "exit_%u", reason);
		return buf;
	}
}

int guest_vm_create_done(struct guest_vm *vm, size_t mem_size)
{
	struct gasm a;
	int r;

	r = guest_vm_create(vm, mem_size);
	if (r)
		return r;
	gasm_init(&a, vm->mem + GUEST_CODE_ADDR);
	gasm_emit(&a, PPC_LI(4, 7));
	gasm_hcall(&a, TEST_HCALL_DONE);
	gasm_emit(&a, PPC_B_SELF);
	r = guest_vcpu_add(vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
	return r < 0 ? r : 0;
}

int guest_vm_run_done(struct guest_vm *vm)
{
	struct guest_exit log[4];
	int r = guest_run_script(vm, 0, log, 4);

	if (r < 0)
		return r;
	return (r == 1 && log[0].nr == TEST_HCALL_DONE && log[0].args[0] == 7) ? 0 : -EPROTO;
}
