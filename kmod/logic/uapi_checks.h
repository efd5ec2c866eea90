/* SPDX-License-Identifier: GPL-2.0 */
/* Validation of ioctl arguments copied in from userspace: pure logic. */
#ifndef PPCMMU_LOGIC_UAPI_CHECKS_H
#define PPCMMU_LOGIC_UAPI_CHECKS_H

#include "compat.h"

struct kvm_ppc_mmu_caps;
struct kvm_ppc_mmu_enable;
struct kvm_ppc_mmu_state;
struct kvm_ppc_mmu_cas;
struct kvm_ppc_mmu_hpt_order;

bool ppcmmu_all_zero(const void *buf, size_t len);
int ppcmmu_check_caps_request(const struct kvm_ppc_mmu_caps *req);
int ppcmmu_check_enable_request(const struct kvm_ppc_mmu_enable *req);
int ppcmmu_check_state_request(const struct kvm_ppc_mmu_state *req);
int ppcmmu_check_cas_request(const struct kvm_ppc_mmu_cas *req);
int ppcmmu_check_hpt_order_request(const struct kvm_ppc_mmu_hpt_order *req);
/*
 * Is @st a state a VM can be put into on a host offering @guest_modes?
 * 0, -EINVAL (malformed) or -EOPNOTSUPP (mode not available here).
 */
int ppcmmu_check_set_state(const struct kvm_ppc_mmu_state *st, u64 guest_modes);
/* May a VM with features @cur switch to @req? 0 or -EBUSY. */
int ppcmmu_enable_transition(u64 cur, u64 req, bool vcpus_ran);

#endif /* PPCMMU_LOGIC_UAPI_CHECKS_H */
