// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercalls KVM-HV passes up to the VMM (KVM_EXIT_PAPR_HCALL). KVM-HV and
 * kvm-ppc-mmu answer the MMU ones (H_ENTER..., H_REGISTER_PROC_TBL) in the
 * kernel; what arrives here is the console, H_SET_MODE, RTAS, and the Open
 * Firmware client interface. On return KVM puts .ret in r3 and .args[] in
 * r4..r12, so outputs go back through args.
 */
#include <stdio.h>
#include <unistd.h>

#include "vmm.h"

#define H_GET_TERM_CHAR		0x54
#define H_PUT_TERM_CHAR		0x58
#define H_SET_MODE		0x31c
#define H_RTAS			0xf000
#define KVMPPC_H_VOF_CLIENT	0xf005

#define H_SET_MODE_RESOURCE_LE	4
#define LPCR_ILE		(1ULL << 25)

/*
 * Console output goes to stdout as it comes. Complete lines are also
 * watched for the snapshot trigger, and for a guest kernel panic: a panicked
 * guest never powers off, so the VMM stops it rather than wait for a timeout.
 */
static void console_line(struct vmm *vmm, const char *line)
{
	if (vmm->opt.snapshot_after && !vmm->snapshot_done &&
	    strstr(line, vmm->opt.snapshot_after))
		vmm->snapshot_due = true;
	if (strstr(line, "Kernel panic - not syncing")) {
		printf("\nvmm: the guest kernel panicked; stopping it\n");
		vmm->stop = true;
		vmm->exit_code = VMM_EXIT_GUEST_DIED;
	}
}

void console_write(struct vmm *vmm, const char *buf, size_t len)
{
	size_t i;

	fwrite(buf, 1, len, stdout);
	fflush(stdout);
	for (i = 0; i < len; i++) {
		if (buf[i] == '\n' || vmm->line_len == sizeof(vmm->line) - 1) {
			vmm->line[vmm->line_len] = '\0';
			console_line(vmm, vmm->line);
			vmm->line_len = 0;
		} else if (buf[i] != '\r') {
			vmm->line[vmm->line_len++] = buf[i];
		}
	}
}

/* H_PUT_TERM_CHAR: r4 terminal, r5 length (<= 16), r6-r7 the bytes, first byte highest. */
static long put_term_char(struct vmm *vmm, uint64_t *args)
{
	uint64_t len = args[1];
	char buf[16];
	unsigned int i;

	if (len > 16)
		return PPCMMU_H_PARAMETER;
	for (i = 0; i < len; i++)
		buf[i] = args[2 + i / 8] >> (56 - 8 * (i % 8));
	console_write(vmm, buf, len);
	return PPCMMU_H_SUCCESS;
}

static long get_term_char(uint64_t *args)
{
	args[0] = 0;	/* no input: the console is output-only */
	args[1] = args[2] = 0;
	return PPCMMU_H_SUCCESS;
}

/* Only the interrupt endianness is the VMM's (LPCR[ILE]); Linux LE needs it. */
static long set_mode(struct vmm *vmm, uint64_t *args)
{
	uint64_t mflags = args[0], resource = args[1];

	if (resource != H_SET_MODE_RESOURCE_LE)
		return PPCMMU_H_P2;
	if (args[2] || args[3])
		return PPCMMU_H_P3;
	if (mflags > 1)
		return PPCMMU_H_UNSUPPORTED_FLAG;
	if (lpcr_update(vmm, LPCR_ILE, mflags ? LPCR_ILE : 0))
		return PPCMMU_H_HARDWARE;
	return PPCMMU_H_SUCCESS;
}

void hcall_exit(struct vmm *vmm)
{
	uint64_t nr = vmm->run->papr_hcall.nr, *args = vmm->run->papr_hcall.args;
	static uint64_t reported[16];
	static int nr_reported;
	long ret;
	int i;

	switch (nr) {
	case H_PUT_TERM_CHAR:
		ret = put_term_char(vmm, args);
		break;
	case H_GET_TERM_CHAR:
		ret = get_term_char(args);
		break;
	case H_SET_MODE:
		ret = set_mode(vmm, args);
		break;
	case H_RTAS:
		ret = rtas_call(vmm, args[0]);
		break;
	case KVMPPC_H_VOF_CLIENT:
		ret = of_client_call(vmm, args[0]);
		break;
	case H_EOI:
	case H_IPI:
	case H_IPOLL:
	case H_XIRR:
	case H_CPPR:
	case H_XIRR_X:
		ret = icp_hcall(nr, args);
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
	vmm->run->papr_hcall.ret = ret;
}
