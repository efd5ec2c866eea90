// SPDX-License-Identifier: GPL-2.0
/*
 * The real mode area (RMA): the guest memory a pseries guest reaches with
 * translation off, which is where prom_init, the Open Firmware client
 * interface and early boot run. Pure logic, unit-tested natively.
 *
 * A hash guest's real-mode accesses go through KVM-HV's VRMA, which
 * kvmppc_map_vrma() builds with at most one HPTE per HPTE group, each
 * mapping one page of the largest size (4K, 64K or 16M) not above the
 * host pages backing guest RAM. So the VRMA reaches
 *     page size << (HPT order - 7)          (an HPTE group is 128 bytes)
 * With 64K host pages (Debian's 6.1) and an HPT of RAM/128 that is 4x RAM:
 * all of it. With 4K host pages (Debian's 6.12 and later) it is RAM/4.
 * A guest told of more real-mode memory than that faults in prom_init
 * (a DSI loop, nothing on the console). So, as QEMU checks its RMA against
 * kvmppc_vrma_limit(), memory@0 covers only this much; the rest of RAM is
 * described by a second memory node. A radix guest has no VRMA; the tree
 * is built before CAS picks the mode, so the bound applies to every guest.
 */
#include "rma.h"

uint64_t vmm_rma_size(uint64_t ram_bytes, unsigned int page_shift, unsigned int hpt_order)
{
	uint64_t vrma;

	if (hpt_order < 7 || page_shift + hpt_order - 7 >= 64)
		return ram_bytes;
	vrma = 1ULL << (page_shift + hpt_order - 7);
	return vrma < ram_bytes ? vrma : ram_bytes;
}

/* The VRMA's page size: the largest of 16M, 64K, 4K that host pages of @host_page_bytes hold. */
unsigned int vmm_vrma_page_shift(unsigned long host_page_bytes)
{
	if (host_page_bytes >= 1UL << 24)
		return 24;
	if (host_page_bytes >= 1UL << 16)
		return 16;
	return 12;
}
