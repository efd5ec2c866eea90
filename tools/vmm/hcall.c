// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercalls KVM-HV passes up to the VMM (KVM_EXIT_PAPR_HCALL). KVM-HV and
 * kvm-ppc-mmu answer the MMU ones (H_ENTER..., H_REGISTER_PROC_TBL) in the
 * kernel; what arrives here is dispatched to the file that owns it: the
 * console (console.c), RTAS (rtas.c), the Open Firmware client interface
 * (of_client.c); only H_SET_MODE is answered here. The interrupt
 * controller's hypercalls never come here: KVM's XICS answers them (xics.c). On
 * return KVM puts .ret in r3 and .args[] in r4..r12, so outputs go back
 * through args.
 */
#include <stdio.h>

#include "vmm.h"

#define H_GET_TERM_CHAR		0x54
#define H_PUT_TERM_CHAR		0x58
#define H_SET_MODE		0x31c
#define H_RTAS			0xf000
#define KVMPPC_H_VOF_CLIENT	0xf005

#define H_SET_MODE_RESOURCE_LE	4
#define LPCR_ILE		(1ULL << 25)

/*
 * Only the interrupt endianness is the VMM's (LPCR[ILE]); Linux LE needs it.
 * It is partition-wide: every vcpu's LPCR, so the others are paused (one
 * inside KVM_RUN cannot have its registers set).
 */
static long set_mode(struct vcpu *caller, uint64_t *args)
{
	uint64_t mflags = args[0], resource = args[1];
	int r;

	if (resource != H_SET_MODE_RESOURCE_LE)
		return PPCMMU_H_P2;
	if (args[2] || args[3])
		return PPCMMU_H_P3;
	if (mflags > 1)
		return PPCMMU_H_UNSUPPORTED_FLAG;
	if (vcpus_pause_others(caller))
		return PPCMMU_H_HARDWARE;	/* the VM is stopping: nobody reads it */
	r = lpcr_update(caller->vmm, LPCR_ILE, mflags ? LPCR_ILE : 0);
	vcpus_resume_others(caller);
	return r ? PPCMMU_H_HARDWARE : PPCMMU_H_SUCCESS;
}

void hcall_exit(struct vcpu *vcpu)
{
	struct vmm *vmm = vcpu->vmm;
	uint64_t nr = vcpu->run->papr_hcall.nr, *args = vcpu->run->papr_hcall.args;
	static uint64_t reported[16];
	static int nr_reported;
	long ret;
	int i;

	switch (nr) {
	case H_PUT_TERM_CHAR:
		ret = console_put_term_char(&vmm->con, args);
		break;
	case H_GET_TERM_CHAR:
		ret = console_get_term_char(args);
		break;
	case H_SET_MODE:
		ret = set_mode(vcpu, args);
		break;
	case H_RTAS:
		ret = rtas_call(vcpu, args[0]);
		break;
	case KVMPPC_H_VOF_CLIENT:
		ret = of_client_call(vcpu, args[0]);
		break;
	default:
		ret = PPCMMU_H_FUNCTION;
		for (i = 0; i < nr_reported && reported[i] != nr; i++)
			;
		if (i == nr_reported && nr_reported < 16) {
			reported[nr_reported++] = nr;
			fprintf(stderr, "vmm: hypercall 0x%llx not implemented (PPCMMU_H_FUNCTION)\n",
				(unsigned long long)nr);
		}
		break;
	}
	vcpu->run->papr_hcall.ret = ret;
	/* A panicked guest never powers off: stop it rather than wait for a timeout. */
	if (vmm->con.panicked)
		vmm_stop(vmm, VMM_EXIT_GUEST_DIED);
}
