// SPDX-License-Identifier: GPL-2.0
/*
 * The module's load and unload racing with VMs on other threads.
 *
 * The windows between the steps of publishing and withdrawing the hooks
 * last a few instructions; the module's test_hook_delay_ms parameter
 * stretches them (a sleep after the first hook is published at load, and
 * after the module is marked going, before any hook is withdrawn, at
 * unload), so each race below is hit every time, not by luck:
 *  - VMs created, opted in, run and destroyed while the hooks are being
 *    published must leave no registry entry and no module reference behind;
 *  - a KVM_RUN that starts while the module is going must not hold rmmod
 *    for as long as its guest spins, and the guest must keep running;
 *  - an opt-in refused because the module is going says so (ENODEV);
 *  - a guest that ran through the module and spins in KVM_RUN makes rmmod
 *    fail with EBUSY at once, and keeps running;
 *  - so does a VM ioctl of the module's blocked on the caller's own memory
 *    (a userfaultfd page nobody resolves): rmmod must not wait for it;
 *  - a VM whose vcpu entered KVM_RUN before the module was loaded cannot
 *    opt in afterwards (EBUSY), running or not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lib/ktap.h"
#include "lib/test_env.h"
#include "ppcmmu/guest.h"
#include "ppcmmu/guest_asm.h"
#include "ppcmmu/module_ctl.h"
#include "ppcmmu/ppcmmu.h"

#define GUEST_MEM	(16UL << 20)
#define DELAY_MS	1500
#define DELAY_PARAM	"test_hook_delay_ms=1500"
#define PUBLISH_WINDOW_MAX_MS	9000	/* under the module's own cap */
#define COUNTER_ADDR	0x1000	/* the spinning guest's counter ... */
#define STOP_ADDR	0x1008	/* ... and the flag that ends its loop */

