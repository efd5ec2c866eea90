// SPDX-License-Identifier: GPL-2.0
/*
 * Many VMs negotiating their MMU at once, in one run on one host.
 *
 * Part 1, scale. For each count N in counts[] and each of ROUNDS rounds,
 * N threads (one per VM, released together by barriers) each:
 *   setup      create a VM of GUEST_MEM, opt in to every feature, write
 *              the guest (tools/lib/ppcmmu/cas_guest.h) and its vcpu;
 *   negotiate  run it: CAS in the kernel (the VMM answers from
 *              KVM_PPC_MMU_GET_CAS), H_REGISTER_PROC_TBL in the kernel,
 *              H_ENTERs for hash, translation on, one store and one load
 *              through a non-identity mapping, DONE;
 *   state      read KVM_PPC_MMU_GET_STATE (mode, hpt_order) back.
 * VM i runs radix when i + round is even, else hash, so every count boots
 * as many radix as hash guests (N = 1: one of each over the two rounds).
 * All N VMs stay alive until all are done; then all are destroyed.
 *
 * Per count it prints:
 *   setup/VM, negotiate/VM  wall time of the phase (first thread in to last
 *              out) over the VMs of the round, summed over rounds: the cost
 *              per VM when N negotiate at once. "flat" means the same at
 *              every N; x1 is the ratio to N = 1.
 *   latency    median of each VM's own negotiate time, radix and hash
 *              apart: with fewer host CPUs than VMs this grows with N (the
 *              threads take turns).
 *   fail       boots that did not end as expected (any step failed, wrong
 *              mode, wrong value read through the MMU, HPT not as sized).
 *   HPT        sum of 2^hpt_order as the module reports it (GET_STATE)
 *              for the N VMs of rounds 0 and 1, all alive at once (radix VMs
 *              must read 0; hash VMs the RAM-sized order of
 *              ppcmmu/cas_guest.h, else the boot counts as failed).
 *   peak/VM    free memory consumed per VM while all N are alive (mean of
 *              the rounds).
 *   back       free memory (MemFree + the per-CPU free lists, ppcmmu/ppcmmu.h
 *              free_bytes) and MemAvailable after all N are destroyed,
 *              minus before they were created: the lowest and highest of
 *              the rounds (0 = all returned; negative = still held).
 * and the same drift over the first round of every count, then over the
 * other rounds, with Slab and this process's RSS beside it: a leak keeps
 * growing round after round; caches warmed by the first 64 VMs do not.
 *
 * Part 2, the registry lookup. Every KVM_RUN finds the VM's entry in the
 * module's hash table (kmod/vm_registry.c, kmod/hooks.c). One VM runs a
 * tight hypercall loop with 1 or 63 other registered VMs alive (2 or 64
 * VMs registered): 2, 64, 2 in each of LOOKUP_ROUNDS rounds (lookup()):
 *   via VMM    an hcall the VMM answers: one KVM_RUN, one lookup per call;
 *   in kernel  H_REGISTER_PROC_TBL "keep current" answered by the module:
 *              one KVM_RUN for the whole loop.
 * Printed: median ns per call at each size; the 64/2 ratio of each round
 * and, as the noise floor, its 2/2 ratio, summarised (median, min, max,
 * quartiles).
 *
 * Times are CLOCK_MONOTONIC integer ns (tools/bench/bench_stats.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glob.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_loop.h"
#include "ppcmmu/cas_guest.h"
#include "ppcmmu/mmu_guest.h"
#include "ppcmmu/module_ctl.h"
#include "ppcmmu/ppcmmu.h"

#define GUEST_MEM	CAS_GUEST_MEM	/* 64 MiB: 64 VMs fit the 2 GiB host */
#define MAX_VMS		64
#define ROUNDS		6	/* even: N = 1 boots radix and hash alike */
#define LOOKUP_ROUNDS	11
#define LOOKUP_CALLS	1000
#define LOOKUP_OTHER_MEM (16UL << 20)
#define KEEP_RADIX_GTSE	0x05ULL
#define H_BENCH_NOP	0x7e08ULL	/* answered by this program */

