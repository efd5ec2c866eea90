/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PAPR values the pure logic needs, spelled as PAPR and Linux's
 * asm/hvcall.h spell them. The module checks at build time that they equal
 * the kernel's own definitions (kmod/proc_tbl.c), so the two cannot drift.
 */
#ifndef PPCMMU_LOGIC_PAPR_H
#define PPCMMU_LOGIC_PAPR_H

/* Hypercall return codes */
#define PPCMMU_H_SUCCESS	0
#define PPCMMU_H_BUSY		1
#define PPCMMU_H_HARDWARE	(-1)
#define PPCMMU_H_FUNCTION	(-2)
#define PPCMMU_H_PARAMETER	(-4)
#define PPCMMU_H_NO_MEM		(-9)
#define PPCMMU_H_P2		(-55)
#define PPCMMU_H_P3		(-56)
#define PPCMMU_H_P4		(-57)
#define PPCMMU_H_UNSUPPORTED_FLAG	(-256)	/* the kernel: H_UNSUPPORTED_FLAG_START */
#define PPCMMU_H_MULTI_THREADS_ACTIVE	(-9005)
/* Retry after about 1 ms; Linux retries H_REGISTER_PROC_TBL only on H_LONG_BUSY_* */
#define PPCMMU_H_LONG_BUSY_ORDER_1_MSEC	9900

/* KVM's private hypercall SLOF uses for client-architecture-support */
#define PPCMMU_KVMPPC_H_CAS	0xf002

/* H_REGISTER_PROC_TBL (0x37C) flags, argument 1 */
#define PPCMMU_H_REGISTER_PROC_TBL	0x37C
#define PPCMMU_PROC_TABLE_OP_MASK	0x18
#define PPCMMU_PROC_TABLE_DEREG		0x10
#define PPCMMU_PROC_TABLE_NEW		0x18
#define PPCMMU_PROC_TABLE_TYPE_MASK	0x06
#define PPCMMU_PROC_TABLE_HPT_SLB	0x00
#define PPCMMU_PROC_TABLE_HPT_PT	0x02
#define PPCMMU_PROC_TABLE_RADIX		0x04
#define PPCMMU_PROC_TABLE_GTSE		0x01
#define PPCMMU_PROC_TABLE_VALID		0x1f

/* Partition-table entry doubleword 1 (the process-table word) */
#define PPCMMU_PATB_GR		(1ULL << 63)	/* guest is radix */
#define PPCMMU_PRTS_MASK	0x1fULL		/* table size: 2^(12+PRTS) bytes */
#define PPCMMU_PRTB_MASK	0x0ffffffffffff000ULL

/* HPT size limits the architecture allows (bytes = 2^order) */
#define PPCMMU_HPT_ORDER_MIN	18
#define PPCMMU_HPT_ORDER_MAX	46

#endif /* PPCMMU_LOGIC_PAPR_H */
