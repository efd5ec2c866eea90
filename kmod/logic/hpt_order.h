/* SPDX-License-Identifier: GPL-2.0 */
/* How big a guest's hashed page table should be: pure logic. */
#ifndef PPCMMU_LOGIC_HPT_ORDER_H
#define PPCMMU_LOGIC_HPT_ORDER_H

#include "compat.h"

/*
 * log2 of the HPT size for @ram_bytes of guest RAM: 1/128 of RAM rounded up
 * to a power of two, clamped to the architected [18, 46]. The same rule QEMU uses, so guests see the same
 * table either way.
 */
u32 ppcmmu_hpt_order_for_ram(u64 ram_bytes);

#endif /* PPCMMU_LOGIC_HPT_ORDER_H */