/* "live", "coming", "going", or "" when the module is not there. */
static const char *initstate(char *buf, size_t len)
{
	FILE *f = fopen("/sys/module/" PPCMMU_MODNAME "/initstate", "r");

	buf[0] = 0;
	if (f) {
		if (!fgets(buf, len, f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

static bool wait_initstate(const char *want, int max_ms)
{
	long long end = test_now_ms() + max_ms;
	char buf[32];

	while (test_now_ms() < end) {
		if (!strcmp(initstate(buf, sizeof(buf)), want))
			return true;
		usleep(2000);
	}
	return false;
}

/*
 * Counts in a GPR, stores the count at COUNTER_ADDR on every turn and
 * leaves the loop when STOP_ADDR becomes non-zero, then reports DONE with
 * the count in r4. No exit in between: it stays inside KVM_RUN.
 */
static int spinning_vm(struct guest_vm *vm)
{
	struct gasm a;
	int r;

	r = guest_vm_create(vm, GUEST_MEM);
	if (r)
		return r;
	gasm_init(&a, vm->mem + GUEST_CODE_ADDR);
	gasm_emit(&a, PPC_LI(6, 0));
	gasm_emit(&a, PPC_LI(7, COUNTER_ADDR));
	gasm_emit(&a, PPC_ADDI(6, 6, 1));		/* loop: */
	gasm_emit(&a, PPC_STD(6, 7, 0));
	gasm_emit(&a, PPC_LD(8, 7, STOP_ADDR - COUNTER_ADDR));
	gasm_emit(&a, PPC_CMPDI(8, 0));
	gasm_emit(&a, PPC_BEQ(-16));			/* -> loop */
	gasm_emit(&a, PPC_MR(4, 6));
	gasm_hcall(&a, TEST_HCALL_DONE);
	gasm_emit(&a, PPC_B_SELF);
	r = guest_vcpu_add(vm, GUEST_CODE_ADDR, GUEST_MSR_REAL);
	return r < 0 ? r : 0;
}

static volatile uint64_t *guest_u64(struct guest_vm *vm, uint64_t gpa)
{
	return (volatile uint64_t *)(vm->mem + gpa);
}

/* The spinning guest's vcpu thread: KVM_RUN until DONE, retrying EINTR. */
struct spinner {
	struct guest_vm *vm;
	pthread_t thread;
	int r;			/* 0: DONE seen with r4 == the stored count */
	int eintr;		/* KVM_RUN returns of EINTR (not our timer) */
	uint64_t reported;
};

static void *spinner_main(void *arg)
{
	struct spinner *s = arg;
	struct kvm_run *run = s->vm->vcpus[0].run;
	int r;

	for (;;) {
		r = guest_vcpu_run_for(s->vm, 0, 60);
		if (r == -EINTR) {
			s->eintr++;
			continue;
		}
		break;
	}
	if (!r && run->exit_reason == KVM_EXIT_PAPR_HCALL &&
	    run->papr_hcall.nr == TEST_HCALL_DONE) {
		s->reported = run->papr_hcall.args[0];
		r = s->reported == *guest_u64(s->vm, COUNTER_ADDR) ? 0 : -EPROTO;
	} else if (!r) {
		r = -EPROTO;
	}
	s->r = r;
	return NULL;
}

/* Does the spinning guest's count move? */
static bool guest_advances(struct guest_vm *vm)
{
	uint64_t c1 = *guest_u64(vm, COUNTER_ADDR);

	usleep(300000);
	return *guest_u64(vm, COUNTER_ADDR) > c1;
}

/* rmmod (or insmod) on its own thread, timed. */
struct modop {
	pthread_t thread;
	bool load;
	const char *params;
	volatile bool done;
	int r;
	long long start, end;
};

static void *modop_main(void *arg)
{
	struct modop *m = arg;

	m->start = test_now_ms();
	if (m->load)
		m->r = module_load_file_params(ppcmmu_ko_path(), m->params);
	else
		m->r = module_unload(PPCMMU_MODNAME);
	m->end = test_now_ms();
	m->done = true;
	return NULL;
}

static bool modop_wait(struct modop *m, int max_ms)
{
	long long end = test_now_ms() + max_ms;

	while (!m->done && test_now_ms() < end)
		usleep(5000);
	return m->done;
}

/* How long one VM takes from create through its run to destroy, or -1. */
static int vm_cycle_ms(void)
{
	long long t0 = test_now_ms();
	struct guest_vm vm;
	int r;

	r = guest_vm_create_done(&vm, GUEST_MEM);
	r = r ? r : guest_vm_run_done(&vm);
	guest_vm_destroy(&vm);
	return r ? -1 : (int)(test_now_ms() - t0);
}

/*
 * VMs created, opted in, run and destroyed while the hooks are being
 * published. A VM that registered through a new hook (its first run pins
 * the module, an opt-in does too) and was destroyed through KVM-HV's own
 * destroy_vm would keep its registry entry and a module reference forever:
 * rmmod would then fail with EBUSY for good. 4 results.
 */
static void test_publish_order(void)
{
	struct modop load = { .load = true };
	int cycles = 0, bad = 0, enabled = 0, r, refs, max_refs = 0;
	int cycle_ms, window_ms;
	char st[32], params[64];
	long long t0;

	/*
	 * The window must hold several VM cycles, and one takes over a
	 * second on a debug kernel in a loaded emulated host: size it from
	 * a cycle timed now, before the module is there.
	 */
	cycle_ms = vm_cycle_ms();
	window_ms = cycle_ms < 0 ? DELAY_MS : 4 * cycle_ms + 500;
	if (window_ms < DELAY_MS)
		window_ms = DELAY_MS;
	if (window_ms > PUBLISH_WINDOW_MAX_MS)
		window_ms = PUBLISH_WINDOW_MAX_MS;
	snprintf(params, sizeof(params), "test_hook_delay_ms=%d", window_ms);
	load.params = params;
	ktap_info("one VM cycle took %d ms before the load: publish window %d ms",
		  cycle_ms, window_ms);

	/*
	 * Only inside the window: a VM destroyed after it, through the new
	 * destroy_vm, would clean up a leaked entry whose struct kvm address
	 * it happens to reuse, hiding the leak.
	 */
	t0 = test_now_ms();
	pthread_create(&load.thread, NULL, modop_main, &load);
	if (!wait_initstate("coming", 5000))
		ktap_info("module never seen coming (state '%s')", initstate(st, sizeof(st)));
	while (!load.done && test_now_ms() - t0 < window_ms - 500) {
		struct guest_vm vm;

		r = guest_vm_create_done(&vm, GUEST_MEM);
		if (!r && !ppcmmu_enable(vm.vm_fd, KVM_PPC_MMU_FEAT_PROC_TBL))
			enabled++;
		r = r ? r : guest_vm_run_done(&vm);
		if (r) {
			bad++;
			ktap_info("cycle %d: r=%d", cycles, r);
		}
		guest_vm_destroy(&vm);
		cycles++;
		refs = module_refcnt(PPCMMU_MODNAME);
		max_refs = refs > max_refs ? refs : max_refs;
	}
	pthread_join(load.thread, NULL);
	ktap_info("load took %lld ms; most module references seen during it: %d (1 is the loader's own)",
		  load.end - load.start, max_refs);
	ktap_result(load.r == 0, "load with the publish window stretched to %d ms (r=%d)",
		    window_ms, load.r);
	ktap_result(cycles > 1 && !bad && load.end - t0 > window_ms - 500,
		    "%d VMs created, run and destroyed during the load, %d opted in, %d misbehaved",
		    cycles, enabled, bad);
	refs = module_refcnt(PPCMMU_MODNAME);
	ktap_result(refs == 0, "no module reference left by them (refcnt %d)", refs);
	r = module_unload(PPCMMU_MODNAME);
	ktap_result(r == 0, "and the module unloads (r=%d)", r);
}

/*
 * A KVM_RUN that arrives once the module is going (no VM may pin it any
 * more) must neither run its guest under the module's code, holding rmmod
 * for as long as the guest stays in the kernel, nor fail the VM: it comes
 * back as a signal would make it (EINTR), the VMM re-enters, and the guest
 * runs on plain KVM-HV. An opt-in at that moment fails with ENODEV. The
 * VMs here are fresh (never pinned), so rmmod itself must succeed.
 * 6 results.
 */
static void test_run_while_going(void)
{
	struct modop unload = { .load = false };
	struct guest_vm spin, other;
	struct spinner s = { .vm = &spin };
	struct kvm_ppc_mmu_cas cas = { .vec_addr = 0x2000 };
	bool going, finished;
	long long took;
	int r, rcas;

	r = module_load_file_params(ppcmmu_ko_path(), DELAY_PARAM);
	r = r ? r : spinning_vm(&spin);
	r = r ? r : guest_vm_create_done(&other, GUEST_MEM);
	if (!ktap_result(r == 0, "module loaded, two fresh VMs (r=%d)", r)) {
		ktap_skip_n(5, "setup failed", "KVM_RUN while the module is going");
		ppcmmu_ensure_unloaded();
		return;
	}

	pthread_create(&unload.thread, NULL, modop_main, &unload);
	going = wait_initstate("going", 5000);
	r = ppcmmu_enable(other.vm_fd, KVM_PPC_MMU_FEAT_PROC_TBL);
	rcas = ioctl(other.vm_fd, KVM_PPC_MMU_CAS, &cas) ? -errno : 0;
	ktap_result(going && r == -ENODEV && rcas == -ENODEV,
		    "opt-in and CAS while the module is going fail with ENODEV (going %d, enable %d, cas %d)",
		    going, r, rcas);

	pthread_create(&s.thread, NULL, spinner_main, &s);
	finished = modop_wait(&unload, DELAY_MS + 3000);
	took = (finished ? unload.end : test_now_ms()) - unload.start;
	ktap_result(finished && unload.r == 0 && took < DELAY_MS + 2500,
		    "rmmod returns while a guest that entered KVM_RUN during it spins (%s, r=%d, %lld ms, bound %d ms)",
		    finished ? "returned" : "still blocked", unload.r, took, DELAY_MS + 2500);
	ktap_result(finished && !module_is_loaded(PPCMMU_MODNAME),
		    "the module is gone by then");
	ktap_result(guest_advances(&spin), "the guest keeps running (count %llu)",
		    (unsigned long long)*guest_u64(&spin, COUNTER_ADDR));

	*guest_u64(&spin, STOP_ADDR) = 1;
	pthread_join(s.thread, NULL);
	ktap_result(s.r == 0, "and finishes with its own count (r=%d, reported %llu, %d EINTR re-entries)",
		    s.r, (unsigned long long)s.reported, s.eintr);
	pthread_join(unload.thread, NULL);
	guest_vm_destroy(&spin);
	guest_vm_destroy(&other);
	ppcmmu_ensure_unloaded();
}

/*
 * A guest that ran through the module pins it: rmmod fails with EBUSY at
 * once (it does not wait for the guest), and the guest is not disturbed.
 * 4 results.
 */
static void test_pinned_run_refuses_unload(void)
{
	struct guest_vm spin;
	struct spinner s = { .vm = &spin };
	long long t0, took;
	int r;

	r = ppcmmu_ensure_loaded();
	r = r ? r : spinning_vm(&spin);
	if (!ktap_result(r == 0, "module loaded, VM created (r=%d)", r)) {
		ktap_skip_n(3, "setup failed", "unload under a pinned spinning guest");
		return;
	}
	pthread_create(&s.thread, NULL, spinner_main, &s);
	for (t0 = test_now_ms(); !*guest_u64(&spin, COUNTER_ADDR) && test_now_ms() - t0 < 5000;)
		usleep(5000);

	t0 = test_now_ms();
	r = module_unload(PPCMMU_MODNAME);
	took = test_now_ms() - t0;
	ktap_result(r == -EWOULDBLOCK && took < 1000,
		    "rmmod under a spinning guest that ran through the module: EBUSY at once (r=%d, %lld ms)",
		    r, took);
	ktap_result(guest_advances(&spin), "the guest keeps running (count %llu)",
		    (unsigned long long)*guest_u64(&spin, COUNTER_ADDR));
	*guest_u64(&spin, STOP_ADDR) = 1;
	pthread_join(s.thread, NULL);
	ktap_result(s.r == 0 && s.eintr == 0,
		    "and finishes with its own count (r=%d, reported %llu, %d EINTR)",
		    s.r, (unsigned long long)s.reported, s.eintr);
	guest_vm_destroy(&spin);
}

/* KVM_PPC_MMU_GET_CAPS with its argument where the caller says, on a thread. */
struct caps_call {
	pthread_t thread;
	int vm_fd;
	void *arg;
	volatile bool done;
	int r;
};

static void *caps_call_main(void *p)
{
	struct caps_call *c = p;

	c->r = ioctl(c->vm_fd, KVM_PPC_MMU_GET_CAPS, c->arg) ? -errno : 0;
	c->done = true;
	return NULL;
}

/* A page whose first touch waits on @uffd until the test resolves it. */
static void *uffd_missing_page(int *uffd, long page)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	void *p;

	*uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (*uffd < 0)
		return NULL;
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg.range.start = (uintptr_t)p;
	reg.range.len = page;
	if (p == MAP_FAILED || ioctl(*uffd, UFFDIO_API, &api) ||
	    ioctl(*uffd, UFFDIO_REGISTER, &reg)) {
		close(*uffd);
		return NULL;
	}
	return p;
}

/* Did the kernel fault on the page (the caller is now waiting on it)? */
static bool uffd_fault_seen(int uffd, int max_ms)
{
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	struct uffd_msg msg;

	return poll(&pfd, 1, max_ms) == 1 && read(uffd, &msg, sizeof(msg)) == sizeof(msg) &&
	       msg.event == UFFD_EVENT_PAGEFAULT;
}

/*
 * One of the module's VM ioctls blocked on the caller's own memory holds a
 * module reference, not the unload: rmmod fails with EBUSY at once instead
 * of sleeping in synchronize_srcu() until the caller lets go (before, it
 * could not even be interrupted). Once the page is resolved the ioctl
 * completes. 3 results.
 */
static void test_blocked_ioctl_refuses_unload(void)
{
	const char *name = "unload under a VM ioctl blocked on userfaultfd";
	struct modop unload = { .load = false };
	struct caps_call call = { 0 };
	long page = sysconf(_SC_PAGESIZE);
	struct uffdio_zeropage zero = { 0 };
	struct guest_vm vm;
	bool faulted, finished;
	int uffd, r;

	call.arg = uffd_missing_page(&uffd, page);
	if (!call.arg) {
		ktap_skip_n(3, "no userfaultfd in this kernel", name);
		return;
	}
	r = ppcmmu_ensure_loaded();
	r = r ? r : guest_vm_create(&vm, GUEST_MEM);
	if (!ktap_result(r == 0, "%s: module loaded, VM created (r=%d)", name, r)) {
		ktap_skip_n(2, "setup failed", name);
		close(uffd);
		return;
	}
	call.vm_fd = vm.vm_fd;
	pthread_create(&call.thread, NULL, caps_call_main, &call);
	faulted = uffd_fault_seen(uffd, 5000);

	pthread_create(&unload.thread, NULL, modop_main, &unload);
	finished = modop_wait(&unload, 5000);
	ktap_result(faulted && finished && unload.r == -EWOULDBLOCK,
		    "%s: rmmod returns EBUSY at once (ioctl blocked %d, rmmod %s, r=%d)",
		    name, faulted && !call.done, finished ? "returned" : "still blocked after 5 s",
		    unload.r);

	zero.range.start = (uintptr_t)call.arg;
	zero.range.len = page;
	ioctl(uffd, UFFDIO_ZEROPAGE, &zero);
	pthread_join(call.thread, NULL);
	pthread_join(unload.thread, NULL);
	ktap_result(call.r == 0, "%s: the ioctl completes once its page is resolved (r=%d)",
		    name, call.r);
	guest_vm_destroy(&vm);
	close(uffd);
	munmap(call.arg, page);
}

/*
 * A VM whose vcpu entered KVM_RUN before the module was loaded: its vcpus
 * enter KVM-HV without the entry gate (one may be inside KVM-HV's own
 * vcpu_run right now), so the module can never switch it safely, and every
 * opt-in must fail with EBUSY, as the uapi promises for a VM that ran.
 * 3 results.
 */
static void test_ran_before_load_cannot_opt_in(void)
{
	const char *name = "a VM that ran before the module was loaded";
	struct kvm_ppc_mmu_cas cas = { .vec_addr = 0x2000 };
	struct guest_vm spin;
	struct spinner s = { .vm = &spin };
	long long t0;
	int r, rcas;

	r = ppcmmu_ensure_unloaded();
	r = r ? r : spinning_vm(&spin);
	if (!ktap_result(r == 0, "%s: module unloaded, VM created (r=%d)", name, r)) {
		ktap_skip_n(2, "setup failed", name);
		return;
	}
	pthread_create(&s.thread, NULL, spinner_main, &s);
	for (t0 = test_now_ms(); !*guest_u64(&spin, COUNTER_ADDR) && test_now_ms() - t0 < 5000;)
		usleep(5000);
	r = ppcmmu_ensure_loaded();
	r = r ? r : ppcmmu_enable(spin.vm_fd, KVM_PPC_MMU_FEAT_PROC_TBL);
	rcas = ioctl(spin.vm_fd, KVM_PPC_MMU_CAS, &cas) ? -errno : 0;
	ktap_result(r == -EBUSY && rcas == -EBUSY,
		    "%s: while its guest spins in KVM-HV, ENABLE and CAS fail with EBUSY (enable %d, cas %d)",
		    name, r, rcas);

	*guest_u64(&spin, STOP_ADDR) = 1;
	pthread_join(s.thread, NULL);
	r = ppcmmu_enable(spin.vm_fd, KVM_PPC_MMU_FEAT_PROC_TBL);
	ktap_result(s.r == 0 && r == -EBUSY,
		    "%s: its guest finishes undisturbed (r=%d), and stopped it still cannot opt in (enable %d)",
		    name, s.r, r);
	guest_vm_destroy(&spin);
}

int main(void)
{
	ktap_start(23);
	if (!ppcmmu_ko_path()) {
		ktap_skip_n(23, "PPC_MMU_KO not set", "load/unload races");
		ktap_finish();
	}
	if (ppcmmu_ensure_unloaded())
		ktap_info("could not unload kvm-ppc-mmu before starting");

	test_publish_order();			/* 4 */
	test_run_while_going();			/* 6 */
	test_pinned_run_refuses_unload();	/* 4 */
	test_blocked_ioctl_refuses_unload();	/* 3 */
	test_ran_before_load_cannot_opt_in();	/* 3 */

	ktap_result(ppcmmu_ensure_unloaded() == 0, "module unloads at the end");
	ktap_result(ppcmmu_ensure_loaded() == 0 && module_refcnt(PPCMMU_MODNAME) == 0,
		    "module loaded again, no stray references");
	ktap_result(module_is_loaded(KVM_HV_MODNAME), "kvm-hv still loaded");
	ktap_finish();
}
