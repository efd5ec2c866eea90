// SPDX-License-Identifier: GPL-2.0
/*
 * A guest switching radix <-> hash in a loop while the VMM works on the
 * same VM from its other threads, as QEMU does during a migration.
 *
 * KVM-HV's switch frees the mode it leaves (the HPT and its reverse map, or
 * the radix tree) under mmu_setup_lock only, while the VMM's dirty-log read,
 * HTAB fd read, memslot delete and vcpu creation use those structures (or
 * the VM's LPCR) without it. QEMU serialises them with its big lock, but
 * the module answers the guest's H_REGISTER_PROC_TBL in the vcpu thread,
 * which runs without that lock. The module's rule (kmod/switch_guard.c): a
 * switch goes ahead only while none of those is under way, no memslot logs
 * dirty pages and no HTAB fd is open; otherwise the guest is answered
 * H_LONG_BUSY_ORDER_1_MSEC and retries.
 *
 * The guest (vcpu 0) registers radix, then hash, over and over, counting
 * in guest memory H_SUCCESS for each of the two, H_LONG_BUSY_ORDER_1_MSEC
 * and anything else, until the test sets a flag. A call for the mode in
 * force succeeds without a switch, so "no switch completes" reads: one of
 * the two success counts stands still. Scenarios:
 *   dirty logging on slot 0: no switch completes, every answer is busy,
 *     the dirty log can be read meanwhile; off again, switches complete;
 *   an HTAB fd open for reading: the same;
 *   a storm: threads toggle dirty logging on slot 1 and read its log, open,
 *     read and close HTAB fds, delete and re-add slot 2, and create vcpus,
 *     for STORM_S seconds, while the guest switches. Then the switches
 *     complete again, and every vcpu (the new ones too) has the LPCR of the
 *     VM's mode. A use-after-free shows on the debug kernel (KASAN), an
 *     oops or lockdep report on any, and the host runner fails on either.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "lib/ktap.h"
#include "lib/test_env.h"
#include "ppcmmu/guest.h"
#include "ppcmmu/guest_asm.h"
#include "ppcmmu/mmu_guest.h"
#include "ppcmmu/ppcmmu.h"

#define MEM_64M		(64UL << 20)
#define SLOT_LOGGED	1
#define SLOT_MOVED	2
#define EXTRA_GPA(s)	(0x40000000ULL + ((uint64_t)(s) << 24))
#define EXTRA_SIZE	(2UL << 20)
#define PROGRAM_ADDR	0x1000ULL
#define COUNTS_ADDR	0x3000ULL	/* enum count */
#define H_LONG_BUSY_ORDER_1_MSEC	9900
#define STORM_S		6	/* default; PPC_MMU_STORM_SECONDS=N for longer */
#define WAIT_S		30	/* for a count to move; emulated hosts are slow */
#define MAX_NEW_VCPUS	16
#define LPCR_UPRT	0x400000ULL
#define LPCR_HR		0x100000ULL
#define FEATURES	(KVM_PPC_MMU_FEAT_PROC_TBL | KVM_PPC_MMU_FEAT_HPT_SIZING)

static struct kvm_ppc_mmu_caps caps;
static bool forced;

enum count { OK_RADIX, OK_HASH, BUSY, OTHER, STOP, NR_COUNTS };

static volatile uint64_t *count_of(struct guest_vm *vm, enum count c)
{
	return (volatile uint64_t *)(vm->mem + COUNTS_ADDR + 8 * c);
}

/* Wait until count @c reaches @target; false after WAIT_S seconds. */
static bool wait_count(struct guest_vm *vm, enum count c, uint64_t target)
{
	long long end = test_now_ms() + WAIT_S * 1000LL;

	while (*count_of(vm, c) < target)
		if (test_now_ms() > end)
			return false;
		else
			usleep(2000);
	return true;
}

