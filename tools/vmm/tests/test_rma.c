// SPDX-License-Identifier: GPL-2.0
/*
 * The RMA the reference VMM tells a guest of (rma.c) must lie inside what
 * KVM-HV's VRMA maps for the HPT the module sizes from RAM (RAM/128): all
 * of RAM on 64K-page hosts, a quarter of it on 4K-page hosts.
 */
#include "../rma.h"
#include "hpt_order.h"
#include "unit.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

int main(void)
{
	CHECK(vmm_vrma_page_shift(4096) == 12, "4K host pages: 4K VRMA pages");
	CHECK(vmm_vrma_page_shift(65536) == 16, "64K host pages: 64K VRMA pages");
	CHECK(vmm_vrma_page_shift(1UL << 30) == 24, "1G host pages: 16M VRMA pages, the largest");

	CHECK(vmm_rma_size(512 * MiB, 16, ppcmmu_hpt_order_for_ram(512 * MiB)) == 512 * MiB,
		"64K pages, 512 MiB: all of RAM is real-mode reachable");
	CHECK(vmm_rma_size(512 * MiB, 12, ppcmmu_hpt_order_for_ram(512 * MiB)) == 128 * MiB,
		"4K pages, 512 MiB (HPT order 22): 128 MiB, a quarter");
	CHECK(vmm_rma_size(64 * GiB, 12, ppcmmu_hpt_order_for_ram(64 * GiB)) == 16 * GiB,
		"4K pages, 64 GiB: 16 GiB");
	CHECK(vmm_rma_size(64 * MiB, 12, ppcmmu_hpt_order_for_ram(64 * MiB)) == 16 * MiB,
		"4K pages, 64 MiB (HPT order 19): 16 MiB");
	CHECK(vmm_rma_size(64 * MiB, 12, 18) == 8 * MiB, "4K pages, the smallest HPT (order 18): 8 MiB");
	CHECK(vmm_rma_size(100 * MiB, 12, 22) == 100 * MiB, "never more than RAM");
	CHECK(vmm_rma_size(512 * MiB, 12, 3) == 512 * MiB && vmm_rma_size(512 * MiB, 40, 40) == 512 * MiB,
		"nonsense orders do not shift out of range");
	return unit_done("test_rma");
}
