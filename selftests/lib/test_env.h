/* SPDX-License-Identifier: GPL-2.0 */
/* Shared set-up for the guest selftests that exercise the module's MMU work. */
#ifndef PPCMMU_SELFTEST_TEST_ENV_H
#define PPCMMU_SELFTEST_TEST_ENV_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm_ppc_mmu.h>

/*
 * Load kvm-ppc-mmu and read its caps. On a POWER9 < DD2.2 radix host (the
 * emulated rig) reload it with allow_hash_on_no_mixing_cpu=1 so hash and
 * the radix <-> hash switch can be exercised; *forced says so.
 */
int test_env_load(struct kvm_ppc_mmu_caps *caps, bool *forced);
/*
 * Start a KTAP program of @planned results that needs the module: load it
 * (test_env_load), log the host's modes, and on failure report every
 * result as skipped/failed and exit. Fills @caps and @forced.
 */
void test_env_begin(int planned, const char *name, struct kvm_ppc_mmu_caps *caps, bool *forced);
/* Undo the forced reload: leave the module loaded plainly for later tests. */
void test_env_restore(bool forced);
/*
 * For the programs that race plain KVM-HV VMs: load the module, and ask a
 * fresh VM whether KVM-HV runs hash guests here (*hash: its
 * KVM_CAP_PPC_MMU_HASH_V3 answer) and what the module says about the host
 * (@caps). 0 or -errno.
 */
int test_env_probe_host(struct kvm_ppc_mmu_caps *caps, int *hash);
/* The kernel preempts kernel code: the module sets one of its flags for it. */
bool test_env_preemptible(const struct kvm_ppc_mmu_caps *caps);
/* Milliseconds on CLOCK_MONOTONIC, for run budgets and timings. */
long long test_now_ms(void);
/* The VM's state is exactly this (logged either way). */
bool test_state_is(int vm_fd, uint32_t mode, uint64_t pt, uint32_t order, const char *what);

#endif
