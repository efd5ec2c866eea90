// SPDX-License-Identifier: GPL-2.0
/*
 * Save the running VM and continue it in a freshly created one, as a
 * migration or a snapshot restore would: guest RAM copied to new memory,
 * vcpu registers (KVM_GET_REGS/SREGS and every ONE_REG KVM-HV answers), the
 * MMU state through kvm-ppc-mmu (GET_STATE -> SET_STATE: radix process table
 * or hash HPT order), and for hash guests the HPT contents through KVM's
 * HTAB fd (tools/lib/ppcmmu/htab_stream.c, shared with the selftests). The
 * old VM is destroyed before the new one runs, so nothing of it can keep
 * the guest alive by accident.
 *
 * It runs with every vcpu out of KVM_RUN and no hypercall answer pending in
 * any (cpus.c), so the registers read are the ones the guest would resume
 * with; each vcpu's started/stopped state and its interrupt-controller state
 * (KVM_REG_PPC_ICP_STATE) go across too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "snapshot.h"
#include "ppcmmu/htab_stream.h"	/* tools/lib/ppcmmu: shared with the selftests */

#define ONE_REG(sz, n)	(KVM_REG_PPC | KVM_REG_SIZE_##sz | (n))

/*
 * KVM-HV's ONE_REG registers for a POWER9 guest, in restore order: the
 * compatibility level and LPCR first, the VPA before its SLB shadow and DTL,
 * the decrementer last. Registers this KVM does not know (EINVAL on get)
 * are skipped; any other failure fails the snapshot.
 */
static const uint64_t one_regs[] = {
	KVM_REG_PPC_ARCH_COMPAT, KVM_REG_PPC_LPCR_64, KVM_REG_PPC_TB_OFFSET,
	KVM_REG_PPC_DABR, KVM_REG_PPC_DABRX, KVM_REG_PPC_DSCR, KVM_REG_PPC_PURR,
	KVM_REG_PPC_SPURR, KVM_REG_PPC_DAR, KVM_REG_PPC_DSISR, KVM_REG_PPC_AMR,
	KVM_REG_PPC_UAMOR, KVM_REG_PPC_IAMR, KVM_REG_PPC_MMCR0, KVM_REG_PPC_MMCR1,
	KVM_REG_PPC_MMCRA, KVM_REG_PPC_MMCR2, KVM_REG_PPC_MMCRS, KVM_REG_PPC_SIAR,
	KVM_REG_PPC_SDAR, KVM_REG_PPC_SIER, KVM_REG_PPC_PMC1, KVM_REG_PPC_PMC2,
	KVM_REG_PPC_PMC3, KVM_REG_PPC_PMC4, KVM_REG_PPC_PMC5, KVM_REG_PPC_PMC6,
	KVM_REG_PPC_PMC7, KVM_REG_PPC_PMC8, KVM_REG_PPC_FPSCR, KVM_REG_PPC_VSCR,
	KVM_REG_PPC_VRSAVE, KVM_REG_PPC_FSCR, KVM_REG_PPC_PSPB, KVM_REG_PPC_EBBHR,
	KVM_REG_PPC_EBBRR, KVM_REG_PPC_BESCR, KVM_REG_PPC_TAR, KVM_REG_PPC_DPDES,
	KVM_REG_PPC_DAWR, KVM_REG_PPC_DAWRX, KVM_REG_PPC_CIABR, KVM_REG_PPC_IC,
	KVM_REG_PPC_VTB, KVM_REG_PPC_CSIGR, KVM_REG_PPC_TACR, KVM_REG_PPC_TCSCR,
	KVM_REG_PPC_PID, KVM_REG_PPC_ACOP, KVM_REG_PPC_PPR, KVM_REG_PPC_WORT,
	KVM_REG_PPC_SPRG9, KVM_REG_PPC_TIDR, KVM_REG_PPC_PSSCR, KVM_REG_PPC_ONLINE,
	KVM_REG_PPC_VPA_ADDR, KVM_REG_PPC_VPA_SLB, KVM_REG_PPC_VPA_DTL,
};

#define NR_VEC_REGS	64	/* VSR0-31 (FPRs inside), VR0-31 */
_Static_assert(ARRAY_SIZE(one_regs) + NR_VEC_REGS + 2 <= SNAPSHOT_MAX_REGS,	/* + DEC, ICP */
	       "snapshot.h's room for registers");