/* Wait until the guest switched at least @n more times each way. */
static bool wait_switches(struct guest_vm *vm, uint64_t n)
{
	uint64_t radix = *count_of(vm, OK_RADIX), hash = *count_of(vm, OK_HASH);

	return wait_count(vm, OK_RADIX, radix + n) && wait_count(vm, OK_HASH, hash + n);
}

/*
 * H_REGISTER_PROC_TBL(@flags, @base), then one of @ok_reg (H_SUCCESS), r22
 * (H_LONG_BUSY_ORDER_1_MSEC), r23 (anything else) counts the answer.
 */
static void emit_register_counted(struct gasm *a, uint64_t flags, uint64_t base, int ok_reg)
{
	uint32_t *bne1, *b1, *bne2, *b2;

	mmu_guest_call_register(a, flags, base, 0);
	gasm_emit(a, PPC_CMPDI(3, 0));
	bne1 = a->p;
	gasm_emit(a, 0);
	gasm_emit(a, PPC_ADDI(ok_reg, ok_reg, 1));
	b1 = a->p;
	gasm_emit(a, 0);
	*bne1 = PPC_BNE((int)((a->p - bne1) * 4));
	gasm_emit(a, PPC_CMPDI(3, H_LONG_BUSY_ORDER_1_MSEC));
	bne2 = a->p;
	gasm_emit(a, 0);
	gasm_emit(a, PPC_ADDI(22, 22, 1));
	b2 = a->p;
	gasm_emit(a, 0);
	*bne2 = PPC_BNE((int)((a->p - bne2) * 4));
	gasm_emit(a, PPC_ADDI(23, 23, 1));
	*b1 = PPC_B((int)((a->p - b1) * 4));
	*b2 = PPC_B((int)((a->p - b2) * 4));
}

/* The switching loop described above, at PROGRAM_ADDR. */
static void write_switch_loop(struct guest_vm *vm)
{
	struct gasm a;
	uint32_t *loop;

	memset((void *)count_of(vm, 0), 0, NR_COUNTS * 8);
	gasm_init(&a, vm->mem + PROGRAM_ADDR);
	gasm_emit(&a, PPC_LI(21, 0));
	gasm_emit(&a, PPC_LI(25, 0));
	gasm_emit(&a, PPC_LI(22, 0));
	gasm_emit(&a, PPC_LI(23, 0));
	gasm_emit(&a, PPC_LI(24, COUNTS_ADDR));
	loop = a.p;
	emit_register_counted(&a, PROC_TBL_NEW_RADIX_GTSE, MMU_GUEST_PROC_TBL, 21);
	emit_register_counted(&a, PROC_TBL_NEW_HASH_SLB, 0, 25);
	gasm_emit(&a, PPC_STD(21, 24, 8 * OK_RADIX));
	gasm_emit(&a, PPC_STD(25, 24, 8 * OK_HASH));
	gasm_emit(&a, PPC_STD(22, 24, 8 * BUSY));
	gasm_emit(&a, PPC_STD(23, 24, 8 * OTHER));
	gasm_emit(&a, PPC_LD(8, 24, 8 * STOP));
	gasm_emit(&a, PPC_CMPDI(8, 0));
	gasm_emit(&a, PPC_BEQ((int)((loop - a.p) * 4)));
	gasm_hcall(&a, TEST_HCALL_DONE);
	gasm_emit(&a, PPC_B_SELF);
}

/* vcpu 0's thread: KVM_RUN until DONE (the loop makes no other exit). */
struct runner {
	struct guest_vm *vm;
	pthread_t thread;
	int r;
};

static void *runner_main(void *arg)
{
	struct runner *run = arg;
	struct kvm_run *kr = run->vm->vcpus[0].run;
	int r;

	do
		r = guest_vcpu_run_for(run->vm, 0, 600);
	while (r == -EINTR);
	if (!r && (kr->exit_reason != KVM_EXIT_PAPR_HCALL || kr->papr_hcall.nr != TEST_HCALL_DONE))
		r = -EPROTO;
	run->r = r;
	return NULL;
}

