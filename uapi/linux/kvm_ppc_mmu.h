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
 * Unloading
 *	rmmod fails with EBUSY while any VM that opted in, or whose vcpus ran
 *	while the module was loaded, still exists. A KVM_RUN that starts
 *	while the module is being unloaded may return EINTR (exit_reason
 *	KVM_EXIT_INTR) without entering the guest, as KVM-HV does when a
 *	signal is pending at entry: re-enter, as for any EINTR. This keeps
 *	rmmod from waiting for a guest that never leaves the kernel.
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
 *	ENODEV	(calls that make the VM depend on the module: ENABLE,
 *		SET_STATE, CAS) the module is being unloaded. Nothing changed;
 *		treat the module as absent, as the next call will show
 *		(ENOTTY), or retry once it is loaded again. Not EAGAIN: an
 *		immediate retry cannot succeed, and not ENOMEM: it is no
 *		shortage a VMM could wait out.
 *	ENOMEM	the module could not allocate its per-VM state.
 */
#ifndef _UAPI_LINUX_KVM_PPC_MMU_H
#define _UAPI_LINUX_KVM_PPC_MMU_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define KVM_PPC_MMU_IO			0xB9

/* Bumped on any backward-compatible addition; incompatible changes get new numbers. */
#define KVM_PPC_MMU_ABI_VERSION		4	/* 4: KVM_PPC_MMU_SET_HPT_ORDER */

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
/*
 * Hash guests are withheld because the host kernel is preemptible
 * (CONFIG_PREEMPT, _LAZY or _RT): KVM-HV's POWER9 path handles a hash
 * guest's HPT hypercalls and faults under raw locks with preemption enabled,
 * and a vcpu thread preempted there can hang a host CPU for good. Set only
 * where hash would otherwise be offered. KVM-HV itself still runs hash VMs
 * set up without the module.
 */
#define KVM_PPC_MMU_HOST_PREEMPTIBLE	(1ULL << 4)
/*
 * The admin loaded the module with allow_hash_on_preemptible_kernel=1: hash
 * guests are offered on such a kernel anyway (and the kernel is tainted).
 */
#define KVM_PPC_MMU_HOST_PREEMPT_FORCED	(1ULL << 5)
/*
 * Set with KVM_PPC_MMU_HOST_NESTED: KVM-HV drives its guests through the
 * PAPR nested API v2 (H_GUEST_* hypercalls; KVM in a PowerVM LPAR, Linux
 * 6.8+), where the partition and process tables reach the hypervisor
 * below through H_GUEST_SET_STATE. Radix guests only, as with v1.
 */
#define KVM_PPC_MMU_HOST_NESTED_V2	(1ULL << 6)
/*
 * The host kernel is preemptible, but its kvm-hv runs a hash guest's HPT
 * hypercalls and faults with preemption disabled (the fix is upstream's,
 * from 6.12.117, or the module was told that a kvm-hv rebuilt with it is
 * loaded: kvm_hv_preempt_fixed=1), so hash guests are offered. Set only
 * where hash is offered. ABI version 3.
 */
#define KVM_PPC_MMU_HOST_KVM_HV_PREEMPT_SAFE	(1ULL << 7)

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
 * switch cannot be done safely while other vcpus of the VM are inside
 * KVM_RUN: until they are all out, the guest gets H_LONG_BUSY_ORDER_1_MSEC
 * (9900) and nothing changes; it retries, as Linux does (Linux treats any
 * answer but H_SUCCESS and H_LONG_BUSY_* as fatal).
 * Every radix <-> hash switch of the module's (this, CAS, SET_STATE) is also
 * busy while the VMM's own ioctls use what the switch would free: during
 * KVM_GET_DIRTY_LOG, KVM_SET_USER_MEMORY_REGION or KVM_CREATE_VCPU, while
 * any memslot logs dirty pages, and while an HTAB fd is open for reading. A
 * guest that switches during a migration waits until dirty logging ends.
 */
#define KVM_PPC_MMU_FEAT_PROC_TBL	(1ULL << 0)
/*
 * A hash guest gets an HPT sized from its RAM (RAM/128 rounded up to a
 * power of two, 2^18..2^46 bytes; RAM is the sum of the VM's memslots), or
 * of the order the VMM set with KVM_PPC_MMU_SET_HPT_ORDER, when it first
 * needs one: at its first KVM_RUN if the VM starts hash, or when it
 * registers hash. Radix guests never get one; going back to radix frees
 * it. Without this feature KVM-HV gives every hash guest 16 MiB.
 */
