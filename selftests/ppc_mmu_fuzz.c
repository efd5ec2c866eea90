// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl/hypercall fuzzer: random sequences, from a seed, of the module's
 * ioctls, KVM's own MMU ioctls (KVM_PPC_CONFIGURE_V3_MMU,
 * KVM_PPC_ALLOCATE_HTAB, KVM_PPC_GET_HTAB_FD and reading it, memslot
 * add/delete/move) and guest hypercalls (H_REGISTER_PROC_TBL, KVMPPC_H_CAS,
 * H_ENTER) on NR_VMS VMs of NR_VCPUS vcpus at once, one thread per VM and
 * one more per VM for its second vcpu.
 *
 * Oracle. Every call is checked against what the uapi header and
 * Documentation/kvm-ppc-mmu-api.rst promise (KVM's own ioctls against
 * KVM's api.rst), from a small model of each VM: its features, whether a
 * vcpu ran, its slot 1, and the MMU state (mode, process table, GTSE, HPT
 * order), each part of which may be "unknown". What an accepted call
 * changes is set in the model; a refused one changes nothing (the doc
 * says so); where a result depends on things the doc leaves open the part
 * becomes unknown and is learned from the next KVM_PPC_MMU_GET_STATE,
 * whose answer must then stay put until something changes it. A step of
 * one vcpu ("solo") runs with no other vcpu of the VM in KVM_RUN, so it
 * must never be answered busy; in a "concurrent" step both vcpus run (or
 * one runs while the VMM changes the VM) and busy answers are allowed.
 *
 * Seeds. Round r uses seed S+r (S printed as "# seed S"); each VM's
 * operations are drawn from the round's seed alone, so rerunning a seed
 * (PPC_MMU_FUZZ_SEED=N: that round only) repeats every operation; thread
 * interleaving is up to the host. Rounds run for PPC_MMU_FUZZ_SECONDS
 * (FUZZ_SECONDS by default). Failures print "seed N step K".
 *
 * Not done, on purpose: ALLOCATE_HTAB of order 0 on a VM without an HPT
 * (KVM-HV 6.1's kvmppc_alloc_reset_hpt() then takes "order == current
 * order" and memsets a NULL table), and reading the HTAB fd while another
 * thread may switch the VM (kvm_htab_read() walks the HPT without
 * mmu_setup_lock). Both are KVM-HV's, outside this module; so are the
 * races that PPC_MMU_FUZZ_KVM_RACES=1 turns on (see kvm_races).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "lib/ktap.h"
#include "lib/test_env.h"
#include "ppcmmu/cas_vectors.h"
#include "ppcmmu/guest.h"
#include "ppcmmu/guest_asm.h"
#include "ppcmmu/mmu_guest.h"
#include "ppcmmu/ppcmmu.h"

#define FUZZ_SECONDS	10	/* default budget; PPC_MMU_FUZZ_SECONDS=N */
#define NR_VMS		3
#define NR_VCPUS	2
#define ROUND_STEPS	60	/* per VM and seed */
#define VM_MEM		(64UL << 20)
#define SLOT1_SIZE	(16UL << 20)
#define MAX_REPORTS	40	/* failure lines printed in full */

/* PAPR return codes the guests may see */
#define H_SUCCESS	0
#define H_HARDWARE	(-1)
#define H_FUNCTION	(-2)
#define H_PRIVILEGE	(-3)
#define H_PARAMETER	(-4)
#define H_NOT_FOUND	(-5)
#define H_PTEG_FULL	(-6)
#define H_NO_MEM	(-9)
#define H_P2		(-55)
#define H_P3		(-56)
#define H_P4		(-57)
#define H_MULTI_THREADS_ACTIVE	(-9005)
#define PATB_GR		(1ULL << 63)
#define PRTS_MASK	0x1fULL

/*
 * Seeds of bugs this fuzzer found, run first in every run:
 *   1795664126445  a fresh radix VM's GET_STATE said process_table 0 (no
 *                  PATB_GR), which SET_STATE then refused (radix host).
 */
static const unsigned long long regression_seeds[] = { 1795664126445ULL };
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NR_REGRESSION	((int)ARRAY_SIZE(regression_seeds))

enum cat { C_MODULE, C_KVM, C_HCALL, C_STATE, C_GUEST, NR_CAT };
static const char *const cat_name[NR_CAT] = {
	"module ioctls answered as the uapi documents",
	"KVM MMU ioctls and memslot changes answered as documented",
	"guest hypercalls answered as documented",
	"GET_STATE consistent with what was accepted",
	"guests ran without a hang or unexpected exit",
};

static struct {
	unsigned long checks, fails;
	char first[200];
} cats[NR_CAT];
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static int reports;

static struct kvm_ppc_mmu_caps caps;
static uint8_t *wild_none;	/* PROT_NONE page */
static uint8_t *wild_ro;	/* read-only page of zeroes */
static long page_size;

/* The model of one VM: what the doc lets us know about it. */
struct model {
	uint64_t features;
	bool ran;
	bool opted;		/* an ENABLE, SET_STATE or CAS got past its checks */
	int mode;		/* KVM_PPC_MMU_MODE_*, -1 unknown */
	bool pt_known;
	uint64_t pt;
	int gtse;		/* -1 unknown */
	int hpt;		/* HPT order, 0 none, -1 unknown */
	int cas;		/* last CAS: 0 none (ENOENT), 1 in last_cas, -1 unknown */
	struct kvm_ppc_mmu_cas last_cas;
	bool slot1;
	uint64_t slot1_gpa;
};

struct hc {
	uint64_t nr, a[4];
	int vec_kind;		/* CAS: what the vector is (enum vec_kind) */
	uint8_t b24, b26;
};

struct hc_out {
	int r;			/* -errno of KVM_RUN, or -EPROTO: odd exit */
	bool to_vmm;		/* the hypercall exited to the VMM */
	uint64_t vmm_nr, answer;
	int cas_r;		/* GET_CAS at that exit */
	struct kvm_ppc_mmu_cas cas;
	uint64_t rc;		/* what the guest saw */
	char why[96];
};

struct fuzz_vm {
	int idx;
	unsigned long long seed;
	int step;
	uint64_t rng;
	struct guest_vm vm;
	bool exists;		/* vm holds a VM to destroy */
	bool have_vm;		/* ... that is usable */
	bool primed[NR_VCPUS];
	struct model m;
	uint8_t *slot1_mem;
	pthread_t thread;
	/* the second vcpu's thread */
	pthread_t helper;
	sem_t go, done;
	struct hc helper_hc;
	struct hc_out helper_out;
	bool helper_quit;
	/* statistics */
	unsigned long steps, vms, hcalls, ioctls, concurrent, busy;
	unsigned long reg_ok, reg_refused, cas_ok, cas_refused, switches;
	int seen_mode;		/* last mode GET_STATE gave, -1 none yet */
};

static struct fuzz_vm fvms[NR_VMS];
static pthread_barrier_t round_start, round_end;
static bool quit;		/* read after a barrier: no volatile needed */
static long long deadline_ms;

/* splitmix64: small, and the same sequence on every host */
static uint64_t rnd(struct fuzz_vm *f)
{
	uint64_t z = (f->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int pick(struct fuzz_vm *f, unsigned int n)
{
	return rnd(f) % n;
}

static bool chance(struct fuzz_vm *f, unsigned int percent)
{
	return pick(f, 100) < percent;
}

#define __printf(a, b)	__attribute__((format(printf, a, b)))
static __printf(4, 5) bool check(struct fuzz_vm *f, enum cat c, bool ok, const char *fmt, ...);

/* Count one check; on failure say where, with the seed and step to rerun it. */
static bool check(struct fuzz_vm *f, enum cat c, bool ok, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	pthread_mutex_lock(&report_lock);
	cats[c].checks++;
	if (!ok) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		if (!cats[c].fails++)
			snprintf(cats[c].first, sizeof(cats[c].first), "seed %llu step %d vm %d: %s",
				 f->seed, f->step, f->idx, msg);
		if (reports++ < MAX_REPORTS)
			ktap_info("FAIL seed %llu step %d vm %d: %s", f->seed, f->step, f->idx, msg);
	}
	pthread_mutex_unlock(&report_lock);
	return ok;
}

static bool trace_steps;	/* PPC_MMU_FUZZ_TRACE=1: say each step first */
/*
 * PPC_MMU_FUZZ_KVM_RACES=1: also drive two races of KVM-HV's own, off by
 * default because no code of ours is on their path and they take the
 * host down:
 *  - KVM_PPC_CONFIGURE_V3_MMU while the other vcpu runs: the emulated
 *    radix host hard-locked within seconds. kvmhv_configure_mmu() checks
 *    vcpus_running once, and a vcpu entering just then runs the guest with
 *    the old mode's LPCR (the window the module's entry_gate closes for
 *    its own switches, kmod/ppc_mmu.h);
 *  - KVM_PPC_ALLOCATE_HTAB replacing an HPT (step_allocate_htab()).
 */
static bool kvm_races;

static void trace_step(struct fuzz_vm *f, const char *what, unsigned int d)
{
	if (!trace_steps)
		return;
	pthread_mutex_lock(&report_lock);	/* ktap_info() prints in pieces */
	ktap_info("trace seed %llu step %d vm %d: %s %u (features %#llx)", f->seed, f->step,
		  f->idx, what, d, (unsigned long long)f->m.features);
	pthread_mutex_unlock(&report_lock);
}

/* errno sets as bit masks: E(0) is success */
static uint32_t E(int e)
{
	switch (e) {
	case 0:
		return 1u << 0;
	case EINVAL:
		return 1u << 1;
	case EFAULT:
		return 1u << 2;
	case ENOTTY:
		return 1u << 3;
	case EBUSY:
		return 1u << 4;
	case ENOMEM:
		return 1u << 5;
	case EOPNOTSUPP:
		return 1u << 6;
	case ENOENT:
		return 1u << 7;
	case EEXIST:
		return 1u << 8;
	case ENODEV:
		return 1u << 9;
	default:
		return 1u << 31;
	}
}

static int xioctl(int fd, unsigned long nr, void *arg)
{
	return ioctl(fd, nr, arg) ? errno : 0;
}

static bool expect(struct fuzz_vm *f, enum cat c, const char *what, int e, uint32_t allowed)
{
	f->ioctls++;
	return check(f, c, E(e) & allowed, "%s: errno %d (%s), allowed mask %#x", what, e,
		     e ? strerror(e) : "success", allowed);
}

static bool host_has(uint64_t mode_bit)
{
	return caps.guest_modes & mode_bit;
}

/*
 * QEMU's emulation of the nested API v2's L0 (spapr_nested.c,
 * copy_state_proctbl) aborts on a process table of any size but 2^12 and
 * 2^24 bytes, and KVM-HV hands it whatever size a registration carries
 * (H_GUEST_SET_STATE). On such a host, only those two of the valid sizes
 * (PRTS 0..24) are generated; the invalid ones never leave KVM or the
 * module, so they stay.
 */
static uint64_t l0_safe_prts(uint64_t prts)
{
	if (!(caps.host_flags & KVM_PPC_MMU_HOST_NESTED_V2) || prts > 24)
		return prts;
	return prts & 1 ? 12 : 0;
}

static bool mode_available(int mode)
{
	return host_has(mode == KVM_PPC_MMU_MODE_RADIX ? KVM_PPC_MMU_GUEST_RADIX :
							  KVM_PPC_MMU_GUEST_HASH);
}

static void model_forget_mmu(struct model *m)
{
	m->mode = -1;
	m->pt_known = false;
	m->gtse = -1;
	m->hpt = -1;
}

/* Is [base, base + bytes) inside one memslot of the model? */
static bool in_one_slot(const struct model *m, uint64_t base, uint64_t bytes)
{
	if (base + bytes < base)
		return false;
	if (base + bytes <= VM_MEM)
		return true;
	return m->slot1 && base >= m->slot1_gpa && base + bytes <= m->slot1_gpa + SLOT1_SIZE;
}

/*
 * --- KVM_PPC_MMU_GET_STATE against the model -------------------------------
 * @solo: no other thread can change the VM meanwhile, so every known part
 * of the model must match, and unknown parts are learned.
 */
static bool state_read(struct fuzz_vm *f, bool solo, struct kvm_ppc_mmu_state *st)
{
	struct model *m = &f->m;
	bool radix, ok;
	int e;

	memset(st, 0, sizeof(*st));
	e = xioctl(f->vm.vm_fd, KVM_PPC_MMU_GET_STATE, st);
	if (!expect(f, C_MODULE, "GET_STATE", e, E(0)))
		return false;
	radix = st->mode == KVM_PPC_MMU_MODE_RADIX;
	if (f->seen_mode >= 0 && f->seen_mode != (int)st->mode)
		f->switches++;
	f->seen_mode = st->mode;
	ok = check(f, C_STATE, st->features == m->features, "features %#llx, set %#llx",
		   (unsigned long long)st->features, (unsigned long long)m->features);
	ok &= check(f, C_STATE, radix || st->mode == KVM_PPC_MMU_MODE_HASH, "mode %u", st->mode);
	ok &= check(f, C_STATE, radix ? (caps.host_flags & KVM_PPC_MMU_HOST_RADIX) :
					!(caps.host_flags & KVM_PPC_MMU_HOST_NESTED),
		    "mode %u on a host that cannot run it", st->mode);
	ok &= check(f, C_STATE, !!(st->process_table & PATB_GR) == radix,
		    "mode %u with process_table %#llx", st->mode,
		    (unsigned long long)st->process_table);
	ok &= check(f, C_STATE, !st->hpt_order || (st->hpt_order >= 18 && st->hpt_order <= 46),
		    "hpt_order %u", st->hpt_order);
	ok &= check(f, C_STATE, !(st->state_flags & ~KVM_PPC_MMU_STATE_GTSE),
		    "state_flags %#llx", (unsigned long long)st->state_flags);
	if (!solo)
		return ok;
	/* A radix VM holds no HPT: going radix frees it (doc, FEAT_HPT_SIZING). */
	ok &= check(f, C_STATE, !radix || !st->hpt_order, "radix VM with an HPT of order %u",
		    st->hpt_order);
	if (m->mode >= 0)
		ok &= check(f, C_STATE, (int)st->mode == m->mode, "mode %u, expected %d",
			    st->mode, m->mode);
	if (m->pt_known)
		ok &= check(f, C_STATE, st->process_table == m->pt,
			    "process_table %#llx, expected %#llx",
			    (unsigned long long)st->process_table, (unsigned long long)m->pt);
	if (m->gtse >= 0)
		ok &= check(f, C_STATE, !!(st->state_flags & KVM_PPC_MMU_STATE_GTSE) == m->gtse,
			    "GTSE %d, expected %d", !!(st->state_flags & KVM_PPC_MMU_STATE_GTSE),
			    m->gtse);
	if (m->hpt >= 0)
		ok &= check(f, C_STATE, (int)st->hpt_order == m->hpt, "hpt_order %u, expected %d",
			    st->hpt_order, m->hpt);
	m->mode = st->mode;
	m->pt = st->process_table;
	m->pt_known = true;
	m->gtse = !!(st->state_flags & KVM_PPC_MMU_STATE_GTSE);
	m->hpt = st->hpt_order;
	return ok;
}

static void model_sync(struct fuzz_vm *f)
{
	struct kvm_ppc_mmu_state st;

	if (f->m.mode < 0 || !f->m.pt_known || f->m.gtse < 0 || f->m.hpt < 0)
		state_read(f, true, &st);
}

/* --- guests ---------------------------------------------------------------- */

/*
 * Every vcpu runs the same loop: REPORT(r4 = last answer); the VMM's
 * answer to that REPORT loads r3..r12 (KVM completes a pending hcall from
 * kvm_run->papr_hcall), which is the next hypercall to make; make it, and
 * REPORT what it returned.
 */
static void write_guest(struct guest_vm *vm)
{
	uint32_t *loop;
	struct gasm a;

	gasm_init(&a, vm->mem + GUEST_CODE_ADDR);
	gasm_li64(&a, 3, TEST_HCALL_REPORT);
	gasm_emit(&a, PPC_LI(4, 0));
	loop = a.p;
	gasm_emit(&a, PPC_SC1);		/* REPORT; comes back as the next hcall */
	gasm_emit(&a, PPC_SC1);		/* the fuzzed hypercall */
	gasm_emit(&a, PPC_MR(4, 3));
	gasm_li64(&a, 3, TEST_HCALL_REPORT);
	gasm_emit(&a, PPC_B((int)((loop - a.p) * 4)));
}

static int run_vcpu(struct fuzz_vm *f, int v)
{
	int r;

	f->m.ran = true;
	do
		r = guest_vcpu_run(&f->vm, v);
	while (r == -EINTR);
	return r;
}

static bool is_report(struct kvm_run *run)
{
	return run->exit_reason == KVM_EXIT_PAPR_HCALL && run->papr_hcall.nr == TEST_HCALL_REPORT;
}

/* One hypercall @h on vcpu @v, answering as a VMM would what exits to it. */
static void vcpu_hcall(struct fuzz_vm *f, int v, const struct hc *h, struct hc_out *o)
{
	struct kvm_run *run = f->vm.vcpus[v].run;
	int i;

	memset(o, 0, sizeof(*o));
	if (!f->primed[v]) {
		o->r = run_vcpu(f, v);
		if (!o->r && !is_report(run))
			o->r = -EPROTO;
		if (o->r) {
			snprintf(o->why, sizeof(o->why), "first entry: r=%d exit %s", o->r,
				 guest_exit_name(run->exit_reason));
			return;
		}
		f->primed[v] = true;
	}
	run->papr_hcall.ret = h->nr;
	for (i = 0; i < 9; i++)
		run->papr_hcall.args[i] = i < 4 ? h->a[i] : 0;
	o->r = run_vcpu(f, v);
	if (!o->r && run->exit_reason == KVM_EXIT_PAPR_HCALL && !is_report(run)) {
		o->to_vmm = true;
		o->vmm_nr = run->papr_hcall.nr;
		o->answer = (uint64_t)H_FUNCTION;
		if (o->vmm_nr == H_CAS) {
			/* as a VMM does: the outcome decides the answer */
			o->cas_r = xioctl(f->vm.vm_fd, KVM_PPC_MMU_GET_CAS, &o->cas);
			if (!o->cas_r)
				o->answer = o->cas.status == KVM_PPC_MMU_CAS_ACCEPTED ?
					    0 : (uint64_t)o->cas.hcall_ret;
		}
		run->papr_hcall.ret = o->answer;
		o->r = run_vcpu(f, v);
	}
	if (!o->r && !is_report(run))
		o->r = -EPROTO;
	if (o->r) {
		snprintf(o->why, sizeof(o->why), "hcall %#llx: r=%d exit %s nr %#llx",
			 (unsigned long long)h->nr, o->r, guest_exit_name(run->exit_reason),
			 (unsigned long long)run->papr_hcall.nr);
		return;
	}
	o->rc = run->papr_hcall.args[0];
	__atomic_add_fetch(&f->hcalls, 1, __ATOMIC_RELAXED);	/* both vcpus' threads */
}

/* --- CAS vectors ----------------------------------------------------------- */

enum vec_kind { VEC_MODERN, VEC_LEGACY, VEC_TRUNCATED, VEC_GARBAGE, VEC_NOT_RAM };

/* Host memory behind guest address @gpa, or NULL. */
static uint8_t *gpa_ptr(struct fuzz_vm *f, uint64_t gpa, size_t len)
{
	if (gpa + len <= VM_MEM)
		return f->vm.mem + gpa;
	if (f->m.slot1 && gpa >= f->m.slot1_gpa && gpa + len <= f->m.slot1_gpa + SLOT1_SIZE)
		return f->slot1_mem + (gpa - f->m.slot1_gpa);
	return NULL;
}

/*
 * Put a vector for @area (0, 1: the vcpus; 2: the VMM's own) in guest RAM
 * and fill in where it is and what it is. The top 4 address bits, ignored
 * as for KVMPPC_H_CAS, are random.
 */
static uint64_t make_vector(struct fuzz_vm *f, int area, struct hc *h)
{
	uint64_t gpa = 0x400000 + area * 0x1000 + pick(f, 64) * 8;
	uint8_t buf[CAS_VEC_MAX_SIZE], *p;
	size_t len, k, i;
	static const enum vec_kind kinds[] = { VEC_MODERN, VEC_MODERN, VEC_MODERN, VEC_MODERN,
					       VEC_MODERN, VEC_LEGACY, VEC_TRUNCATED,
					       VEC_GARBAGE, VEC_NOT_RAM, VEC_MODERN };

	h->vec_kind = kinds[pick(f, 10)];
	/* MMU bits: hash, radix, either, dynamic; sometimes other bits too */
	h->b24 = pick(f, 4) << 6 | (chance(f, 20) ? rnd(f) & 0x3f : 0);
	h->b26 = chance(f, 50) ? 0x40 : chance(f, 50) ? 0 : rnd(f);
	switch (h->vec_kind) {
	case VEC_MODERN:
		len = cas_vec_linux61(buf, h->b24, h->b26);
		if (f->m.slot1 && chance(f, 30))
			gpa = f->m.slot1_gpa + area * 0x1000 + pick(f, 64) * 8;
		break;
	case VEC_LEGACY:
		len = cas_vec_linux49(buf);
		break;
	case VEC_TRUNCATED:	/* RAM ends inside the PVR list or at its count */
		len = cas_vec_linux61(buf, h->b24, h->b26);
		k = 1 + pick(f, CAS_VEC_LINUX61_COUNT);
		gpa = VM_MEM - k;
		len = k;
		break;
	case VEC_GARBAGE:
		len = sizeof(buf);
		for (i = 0; i < len; i++)
			buf[i] = rnd(f);
		break;
	default:		/* a hole between slot 0 and slot 1's places */
		gpa = VM_MEM + pick(f, 1024) * 0x1000;
		len = 0;
		break;
	}
	p = gpa_ptr(f, gpa, len);
	if (p)
		memcpy(p, buf, len);
	return gpa | (rnd(f) & (0xfULL << 60));
}

/*
 * Check a CAS outcome against the vector it answered. @solo: nothing else
 * could change the VM or the vector meanwhile.
 */
static void check_cas(struct fuzz_vm *f, enum cat c, const struct hc *h,
		      const struct kvm_ppc_mmu_cas *o, bool solo)
{
	uint8_t plat = host_has(KVM_PPC_MMU_GUEST_RADIX) ?
		       (host_has(KVM_PPC_MMU_GUEST_HASH) ? 0x80 : 0x40) : 0x00;
	bool accepted = o->status == KVM_PPC_MMU_CAS_ACCEPTED, radix = o->mode;
	uint8_t mmu = h->b24 & 0xc0;
	int want = -1;		/* status expected, -1: any of the documented */
	int want_mode = -1;

	if (accepted)
		f->cas_ok++;
	else
		f->cas_refused++;

	check(f, c, o->platform_byte24 == plat, "CAS platform_byte24 %#x, caps say %#x",
	      o->platform_byte24, plat);
	check(f, c, o->status <= KVM_PPC_MMU_CAS_NO_MEMORY, "CAS status %u", o->status);
	if (accepted) {
		check(f, c, o->hcall_ret == H_SUCCESS && o->mode <= 1 && mode_available(o->mode) &&
		      (radix ? !o->hpt_order : o->hpt_order >= 18 && o->hpt_order <= 46) &&
		      o->ov5_ack_byte24 == (radix ? 0x40 : 0x00) &&
		      !(o->out_flags & ~(KVM_PPC_MMU_CAS_OUT_GTSE | KVM_PPC_MMU_CAS_OUT_LEGACY)) &&
		      (radix || !(o->out_flags & KVM_PPC_MMU_CAS_OUT_GTSE)) &&
		      o->ov5_ack_byte26 == (o->out_flags & KVM_PPC_MMU_CAS_OUT_GTSE ? 0x40 : 0),
		      "CAS accepted: hret %lld mode %u hpt %u ack %#x/%#x out %#x",
		      (long long)o->hcall_ret, o->mode, o->hpt_order, o->ov5_ack_byte24,
		      o->ov5_ack_byte26, o->out_flags);
	} else {
		check(f, c, o->hcall_ret == H_PARAMETER || o->hcall_ret == H_HARDWARE ||
		      o->hcall_ret == H_MULTI_THREADS_ACTIVE || o->hcall_ret == H_NO_MEM,
		      "CAS status %u with hcall_ret %lld", o->status, (long long)o->hcall_ret);
	}
	if (o->status == KVM_PPC_MMU_CAS_MALFORMED)
		check(f, c, o->reason >= 1 && o->reason <= 7, "CAS reason %u", o->reason);
	if (o->status == KVM_PPC_MMU_CAS_BUSY) {
		f->busy++;
		check(f, c, !solo, "CAS BUSY with no other vcpu in KVM_RUN");
	}
	if (!solo)
		return;

	switch (h->vec_kind) {
	case VEC_MODERN:	/* ISA 3.00 guest: OV5 byte 24 asks */
		if (mmu == 0x40)
			want_mode = mode_available(1) ? 1 : -2;
		else if (mmu == 0x00)
			want_mode = mode_available(0) ? 0 : -2;
		want = want_mode == -2 ? KVM_PPC_MMU_CAS_MODE_UNAVAILABLE : KVM_PPC_MMU_CAS_ACCEPTED;
		break;
	case VEC_LEGACY:
		want_mode = host_has(KVM_PPC_MMU_GUEST_LEGACY) ? 0 : -2;
		want = want_mode == -2 ? KVM_PPC_MMU_CAS_MODE_UNAVAILABLE : KVM_PPC_MMU_CAS_ACCEPTED;
		break;
	case VEC_TRUNCATED:
		want = KVM_PPC_MMU_CAS_MALFORMED;
		check(f, c, o->reason == KVM_PPC_MMU_CAS_ERR_PVR_TRUNCATED ||
		      o->reason == KVM_PPC_MMU_CAS_ERR_COUNT_TRUNCATED, "truncated vector: reason %u",
		      o->reason);
		break;
	case VEC_NOT_RAM:
		want = KVM_PPC_MMU_CAS_MALFORMED;
		check(f, c, o->reason == KVM_PPC_MMU_CAS_ERR_NOT_IN_RAM, "vector outside RAM: reason %u",
		      o->reason);
		break;
	}
	if (o->status == KVM_PPC_MMU_CAS_NO_MEMORY)
		return;		/* documented, and not ours to predict */
	if (want >= 0)
		check(f, c, (int)o->status == want, "CAS kind %d b24 %#x: status %u, expected %d",
		      h->vec_kind, h->b24, o->status, want);
	if (accepted && want_mode >= 0)
		check(f, c, (int)o->mode == want_mode, "CAS b24 %#x: mode %u, expected %d", h->b24,
		      o->mode, want_mode);
	if (accepted && h->vec_kind == VEC_MODERN)
		check(f, c, !(o->out_flags & KVM_PPC_MMU_CAS_OUT_LEGACY) &&
		      !!(o->out_flags & KVM_PPC_MMU_CAS_OUT_GTSE) == (radix && (h->b26 & 0x40)),
		      "CAS b26 %#x mode %u: out_flags %#x", h->b26, o->mode, o->out_flags);
	if (accepted && h->vec_kind == VEC_LEGACY)
		check(f, c, o->out_flags == KVM_PPC_MMU_CAS_OUT_LEGACY, "legacy CAS: out_flags %#x",
		      o->out_flags);
}

/* An accepted CAS: the mode is the outcome's; the rest stays unless it switched. */
static void model_cas(struct model *m, const struct kvm_ppc_mmu_cas *o)
{
	m->cas = 1;
	m->last_cas = *o;
	if (o->status != KVM_PPC_MMU_CAS_ACCEPTED)
		return;
	if (m->mode != (int)o->mode) {
		m->pt_known = false;
		m->gtse = -1;
	}
	m->mode = o->mode;
	m->hpt = o->hpt_order;
}

/* --- H_REGISTER_PROC_TBL --------------------------------------------------- */

static void gen_proc_tbl(struct fuzz_vm *f, struct hc *h)
{
	static const uint64_t flags[] = { 0x1d, 0x1c, 0x18, 0x19, 0x14, 0x15, 0x10, 0x04,
					  0x05, 0x00 };
	uint64_t base;

	h->nr = H_REGISTER_PROC_TBL;
	h->a[0] = chance(f, 75) ? flags[pick(f, 10)] : chance(f, 50) ? rnd(f) & 0x1f : rnd(f);
	h->a[3] = l0_safe_prts(chance(f, 80) ? pick(f, 5) : chance(f, 50) ? 25 + pick(f, 7) : rnd(f));
	base = 0x10000 + pick(f, 32) * 0x10000;
	if (f->m.slot1 && chance(f, 30))
		base = f->m.slot1_gpa + pick(f, 16) * 0x10000;
	if (chance(f, 15))
		base += (chance(f, 50) ? 0x1000 : 1);
	if (chance(f, 10))
		base = rnd(f) & (chance(f, 50) ? 0xfffffffff000ULL : ~0ULL);
	if (chance(f, 5))
		base = VM_MEM - 0x1000;	/* runs past the end of RAM */
	h->a[1] = base;
	h->a[2] = chance(f, 85) ? 0 : chance(f, 50) ? pick(f, 8) : rnd(f);
}

#define HB(code)	(1ULL << (-(code) & 63))	/* H_* code as a set bit */

/*
 * The answers PAPR (and QEMU's implementation, which the module matches)
 * allows for a registration from the state in @m, as a set of codes; on
 * H_SUCCESS, @after is the state the VM must then be in.
 */
static uint64_t proc_tbl_allowed(const struct model *m, const struct hc *h, struct model *after)
{
	uint64_t fl = h->a[0], base = h->a[1], psize = h->a[2], tsize = h->a[3];
	uint64_t op = fl & 0x18, type = fl & 0x06, bad = 0, bytes;
	bool radix = type == 0x04;

	*after = *m;
	if ((fl & ~0x1fULL) || (type != 0x04 && type != 0x00))
		return HB(H_PARAMETER);
	if (op == 0x18 && radix) {
		if ((base & 0xfff) || (base >> 60))
			bad |= HB(H_P2);
		if (psize)
			bad |= HB(H_P3);
		if (tsize > 24)
			bad |= HB(H_P4);
		bytes = tsize <= 24 ? 1ULL << (tsize + 12) : 0;
		if (bytes && (base & (bytes - 1)))
			bad |= HB(H_P2);
		if (!mode_available(1))
			return bad | HB(H_PARAMETER);
		if (!bad && !in_one_slot(m, base, bytes))
			bad |= HB(H_P2) | HB(H_P4);
		if (bad)
			return bad;
		after->pt = PATB_GR | base | tsize;
	} else if (op == 0x18) {
		if (base >> 38)
			bad |= HB(H_P2);
		if (psize & ~7ULL)
			bad |= HB(H_P3);
		if (tsize > 24)
			bad |= HB(H_P4);
		if (!mode_available(0))
			return bad | HB(H_PARAMETER);
		if (bad)
			return bad;
		after->pt = 0;
	} else {		/* deregister, or keep the current table */
		if (radix != (m->mode == KVM_PPC_MMU_MODE_RADIX))
			return HB(H_PARAMETER);
		if (op == 0x10) {
			after->pt = radix ? PATB_GR : 0;
		} else if (radix && (m->pt & ~(PATB_GR | PRTS_MASK))) {
			bytes = 1ULL << ((m->pt & PRTS_MASK) + 12);
			if (!in_one_slot(m, m->pt & 0x0ffffffffffff000ULL, bytes))
				return HB(H_P2) | HB(H_P4);
		}
	}
	after->mode = radix;
	after->pt_known = true;
	after->gtse = radix ? (int)(fl & 1) : -1;
	if (radix)
		after->hpt = 0;
	else if (m->mode != 0)
		after->hpt = -1;	/* allocated at the next entry, if not now */
	return HB(H_SUCCESS);
}

/* --- one hypercall, solo or concurrent -------------------------------------- */

static void gen_hcall(struct fuzz_vm *f, int v, struct hc *h)
{
	memset(h, 0, sizeof(*h));
	switch (pick(f, 10)) {
	case 0 ... 4:
		gen_proc_tbl(f, h);
		break;
	case 5 ... 7:
		h->nr = H_CAS;
		h->a[0] = make_vector(f, v, h);
		break;
	default:		/* H_ENTER(flags, index, v, r), half plausible */
		h->nr = H_ENTER;
		h->a[0] = chance(f, 70) ? 0 : chance(f, 50) ? 1ULL << 7 : rnd(f);
		h->a[1] = chance(f, 80) ? pick(f, 2048 * 8) : rnd(f);
		h->a[2] = chance(f, 80) ? ((0x100 + pick(f, 256)) << 12) | 1 : rnd(f);
		h->a[3] = chance(f, 80) ? (pick(f, VM_MEM >> 12) << 12) | 0x192 : rnd(f);
		break;
	}
}

static bool papr_code(uint64_t rc)
{
	long long c = (long long)rc;

	return c == H_SUCCESS || c == H_HARDWARE || c == H_FUNCTION || c == H_PRIVILEGE ||
	       c == H_PARAMETER || c == H_NOT_FOUND || c == H_PTEG_FULL || c == H_NO_MEM ||
	       c == H_P2 || c == H_P3 || c == H_P4;
}

/* What a hypercall's answer must be, given the features and (solo) the model. */
static void check_hcall(struct fuzz_vm *f, const struct hc *h, const struct hc_out *o, bool solo)
{
	struct model *m = &f->m, after;
	uint64_t allowed;
	int e;

	if (!check(f, C_GUEST, !o->r, "%s", o->why)) {
		f->have_vm = false;	/* its vcpus' state is unknown: replace it */
		return;
	}
	if (o->to_vmm)
		check(f, C_HCALL, o->vmm_nr == h->nr && o->rc == o->answer,
		      "exit for hcall %#llx was %#llx; guest saw %#llx for the VMM's %#llx",
		      (unsigned long long)h->nr, (unsigned long long)o->vmm_nr,
		      (unsigned long long)o->rc, (unsigned long long)o->answer);
	if (h->nr == H_REGISTER_PROC_TBL) {
		/* FEAT_PROC_TBL: answered in the kernel, never by the VMM */
		if (!check(f, C_HCALL, o->to_vmm == !(m->features & KVM_PPC_MMU_FEAT_PROC_TBL),
			   "H_REGISTER_PROC_TBL with features %#llx: to VMM %d",
			   (unsigned long long)m->features, o->to_vmm) || o->to_vmm)
			return;
		if (o->rc == H_SUCCESS)
			f->reg_ok++;
		else
			f->reg_refused++;
		if (!solo) {
			if ((long long)o->rc == 9900)
				f->busy++;
			check(f, C_HCALL, papr_code(o->rc) || (long long)o->rc == 9900,
			      "H_REGISTER_PROC_TBL(%#llx): %lld", (unsigned long long)h->a[0],
			      (long long)o->rc);
			return;
		}
		allowed = proc_tbl_allowed(m, h, &after);
		if (check(f, C_HCALL, (long long)o->rc <= 0 && (allowed & HB((long long)o->rc)),
			  "H_REGISTER_PROC_TBL(%#llx, %#llx, %#llx, %#llx) mode %d pt %#llx: %lld, allowed %#llx",
			  (unsigned long long)h->a[0], (unsigned long long)h->a[1],
			  (unsigned long long)h->a[2], (unsigned long long)h->a[3], m->mode,
			  (unsigned long long)m->pt, (long long)o->rc, (unsigned long long)allowed) &&
		    o->rc == H_SUCCESS)
			*m = after;
		return;
	}
	if (h->nr == H_CAS) {
		/* reaches the VMM either way; FEAT_CAS: with a new outcome */
		if (!check(f, C_HCALL, o->to_vmm, "KVMPPC_H_CAS did not reach the VMM"))
			return;
		if (!solo) {
			if (!o->cas_r)
				check_cas(f, C_HCALL, h, &o->cas, false);
			m->cas = -1;
			return;
		}
		if (m->features & KVM_PPC_MMU_FEAT_CAS) {
			if (check(f, C_HCALL, !o->cas_r, "GET_CAS after KVMPPC_H_CAS: errno %d",
				  o->cas_r)) {
				check_cas(f, C_HCALL, h, &o->cas, true);
				model_cas(m, &o->cas);
			}
			return;
		}
		/* not ours: no outcome changes */
		e = o->cas_r;
		if (m->cas == 0)
			check(f, C_HCALL, e == ENOENT, "GET_CAS with no CAS ever: errno %d", e);
		else if (m->cas == 1)
			check(f, C_HCALL, !e && !memcmp(&o->cas, &m->last_cas, sizeof(o->cas)),
			      "a KVMPPC_H_CAS without FEAT_CAS changed GET_CAS (errno %d)", e);
		return;
	}
	check(f, C_HCALL, papr_code(o->rc), "H_ENTER: %lld", (long long)o->rc);
}

/* A hash VM gets an HPT at its next entry if it has none: forget the order. */
/*
 * ENABLE, SET_STATE and the CAS ioctl opt the VM in once their request
 * passes its checks; on a VM whose vcpus ran before it opted in, that is
 * refused with EBUSY and the VM stays KVM-HV's alone (the uapi's rule: the
 * first KVM_RUN decides). True, with *allowed = EBUSY, when refused.
 */
static bool opt_in_refused(struct model *m, uint32_t *allowed)
{
	if (m->ran && !m->opted) {
		*allowed = E(EBUSY);
		return true;
	}
	m->opted = true;
	return false;
}

static void model_after_run(struct model *m)
{
	if (m->mode != KVM_PPC_MMU_MODE_RADIX && m->hpt == 0)
		m->hpt = -1;
}

static void step_hcall_solo(struct fuzz_vm *f)
{
	int v = pick(f, NR_VCPUS);
	struct hc_out o;
	struct hc h;

	model_sync(f);
	gen_hcall(f, v, &h);
	vcpu_hcall(f, v, &h, &o);
	model_after_run(&f->m);
	check_hcall(f, &h, &o, true);
	if (f->have_vm)
		state_read(f, true, &(struct kvm_ppc_mmu_state){ 0 });
}

/* --- the module's ioctls ---------------------------------------------------- */

/*
 * A bad argument pointer: NULL, a PROT_NONE page, an address just above
 * NULL (below mmap_min_addr, so never mapped), or a page that cannot be
 * written. Not a kernel address: from 7.x powerpc's
 * copy_from_user() masks one into user space instead of failing (seen on
 * 7.2: KVM's own KVM_GET_DIRTY_LOG then reads junk and answers EINVAL), so
 * what comes back depends on what that user address holds.
 */
static void *wild(struct fuzz_vm *f, bool *readable)
{
	*readable = false;
	switch (pick(f, 4)) {
	case 0:
		return NULL;
	case 1:
		return wild_none;
	case 2:
		return (void *)(uintptr_t)(8 + 8 * pick(f, 500));
	default:
		*readable = true;
		return wild_ro;
	}
}

static void step_caps(struct fuzz_vm *f)
{
	struct kvm_ppc_mmu_caps c;
	bool ro;
	void *p;
	int e;

	memset(&c, 0, sizeof(c));
	switch (pick(f, 4)) {
	case 0:
		c.flags = 1u << pick(f, 32);
		break;
	case 1:
		((uint8_t *)c.reserved)[pick(f, sizeof(c.reserved))] = 1 + pick(f, 255);
		break;
	case 2:
		p = wild(f, &ro);
		e = xioctl(f->vm.vm_fd, KVM_PPC_MMU_GET_CAPS, p);
		expect(f, C_MODULE, "GET_CAPS(bad pointer)", e, E(EFAULT));
		return;
	default:
		c.abi_version = rnd(f);	/* output fields are not input */
		e = xioctl(f->vm.vm_fd, KVM_PPC_MMU_GET_CAPS, &c);
		if (expect(f, C_MODULE, "GET_CAPS", e, E(0)))
			check(f, C_MODULE, !memcmp(&c, &caps, sizeof(c)) &&
			      c.abi_version == KVM_PPC_MMU_ABI_VERSION, "GET_CAPS changed");
		return;
	}
	e = xioctl(f->vm.vm_fd, KVM_PPC_MMU_GET_CAPS, &c);
	expect(f, C_MODULE, "GET_CAPS(flags/reserved)", e, E(EINVAL));
}

static void step_enable(struct fuzz_vm *f)
{
	struct kvm_ppc_mmu_enable en = { .features = rnd(f) & KVM_PPC_MMU_FEAT_ALL };
	bool bad = true, ro;
	uint32_t allowed;
	void *arg = &en;
	int e;

	switch (pick(f, 6)) {
	case 0:
		en.flags = 1ULL << pick(f, 64);
		break;
	case 1:
		en.features |= 1ULL << (3 + pick(f, 61));
		break;
	case 2:
		en.reserved[pick(f, 6)] = rnd(f) | 1;
		break;
	case 3:
		arg = wild(f, &ro);
		bad = !ro;	/* a zero struct on a read-only page is valid */
		en.features = 0;
		break;
	default:
		bad = false;
		break;
	}
	e = xioctl(f->vm.vm_fd, KVM_PPC_MMU_ENABLE, arg);
	if (bad) {
		expect(f, C_MODULE, "ENABLE(bad)", e, arg == &en ? E(EINVAL) : E(EFAULT));
		return;
	}
	if (opt_in_refused(&f->m, &allowed)) {
		expect(f, C_MODULE, "ENABLE after an unopted run", e, allowed);
		return;
	}
	if (expect(f, C_MODULE, "ENABLE", e,
		   f->m.ran && en.features != f->m.features ? E(EBUSY) : E(0)) && !e)
		f->m.features = en.features;
}

/* Another ioctl in our type: unknown number, wrong size or direction. */
static void step_bad_number(struct fuzz_vm *f)
{
	static const unsigned int sizes[] = { 0, 8, 16, 56, 64, 96, 120, 128, 160 };
	unsigned int nr = pick(f, 256), size = sizes[pick(f, 9)], dir = pick(f, 4);
	unsigned long cmd = _IOC(dir, KVM_PPC_MMU_IO, nr, size);
	uint8_t buf[256] = { 0 };
	int e;

	if (cmd == KVM_PPC_MMU_GET_CAPS || cmd == KVM_PPC_MMU_ENABLE ||
	    cmd == KVM_PPC_MMU_GET_STATE || cmd == KVM_PPC_MMU_SET_STATE ||
	    cmd == KVM_PPC_MMU_CAS || cmd == KVM_PPC_MMU_GET_CAS ||
	    cmd == KVM_PPC_MMU_SET_HPT_ORDER)
		return;
	e = xioctl(f->vm.vm_fd, cmd, buf);
	check(f, C_MODULE, e == ENOTTY, "ioctl %#lx: errno %d, expected ENOTTY", cmd, e);
}

static void step_get_state(struct fuzz_vm *f)
{
	struct kvm_ppc_mmu_state st = { 0 };
	bool ro;
	void *p;
	int e;

	switch (pick(f, 5)) {
	case 0:
		st.flags = 1ULL << pick(f, 64);
		break;
	case 1:
		st.reserved[pick(f, 11)] = rnd(f) | 1;
		break;
	case 2:
		p = wild(f, &ro);
		e = xioctl(f->vm.vm_fd, KVM_PPC_MMU_GET_STATE, p);
		expect(f, C_MODULE, "GET_STATE(bad pointer)", e, E(EFAULT));
		return;
	default:
		state_read(f, true, &st);
		return;
	}
	e = xioctl(f->vm.vm_fd, KVM_PPC_MMU_GET_STATE, &st);
	expect(f, C_MODULE, "GET_STATE(flags/reserved)", e, E(EINVAL));
}

/* A state to set: GET_STATE's, the documented reset, a random one, or broken. */
static bool gen_state(struct fuzz_vm *f, struct kvm_ppc_mmu_state *st, uint32_t *allowed)
{
	struct model *m = &f->m;
	bool radix, malformed = false, hash_order_clash;

	memset(st, 0, sizeof(*st));
	st->features = chance(f, 80) ? m->features : rnd(f) & KVM_PPC_MMU_FEAT_ALL;
	switch (pick(f, 4)) {
	case 0:
		if (m->mode >= 0 && m->pt_known && m->gtse >= 0 && m->hpt >= 0) {
			st->mode = m->mode;
			st->process_table = m->pt;
			st->state_flags = m->gtse ? KVM_PPC_MMU_STATE_GTSE : 0;
			st->hpt_order = m->hpt;
			break;
		}
		/* fall through */
	case 1:			/* the reset the doc describes */
		st->mode = host_has(KVM_PPC_MMU_GUEST_RADIX) ? KVM_PPC_MMU_MODE_RADIX :
							       KVM_PPC_MMU_MODE_HASH;
		st->process_table = st->mode ? PATB_GR : 0;
		break;
	default:
		st->mode = pick(f, 2);
		st->state_flags = pick(f, 2);
		if (st->mode)
			st->process_table = PATB_GR | (0x10000 + pick(f, 32) * 0x10000) |
					    l0_safe_prts(pick(f, 5));
		else if (chance(f, 60))
			st->hpt_order = chance(f, 90) ? 18 + pick(f, 5) : 40 + pick(f, 7);
		break;
	}
	if (chance(f, 25)) {
		malformed = true;
		switch (pick(f, 10)) {
		case 0:
			st->flags = 1ULL << pick(f, 64);
			break;
		case 1:
			st->reserved[pick(f, 11)] = rnd(f) | 1;
			break;
		case 2:
			st->features |= 1ULL << (3 + pick(f, 61));
			break;
		case 3:
			st->mode = 2 + pick(f, 1000);
			break;
		case 4:
			st->state_flags |= 2ULL << pick(f, 63);
			break;
		case 5:
			st->mode = 1;
			st->process_table &= ~PATB_GR;
			break;
		case 6:
			st->mode = 1;
			st->process_table |= PATB_GR;
			st->hpt_order = 18 + pick(f, 5);
			break;
		case 7:
			st->mode = 0;
			st->process_table = 0x10000 | pick(f, 5);
			break;
		case 8:
			st->mode = 0;
			st->process_table = 0;
			st->hpt_order = chance(f, 50) ? 1 + pick(f, 17) : 47 + pick(f, 100);
			break;
		default:
			st->mode = 1;
			st->hpt_order = 0;
			st->process_table = PATB_GR | (25 + pick(f, 7));
			break;
		}
	}
	radix = st->mode == KVM_PPC_MMU_MODE_RADIX;
	if (malformed) {
		*allowed = E(EINVAL);
		if ((st->mode == 0 || st->mode == 1) && !mode_available(st->mode))
			*allowed |= E(EOPNOTSUPP);
		return false;
	}
	if (!mode_available(st->mode)) {
		*allowed = E(EOPNOTSUPP);
		return false;
	}
	if (opt_in_refused(m, allowed))
		return false;
	if (m->ran && st->features != m->features) {
		*allowed = E(EBUSY);
		return false;
	}
	*allowed = E(0);
	/* restoring an HPT of one exact order into a hash VM holding another */
	hash_order_clash = !radix && st->hpt_order && m->mode != KVM_PPC_MMU_MODE_RADIX &&
			   m->hpt != 0 && m->hpt != (int)st->hpt_order;
	if (hash_order_clash)
		*allowed |= E(EBUSY);
	if (st->hpt_order >= 30)
		*allowed |= E(ENOMEM);
	return true;
}

static void step_set_state(struct fuzz_vm *f, bool solo)
{
	struct kvm_ppc_mmu_state st;
	struct model *m = &f->m;
	uint32_t allowed;
	bool valid, ro;
	void *p;
	int e;

	if (solo)
		model_sync(f);
	if (chance(f, 8)) {
		p = wild(f, &ro);
		if (ro)
			return;	/* zeroes are a valid hash state: covered below */
		e = xioctl(f->vm.vm_fd, KVM_PPC_MMU_SET_STATE, p);
		expect(f, C_MODULE, "SET_STATE(bad pointer)", e, E(EFAULT));
		return;
	}
	valid = gen_state(f, &st, &allowed);
	if (!solo && valid)
		allowed |= E(EBUSY);
	e = xioctl(f->vm.vm_fd, KVM_PPC_MMU_SET_STATE, &st);
	if (e == EBUSY)
		f->busy++;
	if (!expect(f, C_MODULE, "SET_STATE", e, allowed) || e)
		return;		/* refused: nothing changed */
	m->features = st.features;
	if (!solo)
		return;
	if (st.mode == KVM_PPC_MMU_MODE_RADIX || m->mode == KVM_PPC_MMU_MODE_RADIX)
		m->hpt = st.hpt_order;	/* radix: none; from radix: the one asked for */
	else if (st.hpt_order)
		m->hpt = st.hpt_order;
	m->mode = st.mode;
	m->pt = st.process_table;
	m->pt_known = true;
	m->gtse = !!(st.state_flags & KVM_PPC_MMU_STATE_GTSE);
	state_read(f, true, &st);
}

static void step_cas_ioctl(struct fuzz_vm *f, bool solo)
{
	struct kvm_ppc_mmu_cas c = { 0 };
	struct hc h = { 0 };
	bool bad = true, ro;
	uint32_t allowed;
	void *arg = &c;
	int e;

	if (solo)
		model_sync(f);
	c.vec_addr = make_vector(f, 2, &h);
	switch (pick(f, 8)) {
	case 0:
		c.flags = 1ULL << pick(f, 64);
		break;
	case 1:
		c.pad[pick(f, 5)] = 1 + pick(f, 255);
		break;
	case 2:
		c.reserved[pick(f, 6)] = rnd(f) | 1;
		break;
	case 3:
		arg = wild(f, &ro);
		break;
	default:
		bad = false;
		break;
	}
	e = xioctl(f->vm.vm_fd, KVM_PPC_MMU_CAS, arg);
	if ((!bad || (arg != &c && ro)) && opt_in_refused(&f->m, &allowed)) {
		expect(f, C_MODULE, "CAS after an unopted run", e, allowed);
		return;
	}
	if (bad) {
		/* a read-only page: negotiated, then the answer cannot be written */
		if (arg != &c && ro) {
			expect(f, C_MODULE, "CAS(read-only)", e, E(EFAULT) | E(EINVAL));
			model_forget_mmu(&f->m);
			f->m.cas = -1;
			return;
		}
		expect(f, C_MODULE, "CAS(bad)", e, arg == &c ? E(EINVAL) : E(EFAULT));
		return;
	}
	if (!expect(f, C_MODULE, "CAS", e, E(0)))
		return;
	check_cas(f, C_MODULE, &h, &c, solo);
	if (!solo) {
		f->m.cas = -1;
		return;
	}
	model_cas(&f->m, &c);
	state_read(f, true, &(struct kvm_ppc_mmu_state){ 0 });
}

static void step_get_cas(struct fuzz_vm *f)
{
	struct kvm_ppc_mmu_cas c = { 0 };
	bool bad = true, ro;
	void *arg = &c;
	int e;

	switch (pick(f, 6)) {
	case 0:
		c.flags = 1ULL << pick(f, 64);
		break;
	case 1:
		c.pad[pick(f, 5)] = 1 + pick(f, 255);
		break;
	case 2:
		arg = wild(f, &ro);
		break;
	default:
		bad = false;
		break;
	}
	e = xioctl(f->vm.vm_fd, KVM_PPC_MMU_GET_CAS, arg);
	if (bad) {
		/* which of a bad argument and "no CAS yet" wins is not documented */
		expect(f, C_MODULE, "GET_CAS(bad)", e,
		       (arg == &c ? E(EINVAL) : E(EFAULT)) | (f->m.cas != 1 ? E(ENOENT) : 0));
		return;
	}
	if (f->m.cas == 0) {
		expect(f, C_MODULE, "GET_CAS before any CAS", e, E(ENOENT));
	} else if (f->m.cas == 1) {
		if (expect(f, C_MODULE, "GET_CAS", e, E(0)))
			check(f, C_MODULE, !memcmp(&c, &f->m.last_cas, sizeof(c)),
			      "GET_CAS is not the last CAS's outcome");
	} else if (expect(f, C_MODULE, "GET_CAS", e, E(0) | E(ENOENT))) {
		f->m.cas = e ? 0 : 1;
		f->m.last_cas = c;
	}
}

/* --- KVM's own MMU ioctls and memslots ------------------------------------- */

static void step_configure(struct fuzz_vm *f, bool solo)
{
	struct kvm_ppc_mmuv3_cfg cfg = { 0 };
	bool radix = chance(f, 50), invalid;
	uint64_t host = caps.host_flags;
	int e;

	cfg.flags = (radix ? KVM_PPC_MMUV3_RADIX : 0) | (chance(f, 50) ? KVM_PPC_MMUV3_GTSE : 0);
	if (chance(f, 10))
		cfg.flags |= 4ULL << pick(f, 62);
	cfg.process_table = radix ? PATB_GR | (0x10000 + pick(f, 32) * 0x10000) |
				    l0_safe_prts(pick(f, 5)) : 0;
	if (chance(f, 10))
		cfg.process_table ^= PATB_GR;
	if (chance(f, 10))
		cfg.process_table = (cfg.process_table & ~PRTS_MASK) | (25 + pick(f, 7));
	/* KVM's api.rst: EINVAL for a configuration it cannot take */
	invalid = (cfg.flags & ~3ULL) || !!(cfg.process_table & PATB_GR) != radix ||
		  (cfg.process_table & PRTS_MASK) > 24 ||
		  (radix && !(host & KVM_PPC_MMU_HOST_RADIX)) ||
		  (!radix && (host & KVM_PPC_MMU_HOST_NESTED));
	e = xioctl(f->vm.vm_fd, KVM_PPC_CONFIGURE_V3_MMU, &cfg);
	if (e == EBUSY)
		f->busy++;
	if (!expect(f, C_KVM, "CONFIGURE_V3_MMU", e,
		    invalid ? E(EINVAL) : solo ? E(0) : E(0) | E(EBUSY)) || e || !solo)
		return;
	f->m.mode = radix;
	f->m.pt = cfg.process_table;
	f->m.pt_known = true;
	f->m.gtse = !!(cfg.flags & KVM_PPC_MMUV3_GTSE);
	f->m.hpt = radix ? 0 : -1;
	state_read(f, true, &(struct kvm_ppc_mmu_state){ 0 });
}

static void step_allocate_htab(struct fuzz_vm *f, bool solo)
{
	bool nested = caps.host_flags & KVM_PPC_MMU_HOST_NESTED, ro;
	uint32_t order, allowed;
	void *arg = &order;
	int e;

	if (solo)
		model_sync(f);
	switch (pick(f, 10)) {
	case 0:
		order = 47 + pick(f, 100);
		break;
	case 1:
		order = 1 + pick(f, 17);
		break;
	case 2:
		order = chance(f, 70) ? 40 + pick(f, 7) : (uint32_t)rnd(f) | 0x80000000u;
		break;
	case 3:
		/* order 0 only where KVM-HV survives it: see the header comment */
		order = solo && f->m.hpt > 0 ? 0 : 18 + pick(f, 4);
		break;
	case 4:
		arg = wild(f, &ro);
		if (ro)
			return;
		e = xioctl(f->vm.vm_fd, KVM_PPC_ALLOCATE_HTAB, arg);
		expect(f, C_KVM, "ALLOCATE_HTAB(bad pointer)", e,
		       nested ? E(EOPNOTSUPP) : E(EFAULT));
		return;
	default:
		order = 18 + pick(f, 5);
		break;
	}
	/*
	 * Replacing an HPT (another order, or an invalid one, which frees the
	 * old table before failing): kvmppc_alloc_reset_hpt() frees it before
	 * it resets the reverse maps, outside kvm->mmu_lock, so an MMU
	 * notifier for the VM's RAM in between (another thread's munmap that
	 * splits a huge page spanning it) walks them into the freed table:
	 * kvm_hv oopsed in kvmppc_unmap_hpte() on the hash host. KVM-HV's
	 * alone: only with kvm_races. Resetting the table of the same order,
	 * or allocating where there is none, stays.
	 */
	if (!kvm_races && !nested && f->m.hpt != 0 && order != (uint32_t)f->m.hpt) {
		if (f->m.hpt < 0)
			return;
		order = f->m.hpt;
	}
	if (nested)
		allowed = E(EOPNOTSUPP);
	else if (order < 18 || order > 46)
		allowed = E(EINVAL);
	else
		allowed = E(0) | (order >= 30 ? E(ENOMEM) : 0);
	if (!solo && !nested)
		allowed |= E(EBUSY);
	e = xioctl(f->vm.vm_fd, KVM_PPC_ALLOCATE_HTAB, arg);
	if (e == EBUSY)
		f->busy++;
	expect(f, C_KVM, "ALLOCATE_HTAB", e, allowed);
	if (nested)
		return;
	/* KVM-HV switches a radix VM to hash before it even checks the order */
	model_forget_mmu(&f->m);
	if (!e && solo) {
		f->m.mode = KVM_PPC_MMU_MODE_HASH;
		f->m.hpt = order;
		state_read(f, true, &(struct kvm_ppc_mmu_state){ 0 });
	}
}

/* KVM_PPC_GET_HTAB_FD, then read what it gives: headers must add up. */
static void step_htab(struct fuzz_vm *f)
{
	static __thread uint8_t buf[65536];
	struct kvm_get_htab_fd ghf = { 0 };
	struct kvm_get_htab_header hdr;
	size_t len = 16 + pick(f, sizeof(buf) - 16), off = 0;
	bool bad = chance(f, 15), ro;
	ssize_t n;
	int fd;

	ghf.flags = chance(f, 30) ? KVM_GET_HTAB_BOLTED_ONLY : 0;
	ghf.start_index = chance(f, 80) ? pick(f, 1 << 16) : rnd(f);
	if (bad)
		ghf.flags |= 4ULL << pick(f, 62);
	if (chance(f, 5)) {
		fd = ioctl(f->vm.vm_fd, KVM_PPC_GET_HTAB_FD, wild(f, &ro));
		if (!ro)
			expect(f, C_KVM, "GET_HTAB_FD(bad pointer)", fd < 0 ? errno : 0, E(EFAULT));
		if (fd >= 0)
			close(fd);
		return;
	}
	fd = ioctl(f->vm.vm_fd, KVM_PPC_GET_HTAB_FD, &ghf);
	if (!expect(f, C_KVM, "GET_HTAB_FD", fd < 0 ? errno : 0, bad ? E(EINVAL) : E(0)) || fd < 0)
		return;
	n = read(fd, buf, len);
	close(fd);
	if (!check(f, C_KVM, n >= 0 && (size_t)n <= len, "HTAB read of %zu: %zd (errno %d)",
		   len, n, n < 0 ? errno : 0))
		return;
	while (off + sizeof(hdr) <= (size_t)n) {
		memcpy(&hdr, buf + off, sizeof(hdr));
		off += sizeof(hdr) + hdr.n_valid * 16ULL;
	}
	check(f, C_KVM, off == (size_t)n, "HTAB read: headers cover %zu of %zd bytes", off, n);
}

static const uint64_t slot1_places[] = { 0x10000000, 0x20000000, 0x30000000 };

static int set_slot(struct fuzz_vm *f, uint32_t slot, uint64_t gpa, uint64_t size, void *mem,
		    uint32_t flags)
{
	struct kvm_userspace_memory_region reg = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (uintptr_t)mem,
	};

	return xioctl(f->vm.vm_fd, KVM_SET_USER_MEMORY_REGION, &reg);
}

/* Add, delete or move slot 1 (slot 0 holds the guests' code), or a bad change. */
static void step_memslot(struct fuzz_vm *f)
{
	struct model *m = &f->m;
	uint64_t gpa = slot1_places[pick(f, 3)];
	int e;

	switch (pick(f, 8)) {
	case 0:		/* overlaps slot 0 */
		e = set_slot(f, 2, 0x100000, SLOT1_SIZE, f->slot1_mem, 0);
		expect(f, C_KVM, "memslot overlapping slot 0", e, E(EEXIST));
		return;
	case 1:		/* misaligned address, size or host address, bad slot, flags */
		switch (pick(f, 5)) {
		case 0:
			e = set_slot(f, 3, gpa + 1, SLOT1_SIZE, f->slot1_mem, 0);
			break;
		case 1:
			e = set_slot(f, 3, 0x40000000, SLOT1_SIZE - 1, f->slot1_mem, 0);
			break;
		case 2:
			e = set_slot(f, 3, 0x40000000, SLOT1_SIZE, f->slot1_mem + 1, 0);
			break;
		case 3:
			e = set_slot(f, 0xffff, 0x40000000, SLOT1_SIZE, f->slot1_mem, 0);
			break;
		default:
			e = set_slot(f, 3, 0x40000000, SLOT1_SIZE, f->slot1_mem, 1u << 7);
			break;
		}
		expect(f, C_KVM, "bad memslot", e, E(EINVAL));
		return;
	default:
		break;
	}
	if (!m->slot1) {
		e = set_slot(f, 1, gpa, SLOT1_SIZE, f->slot1_mem, 0);
		if (expect(f, C_KVM, "memslot add", e, E(0))) {
			m->slot1 = true;
			m->slot1_gpa = gpa;
		}
	} else if (chance(f, 50) || gpa == m->slot1_gpa) {
		e = set_slot(f, 1, m->slot1_gpa, 0, f->slot1_mem, 0);
		if (expect(f, C_KVM, "memslot delete", e, E(0)))
			m->slot1 = false;
	} else {
		e = set_slot(f, 1, gpa, SLOT1_SIZE, f->slot1_mem, 0);
		if (expect(f, C_KVM, "memslot move", e, E(0)))
			m->slot1_gpa = gpa;
	}
}

/* --- VMs -------------------------------------------------------------------- */

static void vm_destroy(struct fuzz_vm *f)
{
	if (f->exists)
		guest_vm_destroy(&f->vm);
	f->exists = f->have_vm = false;
}

static bool vm_create(struct fuzz_vm *f)
{
	struct kvm_ppc_mmu_state st;
	int r, i;

	memset(&f->m, 0, sizeof(f->m));
	model_forget_mmu(&f->m);
	memset(f->primed, 0, sizeof(f->primed));
	f->seen_mode = -1;
	r = guest_vm_create(&f->vm, VM_MEM);
	f->exists = !r;
	for (i = 0; !r && i < NR_VCPUS; i++) {
		r = guest_vcpu_add(&f->vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
		r = r < 0 ? r : 0;
	}
	if (!check(f, C_GUEST, !r, "VM creation failed (r=%d)", r)) {
		vm_destroy(f);
		return false;
	}
	write_guest(&f->vm);
	f->have_vm = true;
	f->vms++;
	state_read(f, true, &st);
	/*
	 * Most VMs opt in before their first run, as a VMM does: features
	 * are frozen once a vcpu ran, and the hypercalls are the module's
	 * only with them.
	 */
	if (chance(f, 75)) {
		st.features = chance(f, 60) ? KVM_PPC_MMU_FEAT_ALL : rnd(f) & KVM_PPC_MMU_FEAT_ALL;
		r = ppcmmu_enable(f->vm.vm_fd, st.features);
		if (expect(f, C_MODULE, "ENABLE at creation", -r, E(0)))
			f->m.features = st.features;
		f->m.opted = true;
	}
	return true;
}

/*
 * Both vcpus at once: the helper thread runs vcpu 1's hypercall while this
 * thread runs vcpu 0's, or changes the VM under it.
 */
static void step_concurrent(struct fuzz_vm *f)
{
	struct hc h0;
	struct hc_out o0;
	int what;

	/*
	 * The helper's run and this thread's opt-in must not race on a VM
	 * that has neither run nor opted in: which came first decides
	 * whether the opt-in is refused. Run once alone first.
	 */
	if (!f->m.ran && !f->m.opted) {
		step_hcall_solo(f);
		if (!f->have_vm)
			return;
	}
	what = pick(f, 10);
	gen_hcall(f, 1, &f->helper_hc);
	if (what < 5)
		gen_hcall(f, 0, &h0);
	f->concurrent++;
	trace_step(f, "concurrent", what);
	sem_post(&f->go);
	switch (what) {
	case 0 ... 4:
		vcpu_hcall(f, 0, &h0, &o0);
		break;
	case 5 ... 6:
		step_memslot(f);
		break;
	case 7:
		step_cas_ioctl(f, false);
		break;
	case 8:
		step_set_state(f, false);
		break;
	default:
		/* KVM-HV's own switch under a running vcpu: see kvm_races */
		if (kvm_races)
			step_configure(f, false);
		else
			state_read(f, false, &(struct kvm_ppc_mmu_state){ 0 });
		break;
	}
	sem_wait(&f->done);
	model_forget_mmu(&f->m);
	if (what < 5)
		check_hcall(f, &h0, &o0, false);
	check_hcall(f, &f->helper_hc, &f->helper_out, false);
	if (f->have_vm)
		model_sync(f);
}

static void *helper_main(void *arg)
{
	struct fuzz_vm *f = arg;

	for (;;) {
		sem_wait(&f->go);
		if (f->helper_quit)
			return NULL;
		vcpu_hcall(f, 1, &f->helper_hc, &f->helper_out);
		sem_post(&f->done);
	}
}

static void fuzz_step(struct fuzz_vm *f)
{
	unsigned int d = pick(f, 100);

	if (!f->have_vm) {
		vm_destroy(f);
		if (!vm_create(f))
			return;
	}
	trace_step(f, "step", d);
	if (d < 5)
		step_caps(f);
	else if (d < 11)
		step_enable(f);
	else if (d < 17)
		step_get_state(f);
	else if (d < 24)
		step_set_state(f, true);
	else if (d < 31)
		step_cas_ioctl(f, true);
	else if (d < 35)
		step_get_cas(f);
	else if (d < 38)
		step_bad_number(f);
	else if (d < 43)
		step_configure(f, true);
	else if (d < 47)
		step_allocate_htab(f, true);
	else if (d < 50)
		step_htab(f);
	else if (d < 57)
		step_memslot(f);
	else if (d < 80)
		step_hcall_solo(f);
	else if (d < 97)
		step_concurrent(f);
	else
		vm_destroy(f);
}

static void run_round(struct fuzz_vm *f)
{
	f->rng = f->seed * 0x100000001b3ULL + f->idx;
	for (f->step = 0; f->step < ROUND_STEPS && !(f->step && test_now_ms() > deadline_ms); f->step++) {
		fuzz_step(f);
		f->steps++;
	}
	vm_destroy(f);
}

static void *vm_main(void *arg)
{
	struct fuzz_vm *f = arg;

	for (;;) {
		pthread_barrier_wait(&round_start);
		if (quit)
			break;
		run_round(f);
		pthread_barrier_wait(&round_end);
	}
	f->helper_quit = true;
	sem_post(&f->go);
	pthread_join(f->helper, NULL);
	return NULL;
}

/*
 * Regression for the second bug the fuzzer found (kmod/run.c): the vcpus
 * of a VM without features did not take the entry gate, so SET_STATE
 * switching the VM while one of them entered hard-locked the host. Not a
 * seed (it depends on timing): the VM opts in with SET_STATE alone (no
 * features), then one vcpu enters and leaves the guest as fast as it can
 * while SET_STATE flips the VM between the reset states of both modes, for
 * RACE_SECONDS. Every answer must be 0 or EBUSY, and the host must live.
 * (A VM that never opted in before it ran cannot be switched at all:
 * ppc_mmu_proc_tbl's late opt-in test.)
 */
#define RACE_SECONDS	3

static struct fuzz_vm race_vm;
static bool race_stop;

static void *race_runner(void *arg)
{
	struct hc h = { .nr = H_SET_DABR };	/* answered by KVM-HV itself */
	struct hc_out o;

	while (!__atomic_load_n(&race_stop, __ATOMIC_RELAXED)) {
		vcpu_hcall(&race_vm, 1, &h, &o);
		if (!check(&race_vm, C_GUEST, !o.r, "race: %s", o.why))
			break;
	}
	return NULL;
}

static bool race_switch_regression(void)
{
	struct kvm_ppc_mmu_state st = { 0 };
	struct fuzz_vm *f = &race_vm;
	unsigned long fails = cats[C_MODULE].fails + cats[C_GUEST].fails;
	long long end;
	pthread_t t;
	int e, i;

	if (!(caps.guest_modes & KVM_PPC_MMU_GUEST_CAS_SWITCH))
		return true;	/* one mode only: nothing to switch */
	f->idx = NR_VMS;
	f->rng = 1;
	memset(&f->m, 0, sizeof(f->m));
	model_forget_mmu(&f->m);
	e = guest_vm_create(&f->vm, VM_MEM);
	f->exists = !e;
	for (i = 0; !e && i < NR_VCPUS; i++)
		e = guest_vcpu_add(&f->vm, GUEST_CODE_ADDR, GUEST_MSR_REAL) < 0;
	if (!check(f, C_GUEST, !e, "race: VM creation failed")) {
		vm_destroy(f);
		return false;
	}
	write_guest(&f->vm);
	e = xioctl(f->vm.vm_fd, KVM_PPC_MMU_SET_STATE, &st);	/* hash, no features */
	expect(f, C_MODULE, "race: SET_STATE before the first run", e, E(0));
	pthread_create(&t, NULL, race_runner, NULL);
	end = test_now_ms() + RACE_SECONDS * 1000LL;
	for (i = 0; test_now_ms() < end; i++) {
		st.mode = i & 1 ? KVM_PPC_MMU_MODE_RADIX : KVM_PPC_MMU_MODE_HASH;
		st.process_table = i & 1 ? PATB_GR : 0;
		e = xioctl(f->vm.vm_fd, KVM_PPC_MMU_SET_STATE, &st);
		expect(f, C_MODULE, "race: SET_STATE", e, E(0) | E(EBUSY));
	}
	__atomic_store_n(&race_stop, true, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	vm_destroy(f);
	ktap_info("race: %d SET_STATE flips under a running vcpu", i);
	return fails == cats[C_MODULE].fails + cats[C_GUEST].fails;
}

static long env_long(const char *name, long def, long max)
{
	const char *s = getenv(name);
	long v = s ? strtol(s, NULL, 10) : -1;

	return v >= 0 && v <= max ? v : def;
}

static bool run_seed(unsigned long long seed)
{
	unsigned long before = 0, after = 0;
	int i, c;

	for (c = 0; c < NR_CAT; c++)
		before += cats[c].fails;
	for (i = 0; i < NR_VMS; i++)
		fvms[i].seed = seed;
	pthread_barrier_wait(&round_start);
	pthread_barrier_wait(&round_end);
	for (c = 0; c < NR_CAT; c++)
		after += cats[c].fails;
	return after == before;
}

int main(void)
{
	unsigned long long seed, first, one;
	unsigned long steps = 0, vms = 0, hcalls = 0, ioctls = 0, conc = 0, busy = 0;
	unsigned long reg_ok = 0, reg_no = 0, cas_ok = 0, cas_no = 0, switches = 0;
	long seconds = env_long("PPC_MMU_FUZZ_SECONDS", FUZZ_SECONDS, 7 * 24 * 3600);
	long long t0 = test_now_ms();
	int seeds = 0, i, c, regr_fail = 0;
	bool forced, single = getenv("PPC_MMU_FUZZ_SEED");

	trace_steps = env_long("PPC_MMU_FUZZ_TRACE", 0, 1);
	kvm_races = env_long("PPC_MMU_FUZZ_KVM_RACES", 0, 1);

	test_env_begin(NR_CAT + 2, "ioctl/hypercall fuzzer", &caps, &forced);
	/*
	 * A preemptible kernel, where the module withholds hash: KVM's own
	 * ioctls would still make hash VMs here, and KVM-HV can hang the host
	 * under a hash guest's H_ENTER (kmod/logic/host_modes.c). Not ours to
	 * fuzz; the non-preemptible kernels run it.
	 */
	if (caps.host_flags & KVM_PPC_MMU_HOST_PREEMPTIBLE) {
		ktap_skip_n(NR_CAT + 2, "preemptible host kernel: KVM-HV can hang it under hash guests",
			    "fuzz");
		test_env_restore(forced);
		ktap_finish();
	}
	if (single)
		one = strtoull(getenv("PPC_MMU_FUZZ_SEED"), NULL, 10);
	else
		one = (unsigned long long)time(NULL) * 1000 + (test_now_ms() % 1000);
	first = seed = one;
	ktap_info("seed %llu (PPC_MMU_FUZZ_SEED=N reruns seed N), budget %ld s, %d VMs x %d vcpus",
		  seed, single ? 0 : seconds, NR_VMS, NR_VCPUS);

	page_size = sysconf(_SC_PAGESIZE);
	wild_none = mmap(NULL, page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	wild_ro = mmap(NULL, page_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pthread_barrier_init(&round_start, NULL, NR_VMS + 1);
	pthread_barrier_init(&round_end, NULL, NR_VMS + 1);
	for (i = 0; i < NR_VMS; i++) {
		struct fuzz_vm *f = &fvms[i];

		f->idx = i;
		f->slot1_mem = mmap(NULL, SLOT1_SIZE, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		sem_init(&f->go, 0, 0);
		sem_init(&f->done, 0, 0);
		pthread_create(&f->helper, NULL, helper_main, f);
		pthread_create(&f->thread, NULL, vm_main, f);
	}

	/* the seeds of bugs found before, each in full */
	deadline_ms = test_now_ms() + 3600 * 1000LL;
	for (i = 0; i < NR_REGRESSION; i++)
		regr_fail += !run_seed(regression_seeds[i]);
	regr_fail += !race_switch_regression();

	deadline_ms = test_now_ms() + (single ? 3600 : seconds) * 1000LL;
	do {
		run_seed(seed++);
		seeds++;
	} while (!single && test_now_ms() < deadline_ms);
	quit = true;
	pthread_barrier_wait(&round_start);
	for (i = 0; i < NR_VMS; i++) {
		pthread_join(fvms[i].thread, NULL);
		steps += fvms[i].steps;
		vms += fvms[i].vms;
		hcalls += fvms[i].hcalls;
		ioctls += fvms[i].ioctls;
		conc += fvms[i].concurrent;
		busy += fvms[i].busy;
		reg_ok += fvms[i].reg_ok;
		reg_no += fvms[i].reg_refused;
		cas_ok += fvms[i].cas_ok;
		cas_no += fvms[i].cas_refused;
		switches += fvms[i].switches;
	}

	ktap_result(!regr_fail, "regressions: %d of %d seeds and the switch race fail", regr_fail,
		    NR_REGRESSION);
	for (c = 0; c < NR_CAT; c++) {
		if (cats[c].fails)
			ktap_result(false, "%s: %lu of %lu checks failed, first: %s", cat_name[c],
				    cats[c].fails, cats[c].checks, cats[c].first);
		else
			ktap_result(true, "%s (%lu checks)", cat_name[c], cats[c].checks);
	}
	ktap_info("fuzz summary: %lu iterations, %lu VMs created, %d seeds (%llu..%llu), %lld ms; %lu hypercalls, %lu ioctls, %lu concurrent steps, %lu busy answers",
		  steps, vms, seeds, first, seed - 1, test_now_ms() - t0, hcalls, ioctls, conc, busy);
	ktap_info("outcomes: registrations %lu accepted, %lu refused; CAS %lu accepted, %lu refused; %lu mode switches seen",
		  reg_ok, reg_no, cas_ok, cas_no, switches);
	ktap_result(steps > 0 && vms > 0, "fuzz: %lu iterations, %lu VMs, %d seeds, %lld ms",
		    steps, vms, seeds, test_now_ms() - t0);
	test_env_restore(forced);
	ktap_finish();
}