static int set_slot(struct guest_vm *vm, uint32_t slot, uint32_t flags, uint64_t gpa,
		    void *host, uint64_t size)
{
	struct kvm_userspace_memory_region reg = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (uintptr_t)host,
	};

	return ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &reg) ? -errno : 0;
}

static int log_slot0(struct guest_vm *vm, bool on)
{
	return set_slot(vm, 0, on ? KVM_MEM_LOG_DIRTY_PAGES : 0, 0, vm->mem, vm->mem_size);
}

static int get_dirty_log(struct guest_vm *vm, uint32_t slot, void *bitmap)
{
	struct kvm_dirty_log log = { .slot = slot, .dirty_bitmap = bitmap };

	return ioctl(vm->vm_fd, KVM_GET_DIRTY_LOG, &log) ? -errno : 0;
}

static int open_htab_fd(struct guest_vm *vm)
{
	struct kvm_get_htab_fd ghf = { .flags = 0, .start_index = 0 };
	int fd = ioctl(vm->vm_fd, KVM_PPC_GET_HTAB_FD, &ghf);

	return fd < 0 ? -errno : fd;
}

/*
 * A switching guest in a fresh radix VM, running: 0, or -errno with
 * nothing left to clean up.
 */
static int start_switching_guest(struct guest_vm *vm, struct runner *run)
{
	int r = mmu_guest_vm(vm, MEM_64M, GUEST_MMU_RADIX, FEATURES);

	if (r)
		return r;
	write_switch_loop(vm);
	r = guest_vcpu_add(vm, PROGRAM_ADDR, GUEST_MSR_REAL);
	if (r < 0) {
		guest_vm_destroy(vm);
		return r;
	}
	*run = (struct runner){ .vm = vm };
	pthread_create(&run->thread, NULL, runner_main, run);
	return 0;
}

/* Let the guest finish its loop; its runner's verdict. */
static int stop_switching_guest(struct guest_vm *vm, struct runner *run)
{
	*count_of(vm, STOP) = 1;
	pthread_join(run->thread, NULL);
	return run->r;
}

/*
 * Something the VMM holds (@hold: on; @release: off) must make every
 * switch busy while held, and switching must resume after. 3 results.
 */
static void test_switches_wait_for(const char *what, int (*hold)(struct guest_vm *vm, void *ctx),
				   int (*release)(struct guest_vm *vm, void *ctx),
				   int (*meanwhile)(struct guest_vm *vm, void *ctx), void *ctx)
{
	uint64_t radix_held, hash_held, busy_held, radix_after, hash_after, busy_after;
	struct guest_vm vm;
	struct runner run;
	int r, r_meanwhile = 0, r_release;
	bool switching, held_busy, stood_still;

	r = start_switching_guest(&vm, &run);
	if (!ktap_result(r == 0, "%s: VM set up, guest switching (r=%d)", what, r)) {
		ktap_skip_n(2, "no VM", what);
		return;
	}
	switching = wait_switches(&vm, 2);
	r = switching ? hold(&vm, ctx) : -ETIMEDOUT;
	/*
	 * A switch under way when the hold began finishes and is counted a
	 * moment later: take the baseline once the guest was refused a few times.
	 */
	held_busy = !r && wait_count(&vm, BUSY, *count_of(&vm, BUSY) + 3);
	radix_held = *count_of(&vm, OK_RADIX);
	hash_held = *count_of(&vm, OK_HASH);
	busy_held = *count_of(&vm, BUSY);
	if (held_busy) {
		held_busy = wait_count(&vm, BUSY, busy_held + 20);
		if (meanwhile)
			r_meanwhile = meanwhile(&vm, ctx);
	}
	radix_after = *count_of(&vm, OK_RADIX);
	hash_after = *count_of(&vm, OK_HASH);
	busy_after = *count_of(&vm, BUSY);
	stood_still = radix_after == radix_held || hash_after == hash_held;
	ktap_info("%s: while held: %llu radix and %llu hash registrations succeeded, %llu busy (hold r=%d)",
		  what, (unsigned long long)(radix_after - radix_held),
		  (unsigned long long)(hash_after - hash_held),
		  (unsigned long long)(busy_after - busy_held), r);
	ktap_result(switching && held_busy && stood_still && !r_meanwhile,
		    "%s: no switch completes while it is held, the guest is answered H_LONG_BUSY_ORDER_1_MSEC (meanwhile r=%d)",
		    what, r_meanwhile);

	r_release = r ? r : release(&vm, ctx);
	ktap_result(!r_release && wait_switches(&vm, 2) &&
		    stop_switching_guest(&vm, &run) == 0 && *count_of(&vm, OTHER) == 0,
		    "%s: released, the guest's switches complete again and it stops cleanly (%llu/%llu radix/hash, %llu busy, %llu other, release r=%d)",
		    what, (unsigned long long)*count_of(&vm, OK_RADIX),
		    (unsigned long long)*count_of(&vm, OK_HASH),
		    (unsigned long long)*count_of(&vm, BUSY),
		    (unsigned long long)*count_of(&vm, OTHER), r_release);
	if (r_release)
		stop_switching_guest(&vm, &run);
	guest_vm_destroy(&vm);
}

