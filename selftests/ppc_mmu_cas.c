// SPDX-License-Identifier: GPL-2.0
/*
 * client-architecture-support in the kernel, proven by guests running the
 * real sequence: start in real mode, issue KVMPPC_H_CAS with a real
 * ibm,architecture-vec in their RAM, then register a radix process table
 * or (hash, legacy) map with H_ENTER + SLB, and run with translation on in
 * the negotiated mode. Both ways in (KVM_PPC_MMU_CAS from the VMM, FEAT_CAS
 * interception in the kernel) must give the same outcome. Then hostile
 * vectors, and migration of a running guest between two VMs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/ktap.h"
#include "lib/test_env.h"
#include "ppcmmu/cas_vectors.h"
#include "ppcmmu/guest.h"
#include "ppcmmu/guest_asm.h"
#include "ppcmmu/htab_stream.h"
#include "ppcmmu/mmu_guest.h"
#include "ppcmmu/module_ctl.h"
#include "ppcmmu/ppcmmu.h"

#define MEM_64M		(64UL << 20)
#define ORDER_64M	19
#define GR		(1ULL << 63)
#define VEC_ADDR	0x400000ULL
#define FEAT_ALL	KVM_PPC_MMU_FEAT_ALL
#define FEAT_NO_CAS	(KVM_PPC_MMU_FEAT_ALL & ~KVM_PPC_MMU_FEAT_CAS)
#define PVR_POWER9	0x004eU		/* PVR versions (the upper half) */
#define PVR_POWER10	0x0080U
#define PVR_ARCH_300	0x0f000005U	/* logical PVRs */
#define PVR_ARCH_31	0x0f000006U

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void be32_put(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static struct kvm_ppc_mmu_caps caps;
static bool can_radix, can_hash, forced;

enum vec_kind { V61_RADIX, V61_HASH, V61_EITHER, V49_LEGACY, NR_KINDS };
static const char *const kind_name[] = { "Linux 6.1 radix", "Linux 6.1 hash (disable_radix)",
	"'either' (OV5 byte 24 = 0x80)", "Linux 4.9 legacy" };

static size_t write_vector(uint8_t *at, enum vec_kind k)
{
	switch (k) {
	case V61_RADIX:
		return cas_vec_linux61(at, 0x40, 0x40);
	case V61_HASH:
		return cas_vec_linux61(at, 0x00, 0x00);
	case V61_EITHER:
		return cas_vec_linux61(at, 0x80, 0x40);
	default:
		return cas_vec_linux49(at);
	}
}

struct cas_run {
	int r;				/* setup or run error */
	struct kvm_ppc_mmu_cas out;	/* what the module decided */
	struct kvm_ppc_mmu_state before, after;
	struct mmu_guest_result res;
	int compat_r;			/* KVM_REG_PPC_ARCH_COMPAT set from compat_pvr */
	uint32_t compat_read;		/* and read back */
};

/* What a VMM does with CAS's compat_pvr: the vcpu's architecture level. */
static int set_arch_compat(struct guest_vm *vm, uint32_t compat, uint32_t *read_back)
{
	struct kvm_one_reg reg = { .id = KVM_REG_PPC_ARCH_COMPAT, .addr = (uintptr_t)&compat };

	if (ioctl(vm->vcpus[0].fd, KVM_SET_ONE_REG, &reg))
		return -errno;
	reg.addr = (uintptr_t)read_back;
	return ioctl(vm->vcpus[0].fd, KVM_GET_ONE_REG, &reg) ? -errno : 0;
}

/*
 * What a well-formed vector for a mode the host gives gets: accepted, or
 * MODE_UNAVAILABLE (after parsing and PVR matching) on a host that gives
 * no mode at all (a hash host with a preemptible kernel).
 */
static uint32_t valid_vector_status(void)
{
	return can_radix || can_hash ? KVM_PPC_MMU_CAS_ACCEPTED : KVM_PPC_MMU_CAS_MODE_UNAVAILABLE;
}

/* That status, and a guest that translates once it was accepted. */
static bool parsed_and_answered(const struct cas_run *cr)
{
	return cr->out.status == valid_vector_status() &&
	       (cr->out.status != KVM_PPC_MMU_CAS_ACCEPTED || cr->res.saw_translated);
}

/*
 * Run the CAS guest with the vector at @vec_addr in a fresh VM. @intercept:
 * FEAT_CAS (the kernel negotiates, the VMM reads GET_CAS); else the VMM
 * calls KVM_PPC_MMU_CAS. Either way the VMM answers like QEMU would.
 */
static uint32_t vmm_hpt_order;	/* KVM_PPC_MMU_SET_HPT_ORDER before the run, unless 0 */

static void run_cas(enum vec_kind k, uint64_t vec_addr, bool intercept, struct cas_run *cr,
		    void (*mangle)(struct guest_vm *vm))
{
	struct guest_vm vm;
	struct kvm_run *run;
	int r;

	memset(cr, 0, sizeof(*cr));
	r = mmu_guest_vm(&vm, MEM_64M, GUEST_MMU_DEFAULT, intercept ? FEAT_ALL : FEAT_NO_CAS);
	if (r) {
		cr->r = r;
		return;
	}
	if (vmm_hpt_order) {
		r = ppcmmu_set_hpt_order(vm.vm_fd, vmm_hpt_order);
		if (r) {
			cr->r = r;
			guest_vm_destroy(&vm);
			return;
		}
	}
	mmu_guest_pages(&vm);
	write_vector(vm.mem + VEC_ADDR, k);
	if (mangle)
		mangle(&vm);
	mmu_guest_cas_program(&vm, vec_addr);
	r = guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
	run = vm.vcpus[0].run;
	ppcmmu_get_state(vm.vm_fd, &cr->before);
	r = r < 0 ? r : guest_vcpu_run(&vm, 0);
	if (!r && (run->exit_reason != KVM_EXIT_PAPR_HCALL || run->papr_hcall.nr != H_CAS))
		r = -EPROTO;
	if (!r && intercept) {
		r = ioctl(vm.vm_fd, KVM_PPC_MMU_GET_CAS, &cr->out) ? -errno : 0;
	} else if (!r) {
		cr->out.vec_addr = run->papr_hcall.args[0];
		r = ioctl(vm.vm_fd, KVM_PPC_MMU_CAS, &cr->out) ? -errno : 0;
	}
	if (!r) {
		ppcmmu_get_state(vm.vm_fd, &cr->after);
		run->papr_hcall.ret = cr->out.status == KVM_PPC_MMU_CAS_ACCEPTED ? 0 :
				      (uint64_t)cr->out.hcall_ret;
		run->papr_hcall.args[0] = cr->out.mode;
		run->papr_hcall.args[1] = !!(cr->out.out_flags & KVM_PPC_MMU_CAS_OUT_LEGACY);
		if (cr->out.compat_pvr)
			cr->compat_r = set_arch_compat(&vm, cr->out.compat_pvr, &cr->compat_read);
		mmu_guest_run(&vm, 0, &cr->res);
		if (cr->res.saw_translated)	/* memory checked while the VM exists */
			cr->res.value_read_again =
				*(uint64_t *)(vm.mem + MMU_GUEST_PAGE_A) == MMU_GUEST_MAGIC;
	}
	cr->r = r;
	guest_vm_destroy(&vm);
}

/*
 * Nothing a refused CAS could have changed did change. The one difference
 * allowed: a hash VM's first entry gives it its (RAM-sized) HPT, which
 * happens before the CAS hypercall and is not the CAS's doing.
 */
static bool untouched(const struct kvm_ppc_mmu_state *before, const struct kvm_ppc_mmu_state *after)
{
	struct kvm_ppc_mmu_state b = *before;

	if (b.mode == KVM_PPC_MMU_MODE_HASH && !b.hpt_order)
		b.hpt_order = ORDER_64M;
	return !memcmp(&b, after, sizeof(b));
}

/* What this host must decide for kind @k. */
static void expected(enum vec_kind k, uint32_t *status, uint32_t *mode, bool *legacy)
{
	bool radix = k == V61_RADIX || (k == V61_EITHER && can_radix);

	*legacy = k == V49_LEGACY;
	*mode = radix ? KVM_PPC_MMU_MODE_RADIX : KVM_PPC_MMU_MODE_HASH;
	*status = (radix ? can_radix : can_hash) ? KVM_PPC_MMU_CAS_ACCEPTED :
						   KVM_PPC_MMU_CAS_MODE_UNAVAILABLE;
}

/* 4 results per kind */
static void test_kind(enum vec_kind k)
{
	struct cas_run ic, vmm;
	uint32_t status, mode;
	bool legacy, ok;

	expected(k, &status, &mode, &legacy);
	run_cas(k, VEC_ADDR, true, &ic, NULL);
	run_cas(k, VEC_ADDR, false, &vmm, NULL);
	ktap_info("%s: status %u reason %u mode %u flags %#x compat %#x hpt_order %u ack %#x/%#x platform %#x",
		  kind_name[k], ic.out.status, ic.out.reason, ic.out.mode, ic.out.out_flags,
		  ic.out.compat_pvr, ic.out.hpt_order, ic.out.ov5_ack_byte24, ic.out.ov5_ack_byte26,
		  ic.out.platform_byte24);

	ok = !ic.r && ic.out.status == status;
	if (ok && status == KVM_PPC_MMU_CAS_ACCEPTED)
		ok = ic.out.mode == mode && !!(ic.out.out_flags & KVM_PPC_MMU_CAS_OUT_LEGACY) == legacy &&
		     ic.out.hpt_order == (mode == KVM_PPC_MMU_MODE_HASH ? ORDER_64M : 0u) &&
		     ic.out.ov5_ack_byte24 == (mode == KVM_PPC_MMU_MODE_RADIX ? 0x40 : 0);
	ktap_result(ok, "%s: outcome %s%s (r=%d)", kind_name[k],
		    status ? "MODE_UNAVAILABLE" : mode ? "radix" : "hash", legacy ? " legacy" : "", ic.r);

	ic.out.vec_addr = vmm.out.vec_addr = 0;
	ktap_result(!vmm.r && !memcmp(&ic.out, &vmm.out, sizeof(ic.out)),
		    "%s: KVM_PPC_MMU_CAS from the VMM gives the same outcome", kind_name[k]);

	if (status == KVM_PPC_MMU_CAS_ACCEPTED) {
		ktap_result(ic.res.saw_cas && ic.res.cas_rc == 0 && ic.res.saw_translated &&
			    ic.res.value_read == MMU_GUEST_B_VALUE && ic.res.value_read_again &&
			    (ic.res.msr & 0x30) == 0x30 && ic.res.done && !ic.res.other_hcall,
			    "%s: guest runs translated in the negotiated mode (read %#llx, msr %#llx)",
			    kind_name[k], (unsigned long long)ic.res.value_read,
			    (unsigned long long)ic.res.msr);
		ktap_result(ic.after.mode == mode && (mode == KVM_PPC_MMU_MODE_RADIX ||
						      ic.after.hpt_order == ORDER_64M),
			    "%s: VM in that mode at CAS%s (hpt_order %u)", kind_name[k],
			    mode ? "" : ", HPT sized from RAM", ic.after.hpt_order);
	} else {
		ktap_result(ic.res.saw_cas && ic.res.cas_rc == (uint64_t)ic.out.hcall_ret &&
			    ic.res.done && !ic.res.saw_translated,
			    "%s: guest gets the refusal (%lld) and stops cleanly", kind_name[k],
			    (long long)ic.res.cas_rc);
		ktap_result(untouched(&ic.before, &ic.after),
			    "%s: VM's MMU state untouched by the refusal", kind_name[k]);
	}
}

static void mangle_count(struct guest_vm *vm)
{
	vm->mem[VEC_ADDR + CAS_VEC_LINUX61_COUNT] = 3;		/* no OV5 */
}

static void mangle_unterminated(struct guest_vm *vm)
{
	int i;

	for (i = 0; i < 600; i++)				/* 600 POWER9 entries */
		memcpy(vm->mem + VEC_ADDR + 8 * i, "\xff\xff\x00\x00\x00\x4e\x00\x00", 8);
}

static void mangle_at_end(struct guest_vm *vm)
{
	uint8_t v[CAS_VEC_MAX_SIZE];

	cas_vec_linux61(v, 0x40, 0x40);		/* only its first 100 bytes fit */
	memcpy(vm->mem + MEM_64M - 100, v, 100);
}

static void mangle_no_pvr(struct guest_vm *vm)
{
	cas_vec_linux49(vm->mem + VEC_ADDR);
	/* keep only POWER5-class entries and logical 2.05 */
	memcpy(vm->mem + VEC_ADDR + 8, "\xff\xff\xff\xfe\x0f\x00\x00\x01", 8);
}

static const struct {
	const char *name;
	uint64_t addr;
	void (*mangle)(struct guest_vm *vm);
	uint32_t reason;
} hostile[] = {
	{ "vector address beyond RAM (1 GiB)", 1ULL << 30, NULL, KVM_PPC_MMU_CAS_ERR_NOT_IN_RAM },
	{ "vector address all ones", ~0ULL, NULL, KVM_PPC_MMU_CAS_ERR_NOT_IN_RAM },
	{ "vector cut off by the end of RAM", MEM_64M - 100, mangle_at_end,
	  KVM_PPC_MMU_CAS_ERR_PVR_TRUNCATED },
	{ "count byte without OV5", VEC_ADDR, mangle_count, KVM_PPC_MMU_CAS_ERR_NO_OV5 },
	{ "600 PVR pairs, no terminator", VEC_ADDR, mangle_unterminated,
	  KVM_PPC_MMU_CAS_ERR_PVR_UNTERMINATED },
	{ "no PVR this host can be", VEC_ADDR, mangle_no_pvr, KVM_PPC_MMU_CAS_ERR_NO_PVR },
};
#define NR_HOSTILE (int)(sizeof(hostile) / sizeof(hostile[0]))

/* 2 results per case, + 1 */
static void test_hostile_vectors(void)
{
	struct cas_run cr;
	int i;

	for (i = 0; i < NR_HOSTILE; i++) {
		run_cas(V61_RADIX, hostile[i].addr, true, &cr, hostile[i].mangle);
		ktap_result(!cr.r && cr.out.status == KVM_PPC_MMU_CAS_MALFORMED &&
			    cr.out.reason == hostile[i].reason,
			    "hostile: %s -> MALFORMED reason %u (want %u)", hostile[i].name,
			    cr.out.reason, hostile[i].reason);
		ktap_result(untouched(&cr.before, &cr.after) && cr.res.saw_cas &&
			    cr.res.cas_rc == (uint64_t)cr.out.hcall_ret && cr.out.hcall_ret < 0 &&
			    cr.res.done,
			    "hostile: %s -> VM untouched, guest got %lld and went on", hostile[i].name,
			    (long long)cr.out.hcall_ret);
	}
	/* The top 4 address bits are ignored, as QEMU's ppc64_phys_to_real does. */
	run_cas(can_radix ? V61_RADIX : V61_HASH, VEC_ADDR | (0xfULL << 60), true, &cr, NULL);
	ktap_result(!cr.r && parsed_and_answered(&cr),
		    "vector address with the top 4 bits set: parsed (status %u), guest translates if accepted",
		    cr.out.status);
}

/* Every PVR pair of a Linux 6.1 vector but its terminator: one exact (raw) PVR. */
static uint32_t raw_pvr;

static void mangle_raw_pvr(struct guest_vm *vm)
{
	uint8_t pair[8] = { 0xff, 0xff, 0xff, 0xff, raw_pvr >> 24, raw_pvr >> 16,
			    raw_pvr >> 8, raw_pvr };
	int i;

	for (i = 0; i < CAS_VEC_LINUX61_COUNT / 8 - 1; i++)
		memcpy(vm->mem + VEC_ADDR + 8 * i, pair, 8);
}

/*
 * CAS matches the PVR the guest's vcpu has, as QEMU matches the CPU's own.
 * What a VMM may set there: KVM-HV gives each vcpu the host's PVR and
 * refuses any other in KVM_SET_SREGS, a compatible model included (a guest
 * under KVM-HV reads the real PVR, which cannot be spoofed); a compatible
 * architecture level is set with KVM_REG_PPC_ARCH_COMPAT, which CAS
 * reports as compat_pvr. So the vcpu's PVR is the host's here. 5 results.
 */
static void test_vcpu_pvr(void)
{
	struct kvm_sregs sregs;
	struct guest_vm vm;
	struct cas_run cr;
	uint32_t pvr = 0, other;
	int r, r_other, r_same;

	r = mmu_guest_vm(&vm, 16 << 20, GUEST_MMU_DEFAULT, 0);
	r = r ? r : guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
	r = r < 0 ? r : ioctl(vm.vcpus[0].fd, KVM_GET_SREGS, &sregs) ? -errno : 0;
	if (!r)
		pvr = sregs.pvr;
	ktap_result(!r && pvr == caps.pvr, "vcpu PVR %#x is the host's %#x (r=%d)", pvr,
		    caps.pvr, r);
	/* Another revision of the same processor: what -cpu power9_v2.0 would ask for. */
	other = (pvr & 0xffff0000) | ((pvr & 0xffff) == 0x1200 ? 0x1202 : 0x1200);
	sregs.pvr = other;
	r_other = ioctl(vm.vcpus[0].fd, KVM_SET_SREGS, &sregs) ? -errno : 0;
	sregs.pvr = pvr;
	r_same = ioctl(vm.vcpus[0].fd, KVM_SET_SREGS, &sregs) ? -errno : 0;
	ktap_result(r_other == -EINVAL && r_same == 0,
		    "KVM-HV refuses a VMM-set PVR %#x (r=%d), takes its own (r=%d)", other,
		    r_other, r_same);
	if (!r)
		guest_vm_destroy(&vm);

	raw_pvr = pvr;
	run_cas(can_radix ? V61_RADIX : V61_HASH, VEC_ADDR, true, &cr, mangle_raw_pvr);
	ktap_result(!cr.r && parsed_and_answered(&cr) && !cr.out.compat_pvr,
		    "vector naming only the vcpu's exact PVR: matched in raw mode (status %u, compat %#x)",
		    cr.out.status, cr.out.compat_pvr);
	raw_pvr = other;
	run_cas(can_radix ? V61_RADIX : V61_HASH, VEC_ADDR, true, &cr, mangle_raw_pvr);
	ktap_result(!cr.r && cr.out.status == KVM_PPC_MMU_CAS_MALFORMED &&
		    cr.out.reason == KVM_PPC_MMU_CAS_ERR_NO_PVR,
		    "vector naming only another revision %#x: NO_PVR (status %u reason %u)", other,
		    cr.out.status, cr.out.reason);
	/* The VMM's way in (no vcpu in the call) matches the same PVR. */
	raw_pvr = pvr;
	run_cas(can_radix ? V61_RADIX : V61_HASH, VEC_ADDR, false, &cr, mangle_raw_pvr);
	ktap_result(!cr.r && cr.out.status == valid_vector_status() && !cr.out.compat_pvr,
		    "KVM_PPC_MMU_CAS with that vector: matched in raw mode too (status %u)",
		    cr.out.status);
}

/*
 * A guest that predates POWER10 (Linux before 5.9: no POWER10 PVR, no
 * logical ISA 3.1 in its list) on a POWER10 host runs in POWER9
 * compatibility: CAS answers the logical PVR of ISA 3.00, the VMM sets it
 * as the vcpu's ARCH_COMPAT (KVM-HV takes it), and the guest then runs
 * translated in the mode CAS chose; so on POWER11. On POWER9 the same
 * vector matches the raw PVR. 3 results.
 */
static void mangle_pre_power10(struct guest_vm *vm)
{
	uint8_t *pair = vm->mem + VEC_ADDR;
	int i;

	for (i = 0; i < CAS_VEC_LINUX61_COUNT / 8 - 1; i++, pair += 8) {
		uint32_t mask = be32_at(pair), value = be32_at(pair + 4);

		if (mask == 0xffff0000 && value == (PVR_POWER10 << 16))
			be32_put(pair + 4, PVR_POWER9 << 16);		/* a second POWER9 */
		else if (mask == 0xffffffff && value == PVR_ARCH_31)
			be32_put(pair + 4, PVR_ARCH_300);		/* a second 3.00 */
	}
}

static void test_power9_compat_guest(void)
{
	bool power9 = caps.pvr >> 16 == PVR_POWER9;
	uint32_t want = power9 ? 0 : PVR_ARCH_300;
	struct cas_run cr;

	run_cas(can_radix ? V61_RADIX : V61_HASH, VEC_ADDR, true, &cr, mangle_pre_power10);
	ktap_result(!cr.r && cr.out.status == valid_vector_status() && cr.out.compat_pvr == want,
		    "pre-POWER10 guest on PVR %#x: compat PVR %#x (want %#x, status %u)",
		    caps.pvr, cr.out.compat_pvr, want, cr.out.status);
	ktap_result(!want || (!cr.compat_r && cr.compat_read == want),
		    "KVM-HV takes it as the vcpu's ARCH_COMPAT (r=%d, reads %#x)",
		    cr.compat_r, cr.compat_read);
	ktap_result(parsed_and_answered(&cr),
		    "and the guest runs translated in the mode CAS chose (%s)",
		    cr.out.mode == KVM_PPC_MMU_MODE_RADIX ? "radix" : "hash");
}

/* 6 results */
static void test_ioctl_arguments(void)
{
	struct kvm_ppc_mmu_cas c;
	struct guest_vm vm;
	int r = mmu_guest_vm(&vm, 16 << 20, GUEST_MMU_DEFAULT, 0);

	if (r) {
		ktap_result(0, "cas ioctls: VM (r=%d)", r);
		ktap_skip_n(5, "no VM", "cas ioctls");
		return;
	}
	memset(&c, 0, sizeof(c));
	ktap_result(ioctl(vm.vm_fd, KVM_PPC_MMU_GET_CAS, &c) == -1 && errno == ENOENT,
		    "GET_CAS before any CAS -> ENOENT");
	c.flags = 1;
	ktap_result(ioctl(vm.vm_fd, KVM_PPC_MMU_CAS, &c) == -1 && errno == EINVAL,
		    "CAS with flags -> EINVAL");
	c.flags = 0;
	c.reserved[5] = 1;
	ktap_result(ioctl(vm.vm_fd, KVM_PPC_MMU_CAS, &c) == -1 && errno == EINVAL,
		    "CAS with reserved set -> EINVAL");
	ktap_result(ioctl(vm.vm_fd, KVM_PPC_MMU_CAS, NULL) == -1 && errno == EFAULT,
		    "CAS with a NULL pointer -> EFAULT");
	memset(&c, 0, sizeof(c));
	c.vec_addr = 8 << 20;	/* RAM, but zeros: a single "terminator"-less list */
	r = ioctl(vm.vm_fd, KVM_PPC_MMU_CAS, &c);
	ktap_result(!r && c.status == KVM_PPC_MMU_CAS_MALFORMED,
		    "CAS on zeroed RAM: a verdict, not an error (status %u reason %u)", c.status,
		    c.reason);
	memset(&c, 0, sizeof(c));
	ktap_result(!ioctl(vm.vm_fd, KVM_PPC_MMU_GET_CAS, &c) && c.status == KVM_PPC_MMU_CAS_MALFORMED,
		    "GET_CAS returns that last outcome");
	guest_vm_destroy(&vm);
}

/*
 * The VMM's own HPT sizing rule (KVM_PPC_MMU_SET_HPT_ORDER): QEMU sizes
 * from maxmem, or RAM plus plugged DIMMs, never from a BAR's memslot. A
 * hash guest's CAS gets that order whichever way CAS is negotiated; a
 * radix guest still gets no table; malformed requests and a VM that ran
 * before it opted in are refused. 5 results.
 */
static void test_vmm_hpt_order(void)
{
	const uint32_t order = ORDER_64M + 3;	/* what RAM would never give */
	struct kvm_ppc_mmu_hpt_order o;
	struct cas_run ic, vmm;
	struct guest_vm vm;
	int r, bad = 0;

	r = mmu_guest_vm(&vm, 16 << 20, GUEST_MMU_DEFAULT, 0);
	if (r) {
		ktap_result(0, "SET_HPT_ORDER: VM (r=%d)", r);
	} else {
		memset(&o, 0, sizeof(o));
		o.order = 17;
		bad += ioctl(vm.vm_fd, KVM_PPC_MMU_SET_HPT_ORDER, &o) == -1 && errno == EINVAL;
		o.order = 47;
		bad += ioctl(vm.vm_fd, KVM_PPC_MMU_SET_HPT_ORDER, &o) == -1 && errno == EINVAL;
		o.order = 24;
		o.flags = 1;
		bad += ioctl(vm.vm_fd, KVM_PPC_MMU_SET_HPT_ORDER, &o) == -1 && errno == EINVAL;
		o.flags = 0;
		o.pad = 1;
		bad += ioctl(vm.vm_fd, KVM_PPC_MMU_SET_HPT_ORDER, &o) == -1 && errno == EINVAL;
		o.pad = 0;
		o.reserved[5] = 1;
		bad += ioctl(vm.vm_fd, KVM_PPC_MMU_SET_HPT_ORDER, &o) == -1 && errno == EINVAL;
		bad += ioctl(vm.vm_fd, KVM_PPC_MMU_SET_HPT_ORDER, NULL) == -1 && errno == EFAULT;
		ktap_result(bad == 6 && !ppcmmu_set_hpt_order(vm.vm_fd, 0) &&
			    !ppcmmu_set_hpt_order(vm.vm_fd, 46),
			    "SET_HPT_ORDER: orders 17 and 47, flags, pad, reserved -> EINVAL, NULL -> EFAULT (%d/6); 0 and 46 accepted",
			    bad);
		guest_vm_destroy(&vm);
	}
	r = guest_vm_create_done(&vm, 16 << 20);
	r = r ? r : guest_vm_run_done(&vm);
	r = r ? r : ppcmmu_set_hpt_order(vm.vm_fd, order);
	ktap_result(r == -EBUSY, "SET_HPT_ORDER on a VM that ran without opting in -> EBUSY (r=%d)", r);
	guest_vm_destroy(&vm);

	vmm_hpt_order = order;
	if (can_hash) {
		run_cas(V61_HASH, VEC_ADDR, true, &ic, NULL);
		run_cas(V61_HASH, VEC_ADDR, false, &vmm, NULL);
		ktap_result(!ic.r && !vmm.r && ic.out.status == KVM_PPC_MMU_CAS_ACCEPTED &&
			    ic.out.hpt_order == order && ic.after.hpt_order == order &&
			    vmm.out.hpt_order == order && vmm.after.hpt_order == order,
			    "hash CAS after SET_HPT_ORDER %u: HPT of that order, both ways (outcome %u/%u, state %u/%u)",
			    order, ic.out.hpt_order, vmm.out.hpt_order, ic.after.hpt_order,
			    vmm.after.hpt_order);
		ktap_result(ic.res.saw_translated && ic.res.value_read == MMU_GUEST_B_VALUE &&
			    vmm.res.saw_translated && vmm.res.value_read == MMU_GUEST_B_VALUE,
			    "... and the guest runs translated in it");
	} else {
		ktap_skip_n(2, "the host gives no hash guests", "SET_HPT_ORDER hash CAS");
	}
	if (can_radix) {
		run_cas(V61_RADIX, VEC_ADDR, true, &ic, NULL);
		ktap_result(!ic.r && ic.out.mode == KVM_PPC_MMU_MODE_RADIX && !ic.out.hpt_order &&
			    !ic.after.hpt_order && ic.res.saw_translated,
			    "radix CAS after SET_HPT_ORDER: still no HPT (outcome %u, state %u)",
			    ic.out.hpt_order, ic.after.hpt_order);
	} else {
		ktap_skip("the host gives no radix guests", "SET_HPT_ORDER radix CAS");
	}
	vmm_hpt_order = 0;
}

/*
 * Copy VM @a's HPT into VM @b through KVM's HTAB fd (ppcmmu/htab_stream.c:
 * one record per guest HPTE, VRMA entries left out). Returns the number of
 * HPTEs copied or -errno.
 */
static int copy_htab(struct guest_vm *a, struct guest_vm *b)
{
	static uint8_t buf[8 << 20];
	ssize_t len = htab_stream_read(a->vm_fd, buf, sizeof(buf));

	return len < 0 ? len : htab_stream_write(b->vm_fd, buf, len);
}

/*
 * Migrate a guest that runs translated: save source VM A after its first
 * translated access (GET_STATE, registers, SLB, RAM, HPT via the HTAB fd),
 * destroy A, restore into a fresh VM B (SET_STATE first), and let the guest
 * make its second translated access there. 4 results.
 */
static void test_migrate(bool radix)
{
	const char *name = radix ? "migrate radix" : "migrate hash";
	struct kvm_ppc_mmu_state st, st_b;
	struct mmu_guest_result res;
	struct guest_exit log[8];
	struct guest_vm a, b;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct gasm g;
	int r, n, htab = 0;

	if (radix ? !can_radix : !can_hash) {
		ktap_skip_n(4, radix ? "host cannot run radix guests" : "host cannot run hash guests",
			    name);
		return;
	}
	r = mmu_guest_vm(&a, MEM_64M, radix ? GUEST_MMU_RADIX : GUEST_MMU_DEFAULT, FEAT_ALL);
	if (r) {
		ktap_result(0, "%s: source VM (r=%d)", name, r);
		ktap_skip_n(3, "no VM", name);
		return;
	}
	mmu_guest_pages(&a);
	gasm_init(&g, a.mem + GUEST_CODE_ADDR);
	if (radix) {
		mmu_guest_build_radix(&g);
		mmu_guest_register(&g, PROC_TBL_NEW_RADIX_GTSE, MMU_GUEST_PROC_TBL, 0);
	} else {
		mmu_guest_register(&g, PROC_TBL_NEW_HASH_SLB, 0, 0);
		mmu_guest_build_hash(&g);
	}
	mmu_guest_translate_twice(&g);
	guest_vcpu_add(&a, GUEST_CODE_ADDR, GUEST_MSR_REAL);
	for (n = 0, r = 0; !r && n < 8; n++) {	/* up to the first translated access */
		r = guest_run_script(&a, 0, log, 1);
		r = r == 1 ? 0 : -EPROTO;
		if (!r && log[0].nr == TEST_HCALL_REPORT && log[0].args[0] == TAG_TRANSLATED)
			break;
	}
	r = r ? r : ppcmmu_get_state(a.vm_fd, &st);
	r = r ? r : guest_get_regs(&a, 0, &regs);
	r = r ? r : (ioctl(a.vcpus[0].fd, KVM_GET_SREGS, &sregs) ? -errno : 0);
	ktap_result(!r && log[0].args[1] == MMU_GUEST_B_VALUE && (regs.msr & 0x30) == 0x30,
		    "%s: source guest ran translated, saved (mode %u, hpt_order %u)", name, st.mode,
		    st.hpt_order);

	r = r ? r : mmu_guest_vm(&b, MEM_64M, GUEST_MMU_DEFAULT, 0);
	if (r) {
		guest_vm_destroy(&a);
		ktap_skip_n(3, "no source state or no VM", name);
		return;
	}
	memcpy(b.mem, a.mem, MEM_64M);
	r = ioctl(b.vm_fd, KVM_PPC_MMU_SET_STATE, &st) ? -errno : 0;
	if (!r && !radix)
		htab = r = copy_htab(&a, &b);
	guest_vm_destroy(&a);			/* the guest now lives only in B */
	ppcmmu_get_state(b.vm_fd, &st_b);
	ktap_result(r >= 0 && (radix || htab == 3) && !memcmp(&st, &st_b, sizeof(st)),
		    "%s: SET_STATE (and the guest's %d HPTEs) restore the same MMU state", name, htab);

	*(uint64_t *)(b.mem + MMU_GUEST_PAGE_B + 8) = MMU_GUEST_B_VALUE ^ 0xffff;
	r = guest_vcpu_add(&b, GUEST_CODE_ADDR, GUEST_MSR_REAL);
	r = r < 0 ? r : (ioctl(b.vcpus[0].fd, KVM_SET_SREGS, &sregs) ? -errno : 0);
	r = r ? r : (ioctl(b.vcpus[0].fd, KVM_SET_REGS, &regs) ? -errno : 0);
	if (!r)
		mmu_guest_run(&b, 0, &res);
	ktap_result(!r && res.saw_translated_again &&
		    res.value_read_again == (MMU_GUEST_B_VALUE ^ 0xffff) &&
		    (res.msr_again & 0x30) == 0x30 && res.done,
		    "%s: guest continues translated in the new VM (read %#llx)", name,
		    (unsigned long long)res.value_read_again);
	ktap_result(*(uint64_t *)(b.mem + MMU_GUEST_PAGE_A + 8) == MMU_GUEST_MAGIC + 1,
		    "%s: and its store through EA A+8 landed in the new VM's RAM", name);
	guest_vm_destroy(&b);
}

/* 3 results */
static void test_restore_refused(void)
{
	struct kvm_ppc_mmu_state st;
	struct guest_vm vm;
	int r, refs;

	memset(&st, 0, sizeof(st));
	if (can_radix && can_hash) {
		ktap_skip("this host runs both modes", "restore into a host without the mode");
	} else {
		st.mode = can_radix ? KVM_PPC_MMU_MODE_HASH : KVM_PPC_MMU_MODE_RADIX;
		st.hpt_order = can_radix ? ORDER_64M : 0;
		st.process_table = can_radix ? 0 : GR | MMU_GUEST_PROC_TBL;
		r = mmu_guest_vm(&vm, MEM_64M, GUEST_MMU_DEFAULT, 0);
		r = r ? r : (ioctl(vm.vm_fd, KVM_PPC_MMU_SET_STATE, &st) ? -errno : 0);
		ktap_result(r == -EOPNOTSUPP, "restore a %s state here -> EOPNOTSUPP (r=%d)",
			    can_radix ? "hash" : "radix", r);
		guest_vm_destroy(&vm);
	}
	memset(&st, 0, sizeof(st));
	st.mode = KVM_PPC_MMU_MODE_HASH;
	st.hpt_order = 17;
	r = mmu_guest_vm(&vm, MEM_64M, GUEST_MMU_DEFAULT, 0);
	refs = module_refcnt(PPCMMU_MODNAME);
	r = r ? r : (ioctl(vm.vm_fd, KVM_PPC_MMU_SET_STATE, &st) ? -errno : 0);
	ktap_result(r == -EINVAL && module_refcnt(PPCMMU_MODNAME) == refs,
		    "restore an HPT of order 17 -> EINVAL, VM not even pinned (r=%d)", r);
	guest_vm_destroy(&vm);

	/* The largest architected HPT (64 TiB): refused for memory, quietly. */
	if (!can_hash) {
		ktap_skip("host cannot run hash guests", "restore a 2^46-byte HPT");
		return;
	}
	st.hpt_order = 46;
	r = mmu_guest_vm(&vm, MEM_64M, GUEST_MMU_DEFAULT, 0);
	r = r ? r : (ioctl(vm.vm_fd, KVM_PPC_MMU_SET_STATE, &st) ? -errno : 0);
	/* a fresh radix VM's partition-table dw1 is PATB_GR alone */
	ktap_result(r == -ENOMEM && test_state_is(vm.vm_fd, can_radix ? KVM_PPC_MMU_MODE_RADIX :
						  KVM_PPC_MMU_MODE_HASH, can_radix ? GR : 0, 0,
						  "after 2^46 HPT"),
		    "restore a 2^46-byte HPT -> ENOMEM, VM unchanged (r=%d)", r);
	guest_vm_destroy(&vm);
}

int main(void)
{
	int planned = 6 + 4 * NR_KINDS + 2 * NR_HOSTILE + 1 + 5 + 3 + 8 + 3 + 5 + 1;
	int k;

	test_env_begin(planned, "cas", &caps, &forced);
	can_radix = caps.guest_modes & KVM_PPC_MMU_GUEST_RADIX;
	can_hash = caps.guest_modes & KVM_PPC_MMU_GUEST_HASH;
	test_ioctl_arguments();
	for (k = 0; k < NR_KINDS; k++)
		test_kind(k);
	test_hostile_vectors();
	test_vcpu_pvr();
	test_power9_compat_guest();
	test_migrate(true);
	test_migrate(false);
	test_restore_refused();
	test_vmm_hpt_order();
	test_env_restore(forced);
	ktap_result(module_is_loaded(PPCMMU_MODNAME), "module loaded at the end");
	ktap_finish();
}