static int save_reg(struct vcpu *vcpu, struct vcpu_image *img, uint64_t id)
{
	struct saved_reg *r = &img->reg[img->nr_regs];

	if (one_reg_get(vcpu->fd, id, r->val)) {
		if (errno == EINVAL)
			return 0;	/* not a register of this KVM */
		fprintf(stderr, "vmm: snapshot: get reg 0x%llx: %s\n", (unsigned long long)id,
			strerror(errno));
		return -1;
	}
	r->id = id;
	img->nr_regs++;
	return 0;
}

static int save_htab(struct vmm *vmm, struct vm_image *img)
{
	size_t cap = htab_stream_max_bytes(img->mmu.hpt_order);
	ssize_t n;

	img->htab = malloc(cap);
	if (!img->htab) {
		perror("vmm: snapshot: HTAB");
		return -1;
	}
	n = htab_stream_read(vmm->vm_fd, img->htab, cap);
	if (n < 0) {
		fprintf(stderr, "vmm: snapshot: HTAB read: %s\n", strerror(-n));
		return -1;
	}
	img->htab_len = n;
	return 0;
}

bool snapshot_reg_known(uint64_t id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(one_regs); i++)
		if (one_regs[i] == id)
			return true;
	return (id >= KVM_REG_PPC_VSR0 && id < KVM_REG_PPC_VSR0 + 32) ||
	       (id >= KVM_REG_PPC_VR0 && id < KVM_REG_PPC_VR0 + 32) || id == KVM_REG_PPC_DEC_EXPIRY ||
	       id == KVM_REG_PPC_ICP_STATE;
}

struct vcpu_image *vcpu_image_alloc(void)
{
	return calloc(1, sizeof(struct vcpu_image));
}

/* The vcpu must be parked (vcpu_sync.c). */
int vcpu_image_save(struct vcpu *vcpu, struct vcpu_image *img)
{
	unsigned int i;

	img->nr_regs = 0;
	if (ioctl(vcpu->fd, KVM_GET_REGS, &img->regs) ||
	    ioctl(vcpu->fd, KVM_GET_SREGS, &img->sregs)) {
		perror("vmm: save vcpu registers");
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(one_regs); i++)
		if (save_reg(vcpu, img, one_regs[i]))
			return -1;
	for (i = 0; i < 32; i++)
		if (save_reg(vcpu, img, KVM_REG_PPC_VSR0 + i) || save_reg(vcpu, img, KVM_REG_PPC_VR0 + i))
			return -1;
	/* The ICP's CPPR/XISR/MFRR: a pending IPI must not be lost. */
	return save_reg(vcpu, img, KVM_REG_PPC_DEC_EXPIRY) ||
	       save_reg(vcpu, img, KVM_REG_PPC_ICP_STATE);
}

/* The vcpu must be parked and connected to the interrupt controller. */
int vcpu_image_load(struct vcpu *vcpu, const struct vcpu_image *img)
{
	int i;

	/* SREGS first: KVM-HV takes the PVR from them. */
	if (ioctl(vcpu->fd, KVM_SET_SREGS, &img->sregs) ||
	    ioctl(vcpu->fd, KVM_SET_REGS, &img->regs)) {
		perror("vmm: restore vcpu registers");
		return -1;
	}
	for (i = 0; i < img->nr_regs; i++) {
		if (one_reg_set(vcpu->fd, img->reg[i].id, img->reg[i].val)) {
			fprintf(stderr, "vmm: set reg 0x%llx: %s\n",
				(unsigned long long)img->reg[i].id, strerror(errno));
			return -1;
		}
	}
	return 0;
}

uint64_t snapshot_host_timebase(void)
{
	return __builtin_ppc_get_timebase();
}

/* @c's saved KVM_REG_PPC_TB_OFFSET value, or NULL if it has none. */
static uint64_t *vcpu_tb_offset(struct vcpu_image *c)
{
	int i;

	for (i = 0; i < c->nr_regs; i++)
		if (c->reg[i].id == KVM_REG_PPC_TB_OFFSET)
			return (uint64_t *)c->reg[i].val;
	return NULL;
}

uint64_t *snapshot_tb_offset(struct vm_image *img)
{
	return vcpu_tb_offset(&img->cpu[0]);
}

