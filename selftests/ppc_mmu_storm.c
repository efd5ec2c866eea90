// SPDX-License-Identifier: GPL-2.0
/*
 * Load/unload storm: the module is loaded and unloaded in a loop for
 * STORM_SECONDS (10; PPC_MMU_STORM_SECONDS=N in the environment for a
 * longer storm on demand) while worker threads create VMs, opt them in,
 * run them and destroy them.
 *
 * Oracle. rmmod must fail with EBUSY exactly while a pinned VM lives: a VM
 * that opted in or ran through the module since it was last loaded. To
 * know that at each rmmod, the workers' opt-ins, runs and destroys and the
 * loader's rmmod exclude each other (a rwlock); insmod is not excluded, so
 * runs and opt-ins race with the hooks being published. A step that began
 * and ended with the module live is known to have pinned its VM (a pin
 * cannot fail while the module is live); one that overlapped a load may or
 * may not have. At each rmmod therefore, with "sure" the live VMs known to
 * be pinned and "maybe" those that may be:
 *   sure > 0   -> EBUSY;   maybe == 0 -> success;   and
 *   sure <= module refcount <= maybe.
 * The races a loop cannot hit on purpose (a run or opt-in against the
 * hooks being withdrawn) are ppc_mmu_unload's, with the windows stretched.
 *
 * Afterwards, with every VM destroyed: refcount 0, rmmod succeeds, and
 * slab and free memory are back within MEM_SLACK of where they started.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "lib/ktap.h"
#include "lib/test_env.h"
#include "ppcmmu/guest.h"
#include "ppcmmu/guest_asm.h"
#include "ppcmmu/module_ctl.h"
#include "ppcmmu/ppcmmu.h"

#define STORM_SECONDS	10	/* default; PPC_MMU_STORM_SECONDS=N for longer */
#define STORM_EXTRA_S	15	/* at most this much longer, for coverage */
#define TIME_BOUND_S	40	/* the whole program beyond storm_seconds() */
#define NR_WORKERS	2
#define GUEST_MEM	(16UL << 20)
#define MEM_SLACK	(4LL << 20)	/* slab growth / MemFree drop allowed */

static long storm_seconds(void)
{
	const char *env = getenv("PPC_MMU_STORM_SECONDS");
	long s = env ? strtol(env, NULL, 10) : 0;

	return s > 0 && s <= 24 * 3600 ? s : STORM_SECONDS;
}

/*
 * Writer-preferring: glibc's default lets readers in ahead of a waiting
 * writer, so the loader's rmmod only got the lock when both workers were
 * outside a step at once, mostly while each was creating a fresh VM with
 * its old one destroyed, i.e. with nothing pinned: on 7.2's nested host and
 * the debug kernel no rmmod in 17 was ever refused busy. Preferring the
 * writer, rmmod comes after the steps under way, whatever VMs live then.
 */
static pthread_rwlock_t steps = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP;
static volatile int gen;	/* odd while a load is in progress */
static volatile bool loaded;
static volatile bool stop;

struct worker {
	pthread_t thread;
	unsigned int seed;
	struct guest_vm vm;
	bool have_vm;
	bool sure, maybe;	/* the VM is pinned / may be pinned */
	uint64_t runs;		/* REPORTs seen = the guest's own count */
	/* statistics */
	int created, enabled, ran, destroyed, bad;
};

static struct worker workers[NR_WORKERS];

