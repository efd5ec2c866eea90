// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include <linux/kvm_ppc_mmu.h>

#include "mmu_guest.h"
#include "ppcmmu.h"

#define RADIX_L2	(MMU_GUEST_RADIX_ROOT + 0x10000)
#define RADIX_L3	(RADIX_L2 + 0x1000)
#define RADIX_PTE_LOW	(RADIX_L3 + 0x1000)	/* EA 0 .. 2 MiB */
#define RADIX_PTE_HIGH	(RADIX_L3 + 0x2000)	/* EA 0x10000000 .. */

/* Radix entries (ISA 3.0 Book III 6.7.10), stored big-endian. */
#define RPTE_V		(1ULL << 63)
#define RPTE_LEAF	(1ULL << 62)
#define RPTE_RC		0x180ULL	/* referenced, changed */
#define RPTE_PRIV_RWX	0xfULL		/* privileged, read, write, execute */
#define RPDE(next)	(RPTE_V | (next) | 9)	/* next level has 2^9 entries */
#define RPTE(ra)	(RPTE_V | RPTE_LEAF | (ra) | RPTE_RC | RPTE_PRIV_RWX)
/* 52-bit EA space (RTS = 21, split 0b10 / 0b101), root of 2^13 entries */
#define PRTB0(root)	((2ULL << 61) | (5ULL << 5) | (root) | 13)

/* HPTEs in the pre-ISA-3.00 format H_ENTER takes, 4 KiB pages, 256M segments. */
#define VSID_LOW	0x100ULL	/* ESID 0 */
#define VSID_HIGH	0x200ULL	/* ESID 1 */
#define HPTE_V(vsid)	((((vsid) << 28) >> 23) << 7 | 1)
#define HPTE_R(ra)	((ra) | 0x192)		/* R, C, M, PP=0b10 (RW for key 0) */
#define PTEG(vsid, pg)	((((vsid) ^ (pg)) & 0x7ff) * 8)	/* fits the smallest HPT */

static void store_be64(struct gasm *a, uint64_t addr, uint64_t val)
{
	gasm_li64(a, 5, val);
	gasm_li64(a, 6, addr);
	gasm_emit(a, PPC_STDBRX(5, 0, 6));
}

static void report(struct gasm *a, enum mmu_guest_tag tag)
{
	gasm_emit(a, PPC_LI(4, tag));
	gasm_hcall(a, TEST_HCALL_REPORT);
}

void mmu_guest_call_register(struct gasm *a, uint64_t flags, uint64_t base, uint64_t size)
{
	gasm_li64(a, 4, flags);
	gasm_li64(a, 5, base);
	gasm_emit(a, PPC_LI(6, 0));
	gasm_li64(a, 7, size);
	gasm_hcall(a, H_REGISTER_PROC_TBL);
}

void mmu_guest_register(struct gasm *a, uint64_t flags, uint64_t base, uint64_t size)
{
	mmu_guest_call_register(a, flags, base, size);
	gasm_emit(a, PPC_MR(5, 3));
	gasm_emit(a, PPC_LI(6, 0));	/* no retries */
	report(a, TAG_REGISTER);
}

void mmu_guest_build_radix(struct gasm *a)
{
	store_be64(a, MMU_GUEST_PROC_TBL, PRTB0(MMU_GUEST_RADIX_ROOT));
	store_be64(a, MMU_GUEST_PROC_TBL + 8, 0);
	store_be64(a, MMU_GUEST_RADIX_ROOT, RPDE(RADIX_L2));
	store_be64(a, RADIX_L2, RPDE(RADIX_L3));
	store_be64(a, RADIX_L3, RPDE(RADIX_PTE_LOW));
	store_be64(a, RADIX_L3 + 8 * ((MMU_GUEST_EA_A >> 21) & 0x1ff), RPDE(RADIX_PTE_HIGH));
	store_be64(a, RADIX_PTE_LOW, RPTE(0));
	store_be64(a, RADIX_PTE_HIGH, RPTE(MMU_GUEST_PAGE_A));
	store_be64(a, RADIX_PTE_HIGH + 8, RPTE(MMU_GUEST_PAGE_B));
	gasm_emit(a, PPC_PTESYNC);
}