static const int counts[] = { 1, 8, 32, 64 };
#define NR_COUNTS	((int)(sizeof(counts) / sizeof(counts[0])))

static bool hash_ok;		/* the host offers hash guests */

/* ---- part 1: N VMs negotiating at once ---- */

struct round;

struct boot {
	struct round *rd;
	bool radix;
	long long t_setup0, t_setup1, t_neg0, t_neg1;
	int r;
	bool ok;
	uint32_t hpt_order;
	char why[96];
};

struct round {
	int n;
	pthread_barrier_t start, negotiate, alive, teardown;
	struct boot boots[MAX_VMS];
};

static bool boot_ok(struct boot *b, struct guest_vm *vm, const struct kvm_ppc_mmu_cas *out,
		    const struct mmu_guest_result *res)
{
	uint32_t want_mode = b->radix ? KVM_PPC_MMU_MODE_RADIX : KVM_PPC_MMU_MODE_HASH;
	uint32_t want_order = b->radix ? 0 : CAS_GUEST_HPT_ORDER;
	struct kvm_ppc_mmu_state st;

	if (out->status != KVM_PPC_MMU_CAS_ACCEPTED || out->mode != want_mode)
		snprintf(b->why, sizeof(b->why), "CAS status %u mode %u", out->status, out->mode);
	else if (!res->saw_register || res->register_rc)
		snprintf(b->why, sizeof(b->why), "registration rc %lld",
			 (long long)res->register_rc);
	else if (!b->radix && (!res->saw_henter || res->henter_rc))
		snprintf(b->why, sizeof(b->why), "H_ENTER rc %lld", (long long)res->henter_rc);
	else if (!res->done || res->other_hcall || res->value_read != MMU_GUEST_B_VALUE ||
		 *(uint64_t *)(vm->mem + MMU_GUEST_PAGE_A) != MMU_GUEST_MAGIC)
		snprintf(b->why, sizeof(b->why), "translated accesses wrong (read %#llx)",
			 (unsigned long long)res->value_read);
	else if (ppcmmu_get_state(vm->vm_fd, &st))
		snprintf(b->why, sizeof(b->why), "GET_STATE errno %d", errno);
	else if (st.mode != want_mode || st.hpt_order != want_order)
		snprintf(b->why, sizeof(b->why), "state mode %u hpt_order %u", st.mode,
			 st.hpt_order);
	else
		b->hpt_order = st.hpt_order;	/* what the HPT column adds up */
	return !b->why[0];
}

static void *boot_thread(void *arg)
{
	struct boot *b = arg;
	struct round *rd = b->rd;
	struct mmu_guest_result res;
	struct kvm_ppc_mmu_cas out;
	uint8_t ov5 = b->radix ? 0x40 : 0x00;
	struct guest_vm vm;

	pthread_barrier_wait(&rd->start);
	b->t_setup0 = now_ns();
	b->r = cas_guest_prepare(&vm, ov5, ov5);
	b->t_setup1 = now_ns();
	pthread_barrier_wait(&rd->negotiate);	/* all VMs exist: negotiate at once */
	b->t_neg0 = now_ns();
	if (!b->r)
		b->r = cas_guest_negotiate(&vm, &out, &res);
	b->t_neg1 = now_ns();
	if (b->r)
		snprintf(b->why, sizeof(b->why), "set-up or run failed: %s", strerror(-b->r));
	else
		b->ok = boot_ok(b, &vm, &out, &res);
	pthread_barrier_wait(&rd->alive);	/* the parent samples memory */
	pthread_barrier_wait(&rd->teardown);
	guest_vm_destroy(&vm);
	return NULL;
}

struct mem {
	long long free, avail, slab, rss;
};