int64_t snapshot_continue_timebase(struct vm_image *img, uint64_t guest_tb)
{
	uint64_t offset = guest_tb - snapshot_host_timebase(), *old = snapshot_tb_offset(img);
	int64_t passed = old ? (int64_t)(*old - offset) : 0;
	int i;

	for (i = 0; i < img->nr_vcpus; i++) {
		old = vcpu_tb_offset(&img->cpu[i]);
		if (old)
			*old = offset;
	}
	return passed;
}

int snapshot_save_vm(struct vmm *vmm, struct vm_image *img)
{
	int i;

	img->nr_vcpus = vmm->nr_vcpus;
	for (i = 0; i < vmm->nr_vcpus; i++) {
		if (vcpu_image_save(&vmm->vcpu[i], &img->cpu[i]))
			return -1;
		img->started[i] = vmm->vcpu[i].started;
	}
	if (ioctl(vmm->vm_fd, KVM_PPC_MMU_GET_STATE, &img->mmu)) {
		perror("vmm: snapshot: KVM_PPC_MMU_GET_STATE");
		return -1;
	}
	if (img->mmu.mode == KVM_PPC_MMU_MODE_HASH && img->mmu.hpt_order && save_htab(vmm, img))
		return -1;
	return 0;
}

int snapshot_restore_vm(struct vmm *vmm, const struct vm_image *img, int *hptes)
{
	int i;

	if (vm_create(vmm) || vm_opt_in(vmm))
		return -1;
	if (ioctl(vmm->vm_fd, KVM_PPC_MMU_SET_STATE, &img->mmu)) {
		perror("vmm: snapshot: KVM_PPC_MMU_SET_STATE");
		return -1;
	}
	if (vcpus_create(vmm))
		return -1;
	for (i = 0; i < img->nr_vcpus; i++) {
		if (vcpu_image_load(&vmm->vcpu[i], &img->cpu[i]))
			return -1;
		vmm->vcpu[i].started = img->started[i];
	}
	if (img->htab) {
		*hptes = htab_stream_write(vmm->vm_fd, img->htab, img->htab_len);
		if (*hptes < 0) {
			fprintf(stderr, "vmm: snapshot: HTAB write: %s\n", strerror(-*hptes));
			return -1;
		}
	}
	return 0;
}

int snapshot_restore_into_fresh_vm(struct vmm *vmm)
{
	struct vm_image *img = calloc(1, sizeof(*img));
	struct guest_mem new_ram = { .size = vmm->ram.size };
	uint64_t guest_tb = 0, *offset;
	int hptes = 0, r = -1;

	/* The vcpus are parked: the guest's time stops here. */
	if (!img || snapshot_save_vm(vmm, img))
		goto out;
	offset = snapshot_tb_offset(img);
	if (offset)
		guest_tb = snapshot_host_timebase() + *offset;
	if (guest_mem_alloc(&new_ram)) {
		perror("vmm: snapshot: RAM");
		goto out;
	}
	memcpy(new_ram.host, vmm->ram.host, vmm->ram.size);
	printf("vmm: snapshot: saved %llu MiB of RAM, %d vcpus of %d registers, MMU %s (process table 0x%llx, HPT order %u)\n",
	       (unsigned long long)(vmm->ram.size >> 20), img->nr_vcpus, img->cpu[0].nr_regs,
	       img->mmu.mode == KVM_PPC_MMU_MODE_RADIX ? "radix" : "hash",
	       (unsigned long long)img->mmu.process_table, img->mmu.hpt_order);

	vm_destroy(vmm);		/* the old VM is gone before the new one runs */
	guest_mem_free(&vmm->ram);
	vmm->ram = new_ram;
	if (offset)		/* and goes on from there, however long the copy took */
		printf("vmm: snapshot: guest timebase stopped for %lld ms\n",
		       (long long)snapshot_continue_timebase(img, guest_tb) /
		       (long long)(VMM_TIMEBASE_HZ / 1000));
	if (snapshot_restore_vm(vmm, img, &hptes))
		goto out;
	printf("vmm: snapshot: restored into a fresh VM%s; the guest continues there\n",
	       img->htab ? " (HPT copied through KVM's HTAB fd)" : "");
	if (img->htab)
		printf("vmm: snapshot: %d HPTEs copied\n", hptes);
	r = 0;
out:
	if (img)
		free(img->htab);
	free(img);
	return r;
}