static int dirty_log_on(struct guest_vm *vm, void *ctx)
{
	return log_slot0(vm, true);
}

static int dirty_log_off(struct guest_vm *vm, void *ctx)
{
	return log_slot0(vm, false);
}

/* The VMM reads the log, as a migration does, while switches are refused. */
static int dirty_log_read(struct guest_vm *vm, void *ctx)
{
	static uint64_t bitmap[MEM_64M / 4096 / 64];
	int i, r = 0;

	for (i = 0; i < 5 && !r; i++)
		r = get_dirty_log(vm, 0, bitmap);
	return r;
}

static int htab_open(struct guest_vm *vm, void *ctx)
{
	int *fd = ctx;

	*fd = open_htab_fd(vm);
	return *fd < 0 ? *fd : 0;
}

static int htab_close(struct guest_vm *vm, void *ctx)
{
	return close(*(int *)ctx) ? -errno : 0;
}

/* Reading the table (the VM is radix or hash at any moment: both read). */
static int htab_read(struct guest_vm *vm, void *ctx)
{
	static char buf[64 << 10];
	int i;

	for (i = 0; i < 5; i++)
		if (read(*(int *)ctx, buf, sizeof(buf)) < 0)
			return -errno;
	return 0;
}

static long storm_seconds(void)
{
	const char *env = getenv("PPC_MMU_STORM_SECONDS");
	long s = env ? strtol(env, NULL, 10) : 0;

	return s > 0 && s <= 24 * 3600 ? s : STORM_S;
}

/* The storm's walkers. */
struct storm {
	struct guest_vm *vm;
	volatile bool stop;
	void *logged, *moved;
	int new_vcpu_fds[MAX_NEW_VCPUS];
	int nr_new_vcpus, max_new_vcpus;	/* the host's KVM_CAP_MAX_VCPUS - 1 */
	/* rounds done, and the first unexpected error of each walker */
	long dirty_rounds, htab_rounds, move_rounds;
	int dirty_err, htab_err, move_err, create_err;
};

static void note_err(int *slot, int r)
{
	if (r && !*slot)
		*slot = r;
}

static void *dirty_logger(void *arg)
{
	static uint64_t bitmap[EXTRA_SIZE / 4096 / 64 + 1];
	struct storm *s = arg;
	int i, r;

	while (!s->stop) {
		r = set_slot(s->vm, SLOT_LOGGED, KVM_MEM_LOG_DIRTY_PAGES, EXTRA_GPA(SLOT_LOGGED),
			     s->logged, EXTRA_SIZE);
		for (i = 0; i < 4 && !r; i++)
			r = get_dirty_log(s->vm, SLOT_LOGGED, bitmap);
		r = r ? r : set_slot(s->vm, SLOT_LOGGED, 0, EXTRA_GPA(SLOT_LOGGED), s->logged,
				     EXTRA_SIZE);
		note_err(&s->dirty_err, r);
		s->dirty_rounds++;
		usleep(1000);
	}
	return NULL;
}