/* This process's resident memory (thread stacks and arenas glibc keeps). */
static long long rss_bytes(void)
{
	char line[256];
	long long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %lld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb * 1024;
}

static void mem_read(struct mem *m)
{
	m->free = free_bytes();
	m->avail = meminfo_bytes("MemAvailable");
	m->slab = meminfo_bytes("Slab");
	m->rss = rss_bytes();
}

/* What one count gathered over its rounds. */
struct count_result {
	int boots, fail, radix, hash;
	long long setup_wall, neg_wall;		/* summed over rounds */
	long long lat[2][MAX_VMS * ROUNDS];	/* [radix] */
	long long hpt[ROUNDS];			/* bytes, all VMs of the round */
	long long peak_per_vm;			/* summed over rounds */
	long long free_back[ROUNDS], avail_back[ROUNDS];
	char why[96];				/* first failure */
};

static void init_barriers(struct round *rd, int parties)
{
	pthread_barrier_init(&rd->start, NULL, parties);
	pthread_barrier_init(&rd->negotiate, NULL, parties);
	pthread_barrier_init(&rd->alive, NULL, parties);
	pthread_barrier_init(&rd->teardown, NULL, parties);
}

static void destroy_barriers(struct round *rd)
{
	pthread_barrier_destroy(&rd->start);
	pthread_barrier_destroy(&rd->negotiate);
	pthread_barrier_destroy(&rd->alive);
	pthread_barrier_destroy(&rd->teardown);
}

static void add_round(struct count_result *cr, const struct round *rd, int round)
{
	long long s0 = rd->boots[0].t_setup0, s1 = 0, n0 = rd->boots[0].t_neg0, n1 = 0;
	const struct boot *b;
	int i;

	for (i = 0; i < rd->n; i++) {
		b = &rd->boots[i];
		s0 = b->t_setup0 < s0 ? b->t_setup0 : s0;
		s1 = b->t_setup1 > s1 ? b->t_setup1 : s1;
		n0 = b->t_neg0 < n0 ? b->t_neg0 : n0;
		n1 = b->t_neg1 > n1 ? b->t_neg1 : n1;
		cr->lat[b->radix][b->radix ? cr->radix++ : cr->hash++] = b->t_neg1 - b->t_neg0;
		cr->boots++;
		if (b->ok) {
			cr->hpt[round] += b->hpt_order ? 1LL << b->hpt_order : 0;
			continue;
		}
		if (!cr->fail++)
			snprintf(cr->why, sizeof(cr->why), "VM %d (%s): %s", i,
				 b->radix ? "radix" : "hash", b->why);
	}
	cr->setup_wall += s1 - s0;
	cr->neg_wall += n1 - n0;
}

