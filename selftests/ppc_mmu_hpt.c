// SPDX-License-Identifier: GPL-2.0
/*
 * A hash guest's HPT when memory is tight and when paths race: every VM
 * must end up with exactly the table its mode (and its restore) asks for,
 * no table may be allocated for nothing, and none may outlive its VM.
 *
 * Tables beyond the page allocator's largest block come only from KVM's
 * CMA pool (5% of host RAM, reserved at boot). The emulated hosts have
 * 2 GiB, so the pool holds one 64 MiB table but not two; the tests read
 * the pool's size at run time and skip, saying why, where it cannot show
 * what they need. Guests are real: their RAM is a large MAP_NORESERVE
 * mapping of which they touch only a few pages, so the table is sized
 * from RAM the host never has to provide.
 *
 * The races run a path of the module that allocates (slow: CMA, zeroing)
 * against one that changes the VM meanwhile, hundreds of times with the
 * second path's start swept across the time the first one takes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "lib/busy_switch.h"
#include "lib/ktap.h"
#include "lib/test_env.h"
#include "ppcmmu/cas_vectors.h"
#include "ppcmmu/guest.h"
#include "ppcmmu/guest_asm.h"
#include "ppcmmu/mmu_guest.h"
#include "ppcmmu/module_ctl.h"
#include "ppcmmu/ppcmmu.h"

#define MIB		(1LL << 20)
#define MEM_64M		(64ULL << 20)
#define ORDER_64M	19
#define GR		(1ULL << 63)
#define VEC_ADDR	0x400000ULL
#define FEAT_ALL	KVM_PPC_MMU_FEAT_ALL
#define BUSY_MIN_ANSWERS	5
/*
 * Rounds of each race: a fifth of them on a KASAN kernel (the debug host
 * kernel), where each takes about fourteen times as long; that run is for
 * the checkers, the full count runs on every Debian kernel.
 */
#define RACE_ROUNDS	race_rounds(300)
#define RESTORE_ROUNDS	race_rounds(300)

static int race_rounds(int n)
{
	static int kasan = -1;

	if (kasan < 0)
		kasan = kernel_has_kasan();
	return kasan ? n / 5 : n;
}

static struct kvm_ppc_mmu_caps caps;
static bool can_radix, can_hash, forced;

/* KVM's CMA pool and the page allocator's largest block, as this host has them. */
struct pool {
	long long total, free, max_block;
};

/* Bytes of the largest block /proc/buddyinfo lists (orders 0..MAX_ORDER-1). */
static long long max_buddy_block(void)
{
	FILE *f = fopen("/proc/buddyinfo", "r");
	char line[512];
	int most = 0;

	while (f && fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "zone");
		int n = 0, off;
		long v;

		if (!p)
			continue;
		p += 4;
		while (*p == ' ')
			p++;
		p += strcspn(p, " ");			/* the zone's name */
		while (sscanf(p, "%ld%n", &v, &off) == 1) {
			n++;
			p += off;
		}
		if (n > most)
			most = n;
	}
	if (f)
		fclose(f);
	return most ? (long long)sysconf(_SC_PAGESIZE) << (most - 1) : -1;
}

/*
 * CmaFree, with the per-CPU free lists drained first. Freed pages wait on
 * those lists, where CmaFree does not count them (on the emulated hash
 * host they hold over 100 MiB), and any allocation from the pool drains
 * them (alloc_contig_range()). So make one: restore the smallest HPT into a
 * VM of its own, read CmaFree, give the table back. Needs a host that can
 * run hash guests; -1 on failure.
 */
static long long pool_free_drained(void)
{
	struct kvm_ppc_mmu_state st = { .mode = KVM_PPC_MMU_MODE_HASH, .hpt_order = 18 };
	long long free = -1;
	struct guest_vm vm;

	if (guest_vm_create(&vm, MEM_64M))
		return -1;
	if (!ioctl(vm.vm_fd, KVM_PPC_MMU_SET_STATE, &st))
		free = meminfo_bytes("CmaFree") + (1LL << st.hpt_order);
	guest_vm_destroy(&vm);
	return free;
}