static void *htab_reader(void *arg)
{
	struct storm *s = arg;
	int fd, r;

	while (!s->stop) {
		fd = open_htab_fd(s->vm);
		if (fd < 0) {
			note_err(&s->htab_err, fd);
			continue;
		}
		r = htab_read(s->vm, &fd);
		close(fd);
		note_err(&s->htab_err, r);
		s->htab_rounds++;
		usleep(1000);
	}
	return NULL;
}

static void *slot_mover(void *arg)
{
	struct storm *s = arg;
	int r;

	while (!s->stop) {
		r = set_slot(s->vm, SLOT_MOVED, 0, EXTRA_GPA(SLOT_MOVED), s->moved, 0);
		r = r ? r : set_slot(s->vm, SLOT_MOVED, 0, EXTRA_GPA(SLOT_MOVED), s->moved,
				     EXTRA_SIZE);
		note_err(&s->move_err, r);
		s->move_rounds++;
		usleep(1000);
	}
	return NULL;
}

static void *vcpu_creator(void *arg)
{
	struct storm *s = arg;
	int fd;

	while (!s->stop && s->nr_new_vcpus < s->max_new_vcpus) {
		fd = ioctl(s->vm->vm_fd, KVM_CREATE_VCPU, 1 + s->nr_new_vcpus);
		if (fd < 0) {
			note_err(&s->create_err, -errno);
			break;
		}
		s->new_vcpu_fds[s->nr_new_vcpus++] = fd;
		usleep(storm_seconds() * 1000000 / MAX_NEW_VCPUS / 2);
	}
	return NULL;
}

/* Every vcpu's LPCR says @radix (UPRT and HR set) or hash (both clear). */
static bool lpcr_matches(struct guest_vm *vm, struct storm *s, bool radix)
{
	uint64_t lpcr, want = radix ? LPCR_UPRT | LPCR_HR : 0;
	struct kvm_one_reg reg = { .id = KVM_REG_PPC_LPCR_64, .addr = (uintptr_t)&lpcr };
	int i, n = 1 + s->nr_new_vcpus, fd;
	bool ok = true;

	for (i = 0; i < n; i++) {
		fd = i ? s->new_vcpu_fds[i - 1] : vm->vcpus[0].fd;
		lpcr = 0;
		if (ioctl(fd, KVM_GET_ONE_REG, &reg)) {
			ktap_info("vcpu %d: KVM_GET_ONE_REG(LPCR): %s", i, strerror(errno));
			return false;
		}
		if ((lpcr & (LPCR_UPRT | LPCR_HR)) != want) {
			ktap_info("vcpu %d: LPCR %#llx, not the VM's %s mode", i,
				  (unsigned long long)lpcr, radix ? "radix" : "hash");
			ok = false;
		}
	}
	return ok;
}