/* N VMs at once, one thread each; the parent takes part in every barrier. */
static void run_round(int n, int round, struct count_result *cr)
{
	static struct round rd;
	pthread_t tid[MAX_VMS];
	struct mem before, peak, after;
	int i;

	memset(&rd, 0, sizeof(rd));
	rd.n = n;
	init_barriers(&rd, n + 1);
	settle_memory();
	mem_read(&before);
	for (i = 0; i < n; i++) {
		rd.boots[i].rd = &rd;
		rd.boots[i].radix = !hash_ok || (i + round) % 2 == 0;
		if (pthread_create(&tid[i], NULL, boot_thread, &rd.boots[i])) {
			/* the threads already started wait forever: stop here */
			printf("bench-scale: FAILED: cannot start thread %d of %d\n", i, n);
			exit(1);
		}
	}
	pthread_barrier_wait(&rd.start);
	pthread_barrier_wait(&rd.negotiate);
	pthread_barrier_wait(&rd.alive);
	mem_read(&peak);
	pthread_barrier_wait(&rd.teardown);
	for (i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	settle_memory();
	mem_read(&after);
	destroy_barriers(&rd);

	add_round(cr, &rd, round);
	cr->peak_per_vm += (before.free - peak.free) / n;
	cr->free_back[round] = after.free - before.free;
	cr->avail_back[round] = after.avail - before.avail;
}

static long long median(long long *v, int n)
{
	bench_sort_ll(v, n);
	return n ? v[n / 2] : 0;
}

static void range(const long long *v, int n, long long *lo, long long *hi)
{
	int i;

	*lo = *hi = v[0];
	for (i = 1; i < n; i++) {
		*lo = v[i] < *lo ? v[i] : *lo;
		*hi = v[i] > *hi ? v[i] : *hi;
	}
}

static void print_scale(struct count_result *cr)
{
	long long neg1 = cr[0].neg_wall / cr[0].boots, f0, f1, a0, a1;
	int c;

	printf("bench-scale: %4s %5s %4s %9s %12s %5s %17s %13s %8s %s\n", "VMs", "boots",
	       "fail", "setup/VM", "negotiate/VM", "x1", "latency rdx/hash", "HPT KiB r0/r1",
	       "peak/VM", "back KiB: free, avail [min,max]");
	for (c = 0; c < NR_COUNTS; c++) {
		long long neg = cr[c].neg_wall / cr[c].boots;

		range(cr[c].free_back, ROUNDS, &f0, &f1);
		range(cr[c].avail_back, ROUNDS, &a0, &a1);
		printf("bench-scale: %4d %5d %4d %7lldus %10lldus %5.2f %7lldus/%7lldus %6lld/%-6lld %6lldKi [%lld,%lld], [%lld,%lld]\n",
		       counts[c], cr[c].boots, cr[c].fail, cr[c].setup_wall / cr[c].boots / 1000,
		       neg / 1000, (double)neg / neg1, median(cr[c].lat[1], cr[c].radix) / 1000,
		       median(cr[c].lat[0], cr[c].hash) / 1000, cr[c].hpt[0] >> 10,
		       cr[c].hpt[1] >> 10, cr[c].peak_per_vm / ROUNDS >> 10, f0 >> 10, f1 >> 10,
		       a0 >> 10, a1 >> 10);
		if (cr[c].fail)
			printf("bench-scale:   %d VMs: first failure: %s\n", counts[c], cr[c].why);
	}
}

/*
 * A leak grows with every round; caches (slab, the stacks and arenas glibc
 * keeps for this process's next threads) stop growing once warm.
 */
static void print_drift(const char *when, const struct mem *m0, const struct mem *m1)
{
	printf("bench-scale: %s: free %+lld KiB, MemAvailable %+lld KiB; Slab %+lld KiB, this process's RSS %+lld KiB\n",
	       when, (m1->free - m0->free) / 1024, (m1->avail - m0->avail) / 1024,
	       (m1->slab - m0->slab) / 1024, (m1->rss - m0->rss) / 1024);
}

static int scale(void)
{
	static struct count_result cr[NR_COUNTS];
	int c, round, fails = 0;
	struct mem m0, m1, m2;

	settle_memory();
	mem_read(&m0);
	for (round = 0; round < ROUNDS; round++) {
		for (c = 0; c < NR_COUNTS; c++)
			run_round(counts[c], round, &cr[c]);
		if (!round) {
			settle_memory();
			mem_read(&m1);
		}
	}
	settle_memory();
	mem_read(&m2);
	print_scale(cr);
	print_drift("drift over the first round of every count", &m0, &m1);
	print_drift("drift over the other rounds", &m1, &m2);
	for (c = 0; c < NR_COUNTS; c++)
		fails += cr[c].fail;
	return fails;
}

/* ---- part 2: what the registry lookup costs a KVM_RUN ---- */

enum lookup_kind { VIA_VMM, IN_KERNEL, NR_KINDS };
static const char *const kind_names[] = { "hcall via the VMM (1 KVM_RUN per call)",
	"hcall in the kernel (1 KVM_RUN per loop)" };
#define LOOKUP_MANY	64	/* VMs registered, the timed one included */

/* A registered VM: opted in, and its vcpu has run once to DONE. */
static int other_vm(struct guest_vm *vm)
{
	int r = guest_vm_create_done(vm, LOOKUP_OTHER_MEM);

	r = r ? r : ppcmmu_enable(vm->vm_fd, KVM_PPC_MMU_FEAT_PROC_TBL);
	return r ? r : guest_vm_run_done(vm);
}

/* ns per call of @kind in a fresh opted-in radix VM, or -1. */
static long long timed_loop(enum lookup_kind kind)
{
	bool kernel = kind == IN_KERNEL;
	struct guest_vm vm;
	long long ns = -1;
	int r, exits;

	if (guest_vm_create(&vm, LOOKUP_OTHER_MEM))
		return -1;
	r = guest_vm_set_mmu(&vm, GUEST_MMU_RADIX);
	r = r ? r : ppcmmu_enable(vm.vm_fd, KVM_PPC_MMU_FEAT_PROC_TBL);
	bench_write_loop(&vm, LOOKUP_CALLS, kernel ? H_REGISTER_PROC_TBL : H_BENCH_NOP,
			 kernel ? KEEP_RADIX_GTSE : 0);
	r = r ? r : guest_vcpu_add(&vm, GUEST_CODE_ADDR, GUEST_MSR_REAL) < 0;
	if (!r)
		ns = bench_run_loop(&vm, LOOKUP_CALLS, &exits);
	guest_vm_destroy(&vm);
	/* in the kernel: no exit at all; via the VMM: every call exits */
	if (ns < 0 || exits != (kernel ? 0 : LOOKUP_CALLS))
		return -1;
	return ns;
}

/* Both loops with @size VMs registered; 0 or -1. */
static int lookup_at(int size, long long t[NR_KINDS])
{
	static struct guest_vm others[MAX_VMS];
	int i, made, refs, r = 0;

	for (made = 0; made < size - 1 && !r; made++)
		r = other_vm(&others[made]);
	refs = module_refcnt(PPCMMU_MODNAME);
	for (i = 0; i < NR_KINDS && !r; i++)
		t[i] = timed_loop(i);
	for (i = 0; i < made; i++)
		guest_vm_destroy(&others[i]);
	if (r || refs != size - 1)
		printf("bench-scale: %d VMs registered: set-up failed (r=%d, module refcount %d, want %d)\n",
		       size, r, refs, size - 1);
	return r || refs != size - 1 ? -1 : 0;
}

/* "median (min max, quartiles)" of @n ratios, sorted in place. */
static void print_ratios(const char *what, double *v, int n)
{
	bench_sort_double(v, n);
	printf("%s median %.3f (min %.3f max %.3f, quartiles %.3f-%.3f)", what, v[n / 2], v[0],
	       v[n - 1], v[n / 4], v[3 * n / 4]);
}

/*
 * Each round measures with 2, then 64, then 2 VMs registered again: the
 * 64-VM time is compared with the mean of the two 2-VM times around it,
 * which cancels a load that drifts across the round, and the two 2-VM
 * times compared with each other give the noise floor of that ratio.
 */
static int lookup(void)
{
	long long t[3][NR_KINDS][LOOKUP_ROUNDS], at2[NR_KINDS][2 * LOOKUP_ROUNDS];
	double ratio[LOOKUP_ROUNDS], noise[LOOKUP_ROUNDS];
	int round, s, k, bad = 0;

	for (round = 0; round < LOOKUP_ROUNDS; round++)
		for (s = 0; s < 3; s++) {
			long long one[NR_KINDS] = { -1, -1 };

			bad |= lookup_at(s == 1 ? LOOKUP_MANY : 2, one);
			for (k = 0; k < NR_KINDS; k++)
				t[s][k][round] = one[k];
		}
	printf("bench-scale: KVM_RUN with 2 vs %d VMs registered (module refcount checked), %d rounds x %d calls:\n",
	       LOOKUP_MANY, LOOKUP_ROUNDS, LOOKUP_CALLS);
	for (k = 0; k < NR_KINDS; k++) {
		for (round = 0; round < LOOKUP_ROUNDS; round++) {
			long long a = t[0][k][round], m = t[1][k][round], z = t[2][k][round];

			bad |= a <= 0 || m <= 0 || z <= 0;
			ratio[round] = a > 0 && z > 0 ? 2.0 * m / (a + z) : 0;
			noise[round] = a > 0 ? (double)z / a : 0;
			at2[k][2 * round] = a;
			at2[k][2 * round + 1] = z;
		}
		printf("bench-scale:   %s: 2 VMs %lld ns/call, %d VMs %lld ns/call (medians)\n",
		       kind_names[k], median(at2[k], 2 * LOOKUP_ROUNDS), LOOKUP_MANY,
		       median(t[1][k], LOOKUP_ROUNDS));
		print_ratios("bench-scale:     64/2 per round:", ratio, LOOKUP_ROUNDS);
		print_ratios("; noise, 2/2:", noise, LOOKUP_ROUNDS);
		printf("\n");
	}
	return bad;
}

/* ---- the host ---- */

/* The LPID width KVM-HV sizes its LPID space from (ibm,mmu-lpid-bits, else 12). */
static int lpid_bits(void)
{
	unsigned char be[4];
	int bits = -1;
	glob_t g;
	FILE *f;

	if (glob("/proc/device-tree/cpus/*/ibm,mmu-lpid-bits", 0, NULL, &g))
		return -1;
	f = fopen(g.gl_pathv[0], "r");
	if (f && fread(be, 1, 4, f) == 4)
		bits = be[0] << 24 | be[1] << 16 | be[2] << 8 | be[3];
	if (f)
		fclose(f);
	globfree(&g);
	return bits;
}

static int host_setup(void)
{
	struct kvm_ppc_mmu_caps caps;
	struct guest_vm vm;
	int r, bits = lpid_bits();

	r = ppcmmu_ensure_loaded();
	r = r ? r : guest_vm_create(&vm, 16 << 20);
	if (r)
		return r;
	r = ppcmmu_get_caps(vm.vm_fd, &caps);
	guest_vm_destroy(&vm);
	hash_ok = !r && (caps.guest_modes & KVM_PPC_MMU_GUEST_HASH);
	printf("bench-scale: host: %ld CPU(s), %lld MiB RAM; LPID bits %d%s (KVM-HV: %ld VMs at once)\n",
	       sysconf(_SC_NPROCESSORS_ONLN), meminfo_bytes("MemTotal") >> 20,
	       bits < 0 ? 12 : bits, bits < 0 ? " (not in the device tree: KVM-HV's default)" : "",
	       (1L << (bits < 0 ? 12 : bits)) - 1);
	printf("bench-scale: each VM: %lu MiB RAM, 1 vcpu; radix and hash %s (hash HPT order %d = RAM/128 expected)\n",
	       GUEST_MEM >> 20, hash_ok ? "alternate" : "not offered here: radix only",
	       CAS_GUEST_HPT_ORDER);
	return r;
}

int main(void)
{
	long long t0, t1;
	int fails, bad;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (host_setup()) {
		printf("bench-scale: FAILED: module or KVM not usable\n");
		return 1;
	}
	t0 = now_ns();
	fails = scale();
	t1 = now_ns();
	bad = lookup();
	printf("bench-scale: took %lld s (scale) + %lld s (lookup)\n", (t1 - t0) / 1000000000,
	       (now_ns() - t1) / 1000000000);
	if (fails || bad)
		printf("bench-scale: FAILED: %d boot(s) failed%s\n", fails,
		       bad ? ", a lookup round did not run as expected" : "");
	return fails || bad;
}
