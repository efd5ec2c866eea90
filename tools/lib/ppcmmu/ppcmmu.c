// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ppcmmu.h"

int ppcmmu_get_caps(int vm_fd, struct kvm_ppc_mmu_caps *caps)
{
	memset(caps, 0, sizeof(*caps));
	return ioctl(vm_fd, KVM_PPC_MMU_GET_CAPS, caps) ? -errno : 0;
}

int ppcmmu_enable(int vm_fd, uint64_t features)
{
	struct kvm_ppc_mmu_enable e = { .features = features };

	return ioctl(vm_fd, KVM_PPC_MMU_ENABLE, &e) ? -errno : 0;
}

int ppcmmu_set_hpt_order(int vm_fd, uint32_t order)
{
	struct kvm_ppc_mmu_hpt_order o = { .order = order };

	return ioctl(vm_fd, KVM_PPC_MMU_SET_HPT_ORDER, &o) ? -errno : 0;
}

int ppcmmu_get_state(int vm_fd, struct kvm_ppc_mmu_state *st)
{
	memset(st, 0, sizeof(*st));
	return ioctl(vm_fd, KVM_PPC_MMU_GET_STATE, st) ? -errno : 0;
}

long long meminfo_bytes(const char *field)
{
	char line[256], name[64];
	long long kb = -1, v;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63[^:]: %lld kB", name, &v) == 2 && !strcmp(name, field))
			kb = v;
	fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

void settle_memory(void)
{
	FILE *f;

	sync();
	f = fopen("/proc/sys/vm/drop_caches", "w");
	if (f) {
		fputs("3\n", f);
		fclose(f);
	}
	usleep(200000);
}

long long free_bytes(void)
{
	long long free = meminfo_bytes("MemFree"), pcp = 0, n;
	char line[256];
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f || free < 0) {
		if (f)
			fclose(f);
		return -1;
	}
	/* Per-CPU lists appear as "    count: N" under each zone's pagesets. */
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %lld", &n) == 1)
			pcp += n;
	fclose(f);
	return free + pcp * sysconf(_SC_PAGESIZE);
}

bool kernel_has_kasan(void)
{
	char line[256], name[128];
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "r");

	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %*s %127s", name) == 1 && !strcmp(name, "kasan_report");
	if (f)
		fclose(f);
	return found;
}
