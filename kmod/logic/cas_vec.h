/* SPDX-License-Identifier: GPL-2.0 */
/* Parsing ibm,architecture-vec (PAPR client-architecture-support): pure logic. */
#ifndef PPCMMU_LOGIC_CAS_VEC_H
#define PPCMMU_LOGIC_CAS_VEC_H

#include "compat.h"

/* PVR mask/value pairs walked at most (QEMU's limit too: 4 KiB). */
#define PPCMMU_CAS_MAX_PVRS		512
/* Bytes of the vector that can matter: the PVR list, the count, OV1..OV5. */
#define PPCMMU_CAS_MAX_BYTES		(PPCMMU_CAS_MAX_PVRS * 8 + 1 + 5 * 257)
#define PPCMMU_CAS_OV_MAX		256

/* Logical PVRs (mask 0xffffffff): architecture levels a guest accepts. */
#define PPCMMU_PVR_ARCH_206		0x0f000003
#define PPCMMU_PVR_ARCH_207		0x0f000004
#define PPCMMU_PVR_ARCH_300		0x0f000005
#define PPCMMU_PVR_ARCH_31		0x0f000006

/* Why a vector was refused (uapi KVM_PPC_MMU_CAS_ERR_* use the same values). */
enum ppcmmu_cas_err {
	PPCMMU_CAS_ERR_NONE = 0,
	PPCMMU_CAS_ERR_NOT_IN_RAM,	/* the address is not guest RAM */
	PPCMMU_CAS_ERR_PVR_TRUNCATED,	/* buffer ends inside the PVR list */
	PPCMMU_CAS_ERR_PVR_UNTERMINATED,/* 512 pairs and no terminator */
	PPCMMU_CAS_ERR_COUNT_TRUNCATED,	/* no option-vector count byte */
	PPCMMU_CAS_ERR_VEC_TRUNCATED,	/* an option vector runs past the buffer */
	PPCMMU_CAS_ERR_NO_OV5,		/* fewer than 5 option vectors */
	PPCMMU_CAS_ERR_NO_PVR,		/* no PVR entry this host can be */
};

struct ppcmmu_cas_vec {
	u32 nr_pvrs;		/* pairs before the terminator */
	bool pvr_raw_match;	/* the host's own PVR is in the list */
	u32 compat_pvr;		/* best logical PVR the host supports, or 0 */
	u32 nr_vectors;		/* the count byte + 1 */
	u32 ov1_len;		/* data bytes; 0 when absent */
	u32 ov5_len;
	u8 ov1[PPCMMU_CAS_OV_MAX];
	u8 ov5[PPCMMU_CAS_OV_MAX];
};

/*
 * Parse @len bytes at @buf (a copy of guest memory, big-endian as the guest
 * wrote it). @host_pvr is the vcpu's PVR, @max_compat the highest logical
 * PVR the host can run (PPCMMU_PVR_ARCH_300 on POWER9). Never reads outside
 * [buf, buf + len). Returns PPCMMU_CAS_ERR_NONE or the reason it refused.
 */
enum ppcmmu_cas_err ppcmmu_cas_parse(const u8 *buf, size_t len, u32 host_pvr,
				     u32 max_compat, struct ppcmmu_cas_vec *out);

/* PAPR byte @n (counted from 1) of an option vector, 0 beyond its end. */
u8 ppcmmu_ov_byte(const u8 *ov, u32 len, u32 n);

#endif /* PPCMMU_LOGIC_CAS_VEC_H */
