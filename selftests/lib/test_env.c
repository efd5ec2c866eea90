// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "ktap.h"
#include "ppcmmu/guest.h"
#include "ppcmmu/module_ctl.h"
#include "ppcmmu/ppcmmu.h"
#include "test_env.h"

static int read_caps(struct kvm_ppc_mmu_caps *caps)
{
	struct guest_vm vm;
	int r = guest_vm_create(&vm, 16 << 20);

	if (r)
		return r;
	r = ppcmmu_get_caps(vm.vm_fd, caps);
	guest_vm_destroy(&vm);
	return r;
}

int test_env_load(struct kvm_ppc_mmu_caps *caps, bool *forced)
{
	int r;

	*forced = false;
	r = ppcmmu_ensure_loaded();
	r = r ? r : read_caps(caps);
	if (r || !(caps->host_flags & KVM_PPC_MMU_HOST_NO_MIXING))
		return r;
	r = ppcmmu_ensure_unloaded();
	r = r ? r : module_load_file_params(ppcmmu_ko_path(), "allow_hash_on_no_mixing_cpu=1");
	*forced = !r;
	return r ? r : read_caps(caps);
}

void test_env_begin(int planned, const char *name, struct kvm_ppc_mmu_caps *caps, bool *forced)
{
	int r;

	ktap_start(planned);
	if (!ppcmmu_ko_path() && !module_is_loaded(PPCMMU_MODNAME)) {
		ktap_skip_n(planned, "kvm-ppc-mmu not available", name);
		ktap_finish();
	}
	r = test_env_load(caps, forced);
	ktap_info("guest modes %#llx host flags %#llx%s", (unsigned long long)caps->guest_modes,
		  (unsigned long long)caps->host_flags,
		  *forced ? " (mixing forced for the test)" : "");
	if (r) {
		ktap_skip_n(planned - 1, "module setup failed", name);
		ktap_result(0, "module setup (r=%d)", r);
		ktap_finish();
	}
}

void test_env_restore(bool forced)
{
	if (forced) {
		ppcmmu_ensure_unloaded();
		ppcmmu_ensure_loaded();
	}
}

bool test_state_is(int vm_fd, uint32_t mode, uint64_t pt, uint32_t order, const char *what)
{
	struct kvm_ppc_mmu_state st;
	int r = ppcmmu_get_state(vm_fd, &st);

	ktap_info("%s: state mode %u process_table %#llx hpt_order %u flags %#llx", what,
		  st.mode, (unsigned long long)st.process_table, st.hpt_order,
		  (unsigned long long)st.state_flags);
	return !r && st.mode == mode && st.process_table == pt && st.hpt_order == order;
}

int test_env_probe_host(struct kvm_ppc_mmu_caps *caps, int *hash)
{
	struct guest_vm probe;
	int r;

	memset(caps, 0, sizeof(*caps));
	r = ppcmmu_ensure_loaded();
	r = r ? r : guest_vm_create(&probe, 16 << 20);
	if (r)
		return r;
	*hash = ioctl(probe.vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_PPC_MMU_HASH_V3);
	r = ioctl(probe.vm_fd, KVM_PPC_MMU_GET_CAPS, caps) ? -errno : 0;
	guest_vm_destroy(&probe);
	return r;
}

bool test_env_preemptible(const struct kvm_ppc_mmu_caps *caps)
{
	return caps->host_flags & (KVM_PPC_MMU_HOST_PREEMPTIBLE |
				   KVM_PPC_MMU_HOST_KVM_HV_PREEMPT_SAFE |
				   KVM_PPC_MMU_HOST_PREEMPT_FORCED);
}

long long test_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}