#define KVM_PPC_MMU_FEAT_HPT_SIZING	(1ULL << 1)
/*
 * The guest's KVMPPC_H_CAS hypercall (0xf002, r4 = guest real address of
 * ibm,architecture-vec, as SLOF issues it) is negotiated in the kernel: the
 * vector is parsed, the MMU mode chosen and applied (HPT allocated for hash),
 * exactly as KVM_PPC_MMU_CAS would. The exit then still reaches the VMM,
 * which reads the outcome with KVM_PPC_MMU_GET_CAS and finishes its
 * device-tree work. (Should the kernel lack memory to read the vector, the
 * exit arrives with no new outcome: GET_CAS then still shows the previous
 * one, or ENOENT; KVM_PPC_MMU_CAS can be called instead.)
 */
#define KVM_PPC_MMU_FEAT_CAS		(1ULL << 2)
#define KVM_PPC_MMU_FEAT_ALL		(KVM_PPC_MMU_FEAT_PROC_TBL | KVM_PPC_MMU_FEAT_HPT_SIZING | \
					 KVM_PPC_MMU_FEAT_CAS)

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
 *
 * Opting in: the first ENABLE, SET_STATE or KVM_PPC_MMU_CAS that passes its
 * argument checks opts the VM in (features may be 0), and must come before
 * any vcpu of the VM enters KVM_RUN. The vcpus of a VM that ran without
 * opting in enter KVM-HV as without the module, so the module can never
 * switch that VM safely: all three then fail with EBUSY, changing nothing.
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
 *                (table is 2^(12+size) bytes), PATB_GR alone before a
 *                table is registered; 0 for hash with SLB
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

/*
 * KVM_PPC_MMU_SET_STATE - put a VM into a saved MMU state (migration,
 * snapshots): the struct KVM_PPC_MMU_GET_STATE returned on the source.
 *
 * In:  flags 0, reserved zero; features, mode, process_table, state_flags
 *      and hpt_order as GET_STATE gave them. A hash VM gets an empty HPT of
 *      hpt_order (0: allocated when first needed); restore its contents
 *      through KVM's own KVM_PPC_GET_HTAB_FD (write mode) afterwards.
 * Errors: EINVAL malformed state (unknown bits, radix with an HPT or
 *         without PATB_GR, hash with a process table, order out of
 *         18..46); EOPNOTSUPP the host cannot run that mode; EBUSY a vcpu
 *         is in KVM_RUN or the VMM's own ioctls are in the way of a radix
 *         <-> hash switch (see KVM_PPC_MMU_FEAT_PROC_TBL), or features would change after a vcpu ran, or the
 *         VM ran before it opted in (see KVM_PPC_MMU_ENABLE), or the
 *         VM changed while the state was being applied (its mode, or an
 *         HPT of another order than hpt_order put in place meanwhile, as a
 *         vcpu's first entry does).
 * Nothing changes when it fails.
 *
 * Reset (the guest's RTAS system-reboot, or a VMM's machine reset): with
 * no vcpu in KVM_RUN, SET_STATE also takes a VM that has run back to the
 * state a fresh VM starts in, so the rebooted guest negotiates again at
 * CAS: on a host whose caps include KVM_PPC_MMU_GUEST_RADIX, mode RADIX
 * with process_table PATB_GR alone (a hash VM switches back and loses its
 * HPT); on a hash-only host, mode HASH with hpt_order 0 (the HPT the VM
 * has is kept as it is: clear its entries with KVM's own
 * KVM_PPC_ALLOCATE_HTAB of the same order). features must be the set in
 * force. The VMM resets the vcpus itself (registers, VPA registrations).
 */
#define KVM_PPC_MMU_SET_STATE	_IOW(KVM_PPC_MMU_IO, 0x03, struct kvm_ppc_mmu_state)

/* struct kvm_ppc_mmu_cas.status */
#define KVM_PPC_MMU_CAS_ACCEPTED	0	/* mode chosen and applied */
#define KVM_PPC_MMU_CAS_MALFORMED	1	/* .reason says why */
#define KVM_PPC_MMU_CAS_MODE_UNAVAILABLE 2	/* guest asks only for what the host lacks */
#define KVM_PPC_MMU_CAS_BUSY		3	/* cannot switch now: see FEAT_PROC_TBL */
#define KVM_PPC_MMU_CAS_NO_MEMORY	4	/* the HPT could not be allocated */

/* struct kvm_ppc_mmu_cas.reason, with KVM_PPC_MMU_CAS_MALFORMED */
#define KVM_PPC_MMU_CAS_ERR_NOT_IN_RAM		1
#define KVM_PPC_MMU_CAS_ERR_PVR_TRUNCATED	2
#define KVM_PPC_MMU_CAS_ERR_PVR_UNTERMINATED	3	/* > 512 PVR pairs */
#define KVM_PPC_MMU_CAS_ERR_COUNT_TRUNCATED	4
#define KVM_PPC_MMU_CAS_ERR_VEC_TRUNCATED	5
#define KVM_PPC_MMU_CAS_ERR_NO_OV5		6	/* fewer than 5 option vectors */
#define KVM_PPC_MMU_CAS_ERR_NO_PVR		7	/* no PVR this host can be */

