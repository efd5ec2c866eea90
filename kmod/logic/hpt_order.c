// SPDX-License-Identifier: GPL-2.0
/*
 * HPT sizing. KVM-HV on its own gives every hash guest a 16 MiB table
 * whatever its RAM (KVM_DEFAULT_HPT_ORDER): too small for big guests, and
 * 256x too big for a 64 MiB one. The rule here follows QEMU's
 * spapr_hpt_shift_for_ramsize(): size = RAM / 128, rounded up to a power of
 * two, within the architected limits.
 */
#include "hpt_order.h"
#include "papr.h"

u32 ppcmmu_hpt_order_for_ram(u64 ram_bytes)
{
	u32 ram_order = 0;

	/* ceil(log2(ram_bytes)); 0 and 1 byte give 0 */
	while (ram_order < 64 && (1ULL << ram_order) < ram_bytes)
		ram_order++;

	if (ram_order < PPCMMU_HPT_ORDER_MIN + 7)
		return PPCMMU_HPT_ORDER_MIN;
	if (ram_order - 7 > PPCMMU_HPT_ORDER_MAX)
		return PPCMMU_HPT_ORDER_MAX;
	return ram_order - 7;
}
