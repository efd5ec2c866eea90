// SPDX-License-Identifier: GPL-2.0
/*
 * Tiny real guests under KVM-HV, with and without the module: the module
 * must be invisible to a VM that does not opt in. The same guest runs in
 * each MMU mode the host allows, first on plain KVM-HV, then with the module
 * loaded, and every exit, argument and final register must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/ktap.h"
#include "ppcmmu/guest.h"
#include "ppcmmu/guest_asm.h"
#include "ppcmmu/module_ctl.h"
#include "ppcmmu/ppcmmu.h"

#define GUEST_MEM	(64UL << 20)
#define MAX_EXITS	8
#define NR_TESTS	16

/*
 * KVM-HV answers H_SET_DABR in the kernel: H_HARDWARE on a CPU without a
 * working DAWR (POWER9 unless dawr_force_enable), H_SUCCESS on ISA 3.1
 * (POWER10's DAWR works: CPU_FTR_DAWR). That the call never left the
 * kernel is proven by the log: it holds no exit for it.
 */
#define H_HARDWARE_RC	((uint64_t)-1)
#define H_SUCCESS_RC	0

static uint64_t expected_set_dabr_rc(void)
{
	return (getauxval(AT_HWCAP2) & PPC_FEATURE2_ARCH_3_1) ? H_SUCCESS_RC : H_HARDWARE_RC;
}

struct run_result {
	int n;				/* exits logged, or -errno */
	struct guest_exit log[MAX_EXITS];
	struct kvm_regs regs;
};

/*
 * r4 = 0x42, REPORT (the test answers r4 += 1)
 * r5 = r4 + 0x100                -> 0x143: the answer reached the guest
 * H_SET_DABR(0), in the kernel   -> r6 = its return code (see above)
 * REPORT(r4 = r5, r5 = r6, r6 = r6)
 * DONE (r4 = 0x144)
 */
static void write_hello_guest(uint8_t *mem)
{
	struct gasm a;

	gasm_init(&a, mem + GUEST_CODE_ADDR);
	gasm_emit(&a, PPC_LI(4, 0x42));
	gasm_hcall(&a, TEST_HCALL_REPORT);
	gasm_emit(&a, PPC_ADDI(5, 4, 0x100));
	gasm_emit(&a, PPC_LI(4, 0));
	gasm_hcall(&a, H_SET_DABR);
	gasm_emit(&a, PPC_MR(6, 3));
	gasm_emit(&a, PPC_MR(4, 5));
	gasm_emit(&a, PPC_MR(5, 6));
	gasm_hcall(&a, TEST_HCALL_REPORT);
	gasm_hcall(&a, TEST_HCALL_DONE);
	gasm_emit(&a, PPC_B_SELF);
}

static int hello_log_ok(const struct run_result *r)
{
	const struct guest_exit *l = r->log;

	return r->n == 3 &&
	       l[0].reason == KVM_EXIT_PAPR_HCALL && l[0].nr == TEST_HCALL_REPORT &&
	       l[0].args[0] == 0x42 &&
	       l[1].nr == TEST_HCALL_REPORT && l[1].args[0] == 0x143 &&
	       l[1].args[1] == expected_set_dabr_rc() &&
	       l[2].nr == TEST_HCALL_DONE && l[2].args[0] == 0x144;
}

static void run_hello(enum guest_mmu mmu, struct run_result *res)
{
	struct guest_vm vm;
	int r;

	memset(res, 0, sizeof(*res));
	r = guest_vm_create(&vm, GUEST_MEM);
	if (r) {
		res->n = r;
		return;
	}
	write_hello_guest(vm.mem);
	r = guest_vm_set_mmu(&vm, mmu);
	if (!r) {
		r = guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
		r = r < 0 ? r : 0;
	}
	if (!r)
		r = guest_run_script(&vm, 0, res->log, MAX_EXITS);
	if (r >= 0 && guest_get_regs(&vm, 0, &res->regs))
		r = -EIO;
	res->n = r;
	guest_vm_destroy(&vm);
}

static void describe(const char *what, const struct run_result *r)
{
	int i;

	ktap_info("%s: %d exits, pc %#llx msr %#llx", what, r->n,
		  (unsigned long long)r->regs.pc, (unsigned long long)r->regs.msr);
	for (i = 0; i < r->n && i < MAX_EXITS; i++)
		ktap_info("  %s nr %#llx args %#llx %#llx %#llx",
			  guest_exit_name(r->log[i].reason), (unsigned long long)r->log[i].nr,
			  (unsigned long long)r->log[i].args[0],
			  (unsigned long long)r->log[i].args[1],
			  (unsigned long long)r->log[i].args[2]);
}

static int same_run(const struct run_result *a, const struct run_result *b)
{
	return a->n == b->n && !memcmp(a->log, b->log, sizeof(a->log)) &&
	       a->regs.pc == b->regs.pc && a->regs.msr == b->regs.msr &&
	       !memcmp(a->regs.gpr, b->regs.gpr, sizeof(a->regs.gpr));
}

