/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Encoders for the handful of Power ISA instructions the hand-written
 * guests use.
 * Guests are written as arrays of these, so a reader can check each one
 * against the ISA book without an assembler in the loop.
 */
#ifndef PPCMMU_LIB_GUEST_ASM_H
#define PPCMMU_LIB_GUEST_ASM_H

#include <stdint.h>

/* D-form: opcode | RT/RS | RA | 16-bit immediate */
#define PPC_D(op, rt, ra, imm) \
	((uint32_t)((op) << 26 | (rt) << 21 | (ra) << 16 | ((imm) & 0xffff)))

#define PPC_LI(rt, imm)		PPC_D(14, rt, 0, imm)		/* addi rt,0,imm */
#define PPC_ADDI(rt, ra, imm)	PPC_D(14, rt, ra, imm)
#define PPC_LIS(rt, imm)	PPC_D(15, rt, 0, imm)		/* addis rt,0,imm */
#define PPC_ORI(ra, rs, imm)	PPC_D(24, rs, ra, imm)
#define PPC_ORIS(ra, rs, imm)	PPC_D(25, rs, ra, imm)
#define PPC_LD(rt, ra, ds)	PPC_D(58, rt, ra, (ds) & ~3)	/* DS-form, XO 0 */
#define PPC_STD(rs, ra, ds)	PPC_D(62, rs, ra, (ds) & ~3)
#define PPC_LWZ(rt, ra, d)	PPC_D(32, rt, ra, d)
#define PPC_STW(rs, ra, d)	PPC_D(36, rs, ra, d)
/* rldicr ra,rs,sh,63-sh == sldi ra,rs,sh (MD-form) */
#define PPC_SLDI(ra, rs, sh)						\
	((uint32_t)(30 << 26 | (rs) << 21 | (ra) << 16 |		\
		    ((sh) & 0x1f) << 11 |					\
		    ((((63 - (sh)) & 0x1f) << 1 | ((63 - (sh)) >> 5)) << 5) |	\
		    1 << 2 | (((sh) >> 5) & 1) << 1))
#define PPC_ADD(rt, ra, rb)	((uint32_t)(31 << 26 | (rt) << 21 | (ra) << 16 | (rb) << 11 | 266 << 1))
#define PPC_MR(ra, rs)		((uint32_t)(31 << 26 | (rs) << 21 | (ra) << 16 | (rs) << 11 | 444 << 1))
#define PPC_CMPD(ra, rb)	((uint32_t)(31 << 26 | 1 << 21 | (ra) << 16 | (rb) << 11))
#define PPC_BNE(off)		((uint32_t)(16 << 26 | 4 << 21 | 2 << 16 | ((off) & 0xfffc)))
#define PPC_B(off)		((uint32_t)(18 << 26 | ((off) & 0x3fffffc)))
#define PPC_B_SELF		PPC_B(0)
#define PPC_CMPDI(ra, imm)	((uint32_t)(11 << 26 | 1 << 21 | (ra) << 16 | ((imm) & 0xffff)))
#define PPC_BEQ(off)		((uint32_t)(16 << 26 | 12 << 21 | 2 << 16 | ((off) & 0xfffc)))	/* bc 12,2 */
#define PPC_STDBRX(rs, ra, rb)	((uint32_t)(31 << 26 | (rs) << 21 | (ra) << 16 | (rb) << 11 | 660 << 1))
#define PPC_MFMSR(rt)		((uint32_t)(31 << 26 | (rt) << 21 | 83 << 1))
#define PPC_MTMSRD(rs)		((uint32_t)(31 << 26 | (rs) << 21 | 178 << 1))
#define PPC_SLBMTE(rs, rb)	((uint32_t)(31 << 26 | (rs) << 21 | (rb) << 11 | 402 << 1))
/* mfspr/mtspr: the SPR number's two 5-bit halves are swapped in the field */
#define PPC_SPR_FIELD(spr)	((((spr) & 0x1f) << 5 | ((spr) >> 5)) << 11)
#define PPC_MFSPR(rt, spr)	((uint32_t)(31 << 26 | (rt) << 21 | PPC_SPR_FIELD(spr) | 339 << 1))
#define PPC_MTSPR(spr, rs)	((uint32_t)(31 << 26 | (rs) << 21 | PPC_SPR_FIELD(spr) | 467 << 1))
#define PPC_SPRN_SRR0		26
#define PPC_RFID		0x4c000024u
#define PPC_SLBIA		0x7c0003e4u
#define PPC_PTESYNC		0x7c4004acu	/* sync 2 */
#define PPC_SYNC		0x7c0004acu
#define PPC_ISYNC		0x4c00012cu
#define PPC_SC1			0x44000022u	/* sc 1: hypercall */
#define PPC_NOP			0x60000000u

/* Builds a guest program into guest memory. */
struct gasm {
	uint32_t *base;
	uint32_t *p;
};

static inline void gasm_init(struct gasm *a, void *where)
{
	a->base = a->p = where;
}

static inline void gasm_emit(struct gasm *a, uint32_t insn)
{
	*a->p++ = insn;
}

/* Load a 64-bit constant into @rt (5 instructions, always, for fixed layout). */
static inline void gasm_li64(struct gasm *a, int rt, uint64_t v)
{
	gasm_emit(a, PPC_LIS(rt, v >> 48));
	gasm_emit(a, PPC_ORI(rt, rt, v >> 32));
	gasm_emit(a, PPC_SLDI(rt, rt, 32));
	gasm_emit(a, PPC_ORIS(rt, rt, v >> 16));
	gasm_emit(a, PPC_ORI(rt, rt, v));
}

/* hcall @nr with r4.. already set up: li64 r3,nr ; sc 1 */
static inline void gasm_hcall(struct gasm *a, uint64_t nr)
{
	gasm_li64(a, 3, nr);
	gasm_emit(a, PPC_SC1);
}

#endif