static void h_enter(struct gasm *a, uint64_t index, uint64_t v, uint64_t r, int save)
{
	gasm_emit(a, PPC_LI(4, 0));
	gasm_li64(a, 5, index);
	gasm_li64(a, 6, v);
	gasm_li64(a, 7, r);
	gasm_hcall(a, H_ENTER);
	gasm_emit(a, PPC_MR(save, 3));
}

void mmu_guest_build_hash(struct gasm *a)
{
	h_enter(a, PTEG(VSID_LOW, 0), HPTE_V(VSID_LOW), HPTE_R(0), 20);
	h_enter(a, PTEG(VSID_HIGH, 0), HPTE_V(VSID_HIGH), HPTE_R(MMU_GUEST_PAGE_A), 21);
	h_enter(a, PTEG(VSID_HIGH, 1), HPTE_V(VSID_HIGH), HPTE_R(MMU_GUEST_PAGE_B), 22);
	/* r5 = rc1 | rc2 | rc3 (0 only if all succeeded), r6 = rc3 */
	gasm_emit(a, PPC_ORI(5, 20, 0));
	gasm_emit(a, (uint32_t)(31 << 26 | 5 << 21 | 5 << 16 | 21 << 11 | 444 << 1)); /* or r5,r5,r21 */
	gasm_emit(a, (uint32_t)(31 << 26 | 5 << 21 | 5 << 16 | 22 << 11 | 444 << 1)); /* or r5,r5,r22 */
	gasm_emit(a, PPC_MR(6, 22));
	report(a, TAG_HENTER);

	gasm_emit(a, PPC_SLBIA);
	gasm_li64(a, 8, VSID_LOW << 12);		/* Ks = Kp = 0, 4K pages */
	gasm_li64(a, 9, 0x08000000ULL | 0);		/* ESID 0, valid, slot 0 */
	gasm_emit(a, PPC_SLBMTE(8, 9));
	gasm_li64(a, 8, VSID_HIGH << 12);
	gasm_li64(a, 9, (1ULL << 28) | 0x08000000ULL | 1);	/* ESID 1, slot 1 */
	gasm_emit(a, PPC_SLBMTE(8, 9));
	gasm_emit(a, PPC_ISYNC);
}

/* Store MMU_GUEST_MAGIC + @slot at EA A + 8 * @slot, load EA B + 8 * @slot. */
static void access_through_mmu(struct gasm *a, int slot, enum mmu_guest_tag tag)
{
	gasm_li64(a, 8, MMU_GUEST_EA_A + 8 * slot);
	gasm_li64(a, 9, MMU_GUEST_MAGIC + slot);
	gasm_emit(a, PPC_STD(9, 8, 0));
	gasm_li64(a, 8, MMU_GUEST_EA_B + 8 * slot);
	gasm_emit(a, PPC_LD(5, 8, 0));
	gasm_emit(a, PPC_MFMSR(6));
	report(a, tag);
}

static void translation_on(struct gasm *a)
{
	gasm_emit(a, PPC_MFMSR(7));
	gasm_emit(a, PPC_ORI(7, 7, GUEST_MSR_IR | GUEST_MSR_DR));
	gasm_emit(a, PPC_MTMSRD(7));
	gasm_emit(a, PPC_ISYNC);
}

void mmu_guest_translate(struct gasm *a)
{
	translation_on(a);
	access_through_mmu(a, 0, TAG_TRANSLATED);
	gasm_hcall(a, TEST_HCALL_DONE);
	gasm_emit(a, PPC_B_SELF);
}

void mmu_guest_translate_twice(struct gasm *a)
{
	translation_on(a);
	access_through_mmu(a, 0, TAG_TRANSLATED);
	access_through_mmu(a, 1, TAG_TRANSLATED_AGAIN);
	gasm_hcall(a, TEST_HCALL_DONE);
	gasm_emit(a, PPC_B_SELF);
}

/*
 * The guest: CAS(r4 = vector); REPORT(TAG_CAS, rc). On success it follows
 * the VMM's answer (r4 = mode, r5 = legacy), as a kernel follows the device
 * tree: radix -> build tables, register, translate; hash -> register
 * (legacy guests never do), H_ENTER + SLB, translate.
 */