static void read_pool(struct pool *p)
{
	p->total = meminfo_bytes("CmaTotal");
	p->free = p->total > 0 ? pool_free_drained() : 0;
	p->max_block = max_buddy_block();
}

/*
 * The largest HPT order whose table fits the free pool once; 0 (and
 * @why says why) unless it fits only once and only the pool can give it.
 */
static uint32_t pool_order(const struct pool *p, const char **why)
{
	uint32_t order = 0;

	while (order < 46 && (2LL << order) <= p->free)
		order++;
	if (p->total <= 0) {
		*why = "no KVM CMA pool on this host (not bare metal)";
		return 0;
	}
	if (p->free < 0) {
		*why = "could not read the pool's free space";
		return 0;
	}
	if (order < 18 || (1LL << order) <= p->max_block) {
		*why = "the pool's free space is no bigger than a page-allocator block";
		return 0;
	}
	if ((2LL << order) <= p->total) {
		*why = "the pool could hold two tables of the size it has free";
		return 0;
	}
	return order;
}

/* ---------- a second CAS keeps the table the first one allocated ---------- */

/*
 * CAS with the hash vector at VEC_ADDR, REPORT(TAG_CAS, rc) with r6 = 1;
 * CAS again, REPORT(TAG_CAS, rc) with r6 = 2; then register hash, H_ENTER
 * + SLB, run translated. The VMM answers each CAS from KVM_PPC_MMU_GET_CAS.
 */
static void write_cas_twice_program(struct guest_vm *vm)
{
	struct gasm a;
	int i;

	gasm_init(&a, vm->mem + GUEST_CODE_ADDR);
	for (i = 1; i <= 2; i++) {
		gasm_li64(&a, 4, VEC_ADDR);
		gasm_emit(&a, PPC_LI(5, 0));
		gasm_emit(&a, PPC_LI(6, 0));
		gasm_hcall(&a, H_CAS);
		gasm_emit(&a, PPC_MR(5, 3));
		gasm_emit(&a, PPC_LI(4, TAG_CAS));
		gasm_emit(&a, PPC_LI(6, i));
		gasm_hcall(&a, TEST_HCALL_REPORT);
	}
	mmu_guest_register(&a, PROC_TBL_NEW_HASH_SLB, 0, 0);
	mmu_guest_build_hash(&a);
	mmu_guest_translate(&a);
}

struct cas_twice {
	int r;
	struct kvm_ppc_mmu_cas out[2];
	long long cma_free[2];		/* right after each CAS */
	uint64_t guest_rc[2];		/* what the guest got */
	bool translated;
};

/*
 * The VMM: answer each KVMPPC_H_CAS from GET_CAS as QEMU would, REPORTs as
 * guest_run_script does, stop at DONE.
 */
static void run_cas_twice(struct guest_vm *vm, struct cas_twice *ct)
{
	struct kvm_run *run = vm->vcpus[0].run;
	int n, cas = 0, r = 0;

	for (n = 0; !r && n < 32; n++) {
		r = guest_vcpu_run(vm, 0);
		if (r == -EINTR) {
			r = 0;
			continue;
		}
		if (r || run->exit_reason != KVM_EXIT_PAPR_HCALL) {
			r = r ? r : -EPROTO;
			break;
		}
		if (run->papr_hcall.nr == H_CAS && cas < 2) {
			struct kvm_ppc_mmu_cas *o = &ct->out[cas];

			memset(o, 0, sizeof(*o));
			r = ioctl(vm->vm_fd, KVM_PPC_MMU_GET_CAS, o) ? -errno : 0;
			ct->cma_free[cas++] = meminfo_bytes("CmaFree");
			run->papr_hcall.ret = o->status == KVM_PPC_MMU_CAS_ACCEPTED ? 0 :
					      (uint64_t)o->hcall_ret;
			run->papr_hcall.args[0] = o->mode;
			run->papr_hcall.args[1] = 0;
		} else if (run->papr_hcall.nr == TEST_HCALL_REPORT) {
			uint64_t *args = run->papr_hcall.args;

			if (args[0] == TAG_CAS && args[2] >= 1 && args[2] <= 2)
				ct->guest_rc[args[2] - 1] = args[1];
			if (args[0] == TAG_TRANSLATED)
				ct->translated = args[1] == MMU_GUEST_B_VALUE &&
						 (args[2] & (GUEST_MSR_IR | GUEST_MSR_DR)) ==
						 (GUEST_MSR_IR | GUEST_MSR_DR);
			run->papr_hcall.ret = 0;
			args[0] += 1;
		} else if (run->papr_hcall.nr == TEST_HCALL_DONE) {
			break;
		} else {
			r = -EPROTO;
		}
	}
	ct->r = r;
}