/* 5 results */
static void test_mode(const char *name, enum guest_mmu mmu, long cap)
{
	struct run_result plain, hooked;
	int kvm = open("/dev/kvm", O_RDWR);
	int avail = kvm >= 0 && ioctl(kvm, KVM_CHECK_EXTENSION, cap) > 0;
	char why[96];

	if (kvm >= 0)
		close(kvm);
	if (!avail) {
		snprintf(why, sizeof(why), "host cannot run %s guests (KVM capability is 0)", name);
		ktap_skip_n(5, why, name);
		return;
	}

	ktap_result(ppcmmu_ensure_unloaded() == 0, "%s: module unloaded", name);
	run_hello(mmu, &plain);
	describe("plain KVM-HV", &plain);
	ktap_result(hello_log_ok(&plain), "%s guest on plain KVM-HV: hcalls round-trip", name);

	ktap_result(ppcmmu_ensure_loaded() == 0, "%s: module loaded", name);
	run_hello(mmu, &hooked);
	describe("with kvm-ppc-mmu", &hooked);
	ktap_result(hello_log_ok(&hooked), "%s guest with module: hcalls round-trip", name);
	ktap_result(same_run(&plain, &hooked),
		    "%s guest: every exit, argument and register identical with and without module",
		    name);
}

/*
 * A VM that is already running when the module loads keeps running through
 * it, stays an HV VM for KVM, and from then on pins the module. 4 results.
 */
static void test_vm_across_load(void)
{
	struct guest_exit log[MAX_EXITS];
	struct guest_vm vm;
	struct gasm a;
	int r;

	ppcmmu_ensure_unloaded();
	r = guest_vm_create(&vm, GUEST_MEM);
	if (r) {
		ktap_result(0, "VM across load: create (r=%d)", r);
		ktap_skip_n(3, "no VM", "VM across load");
		return;
	}
	gasm_init(&a, vm.mem + GUEST_CODE_ADDR);
	gasm_emit(&a, PPC_LI(4, 1));
	gasm_hcall(&a, TEST_HCALL_REPORT);	/* before load */
	gasm_hcall(&a, TEST_HCALL_REPORT);	/* after load: r4 = 2 */
	gasm_hcall(&a, TEST_HCALL_DONE);	/* r4 = 3 */
	gasm_emit(&a, PPC_B_SELF);
	r = guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
	r = r < 0 ? r : guest_run_script(&vm, 0, log, 1);
	ktap_result(r == 1 && log[0].nr == TEST_HCALL_REPORT && log[0].args[0] == 1,
		    "VM runs before the module loads (r=%d)", r);

	r = ppcmmu_ensure_loaded();
	r = r ? r : guest_run_script(&vm, 0, log, MAX_EXITS);
	ktap_result(r == 2 && log[0].nr == TEST_HCALL_REPORT && log[0].args[0] == 2 &&
		    log[1].nr == TEST_HCALL_DONE && log[1].args[0] == 3,
		    "same VM continues after the module loads (r=%d)", r);
	ktap_result(ioctl(vm.vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_PPC_GET_PVINFO) == 0,
		    "it is still an HV VM for KVM");
	r = module_unload(PPCMMU_MODNAME);
	ktap_result(r == -EWOULDBLOCK, "and it pins the module (unload r=%d)", r);
	guest_vm_destroy(&vm);
}

/*
 * A guest that spins without ever exiting must not trap its VMM: a signal
 * ends KVM_RUN (EINTR) on plain KVM-HV and through the module's run loop
 * alike. This is also what bounds every other test's runs. 2 results.
 */
static void test_spinning_guest(void)
{
	struct guest_vm vm;
	struct gasm a;
	int opted, r;

	for (opted = 0; opted <= 1; opted++) {
		r = ppcmmu_ensure_loaded();
		r = r ? r : guest_vm_create(&vm, GUEST_MEM);
		if (r) {
			ktap_result(0, "spinning guest: VM (r=%d)", r);
			continue;
		}
		if (opted)
			r = ppcmmu_enable(vm.vm_fd, KVM_PPC_MMU_FEAT_ALL);
		gasm_init(&a, vm.mem + GUEST_CODE_ADDR);
		gasm_emit(&a, PPC_B_SELF);
		if (!r && guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL) < 0)
			r = -EIO;
		r = r ? r : guest_vcpu_run_for(&vm, 0, 2);
		ktap_result(r == -ETIMEDOUT, "guest spinning in '%s' VM: KVM_RUN ends on a signal (r=%d)",
			    opted ? "opted-in" : "plain", r);
		guest_vm_destroy(&vm);
	}
}

int main(void)
{
	ktap_start(NR_TESTS);
	if (!ppcmmu_ko_path() && !module_is_loaded(PPCMMU_MODNAME)) {
		ktap_skip_n(NR_TESTS, "kvm-ppc-mmu not available", "guest");
		ktap_finish();
	}
	test_mode("radix", GUEST_MMU_RADIX, KVM_CAP_PPC_MMU_RADIX);
	test_mode("hash", GUEST_MMU_HASH, KVM_CAP_PPC_MMU_HASH_V3);
	test_vm_across_load();
	test_spinning_guest();
	ktap_finish();
}