void mmu_guest_cas_program(struct guest_vm *vm, uint64_t vec_addr)
{
	uint32_t *fail_br, *hash_br, *legacy_br;
	struct gasm a;

	gasm_init(&a, vm->mem + GUEST_CODE_ADDR);
	gasm_li64(&a, 4, vec_addr);
	gasm_emit(&a, PPC_LI(5, 0));
	gasm_emit(&a, PPC_LI(6, 0));
	gasm_hcall(&a, H_CAS);
	gasm_emit(&a, PPC_MR(20, 3));
	gasm_emit(&a, PPC_MR(21, 4));
	gasm_emit(&a, PPC_MR(22, 5));
	gasm_emit(&a, PPC_MR(5, 20));
	gasm_emit(&a, PPC_LI(4, TAG_CAS));
	gasm_hcall(&a, TEST_HCALL_REPORT);
	gasm_emit(&a, PPC_CMPDI(20, 0));
	fail_br = a.p;
	gasm_emit(&a, 0);
	gasm_emit(&a, PPC_CMPDI(21, KVM_PPC_MMU_MODE_RADIX));
	hash_br = a.p;
	gasm_emit(&a, 0);
	mmu_guest_build_radix(&a);
	mmu_guest_register(&a, PROC_TBL_NEW_RADIX_GTSE, MMU_GUEST_PROC_TBL, 0);
	mmu_guest_translate(&a);
	*hash_br = PPC_BNE((int)((a.p - hash_br) * 4));
	gasm_emit(&a, PPC_CMPDI(22, 1));
	legacy_br = a.p;
	gasm_emit(&a, 0);
	mmu_guest_register(&a, PROC_TBL_NEW_HASH_SLB, 0, 0);
	/* beq: bc 12,2 */
	*legacy_br = (uint32_t)(16 << 26 | 12 << 21 | 2 << 16 | (((a.p - legacy_br) * 4) & 0xfffc));
	mmu_guest_build_hash(&a);
	mmu_guest_translate(&a);
	*fail_br = PPC_BNE((int)((a.p - fail_br) * 4));
	gasm_hcall(&a, TEST_HCALL_DONE);
	gasm_emit(&a, PPC_B_SELF);
}

void mmu_guest_run(struct guest_vm *vm, int idx, struct mmu_guest_result *res)
{
	struct guest_exit log[16];
	int i, n;

	memset(res, 0, sizeof(*res));
	n = guest_run_script(vm, idx, log, 16);
	res->exits = n;
	for (i = 0; i < n; i++) {
		if (log[i].reason != KVM_EXIT_PAPR_HCALL) {
			res->other_hcall = ~0ULL;
			break;
		}
		if (log[i].nr == TEST_HCALL_DONE) {
			res->done = true;
		} else if (log[i].nr == TEST_HCALL_REPORT && log[i].args[0] == TAG_REGISTER) {
			res->saw_register = true;
			res->register_rc = log[i].args[1];
			res->register_busy = log[i].args[2];
		} else if (log[i].nr == TEST_HCALL_REPORT && log[i].args[0] == TAG_HENTER) {
			res->saw_henter = true;
			res->henter_rc = log[i].args[1];
		} else if (log[i].nr == TEST_HCALL_REPORT && log[i].args[0] == TAG_TRANSLATED) {
			res->saw_translated = true;
			res->value_read = log[i].args[1];
			res->msr = log[i].args[2];
		} else if (log[i].nr == TEST_HCALL_REPORT && log[i].args[0] == TAG_CAS) {
			res->saw_cas = true;
			res->cas_rc = log[i].args[1];
		} else if (log[i].nr == TEST_HCALL_REPORT && log[i].args[0] == TAG_TRANSLATED_AGAIN) {
			res->saw_translated_again = true;
			res->value_read_again = log[i].args[1];
			res->msr_again = log[i].args[2];
		} else if (!res->other_hcall) {
			res->other_hcall = log[i].nr;
		}
	}
}

int mmu_guest_vm(struct guest_vm *vm, size_t mem, enum guest_mmu mmu, uint64_t features)
{
	int r = guest_vm_create(vm, mem);

	if (r)
		return r;
	r = guest_vm_set_mmu(vm, mmu);
	if (!r && features)
		r = ppcmmu_enable(vm->vm_fd, features);
	if (r)
		guest_vm_destroy(vm);
	return r;
}

void mmu_guest_pages(struct guest_vm *vm)
{
	memset(vm->mem + MMU_GUEST_PAGE_A, 0, 4096);
	*(uint64_t *)(vm->mem + MMU_GUEST_PAGE_B) = MMU_GUEST_B_VALUE;
}