/*
 * An 8 GiB-class hash guest (RAM = 128 x the table the free pool holds once)
 * calls CAS, and then CAS again, as firmware does when a guest reboots in
 * the same VM. Its table can only come from the pool, which has no room for
 * a second one: the second CAS must find the table in place and allocate
 * nothing. 4 results.
 */
static void test_cas_again_keeps_table(void)
{
	const char *name = "CAS again";
	const char *why = NULL;
	struct pool before, after;
	struct cas_twice ct = { 0 };
	struct guest_vm vm;
	uint32_t order;
	int r;

	if (!can_hash) {
		ktap_skip_n(4, "host cannot run hash guests", name);
		return;
	}
	read_pool(&before);
	ktap_info("%s: KVM CMA pool %lld MiB, %lld MiB free; largest page-allocator block %lld MiB",
		  name, before.total / MIB, before.free / MIB, before.max_block / MIB);
	order = pool_order(&before, &why);
	if (!order) {
		ktap_skip_n(4, why, name);
		return;
	}
	r = mmu_guest_vm(&vm, 1ULL << (order + 7), GUEST_MMU_DEFAULT, FEAT_ALL);
	if (r) {
		ktap_result(0, "%s: VM of %llu MiB (r=%d)", name, (1ULL << (order + 7)) >> 20, r);
		ktap_skip_n(3, "no VM", name);
		return;
	}
	mmu_guest_pages(&vm);
	cas_vec_linux61(vm.mem + VEC_ADDR, 0x00, 0x00);
	write_cas_twice_program(&vm);
	r = guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
	if (r >= 0)
		run_cas_twice(&vm, &ct);
	else
		ct.r = r;
	ktap_info("%s: CAS 1 status %u order %u, CmaFree %lld MiB; CAS 2 status %u order %u, CmaFree %lld MiB; r=%d",
		  name, ct.out[0].status, ct.out[0].hpt_order, ct.cma_free[0] / MIB,
		  ct.out[1].status, ct.out[1].hpt_order, ct.cma_free[1] / MIB, ct.r);

	/* Only the pool has a block that big; its free count moves by about that */
	ktap_result(!ct.r && ct.out[0].status == KVM_PPC_MMU_CAS_ACCEPTED &&
		    ct.out[0].hpt_order == order && before.free - ct.cma_free[0] > (1LL << (order - 1)),
		    "%s: %llu GiB hash guest's first CAS: accepted, order-%u HPT from the CMA pool (%lld -> %lld MiB free)",
		    name, (1ULL << (order + 7)) >> 30, order, before.free / MIB, ct.cma_free[0] / MIB);
	ktap_result(ct.out[1].status == KVM_PPC_MMU_CAS_ACCEPTED && ct.out[1].hpt_order == order &&
		    llabs(ct.cma_free[1] - ct.cma_free[0]) < (1LL << (order - 1)),
		    "%s: the second CAS keeps that table, no second one: status %u, order %u, CmaFree %lld -> %lld MiB",
		    name, ct.out[1].status, ct.out[1].hpt_order, ct.cma_free[0] / MIB,
		    ct.cma_free[1] / MIB);
	ktap_result(ct.guest_rc[0] == 0 && ct.guest_rc[1] == 0 && ct.translated,
		    "%s: guest got H_SUCCESS twice and runs translated on the table (%lld, %lld)",
		    name, (long long)ct.guest_rc[0], (long long)ct.guest_rc[1]);
	guest_vm_destroy(&vm);
	read_pool(&after);
	ktap_result(after.free >= before.free - (1LL << (order - 1)),
		    "%s: VM destroyed, its table is back in the pool: %lld of %lld MiB free", name,
		    after.free / MIB, before.free / MIB);
}

