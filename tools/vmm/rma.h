/* SPDX-License-Identifier: GPL-2.0 */
/* The real mode area (rma.c): pure logic, unit-tested natively. */
#ifndef PPCMMU_VMM_RMA_H
#define PPCMMU_VMM_RMA_H

#include <stdint.h>

/* Bytes of RAM from 0 a guest may be told it reaches with translation off. */
uint64_t vmm_rma_size(uint64_t ram_bytes, unsigned int page_shift, unsigned int hpt_order);
unsigned int vmm_vrma_page_shift(unsigned long host_page_bytes);

#endif