/* Reports its count (r4) on every entry, then counts on: runs any number of times. */
static int counting_vm(struct guest_vm *vm)
{
	uint32_t *loop;
	struct gasm a;
	int r;

	r = guest_vm_create(vm, GUEST_MEM);
	if (r)
		return r;
	gasm_init(&a, vm->mem + GUEST_CODE_ADDR);
	gasm_emit(&a, PPC_LI(6, 0));
	loop = a.p;
	gasm_emit(&a, PPC_MR(4, 6));
	gasm_hcall(&a, TEST_HCALL_REPORT);
	gasm_emit(&a, PPC_ADDI(6, 6, 1));
	gasm_emit(&a, PPC_B((int)((loop - a.p) * 4)));
	r = guest_vcpu_add(vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
	return r < 0 ? r : 0;
}

/* One entry: the guest must report exactly the count of entries before it. */
static int run_once(struct worker *w)
{
	struct kvm_run *run = w->vm.vcpus[0].run;
	int r;

	do
		r = guest_vcpu_run(&w->vm, 0);
	while (r == -EINTR);
	if (r)
		return r;
	if (run->exit_reason != KVM_EXIT_PAPR_HCALL || run->papr_hcall.nr != TEST_HCALL_REPORT ||
	    run->papr_hcall.args[0] != w->runs)
		return -EPROTO;
	run->papr_hcall.ret = 0;
	w->runs++;
	return 0;
}

/*
 * Under the read lock: what a step that pinned its VM on success tells.
 * g1/g2 are gen before and after the step.
 */
static void note_pin(struct worker *w, int g1, int g2, bool loaded_then)
{
	if (g1 == g2 && !(g1 & 1)) {
		if (loaded_then)
			w->sure = w->maybe = true;
	} else {
		w->maybe = true;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int r, g1, g2, dice;
	bool l;

	while (!stop) {
		dice = rand_r(&w->seed) % 100;
		if (!w->have_vm) {
			r = counting_vm(&w->vm);
			if (r) {
				w->bad++;
				ktap_info("worker %d: VM creation failed (r=%d)",
					  (int)(w - workers), r);
				continue;
			}
			w->have_vm = true;
			w->sure = w->maybe = false;
			w->runs = 0;
			w->created++;
			if (dice < 50) {	/* opt in right away */
				pthread_rwlock_rdlock(&steps);
				r = ppcmmu_enable(w->vm.vm_fd, KVM_PPC_MMU_FEAT_PROC_TBL);
				if (!r) {	/* only a pinned VM can opt in */
					w->sure = w->maybe = true;
					w->enabled++;
				} else if (r != -ENOTTY && r != -ENODEV) {
					w->bad++;
					ktap_info("worker: opt-in failed (r=%d)", r);
				}
				pthread_rwlock_unlock(&steps);
			}
			continue;
		}
		pthread_rwlock_rdlock(&steps);
		if (dice < 80) {
			g1 = gen;
			l = loaded;
			r = run_once(w);
			g2 = gen;
			if (r) {
				w->bad++;
				ktap_info("worker %d: run %llu failed (r=%d)", (int)(w - workers),
					  (unsigned long long)w->runs, r);
			}
			note_pin(w, g1, g2, l);
			w->ran++;
		} else {
			guest_vm_destroy(&w->vm);
			w->have_vm = false;
			w->sure = w->maybe = false;
			w->destroyed++;
		}
		pthread_rwlock_unlock(&steps);
	}
	return NULL;
}

static long long slab_bytes(void)
{
	return meminfo_bytes("Slab");
}

int main(void)
{
	int loads = 0, load_fail = 0, unloads = 0, busy = 0, bad_verdict = 0, bad_refs = 0;
	int bad = 0, created = 0, enabled = 0, ran = 0, i, r, refs, sure, maybe;
	long long t_start = test_now_ms(), t_end, slab0, free0, slab1, free1;
	unsigned int seed = 1;
	bool kasan;

	ktap_start(7);
	if (!ppcmmu_ko_path()) {
		ktap_skip_n(7, "PPC_MMU_KO not set", "load/unload storm");
		ktap_finish();
	}
	if (ppcmmu_ensure_unloaded())
		ktap_info("could not unload kvm-ppc-mmu before starting");
	settle_memory();
	slab0 = slab_bytes();
	free0 = free_bytes();

	for (i = 0; i < NR_WORKERS; i++) {
		workers[i].seed = 1000 + i;
		pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]);
	}
	/*
	 * The storm lasts storm_seconds(), and on until it has seen both an
	 * unload and an rmmod refused while a VM was pinned (a slower host
	 * may take longer to get there), at most STORM_EXTRA_S more.
	 */
	t_end = test_now_ms() + storm_seconds() * 1000LL;
	while (test_now_ms() < t_end ||
	       ((!unloads || !busy) && test_now_ms() < t_end + STORM_EXTRA_S * 1000LL)) {
		usleep(1000 * (rand_r(&seed) % 20));
		if (!loaded) {
			long long t_load = test_now_ms();

			__atomic_add_fetch(&gen, 1, __ATOMIC_SEQ_CST);
			r = module_load_file(ppcmmu_ko_path());
			t_load = test_now_ms() - t_load;
			if (!r)
				loaded = true;
			__atomic_add_fetch(&gen, 1, __ATOMIC_SEQ_CST);
			if (r) {
				load_fail++;
				ktap_info("load %d failed (r=%d)", loads, r);
			}
			loads++;
			/*
			 * Let VMs use it; a slow host (a debug kernel, where
			 * a load takes seconds) gets as long again as the
			 * load took, or no VM would be pinned by the rmmod.
			 */
			usleep(1000 * (10 + rand_r(&seed) % 50 + t_load));
			continue;
		}
		pthread_rwlock_wrlock(&steps);
		for (sure = maybe = i = 0; i < NR_WORKERS; i++) {
			sure += workers[i].have_vm && workers[i].sure;
			maybe += workers[i].have_vm && workers[i].maybe;
		}
		refs = module_refcnt(PPCMMU_MODNAME);
		r = module_unload(PPCMMU_MODNAME);
		if ((sure && r != -EWOULDBLOCK) || (!maybe && r) ||
		    (r && r != -EWOULDBLOCK) || (!r && refs)) {
			bad_verdict++;
			ktap_info("rmmod r=%d with %d VMs surely and %d maybe pinned, refcnt %d",
				  r, sure, maybe, refs);
		}
		if (refs < sure || refs > maybe) {
			bad_refs++;
			ktap_info("refcnt %d outside [%d, %d]", refs, sure, maybe);
		}
		if (!r) {
			loaded = false;
			unloads++;
			for (i = 0; i < NR_WORKERS; i++)	/* nothing is pinned now */
				workers[i].sure = workers[i].maybe = false;
		} else {
			busy++;
		}
		pthread_rwlock_unlock(&steps);
	}
	stop = true;
	for (i = 0; i < NR_WORKERS; i++) {
		pthread_join(workers[i].thread, NULL);
		if (workers[i].have_vm)
			guest_vm_destroy(&workers[i].vm);
		created += workers[i].created;
		enabled += workers[i].enabled;
		ran += workers[i].ran;
		bad += workers[i].bad;
	}

	ktap_info("%d loads, %d unloads, %d refused busy; %d VMs, %d opted in, %d runs",
		  loads, unloads, busy, created, enabled, ran);
	/*
	 * On a KASAN kernel (the debug host kernel) steps are so slow that no
	 * rmmod found a pinned VM in the budget; the verdicts below still hold
	 * every rmmod to the rule, and kmemleak checks for leaks there.
	 */
	kasan = kernel_has_kasan();
	ktap_result(load_fail == 0 && unloads > 0 && (busy > 0 || kasan) && ran > 10,
		    "storm: %d loads (%d failed), %d unloads, %d refused busy%s, %d runs",
		    loads, load_fail, unloads, busy,
		    kasan && !busy ? " (none needed under KASAN)" : "", ran);
	ktap_result(bad_verdict == 0, "rmmod failed with EBUSY exactly while a pinned VM lived (%d wrong)",
		    bad_verdict);
	ktap_result(bad_refs == 0, "module refcount always within the pinned VMs (%d outside)",
		    bad_refs);
	ktap_result(bad == 0, "no VM misbehaved: every run reported its own count (%d bad)", bad);

	refs = module_refcnt(PPCMMU_MODNAME);
	r = loaded ? module_unload(PPCMMU_MODNAME) : 0;
	ktap_result(r == 0 && refs <= 0,
		    "all VMs destroyed: refcount %d (-1: not loaded), the module unloads (r=%d)",
		    refs, r);
	settle_memory();
	slab1 = slab_bytes();
	free1 = free_bytes();
	if (kasan)
		ktap_skip("KASAN's quarantine holds freed memory back (kmemleak checks leaks here)",
			  "memory back");
	else
		ktap_result(slab1 - slab0 < MEM_SLACK && free0 - free1 < MEM_SLACK,
			    "memory back within %lld MiB: slab %+lld KiB, free %+lld KiB",
			    MEM_SLACK >> 20, (slab1 - slab0) >> 10, (free1 - free0) >> 10);

	r = ppcmmu_ensure_loaded();
	ktap_result(r == 0 && test_now_ms() - t_start < (storm_seconds() + TIME_BOUND_S) * 1000LL,
		    "module loaded again; whole storm took %lld ms (bound %ld s)", test_now_ms() - t_start,
		    storm_seconds() + TIME_BOUND_S);
	ktap_finish();
}