/* ---------- a switch that cannot happen allocates nothing ---------- */

struct hog {
	struct guest_vm vm;
	bool live;
};

static void hog_free(void *arg)
{
	struct hog *h = arg;

	if (h->live)
		guest_vm_destroy(&h->vm);
	h->live = false;
}

/*
 * Another VM holds one pool-sized table, so the pool has no room for a
 * second. Meanwhile vcpu 1 of a radix guest of the same size registers hash
 * while its vcpu 0 runs: that switch cannot happen, so no table may be
 * allocated for it, and the guest must be told to retry
 * (H_LONG_BUSY_ORDER_1_MSEC), not H_NO_MEM, on which Linux BUG()s. Once the
 * other VM is gone and vcpu 0 has stopped, the retry gets its table from
 * the pool and the switch happens (lib/busy_switch.h). 3 results.
 */
static void test_busy_switch_allocates_nothing(void)
{
	const char *name = "busy switch, pool full";
	struct kvm_ppc_mmu_state st = { .mode = KVM_PPC_MMU_MODE_HASH };
	struct busy_switch_result bs;
	struct hog hog = { .live = false };
	const char *why = NULL;
	struct pool pool;
	struct guest_vm vm;
	uint32_t order;
	int r;

	if (!(can_radix && can_hash)) {
		ktap_skip_n(3, "host cannot run both modes: no switch", name);
		return;
	}
	read_pool(&pool);
	order = pool_order(&pool, &why);
	if (!order) {
		ktap_skip_n(3, why, name);
		return;
	}
	/* The hog: a fresh VM restored as hash with a pool-sized table. */
	st.hpt_order = order;
	r = guest_vm_create(&hog.vm, MEM_64M);
	hog.live = !r;
	r = r ? r : (ioctl(hog.vm.vm_fd, KVM_PPC_MMU_SET_STATE, &st) ? -errno : 0);
	r = r ? r : mmu_guest_vm(&vm, 1ULL << (order + 7), GUEST_MMU_RADIX, FEAT_ALL);
	if (r) {
		hog_free(&hog);
		ktap_result(0, "%s: VMs (r=%d)", name, r);
		ktap_skip_n(2, "no VMs", name);
		return;
	}
	busy_switch_run(&vm, PROC_TBL_NEW_HASH_SLB, 0, BUSY_MIN_ANSWERS, hog_free, &hog, &bs);
	hog_free(&hog);
	ktap_result(!bs.r && bs.res.register_busy >= BUSY_MIN_ANSWERS,
		    "%s: while vcpu 0 runs, vcpu 1 is told H_LONG_BUSY_ORDER_1_MSEC, not H_NO_MEM (%llu times, then %lld; r=%d)",
		    name, (unsigned long long)bs.res.register_busy, (long long)bs.res.register_rc, bs.r);
	ktap_result(bs.spinner_done && bs.res.saw_register && bs.res.register_rc == 0,
		    "%s: with the other VM gone and vcpu 0 stopped, the retry succeeds (%lld)", name,
		    (long long)bs.res.register_rc);
	ktap_result(test_state_is(vm.vm_fd, KVM_PPC_MMU_MODE_HASH, 0, order, name),
		    "%s: the VM is hash with its order-%u table", name, order);
	guest_vm_destroy(&vm);
}

/* ---------- races ---------- */

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/*
 * One side of a race: after delay_us, act() on vm. Two racers start
 * together; over the rounds the skew between them sweeps the time the slow
 * side takes, so the other lands before, inside and after its work.
 */
struct racer {
	pthread_t th;
	struct guest_vm *vm;
	int (*act)(struct racer *rc);
	struct kvm_ppc_mmu_state st;	/* for act_restore */
	long delay_us;
	long long took_us;
	int r;
};

