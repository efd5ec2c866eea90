/* SPDX-License-Identifier: GPL-2.0 */
/* The MMU outcome of client-architecture-support: pure logic. */
#ifndef PPCMMU_LOGIC_CAS_DECIDE_H
#define PPCMMU_LOGIC_CAS_DECIDE_H

#include "cas_vec.h"

/* OV1 byte 3 bit 0: the guest implements ISA 3.00 */
#define PPCMMU_OV1_ISA_300		0x80
/* OV5 byte 24 bits 0-1: MMU the guest supports */
#define PPCMMU_OV5_24_MMU_MASK		0xc0
#define PPCMMU_OV5_24_HASH		0x00
#define PPCMMU_OV5_24_RADIX		0x40
#define PPCMMU_OV5_24_EITHER		0x80
#define PPCMMU_OV5_24_DYNAMIC		0xc0
/* OV5 byte 26 bit 1: radix guest translation shootdown */
#define PPCMMU_OV5_26_RADIX_GTSE	0x40

/* uapi KVM_PPC_MMU_CAS_STATUS_* use the same values. */
enum ppcmmu_cas_status {
	PPCMMU_CAS_ACCEPTED = 0,	/* mode chosen and applied */
	PPCMMU_CAS_MALFORMED,		/* reason says why; nothing changed */
	PPCMMU_CAS_MODE_UNAVAILABLE,	/* guest wants only what host lacks */
	PPCMMU_CAS_BUSY,		/* other vcpus running: cannot switch */
	PPCMMU_CAS_NO_MEMORY,		/* no memory for the HPT */
};

struct ppcmmu_cas_decision {
	enum ppcmmu_cas_status status;
	enum ppcmmu_cas_err reason;
	long hcall_ret;		/* H_* for the guest when status != ACCEPTED */
	bool radix;		/* chosen mode */
	bool gtse;
	bool legacy;		/* no ISA 3.00: hide radix in ibm,pa-features */
	u32 compat_pvr;		/* 0: the guest runs as the host's own PVR */
	u8 ack_byte24;		/* OV5 byte 24 to acknowledge */
	u8 ack_byte26;		/* OV5 byte 26 to acknowledge */
};

/*
 * ibm,arch-vec-5-platform-support byte 24 for a host offering
 * @guest_modes (KVM_PPC_MMU_GUEST_*): 0x80 either, 0x40 radix only,
 * 0x00 hash only, as QEMU advertises it.
 */
u8 ppcmmu_cas_platform_byte24(u64 guest_modes);

/*
 * Decide the MMU outcome for vector @vec, parsed with result @parse_err,
 * on a host offering @guest_modes.
 */
void ppcmmu_cas_decide(const struct ppcmmu_cas_vec *vec, enum ppcmmu_cas_err parse_err,
		       u64 guest_modes, struct ppcmmu_cas_decision *out);

#endif /* PPCMMU_LOGIC_CAS_DECIDE_H */
