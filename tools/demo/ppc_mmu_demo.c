// SPDX-License-Identifier: GPL-2.0
/*
 * The demo the README's main command runs inside the emulated POWER9 host:
 * load kvm-ppc-mmu, ask it what this host can give guests, then boot small
 * guests through the module's paths the way a pseries guest boots: CAS with
 * a Linux 6.1 ibm,architecture-vec in guest RAM (negotiated in the kernel),
 * process-table registration (answered in the kernel), translation on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm_ppc_mmu.h>

#include "ppcmmu/cas_vectors.h"
#include "ppcmmu/guest.h"
#include "ppcmmu/mmu_guest.h"
#include "ppcmmu/module_ctl.h"
#include "ppcmmu/ppcmmu.h"

#define VEC_ADDR	0x400000ULL

static void print_caps(const struct kvm_ppc_mmu_caps *c)
{
	unsigned int i;

	printf("demo: kvm-ppc-mmu ABI %u on PVR %#x\n", c->abi_version, c->pvr);
	printf("demo: host: %s MMU%s%s%s\n",
	       c->host_flags & KVM_PPC_MMU_HOST_RADIX ? "radix" : "hash",
	       c->host_flags & KVM_PPC_MMU_HOST_NESTED ? ", nested hypervisor" : "",
	       c->host_flags & KVM_PPC_MMU_HOST_NO_MIXING ?
	       ", POWER9 < DD2.2: cannot mix hash and radix guests" : "",
	       c->host_flags & KVM_PPC_MMU_HOST_PREEMPTIBLE ?
	       ", preemptible kernel: hash guests withheld" :
	       c->host_flags & KVM_PPC_MMU_HOST_KVM_HV_PREEMPT_SAFE ?
	       ", preemptible kernel, kvm-hv fixed: hash guests safe" : "");
	printf("demo: guests this host can run: %s%s%s%s\n",
	       c->guest_modes & KVM_PPC_MMU_GUEST_RADIX ? "radix " : "",
	       c->guest_modes & KVM_PPC_MMU_GUEST_HASH ? "hash " : "",
	       c->guest_modes & KVM_PPC_MMU_GUEST_LEGACY ? "legacy(pre-ISA-3.00) " : "",
	       c->guest_modes & KVM_PPC_MMU_GUEST_CAS_SWITCH ? "(choice at CAS)" : "");
	for (i = 0; i < c->nr_ap_encodings; i++)
		printf("demo: ibm,processor-radix-AP-encodings[%u] = %#010x (%u KiB pages)\n",
		       i, c->ap_encodings[i], (1u << (c->ap_encodings[i] & 0x3f)) >> 10);
}

/* Boot a guest whose OV5 byte 24 is @byte24 through CAS in the kernel. */
static int boot_guest(const char *name, uint8_t byte24)
{
	struct kvm_ppc_mmu_state st;
	struct kvm_ppc_mmu_cas cas;
	struct mmu_guest_result res;
	struct guest_vm vm;
	struct kvm_run *run;
	int r;

	r = guest_vm_create(&vm, 64UL << 20);
	r = r ? r : ppcmmu_enable(vm.vm_fd, KVM_PPC_MMU_FEAT_ALL);
	if (r) {
		printf("demo: %s guest: VM set-up failed: %s\n", name, strerror(-r));
		return 1;
	}
	*(uint64_t *)(vm.mem + MMU_GUEST_PAGE_B) = 0xfeedc0de;
	cas_vec_linux61(vm.mem + VEC_ADDR, byte24, 0x40);
	mmu_guest_cas_program(&vm, VEC_ADDR);
	r = guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
	run = vm.vcpus[0].run;
	r = r < 0 ? r : guest_vcpu_run(&vm, 0);		/* stops at the guest's CAS */
	memset(&cas, 0, sizeof(cas));
	r = r ? r : (ioctl(vm.vm_fd, KVM_PPC_MMU_GET_CAS, &cas) ? -errno : 0);
	if (r) {
		printf("demo: %s guest: no CAS outcome: %s\n", name, strerror(-r));
		guest_vm_destroy(&vm);
		return 1;
	}
	printf("demo: %s guest: CAS (OV5 byte 24 = 0x%02x) negotiated in the kernel: %s%s%s, HPT order %u\n",
	       name, byte24,
	       cas.status == KVM_PPC_MMU_CAS_MODE_UNAVAILABLE ? "refused, this host cannot run it" :
	       cas.status ? "refused" : cas.mode ? "radix" : "hash",
	       cas.out_flags & KVM_PPC_MMU_CAS_OUT_GTSE ? " with GTSE" : "",
	       cas.out_flags & KVM_PPC_MMU_CAS_OUT_LEGACY ? " (legacy)" : "", cas.hpt_order);
	run->papr_hcall.ret = cas.status ? (uint64_t)cas.hcall_ret : 0;	/* the VMM's reply */
	run->papr_hcall.args[0] = cas.mode;
	run->papr_hcall.args[1] = !!(cas.out_flags & KVM_PPC_MMU_CAS_OUT_LEGACY);
	mmu_guest_run(&vm, 0, &res);
	ppcmmu_get_state(vm.vm_fd, &st);
	if (res.saw_translated && res.value_read == 0xfeedc0de)
		printf("demo: %s guest: registered its %s in the kernel, turned translation on (MSR %#llx), read %#llx through EA %#llx\n",
		       name, st.mode ? "radix process table" : "hash MMU",
		       (unsigned long long)res.msr, (unsigned long long)res.value_read,
		       MMU_GUEST_EA_B);
	else
		printf("demo: %s guest: stopped cleanly after the refusal (CAS answer %lld)\n", name,
		       (long long)res.cas_rc);
	guest_vm_destroy(&vm);
	return !(res.saw_translated || cas.status);
}

int main(void)
{
	struct kvm_ppc_mmu_caps caps;
	struct guest_vm vm;
	int r, bad = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	r = ppcmmu_ensure_loaded();
	printf("demo: load kvm-ppc-mmu -> %s\n", r ? strerror(-r) : "ok");
	if (r || guest_vm_create(&vm, 16 << 20))
		return 1;
	r = ppcmmu_get_caps(vm.vm_fd, &caps);
	guest_vm_destroy(&vm);
	if (r) {
		printf("demo: KVM_PPC_MMU_GET_CAPS failed: %s\n", strerror(-r));
		return 1;
	}
	print_caps(&caps);
	bad |= boot_guest("radix-preferring", 0x40);
	bad |= boot_guest("hash-only (disable_radix)", 0x00);
	return bad;
}