static void *racer_main(void *p)
{
	struct racer *rc = p;
	long long t0;

	if (rc->delay_us)
		usleep(rc->delay_us);
	t0 = now_us();
	rc->r = rc->act(rc);
	rc->took_us = now_us() - t0;
	return NULL;
}

/* Run @a and @b at once; @skew_us > 0 starts @b that much later, < 0 @a. */
static void race(struct racer *a, struct racer *b, long skew_us)
{
	a->delay_us = skew_us < 0 ? -skew_us : 0;
	b->delay_us = skew_us > 0 ? skew_us : 0;
	pthread_create(&a->th, NULL, racer_main, a);
	pthread_create(&b->th, NULL, racer_main, b);
	pthread_join(a->th, NULL);
	pthread_join(b->th, NULL);
}

/* Round @i's skew in [@lo_us, @hi_us], a fixed pseudo-random walk. */
static long race_skew_us(int i, long lo_us, long hi_us)
{
	return lo_us + (long)(((unsigned long)i * 7919UL) % (unsigned long)(hi_us - lo_us + 1));
}

/* @act alone on a fresh VM from @make, in microseconds (-1 on failure). */
static long long time_alone(int (*make)(struct guest_vm *vm), int (*act)(struct racer *rc),
			    const struct kvm_ppc_mmu_state *st)
{
	struct racer rc = { .act = act };
	struct guest_vm vm;

	if (st)
		rc.st = *st;
	if (make(&vm))
		return -1;
	rc.vm = &vm;
	racer_main(&rc);
	guest_vm_destroy(&vm);
	return rc.r ? -1 : rc.took_us;
}

/* A VM in @mmu, FEAT_HPT_SIZING, whose one vcpu makes the DONE hypercall at once. */
static int exit_at_once_vm(struct guest_vm *vm, uint64_t mem, enum guest_mmu mmu)
{
	struct gasm a;
	int r = mmu_guest_vm(vm, mem, mmu, KVM_PPC_MMU_FEAT_HPT_SIZING);

	if (r)
		return r;
	gasm_init(&a, vm->mem + GUEST_CODE_ADDR);
	gasm_hcall(&a, TEST_HCALL_DONE);
	r = guest_vcpu_add(vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
	if (r < 0) {
		guest_vm_destroy(vm);
		return r;
	}
	return 0;
}

/* The guest runs to its DONE hypercall. */
static int act_run(struct racer *rc)
{
	struct kvm_run *run = rc->vm->vcpus[0].run;
	int r = guest_vcpu_run(rc->vm, 0);

	if (!r && (run->exit_reason != KVM_EXIT_PAPR_HCALL || run->papr_hcall.nr != TEST_HCALL_DONE))
		r = -EPROTO;
	return r;
}

static void ignore_signal(int sig)
{
	(void)sig;
}

/*
 * KVM_RUN with a signal already pending, as when a VMM kicks a vcpu just as
 * it enters: the module's entry work (the HPT for a hash VM without one)
 * runs, then KVM-HV sees the signal and returns EINTR before it enters the
 * guest or counts the vcpu as running. SIGUSR1 is blocked in this thread,
 * raised, and open only inside KVM_RUN (KVM_SET_SIGNAL_MASK).
 */
static int act_kicked_entry(struct racer *rc)
{
	uint8_t buf[sizeof(struct kvm_signal_mask) + 8];
	struct kvm_signal_mask *kmask = (struct kvm_signal_mask *)buf;
	int fd = rc->vm->vcpus[0].fd, r;
	struct timespec zero = { 0 };
	sigset_t usr1, was, open;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, &was);
	open = was;
	sigdelset(&open, SIGUSR1);
	kmask->len = 8;					/* the kernel's sigset_t */
	memcpy(kmask->sigset, &open, 8);
	r = ioctl(fd, KVM_SET_SIGNAL_MASK, kmask) ? -errno : 0;
	if (!r) {
		pthread_kill(pthread_self(), SIGUSR1);
		r = ioctl(fd, KVM_RUN, 0) ? -errno : -EPROTO;	/* must not run */
		sigtimedwait(&usr1, NULL, &zero);	/* take it back */
		if (ioctl(fd, KVM_SET_SIGNAL_MASK, NULL))
			r = -errno;
	}
	pthread_sigmask(SIG_SETMASK, &was, NULL);
	return r == -EINTR ? 0 : r;
}

