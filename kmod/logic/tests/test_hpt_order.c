// SPDX-License-Identifier: GPL-2.0
/* Unit tests of logic/hpt_order.c: HPT size from guest RAM. */
#include "../hpt_order.h"
#include "unit.h"

static const struct {
	u64 ram;
	u32 order;
} cases[] = {
	{ 0, 18 }, { 1, 18 }, { 4096, 18 },
	{ 1ULL << 25, 18 },		/* 32 MiB -> 256 KiB, the minimum */
	{ (1ULL << 25) + 1, 19 },	/* rounds up */
	{ 1ULL << 26, 19 },		/* 64 MiB -> 512 KiB */
	{ 3ULL << 28, 23 },		/* 768 MiB -> rounds to 1 GiB -> 8 MiB */
	{ 1ULL << 30, 23 },
	{ 1ULL << 31, 24 },		/* 2 GiB -> KVM's default 16 MiB */
	{ 1ULL << 40, 33 },
	{ 1ULL << 53, 46 },		/* the architected maximum */
	{ 1ULL << 60, 46 },
	{ ~0ULL, 46 },			/* no overflow at the top */
};

int main(void)
{
	unsigned int i;
	u32 o;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		o = ppcmmu_hpt_order_for_ram(cases[i].ram);
		CHECK(o == cases[i].order, "RAM %#llx bytes -> order %u (want %u)",
		      (unsigned long long)cases[i].ram, o, cases[i].order);
	}
	return unit_done("test_hpt_order");
}
