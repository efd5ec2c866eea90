/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kvm_ppc_mmu.h - userspace API of the kvm-ppc-mmu module.
 *
 * kvm-ppc-mmu extends KVM-HV on POWER9 hosts: it moves the guest MMU work a
 * VMM does at client-architecture-support (CAS) time and on
 * H_REGISTER_PROC_TBL into the kernel. Every call here is an ioctl on a KVM
 * *VM* file descriptor (the one KVM_CREATE_VM returns) of an HV VM.
 *
 * Detecting the module
 *	Without the module, KVM-HV answers any ioctl below with ENOTTY; so does
 *	a KVM-PR VM. KVM_PPC_MMU_GET_CAPS succeeding is the detection.
 *
 * Ioctl numbering
 *	KVM's own ioctls all use type KVMIO (0xAE) and KVM owns every number
 *	under it, present and future, so nothing of ours may live there. These
 *	use type KVM_PPC_MMU_IO (0xB9), which no kernel subsystem registers
 *	(Documentation/userspace-api/ioctl/ioctl-number.rst). A VM fd only
 *	ever receives KVM's ioctls and the VFS generic ones (types 'T' and
 *	'f'), so a distinct type byte cannot collide now or later. The size of
 *	the argument is encoded in the number (_IOR/_IOWR): a caller built
 *	against a different layout gets ENOTTY instead of a silent mismatch.
 *
 * Extending
 *	Every struct has a flags word (unknown bits -> EINVAL) and reserved
 *	space that must be zero on input (non-zero -> EINVAL). New fields take
 *	reserved space and are announced by a new flag or a higher ABI version;
 *	layouts never change under an existing number.
 *
 * Errors common to all calls
 *	EFAULT	the argument pointer is not readable/writable.
 *	EINVAL	unknown flags, non-zero reserved fields.
 *	ENOTTY	unknown number in our type (or module not loaded).
 */
#ifndef _UAPI_LINUX_KVM_PPC_MMU_H
#define _UAPI_LINUX_KVM_PPC_MMU_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define KVM_PPC_MMU_IO			0xB9

/* Bumped on any backward-compatible addition; incompatible changes get new numbers. */
#define KVM_PPC_MMU_ABI_VERSION		1

/* struct kvm_ppc_mmu_caps.guest_modes: what this host can give a guest. */
/* ISA 3.00 radix guest (process table, radix tree per process). */
#define KVM_PPC_MMU_GUEST_RADIX		(1ULL << 0)
/* ISA 3.00 hash guest (HPT, optional process table for segment info). */
#define KVM_PPC_MMU_GUEST_HASH		(1ULL << 1)
/* Guest that predates ISA 3.00: hash only, radix bit hidden in ibm,pa-features. */
#define KVM_PPC_MMU_GUEST_LEGACY	(1ULL << 2)
/* The guest may pick radix or hash at CAS (both above available). */
#define KVM_PPC_MMU_GUEST_CAS_SWITCH	(1ULL << 3)

/* struct kvm_ppc_mmu_caps.host_flags: facts about the host itself. */
/* The host kernel runs radix (else it runs hash: booted with disable_radix). */
#define KVM_PPC_MMU_HOST_RADIX		(1ULL << 0)
/* The host is itself a guest running KVM-HV nested (pseries, cap-nested-hv). */
#define KVM_PPC_MMU_HOST_NESTED		(1ULL << 1)
/*
 * Hash guests are refused because this CPU cannot run hash and radix threads
 * on one core (POWER9 before DD2.2 with a radix host). KVM-HV refuses them
 * too (KVM_CAP_PPC_MMU_HASH_V3 reads 0); the module never overrides that.
 */
#define KVM_PPC_MMU_HOST_NO_MIXING	(1ULL << 2)
/*
 * The admin loaded the module with allow_hash_on_no_mixing_cpu=1: hash
 * guests are offered on such a CPU anyway (and the kernel is tainted). For
 * emulated test hosts only; real POWER9 hosts are DD2.2 or later.
 */
#define KVM_PPC_MMU_HOST_MIXING_FORCED	(1ULL << 3)

#define KVM_PPC_MMU_MAX_AP_ENCODINGS	8

/*
 * KVM_PPC_MMU_GET_CAPS - what this host and module can do.
 *
 * In:  flags must be 0, reserved must be zero.
 * Out: the rest. ap_encodings[0..nr_ap_encodings) are the values for the
 *      guest device tree's "ibm,processor-radix-AP-encodings" (each is
 *      AP << 29 | log2(page size), as PAPR defines); nr_ap_encodings is 0
 *      when the host cannot run radix guests.
 */