static int act_switch_to_radix(struct racer *rc)
{
	struct kvm_ppc_mmuv3_cfg cfg = {
		.flags = KVM_PPC_MMUV3_RADIX | KVM_PPC_MMUV3_GTSE,
		.process_table = GR,
	};

	return ioctl(rc->vm->vm_fd, KVM_PPC_CONFIGURE_V3_MMU, &cfg) ? -errno : 0;
}

static int act_restore(struct racer *rc)
{
	return ioctl(rc->vm->vm_fd, KVM_PPC_MMU_SET_STATE, &rc->st) ? -errno : 0;
}

#define ENTRY_MEM	(1ULL << 30)	/* its table: 8 MiB from the pool, zeroed */
#define ENTRY_ORDER	23

static int make_entry_vm(struct guest_vm *vm)
{
	return exit_at_once_vm(vm, ENTRY_MEM, GUEST_MMU_HASH);
}

/*
 * A hash VM with no table yet (KVM_PPC_CONFIGURE_V3_MMU hash, FEAT_HPT_SIZING)
 * is about to enter for the first time, so the module allocates its
 * RAM-sized table, while the VMM switches the VM to radix. Whoever wins, a
 * radix VM must not be left holding an HPT: kvm-hv frees a radix VM's radix
 * tree on destroy, never its HPT, so such a table would leak.
 *
 * The vcpu enters with a signal pending (act_kicked_entry), so no guest
 * runs during the race: KVM-HV 6.1 itself can hang the host
 * (kvmppc_p9_bad_interrupt) when a switch lands between a vcpu's LPCR read
 * and kvmhv_setup_mmu() on its first entry, with or without the module.
 * The guest runs afterwards, alone, in whatever mode the race left.
 * 3 results.
 */
static void test_entry_vs_switch_to_radix(void)
{
	const char *name = "first entry vs. switch to radix";
	struct sigaction sa = { .sa_handler = ignore_signal };
	int i, r = 0, bad = 0, ran = 0, refused = 0;
	long long alone, pool_before, pool_after;
	struct racer entry, sw;
	struct kvm_ppc_mmu_state st;
	struct guest_vm vm;

	if (!(can_radix && can_hash)) {
		ktap_skip_n(3, "host cannot run both modes: no switch", name);
		return;
	}
	sigaction(SIGUSR1, &sa, NULL);
	pool_before = pool_free_drained();
	alone = time_alone(make_entry_vm, act_kicked_entry, NULL);
	ktap_info("%s: the entry's allocation alone takes %lld us; %d rounds, switch 0..%lld us after it starts",
		  name, alone, RACE_ROUNDS, 2 * alone);
	for (i = 0; i < RACE_ROUNDS && !r && alone > 0; i++) {
		r = make_entry_vm(&vm);
		if (r)
			break;
		entry = (struct racer){ .vm = &vm, .act = act_kicked_entry };
		sw = (struct racer){ .vm = &vm, .act = act_switch_to_radix };
		race(&entry, &sw, race_skew_us(i, 0, 2 * alone));
		refused += sw.r != 0;
		r = entry.r ? entry.r : ppcmmu_get_state(vm.vm_fd, &st);
		if (!r && st.mode == KVM_PPC_MMU_MODE_RADIX && st.hpt_order) {
			if (!bad)
				ktap_info("%s: round %d: radix with an order-%u HPT", name, i,
					  st.hpt_order);
			bad++;
		}
		ran += !r && !act_run(&entry);
		guest_vm_destroy(&vm);
	}
	pool_after = pool_free_drained();
	ktap_result(!r && i == RACE_ROUNDS && !bad,
		    "%s: never a radix VM with an HPT (%d of %d rounds; switch refused %d; r=%d)",
		    name, bad, i, refused, r);
	ktap_result(ran == RACE_ROUNDS, "%s: every guest then ran in the mode the race left (%d of %d)",
		    name, ran, i);
	ktap_result(pool_after >= pool_before - (1LL << (ENTRY_ORDER - 1)),
		    "%s: every table freed with its VM: CmaFree %lld -> %lld MiB", name,
		    pool_before / MIB, pool_after / MIB);
}

