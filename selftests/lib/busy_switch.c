// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "busy_switch.h"
#include "ppcmmu/guest_asm.h"

#define SPINNER_AT	0x1000ULL
#define REGISTRAR_AT	0x2000ULL
#define WAIT_MS		10000

static void write_spinner(struct guest_vm *vm)
{
	uint32_t *loop;
	struct gasm a;

	gasm_init(&a, vm->mem + SPINNER_AT);
	gasm_li64(&a, 8, BUSY_FLAG_IN);
	gasm_emit(&a, PPC_LI(9, 1));
	gasm_emit(&a, PPC_STD(9, 8, 0));
	gasm_li64(&a, 8, BUSY_FLAG_GO);
	loop = a.p;
	gasm_emit(&a, PPC_LD(9, 8, 0));
	gasm_emit(&a, PPC_CMPDI(9, 0));
	gasm_emit(&a, PPC_BEQ((int)((loop - a.p) * 4)));
	gasm_hcall(&a, TEST_HCALL_DONE);
	gasm_emit(&a, PPC_B_SELF);
}

static void write_registrar(struct guest_vm *vm, uint64_t flags, uint64_t base)
{
	uint32_t *loop, *bne;
	struct gasm a;

	gasm_init(&a, vm->mem + REGISTRAR_AT);
	gasm_emit(&a, PPC_LI(21, 0));
	loop = a.p;
	mmu_guest_call_register(&a, flags, base, 0);
	gasm_emit(&a, PPC_CMPDI(3, H_LONG_BUSY_ORDER_1_MSEC));
	bne = a.p;
	gasm_emit(&a, 0);
	gasm_emit(&a, PPC_ADDI(21, 21, 1));
	gasm_li64(&a, 8, BUSY_COUNT);
	gasm_emit(&a, PPC_STD(21, 8, 0));
	gasm_emit(&a, PPC_B((int)((loop - a.p) * 4)));
	*bne = PPC_BNE((int)((a.p - bne) * 4));
	gasm_emit(&a, PPC_MR(5, 3));
	gasm_emit(&a, PPC_MR(6, 21));
	gasm_emit(&a, PPC_LI(4, TAG_REGISTER));
	gasm_hcall(&a, TEST_HCALL_REPORT);
	gasm_hcall(&a, TEST_HCALL_DONE);
	gasm_emit(&a, PPC_B_SELF);
}

struct vcpu_thread {
	pthread_t th;
	struct guest_vm *vm;
	int idx;
	int done;
	struct mmu_guest_result res;
};

static void *vcpu_thread(void *p)
{
	struct vcpu_thread *t = p;

	mmu_guest_run(t->vm, t->idx, &t->res);
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static uint64_t *guest_word(struct guest_vm *vm, uint64_t gpa)
{
	return (uint64_t *)(vm->mem + gpa);
}

/* Wait up to WAIT_MS for the guest word at @gpa to reach @min, or @t to stop. */
static bool wait_word(struct guest_vm *vm, uint64_t gpa, uint64_t min, struct vcpu_thread *t)
{
	int ms;

	for (ms = 0; ms < WAIT_MS; ms++) {
		if (__atomic_load_n(guest_word(vm, gpa), __ATOMIC_ACQUIRE) >= min)
			return true;
		if (__atomic_load_n(&t->done, __ATOMIC_ACQUIRE))
			return false;
		usleep(1000);
	}
	return false;
}

void busy_switch_run(struct guest_vm *vm, uint64_t flags, uint64_t base, int min_busy,
		     void (*meanwhile)(void *arg), void *arg, struct busy_switch_result *out)
{
	struct vcpu_thread t[2] = { { .vm = vm, .idx = 0 }, { .vm = vm, .idx = 1 } };
	int r;

	memset(out, 0, sizeof(*out));
	*guest_word(vm, BUSY_FLAG_IN) = 0;
	*guest_word(vm, BUSY_FLAG_GO) = 0;
	*guest_word(vm, BUSY_COUNT) = 0;
	write_spinner(vm);
	write_registrar(vm, flags, base);
	r = guest_vcpu_add(vm, SPINNER_AT, GUEST_MSR_REAL);
	r = r < 0 ? r : guest_vcpu_add(vm, REGISTRAR_AT, GUEST_MSR_REAL);
	if (r < 0) {
		out->r = r;
		return;
	}

	pthread_create(&t[0].th, NULL, vcpu_thread, &t[0]);
	if (!wait_word(vm, BUSY_FLAG_IN, 1, &t[0])) {
		out->r = -ETIMEDOUT;
	} else {
		pthread_create(&t[1].th, NULL, vcpu_thread, &t[1]);
		wait_word(vm, BUSY_COUNT, min_busy, &t[1]);
		if (meanwhile)
			meanwhile(arg);
	}
	__atomic_store_n(guest_word(vm, BUSY_FLAG_GO), 1, __ATOMIC_RELEASE);
	pthread_join(t[0].th, NULL);
	if (!out->r)
		pthread_join(t[1].th, NULL);
	out->spinner_done = t[0].res.done;
	out->res = t[1].res;
}