/* struct kvm_ppc_mmu_cas.out_flags */
#define KVM_PPC_MMU_CAS_OUT_GTSE	(1U << 0)	/* radix with GTSE */
/*
 * The guest does not announce ISA 3.00 (OV1 byte 3 bit 0): it runs hash,
 * and the VMM must clear the radix bit (byte 40 bit 0) of the CPUs'
 * ibm,pa-features, which some pre-ISA-3.00 kernels cannot handle.
 */
#define KVM_PPC_MMU_CAS_OUT_LEGACY	(1U << 1)

/*
 * KVM_PPC_MMU_CAS - negotiate the MMU part of client-architecture-support.
 * KVM_PPC_MMU_GET_CAS - read the last outcome (either way in); ENOENT if
 *                       there was none.
 *
 * In (KVM_PPC_MMU_CAS): flags 0, pad and reserved zero, vec_addr = guest real
 *     address of the guest's ibm,architecture-vec (top 4 bits ignored, as
 *     for KVMPPC_H_CAS). The vector is read from guest RAM, never past it.
 * Out: status (KVM_PPC_MMU_CAS_*); with MALFORMED, reason; hcall_ret, the
 *     value to return to the guest (H_SUCCESS when accepted; H_PARAMETER,
 *     H_HARDWARE, H_MULTI_THREADS_ACTIVE or H_NO_MEM otherwise; QEMU stops the VM on
 *     MODE_UNAVAILABLE and a VMM may do the same);
 *     when accepted: mode, out_flags, compat_pvr (the logical PVR to set
 *     with KVM_REG_PPC_ARCH_COMPAT, 0 = run as the host's own PVR),
 *     hpt_order (HPT allocated for a hash guest, sized from RAM or as
 *     KVM_PPC_MMU_SET_HPT_ORDER set; 0 for radix), ov5_ack_byte24/26
 *     (MMU bytes for the guest's
 *     /chosen/ibm,architecture-vec-5), and always platform_byte24 (this
 *     host's ibm,arch-vec-5-platform-support byte 24: 0x80 either, 0x40
 *     radix only, 0x00 hash only; advertise it before CAS).
 * The ioctl itself fails only for EFAULT/EINVAL (bad argument), ENOMEM,
 * ENODEV (module unloading) or EBUSY (the VM ran before it opted in, see
 * KVM_PPC_MMU_ENABLE); every verdict on the vector is a status.
 * Nothing about the VM changes unless status is ACCEPTED.
 */
struct kvm_ppc_mmu_cas {
	__u64 flags;
	__u64 vec_addr;
	__u32 status;
	__u32 reason;
	__s64 hcall_ret;
	__u32 mode;
	__u32 out_flags;
	__u32 compat_pvr;
	__u32 hpt_order;
	__u8 ov5_ack_byte24;
	__u8 ov5_ack_byte26;
	__u8 platform_byte24;
	__u8 pad[5];
	__u64 reserved[6];
};

#define KVM_PPC_MMU_CAS		_IOWR(KVM_PPC_MMU_IO, 0x04, struct kvm_ppc_mmu_cas)
#define KVM_PPC_MMU_GET_CAS	_IOWR(KVM_PPC_MMU_IO, 0x05, struct kvm_ppc_mmu_cas)

/*
 * KVM_PPC_MMU_SET_HPT_ORDER (ABI version 4) - the size of every HPT the
 * module allocates for this VM from now on, for a VMM whose own sizing rule
 * differs from the module's (QEMU sizes from maxmem when its HPT cannot be
 * resized, from RAM plus plugged DIMMs when it can, never from a RAM-backed
 * BAR's memslot): the tables of CAS choosing hash, of H_REGISTER_PROC_TBL
 * switching to hash (FEAT_PROC_TBL: a kexec into a hash kernel), and of a
 * hash VM's first KVM_RUN (FEAT_HPT_SIZING, SET_STATE with hpt_order 0).
 * An HPT already in place keeps its size (KVM's own resize-hpt changes it).
 * Call it before the guest can choose hash (before KVM_RUN, or before
 * KVM_PPC_MMU_CAS) and again whenever the VMM's rule gives another order
 * (memory hotplug); it may be called at any time, running or not.
 *
 * In:  flags and pad 0, reserved zero; order 0 (the module's own rule
 *      again, from RAM) or log2 of the size in bytes, 18..46.
 * Opts the VM in (see KVM_PPC_MMU_ENABLE).
 * Errors: EINVAL malformed; EBUSY the VM ran before it opted in; ENODEV
 *         the module is unloading.
 */
struct kvm_ppc_mmu_hpt_order {
	__u64 flags;
	__u32 order;
	__u32 pad;
	__u64 reserved[6];
};

#define KVM_PPC_MMU_SET_HPT_ORDER	_IOW(KVM_PPC_MMU_IO, 0x06, struct kvm_ppc_mmu_hpt_order)

#endif /* _UAPI_LINUX_KVM_PPC_MMU_H */