#define RESTORE_ORDER	24	/* what the saved state says: 16 MiB */

static int make_restore_vm(struct guest_vm *vm)
{
	return exit_at_once_vm(vm, MEM_64M, GUEST_MMU_HASH);
}

/*
 * A VMM restores a saved hash state (HPT of order RESTORE_ORDER) into a
 * 64 MiB hash VM with no table yet while a vcpu enters it for the first
 * time, for which the module allocates the RAM-sized table (order 19).
 * Whenever SET_STATE succeeds the VM must have the order it restored; when
 * it is refused, the VM must keep what the entry gave it. 2 results.
 */
static void test_restore_vs_entry(void)
{
	const char *name = "restore vs. first entry";
	struct kvm_ppc_mmu_state saved = {
		.features = KVM_PPC_MMU_FEAT_HPT_SIZING,
		.mode = KVM_PPC_MMU_MODE_HASH,
		.hpt_order = RESTORE_ORDER,
	};
	int i, r = 0, wrong = 0, restored = 0, refused = 0, refused_changed = 0;
	long long t_run, t_restore;
	struct kvm_ppc_mmu_state st;
	struct racer run, rs;
	struct guest_vm vm;

	if (!can_hash) {
		ktap_skip_n(2, "host cannot run hash guests", name);
		return;
	}
	t_run = time_alone(make_restore_vm, act_run, NULL);
	t_restore = time_alone(make_restore_vm, act_restore, &saved);
	ktap_info("%s: alone, the first entry takes %lld us, SET_STATE %lld us; %d rounds",
		  name, t_run, t_restore, RESTORE_ROUNDS);
	for (i = 0; i < RESTORE_ROUNDS && !r && t_run > 0 && t_restore > 0; i++) {
		r = make_restore_vm(&vm);
		if (r)
			break;
		run = (struct racer){ .vm = &vm, .act = act_run };
		rs = (struct racer){ .vm = &vm, .act = act_restore, .st = saved };
		race(&run, &rs, race_skew_us(i, -t_restore, t_run));
		r = run.r ? run.r : ppcmmu_get_state(vm.vm_fd, &st);
		if (!r && !rs.r) {
			restored++;
			if (st.hpt_order != RESTORE_ORDER) {
				if (!wrong)
					ktap_info("%s: round %d: SET_STATE of order %u succeeded, the VM has order %u",
						  name, i, RESTORE_ORDER, st.hpt_order);
				wrong++;
			}
		} else if (!r) {
			refused++;
			refused_changed += rs.r != -EBUSY || st.hpt_order != ORDER_64M;
		}
		guest_vm_destroy(&vm);
	}
	ktap_result(!r && i == RESTORE_ROUNDS && !wrong,
		    "%s: whenever SET_STATE succeeds the VM has the restored order %u (%d of %d did not; r=%d)",
		    name, RESTORE_ORDER, wrong, restored, r);
	ktap_result(!r && !refused_changed,
		    "%s: a refused SET_STATE is EBUSY and leaves the entry's order-%u table (%d of %d not)",
		    name, ORDER_64M, refused_changed, refused);
}

int main(void)
{
	int planned = 4 + 3 + 2 + 3 + 1;

	test_env_begin(planned, "hpt", &caps, &forced);
	can_radix = caps.guest_modes & KVM_PPC_MMU_GUEST_RADIX;
	can_hash = caps.guest_modes & KVM_PPC_MMU_GUEST_HASH;

	test_cas_again_keeps_table();
	test_busy_switch_allocates_nothing();
	test_restore_vs_entry();
	test_entry_vs_switch_to_radix();	/* last: before its fix it leaked the pool */

	test_env_restore(forced);
	ktap_result(module_is_loaded(PPCMMU_MODNAME), "module loaded at the end");
	ktap_finish();
}