struct kvm_ppc_mmu_caps {
	__u32 flags;
	__u32 abi_version;
	__u64 guest_modes;
	__u64 host_flags;
	__u32 pvr;
	__u32 nr_ap_encodings;
	__u32 ap_encodings[KVM_PPC_MMU_MAX_AP_ENCODINGS];
	__u64 reserved[8];
};

#define KVM_PPC_MMU_GET_CAPS	_IOWR(KVM_PPC_MMU_IO, 0x00, struct kvm_ppc_mmu_caps)

/* Features a VM can opt in to (struct kvm_ppc_mmu_enable.features). */
/*
 * H_REGISTER_PROC_TBL is answered in the kernel: arguments checked as PAPR
 * says, partition-table entry and LPCR (UPRT, HR, GTSE) of every vcpu
 * updated, the VM switched radix <-> hash by KVM-HV's own code. The call
 * never reaches the VMM; KVM_PPC_MMU_GET_STATE tells it the outcome. A
 * switch while other vcpus of the VM are inside KVM_RUN cannot be done
 * safely: the guest gets H_BUSY and retries, as PAPR allows.
 */
#define KVM_PPC_MMU_FEAT_PROC_TBL	(1ULL << 0)
/*
 * A hash guest gets an HPT sized from its RAM (RAM/128 rounded up to a
 * power of two, 2^18..2^46 bytes) when it first needs one: at its first
 * KVM_RUN if the VM starts hash, or when it registers hash. Radix guests
 * never get one; going back to radix frees it. Without this feature KVM-HV
 * gives every hash guest 16 MiB.
 */
#define KVM_PPC_MMU_FEAT_HPT_SIZING	(1ULL << 1)
#define KVM_PPC_MMU_FEAT_ALL		(KVM_PPC_MMU_FEAT_PROC_TBL | KVM_PPC_MMU_FEAT_HPT_SIZING)

/*
 * KVM_PPC_MMU_ENABLE - opt this VM in to features (replaces the set).
 *
 * Until a vcpu of the VM has entered KVM_RUN the set can be changed freely
 * (0 opts out again). After that, asking for the set already in force
 * succeeds and asking for any other set fails with EBUSY: features change
 * how hypercalls are answered, which a running guest must not see change.
 * EINVAL: unknown flags or features, non-zero reserved.
 * Every feature is accepted on every host; which modes a guest can reach is
 * what KVM_PPC_MMU_GET_CAPS says.
 */
struct kvm_ppc_mmu_enable {
	__u64 flags;
	__u64 features;
	__u64 reserved[6];
};

#define KVM_PPC_MMU_ENABLE	_IOW(KVM_PPC_MMU_IO, 0x01, struct kvm_ppc_mmu_enable)

/* struct kvm_ppc_mmu_state.mode */
#define KVM_PPC_MMU_MODE_HASH		0
#define KVM_PPC_MMU_MODE_RADIX		1

/* struct kvm_ppc_mmu_state.state_flags */
/* Guest translation shootdown enabled (LPCR[GTSE]). */
#define KVM_PPC_MMU_STATE_GTSE		(1ULL << 0)

/*
 * KVM_PPC_MMU_GET_STATE - the VM's MMU state as KVM-HV holds it now, so a
 * VMM stays in step with what the guest registered (and, later, can save it
 * for migration). Works for any HV VM, opted in or not.
 *
 * In:  flags must be 0, reserved must be zero.
 * Out: features  the VM's opted-in set (KVM_PPC_MMU_FEAT_*)
 *      mode      KVM_PPC_MMU_MODE_RADIX or _HASH
 *      hpt_order log2 of the HPT's size in bytes, 0 when there is none
 *      process_table  partition-table doubleword 1 as registered: for a
 *                radix guest PATB_GR (bit 63) | table base | size field
 *                (table is 2^(12+size) bytes); 0 for hash with SLB
 *      state_flags    KVM_PPC_MMU_STATE_*
 */
struct kvm_ppc_mmu_state {
	__u64 flags;
	__u64 features;
	__u32 mode;
	__u32 hpt_order;
	__u64 process_table;
	__u64 state_flags;
	__u64 reserved[11];
};

#define KVM_PPC_MMU_GET_STATE	_IOWR(KVM_PPC_MMU_IO, 0x02, struct kvm_ppc_mmu_state)

#endif /* _UAPI_LINUX_KVM_PPC_MMU_H */
