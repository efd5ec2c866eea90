// SPDX-License-Identifier: GPL-2.0
/*
 * ibm,client-architecture-support, the module's way: the VMM passes the
 * guest's vector address to KVM_PPC_MMU_CAS; the module parses it, picks the
 * MMU and applies it (HPT sized and allocated for hash). The VMM only does
 * what is its own: the device tree the guest reads next.
 *   /chosen/ibm,architecture-vec-5   the MMU bytes the module acknowledged
 *   cpu ibm,pft-size                 the HPT the module allocated (hash)
 *   cpu ibm,pa-features              radix bit cleared for a legacy guest
 *   KVM_REG_PPC_ARCH_COMPAT          the logical PVR, if the guest needs one
 * A request this host cannot meet stops the VM with an explanation, as QEMU
 * does; booting the guest in a mode it did not ask for would be worse.
 * The other vcpus are paused meanwhile: the module switches the MMU only
 * while no other vcpu is in KVM_RUN, and their registers change here too.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include "vmm.h"

#define OV5_MMU_BYTE	24
#define OV5_GTSE_BYTE	26

static const char *status_name(uint32_t status)
{
	switch (status) {
	case KVM_PPC_MMU_CAS_ACCEPTED:		return "accepted";
	case KVM_PPC_MMU_CAS_MALFORMED:		return "malformed vector";
	case KVM_PPC_MMU_CAS_MODE_UNAVAILABLE:	return "MMU mode unavailable on this host";
	case KVM_PPC_MMU_CAS_BUSY:		return "busy";
	case KVM_PPC_MMU_CAS_NO_MEMORY:		return "no memory for the HPT";
	}
	return "unknown status";
}

static void describe_host(const struct kvm_ppc_mmu_caps *caps, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s%s%s",
		 caps->guest_modes & KVM_PPC_MMU_GUEST_RADIX ? " radix" : "",
		 caps->guest_modes & KVM_PPC_MMU_GUEST_HASH ? " hash" : "",
		 caps->guest_modes & KVM_PPC_MMU_GUEST_LEGACY ? " legacy-hash" : "",
		 caps->host_flags & KVM_PPC_MMU_HOST_NO_MIXING ?
			" (hash refused: this POWER9 cannot mix radix and hash threads)" : "",
		 caps->host_flags & KVM_PPC_MMU_HOST_PREEMPTIBLE ?
			" (hash withheld: preemptible host kernel)" : "",
		 caps->host_flags & KVM_PPC_MMU_HOST_NESTED ?
			" (nested KVM-HV: radix guests only)" : "");
}

static void explain_refusal(struct vmm *vmm, const struct kvm_ppc_mmu_cas *c)
{
	char host[256];

	describe_host(&vmm->caps, host, sizeof(host));
	fprintf(stdout, "\nvmm: CAS refused: %s", status_name(c->status));
	if (c->status == KVM_PPC_MMU_CAS_MALFORMED)
		fprintf(stdout, " (reason %u)", c->reason);
	fprintf(stdout, "; this host offers:%s\n", host);
	fprintf(stdout, "vmm: stopping the VM, as QEMU does: the guest cannot run as it asked\n");
}

static int negotiate(struct vmm *vmm, uint64_t vec_gpa, uint32_t *ret)
{
	struct kvm_ppc_mmu_cas c;
	uint8_t vec5[OV5_GTSE_BYTE + 1] = { 0 };
	unsigned int tries = 0;

	/*
	 * Busy: the module cannot switch the VM's MMU now (the VMM's own dirty
	 * logging, a live copy's, is on). The other vcpus are paused, so it
	 * passes once that ends: wait and ask again.
	 */
	do {
		c = (struct kvm_ppc_mmu_cas){ .vec_addr = vec_gpa };
		if (ioctl(vmm->vm_fd, KVM_PPC_MMU_CAS, &c)) {
			fprintf(stderr, "vmm: KVM_PPC_MMU_CAS: %s\n", strerror(errno));
			return -1;
		}
	} while (c.status == KVM_PPC_MMU_CAS_BUSY && !vmm_retry_busy(vmm, "CAS", &tries));
	if (tries)
		printf("\nvmm: CAS %s after %u busy answers\n",
		       c.status == KVM_PPC_MMU_CAS_BUSY ? "gave up" : "went through", tries);
	if (c.status != KVM_PPC_MMU_CAS_ACCEPTED) {
		explain_refusal(vmm, &c);
		vmm_stop(vmm, VMM_EXIT_CAS_REFUSED);
		*ret = (uint32_t)c.hcall_ret;
		return 0;
	}
	vmm->cas = c;
	vmm->cas_done = true;
	printf("\nvmm: CAS: the module chose %s%s%s, HPT order %u, compat PVR 0x%x\n",
	       c.mode == KVM_PPC_MMU_MODE_RADIX ? "radix" : "hash",
	       c.out_flags & KVM_PPC_MMU_CAS_OUT_GTSE ? " with GTSE" : "",
	       c.out_flags & KVM_PPC_MMU_CAS_OUT_LEGACY ? " for a legacy (pre-ISA 3.00) guest" : "",
	       c.hpt_order, c.compat_pvr);

	/* Property layout as QEMU writes it: byte 0 = length - 1, then OV5 bytes 1..n. */
	vec5[0] = sizeof(vec5) - 1;
	vec5[OV5_MMU_BYTE] = c.ov5_ack_byte24;
	vec5[OV5_GTSE_BYTE] = c.ov5_ack_byte26;
	dt_set_prop(vmm->chosen, "ibm,architecture-vec-5", vec5, sizeof(vec5));
	platform_set_hpt_order(vmm, c.hpt_order);
	if (c.out_flags & KVM_PPC_MMU_CAS_OUT_LEGACY) {
		platform_hide_radix(vmm);
		printf("vmm: legacy guest: radix bit cleared in ibm,pa-features\n");
	}
	if (c.compat_pvr) {
		uint32_t compat = c.compat_pvr;
		int i;

		if (one_reg_set_all(vmm, KVM_REG_PPC_ARCH_COMPAT, &compat))
			fprintf(stderr, "vmm: ARCH_COMPAT 0x%x: %s\n", compat, strerror(errno));
		for (i = 0; i < vmm->nr_vcpus; i++)
			dt_set_u32(vmm->vcpu[i].node, "cpu-version", compat);
	}
	*ret = 0;
	return 0;
}

int cas_negotiate(struct vcpu *caller, uint64_t vec_gpa, uint32_t *ret)
{
	int r;

	if (vcpus_pause_others(caller))
		return -1;
	r = negotiate(caller->vmm, vec_gpa, ret);
	vcpus_resume_others(caller);
	return r;
}
