/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading and unloading kernel modules from a selftest, the demo or a
 * benchmark.
 *
 * Module files are found through environment variables, so the same binary
 * works in the emulated host's initramfs (where /init sets them) and on a
 * real host (where they can point into /lib/modules, or be left unset: then
 * modprobe is tried and tests that need a file skip).
 *   PPC_MMU_KO		path of kvm-ppc-mmu.ko
 *   PPC_MMU_KVM_HV_KO	path of kvm-hv.ko
 */
#ifndef PPCMMU_LIB_MODULE_CTL_H
#define PPCMMU_LIB_MODULE_CTL_H

#include <stdbool.h>

#define PPCMMU_MODNAME	"kvm_ppc_mmu"
#define KVM_HV_MODNAME	"kvm_hv"

bool module_is_loaded(const char *name);
int module_refcnt(const char *name);
/* 0 or -errno. */
int module_load_file(const char *path);
int module_load_file_params(const char *path, const char *params);
int module_unload(const char *name);
/* Load kvm-ppc-mmu if it is not loaded: 0, or -errno (-ENOENT: no way to). */
int ppcmmu_ensure_loaded(void);
/* Unload kvm-ppc-mmu if loaded: 0 or -errno. */
int ppcmmu_ensure_unloaded(void);
const char *ppcmmu_ko_path(void);
const char *kvm_hv_ko_path(void);

#endif
