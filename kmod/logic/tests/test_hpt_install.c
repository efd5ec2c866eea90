// SPDX-License-Identifier: GPL-2.0
/* Unit tests of logic/hpt_install.c: who gets an HPT, and when nothing is allocated. */
#include "../hpt_install.h"
#include "unit.h"

#define RADIX	true
#define HASH	false

static const char *const names[] = { "ALLOCATE", "KEEP", "MOVED", "BUSY" };

static const struct {
	const char *what;
	struct ppcmmu_hpt_vm vm;
	struct ppcmmu_hpt_want want;
	enum ppcmmu_hpt_verdict v;
	int err;
} cases[] = {
	/* a hash VM that needs its table (first entry, CAS or SET_STATE on hash) */
	{ "hash VM, no table, not yet entered", { HASH, false, false, 0 }, { HASH, false, 21 },
	  PPCMMU_HPT_ALLOCATE, 0 },
	{ "hash VM, no table, other vcpus entering", { HASH, false, true, 0 }, { HASH, false, 21 },
	  PPCMMU_HPT_ALLOCATE, 0 },
	{ "hash VM with a table: kept, nothing allocated (CAS again)", { HASH, true, false, 21 },
	  { HASH, false, 21 }, PPCMMU_HPT_KEEP, 0 },
	{ "hash VM with a table of another order: kept", { HASH, true, true, 24 },
	  { HASH, false, 21 }, PPCMMU_HPT_KEEP, 0 },
	{ "hash VM in use without a table: cannot swap", { HASH, true, false, 0 },
	  { HASH, false, 21 }, PPCMMU_HPT_BUSY, -EBUSY },
	{ "VM switched to radix meanwhile: no table for it", { RADIX, false, false, 0 },
	  { HASH, false, 21 }, PPCMMU_HPT_MOVED, -EBUSY },
	{ "VM switched to radix meanwhile, exact order", { RADIX, true, false, 0 },
	  { HASH, true, 24 }, PPCMMU_HPT_MOVED, -EBUSY },
	/* a radix VM about to switch to hash (CAS, H_REGISTER_PROC_TBL, SET_STATE) */
	{ "radix VM, no vcpu in: switch prepared", { RADIX, true, false, 0 }, { RADIX, false, 26 },
	  PPCMMU_HPT_ALLOCATE, 0 },
	{ "radix VM never entered, vcpu entering: configure_mmu allows it",
	  { RADIX, false, true, 0 }, { RADIX, false, 26 }, PPCMMU_HPT_ALLOCATE, 0 },
	{ "radix VM, other vcpus in KVM_RUN: no allocation, busy", { RADIX, true, true, 0 },
	  { RADIX, false, 26 }, PPCMMU_HPT_BUSY, -EBUSY },
	{ "radix VM with a table in place: kept", { RADIX, true, false, 26 }, { RADIX, false, 26 },
	  PPCMMU_HPT_KEEP, 0 },
	{ "VM switched to hash meanwhile: nothing", { HASH, false, false, 0 }, { RADIX, false, 26 },
	  PPCMMU_HPT_MOVED, -EBUSY },
	/* SET_STATE: exactly the saved order */
	{ "exact: same order in place: kept", { HASH, false, false, 24 }, { HASH, true, 24 },
	  PPCMMU_HPT_KEEP, 0 },
	{ "exact: another order in place (a first entry's): busy", { HASH, false, false, 19 },
	  { HASH, true, 24 }, PPCMMU_HPT_BUSY, -EBUSY },
	{ "exact: radix VM holding another order: busy", { RADIX, false, false, 19 },
	  { RADIX, true, 24 }, PPCMMU_HPT_BUSY, -EBUSY },
	{ "exact: no table yet", { HASH, false, false, 0 }, { HASH, true, 24 },
	  PPCMMU_HPT_ALLOCATE, 0 },
};

int main(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum ppcmmu_hpt_verdict v = ppcmmu_hpt_verdict(&cases[i].vm, &cases[i].want);
		int err = ppcmmu_hpt_verdict_errno(v);

		CHECK(v == cases[i].v && err == cases[i].err, "%s -> %s, %d (want %s, %d)",
		      cases[i].what, names[v], err, names[cases[i].v], cases[i].err);
	}
	return unit_done("test_hpt_install");
}