/* 4 results */
static void test_storm(void)
{
	const char *name = "storm";
	static void *(*const walkers[])(void *) = {
		dirty_logger, htab_reader, slot_mover, vcpu_creator,
	};
	pthread_t th[sizeof(walkers) / sizeof(walkers[0])];
	struct storm s = { 0 };
	struct kvm_ppc_mmu_state st = { 0 };
	struct guest_vm vm;
	struct runner run;
	uint64_t radix0, hash0, busy0;
	unsigned int i;
	int r;

	s.logged = mmap(NULL, EXTRA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	s.moved = mmap(NULL, EXTRA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r = s.logged == MAP_FAILED || s.moved == MAP_FAILED ? -ENOMEM : 0;
	r = r ? r : start_switching_guest(&vm, &run);
	if (!ktap_result(r == 0 && wait_switches(&vm, 2),
			 "%s: VM set up, guest switching (r=%d)", name, r)) {
		ktap_skip_n(3, "no VM", name);
		if (!r) {
			stop_switching_guest(&vm, &run);
			guest_vm_destroy(&vm);
		}
		return;
	}
	s.vm = &vm;
	s.max_new_vcpus = ioctl(vm.vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS) - 1;
	if (s.max_new_vcpus > MAX_NEW_VCPUS)
		s.max_new_vcpus = MAX_NEW_VCPUS;
	r = set_slot(&vm, SLOT_LOGGED, 0, EXTRA_GPA(SLOT_LOGGED), s.logged, EXTRA_SIZE);
	r = r ? r : set_slot(&vm, SLOT_MOVED, 0, EXTRA_GPA(SLOT_MOVED), s.moved, EXTRA_SIZE);
	radix0 = *count_of(&vm, OK_RADIX);
	hash0 = *count_of(&vm, OK_HASH);
	busy0 = *count_of(&vm, BUSY);
	for (i = 0; !r && i < sizeof(walkers) / sizeof(walkers[0]); i++)
		pthread_create(&th[i], NULL, walkers[i], &s);
	sleep(storm_seconds());
	s.stop = true;
	for (i = 0; !r && i < sizeof(walkers) / sizeof(walkers[0]); i++)
		pthread_join(th[i], NULL);
	ktap_info("%s: %ld s: %llu/%llu radix/hash registrations, %llu busy; %ld dirty-log rounds, %ld HTAB fd rounds, %ld slot moves, %d vcpus created",
		  name, storm_seconds(), (unsigned long long)(*count_of(&vm, OK_RADIX) - radix0),
		  (unsigned long long)(*count_of(&vm, OK_HASH) - hash0),
		  (unsigned long long)(*count_of(&vm, BUSY) - busy0),
		  s.dirty_rounds, s.htab_rounds, s.move_rounds, s.nr_new_vcpus);
	ktap_result(!r && !s.dirty_err && !s.htab_err && !s.move_err && !s.create_err &&
		    s.dirty_rounds && s.htab_rounds && s.move_rounds && s.nr_new_vcpus,
		    "%s: every VMM thread's ioctls succeeded meanwhile (set-up %d, dirty log %d, HTAB %d, slot %d, create %d)",
		    name, r, s.dirty_err, s.htab_err, s.move_err, s.create_err);

	ktap_result(wait_switches(&vm, 2) && stop_switching_guest(&vm, &run) == 0 &&
		    *count_of(&vm, OTHER) == 0,
		    "%s: once the VMM's threads stop, the guest's switches complete again and it stops cleanly (%llu other answers)",
		    name, (unsigned long long)*count_of(&vm, OTHER));
	ppcmmu_get_state(vm.vm_fd, &st);
	ktap_result(lpcr_matches(&vm, &s, st.mode == KVM_PPC_MMU_MODE_RADIX),
		    "%s: every vcpu, the %d created during the storm too, has the LPCR of the VM's %s mode",
		    name, s.nr_new_vcpus, st.mode == KVM_PPC_MMU_MODE_RADIX ? "radix" : "hash");
	for (i = 0; i < (unsigned int)s.nr_new_vcpus; i++)
		close(s.new_vcpu_fds[i]);
	guest_vm_destroy(&vm);
	munmap(s.logged, EXTRA_SIZE);
	munmap(s.moved, EXTRA_SIZE);
}

int main(void)
{
	int fd = -1;

	test_env_begin(10, "switch vs the VMM's ioctls", &caps, &forced);
	if (!(caps.guest_modes & KVM_PPC_MMU_GUEST_RADIX) ||
	    !(caps.guest_modes & KVM_PPC_MMU_GUEST_HASH)) {
		ktap_skip_n(10, "the host cannot run both radix and hash guests",
			    "switch vs the VMM's ioctls");
		test_env_restore(forced);
		ktap_finish();
	}
	test_switches_wait_for("dirty logging on slot 0", dirty_log_on, dirty_log_off,
			       dirty_log_read, NULL);		/* 3 */
	test_switches_wait_for("an HTAB fd open for reading", htab_open, htab_close,
			       htab_read, &fd);			/* 3 */
	test_storm();						/* 4 */
	test_env_restore(forced);
	ktap_finish();
}
