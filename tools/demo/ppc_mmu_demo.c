// SPDX-License-Identifier: GPL-2.0
/*
 * The demo the README's main command runs inside the emulated POWER9 host:
 * load kvm-ppc-mmu, ask it what this host can give guests, and run a tiny
 * guest in each MMU mode the host allows, printing what happened.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm_ppc_mmu.h>

#include "lib/guest.h"
#include "lib/guest_asm.h"
#include "lib/module_ctl.h"

static void print_caps(const struct kvm_ppc_mmu_caps *c)
{
	unsigned int i;

	printf("demo: kvm-ppc-mmu ABI %u on PVR %#x\n", c->abi_version, c->pvr);
	printf("demo: host: %s MMU%s%s\n",
	       c->host_flags & KVM_PPC_MMU_HOST_RADIX ? "radix" : "hash",
	       c->host_flags & KVM_PPC_MMU_HOST_NESTED ? ", nested hypervisor" : "",
	       c->host_flags & KVM_PPC_MMU_HOST_NO_MIXING ?
	       ", POWER9 < DD2.2: cannot mix hash and radix guests" : "");
	printf("demo: guests this host can run: %s%s%s%s\n",
	       c->guest_modes & KVM_PPC_MMU_GUEST_RADIX ? "radix " : "",
	       c->guest_modes & KVM_PPC_MMU_GUEST_HASH ? "hash " : "",
	       c->guest_modes & KVM_PPC_MMU_GUEST_LEGACY ? "legacy(pre-ISA-3.00) " : "",
	       c->guest_modes & KVM_PPC_MMU_GUEST_CAS_SWITCH ? "(choice at CAS)" : "");
	for (i = 0; i < c->nr_ap_encodings; i++)
		printf("demo: ibm,processor-radix-AP-encodings[%u] = %#010x (%u KiB pages)\n",
		       i, c->ap_encodings[i], (1u << (c->ap_encodings[i] & 0x3f)) >> 10);
}

static void run_guest(const char *name, enum guest_mmu mmu)
{
	struct guest_exit log[4];
	struct guest_vm vm;
	struct gasm a;
	int r;

	r = guest_vm_create(&vm, 16 << 20);
	if (r) {
		printf("demo: %s guest: create failed: %s\n", name, strerror(-r));
		return;
	}
	gasm_init(&a, vm.mem + GUEST_CODE_ADDR);
	gasm_emit(&a, PPC_LI(4, 0x1234));
	gasm_hcall(&a, TEST_HCALL_DONE);
	gasm_emit(&a, PPC_B_SELF);
	r = guest_vm_set_mmu(&vm, mmu);
	r = r ? r : guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
	r = r < 0 ? r : guest_run_script(&vm, 0, log, 4);
	if (r == 1 && log[0].nr == TEST_HCALL_DONE && log[0].args[0] == 0x1234)
		printf("demo: %s guest ran under KVM-HV and made hypercall %#llx(r4=%#llx)\n",
		       name, (unsigned long long)log[0].nr, (unsigned long long)log[0].args[0]);
	else
		printf("demo: %s guest FAILED (r=%d)\n", name, r);
	guest_vm_destroy(&vm);
}

int main(void)
{
	struct kvm_ppc_mmu_caps caps;
	struct guest_vm vm;
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	r = ppcmmu_ensure_loaded();
	printf("demo: load kvm-ppc-mmu -> %s\n", r ? strerror(-r) : "ok");
	if (r || guest_vm_create(&vm, 16 << 20))
		return 1;
	memset(&caps, 0, sizeof(caps));
	r = ioctl(vm.vm_fd, KVM_PPC_MMU_GET_CAPS, &caps);
	guest_vm_destroy(&vm);
	if (r) {
		printf("demo: KVM_PPC_MMU_GET_CAPS failed: %s\n", strerror(errno));
		return 1;
	}
	print_caps(&caps);
	if (caps.guest_modes & KVM_PPC_MMU_GUEST_RADIX)
		run_guest("radix", GUEST_MMU_RADIX);
	if (caps.guest_modes & KVM_PPC_MMU_GUEST_HASH)
		run_guest("hash", GUEST_MMU_HASH);
	return 0;
}
