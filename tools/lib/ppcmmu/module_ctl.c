// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "module_ctl.h"

bool module_is_loaded(const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/module/%s/initstate", name);
	return stat(path, &st) == 0;
}

int module_refcnt(const char *name)
{
	char path[256];
	FILE *f;
	int n = -1;

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

int module_load_file(const char *path)
{
	return module_load_file_params(path, "");
}

static bool is_ppcmmu_ko(const char *path)
{
	const char *ko = getenv("PPC_MMU_KO"), *twin = getenv("PPC_MMU_TWIN_KO");

	return (ko && !strcmp(path, ko)) || (twin && !strcmp(path, twin));
}

/*
 * PPC_MMU_KO_OPTIONS is what the host's modprobe.d gives the module (say
 * kvm_hv_preempt_fixed=1 next to a rebuilt kvm-hv): every load of it gets
 * them first, so a test's own @params still win.
 */
int module_load_file_params(const char *path, const char *params)
{
	const char *opts = getenv("PPC_MMU_KO_OPTIONS");
	char all[512];
	int fd, r;

	if (opts && *opts && is_ppcmmu_ko(path)) {
		if (snprintf(all, sizeof(all), "%s %s", opts, params) >= (int)sizeof(all))
			return -E2BIG;
		params = all;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = syscall(SYS_finit_module, fd, params, 0);
	r = r ? -errno : 0;
	close(fd);
	return r;
}

int module_unload(const char *name)
{
	/* O_NONBLOCK as rmmod does: a busy module gives EWOULDBLOCK at once. */
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

const char *ppcmmu_ko_path(void)
{
	return getenv("PPC_MMU_KO");
}

const char *kvm_hv_ko_path(void)
{
	return getenv("PPC_MMU_KVM_HV_KO");
}

int ppcmmu_ensure_loaded(void)
{
	const char *ko = ppcmmu_ko_path();

	if (module_is_loaded(PPCMMU_MODNAME))
		return 0;
	if (ko)
		return module_load_file(ko);
	if (system("modprobe kvm-ppc-mmu >/dev/null 2>&1") == 0 &&
	    module_is_loaded(PPCMMU_MODNAME))
		return 0;
	return -ENOENT;
}

int ppcmmu_ensure_unloaded(void)
{
	if (!module_is_loaded(PPCMMU_MODNAME))
		return 0;
	return module_unload(PPCMMU_MODNAME);
}
