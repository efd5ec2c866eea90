/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Thin wrappers over the module's ioctls (0 or -errno), and the host's free
 * memory as the selftests and benchmarks compare it.
 */
#ifndef PPCMMU_LIB_PPCMMU_H
#define PPCMMU_LIB_PPCMMU_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm_ppc_mmu.h>

int ppcmmu_get_caps(int vm_fd, struct kvm_ppc_mmu_caps *caps);
int ppcmmu_enable(int vm_fd, uint64_t features);
int ppcmmu_get_state(int vm_fd, struct kvm_ppc_mmu_state *st);
/* KVM_PPC_MMU_SET_HPT_ORDER: @order for every HPT from now on, 0 = from RAM. */
int ppcmmu_set_hpt_order(int vm_fd, uint32_t order);
/* A /proc/meminfo field in bytes, or -1. */
long long meminfo_bytes(const char *field);
/*
 * Free memory in bytes, counting pages on the per-CPU free lists too
 * (/proc/zoneinfo): MemFree alone misses them, and page-by-page frees (CMA
 * releases, small allocations) park there. -1 on error.
 */
long long free_bytes(void);
/*
 * Before reading free memory: let what was freed reach the free lists
 * (RCU frees, the page cache dropped), so a comparison means something.
 */
void settle_memory(void);
/*
 * Whether the running kernel has KASAN: its quarantine keeps freed memory
 * back for a while, so free-memory checks mean nothing there (kmemleak is
 * the leak check on the debug kernel, tools/rig/initramfs/init.c).
 */
bool kernel_has_kasan(void);

#endif
