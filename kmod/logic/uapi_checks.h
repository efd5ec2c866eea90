/* SPDX-License-Identifier: GPL-2.0 */
/* Validation of ioctl arguments copied in from userspace: pure logic. */
#ifndef PPCMMU_LOGIC_UAPI_CHECKS_H
#define PPCMMU_LOGIC_UAPI_CHECKS_H

#include "compat.h"

struct kvm_ppc_mmu_caps;

bool ppcmmu_all_zero(const void *buf, size_t len);
int ppcmmu_check_caps_request(const struct kvm_ppc_mmu_caps *req);

#endif /* PPCMMU_LOGIC_UAPI_CHECKS_H */
