// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_PPC_MMU_GET_CAPS: the answers match what KVM-HV and the host say, on
 * each kind of host, and every malformed call fails the way the uapi header
 * documents.
 *
 * PPC_MMU_EXPECT_HOST (set by the emulated-host runner: radix, hash, nested,
 * dd20, p10radix, p10hash, nestedv2, p11nestedv2) adds checks against the
 * host we know we booted; without it the answers are still cross-checked
 * against KVM_CHECK_EXTENSION and /proc/cpuinfo.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/kvm_ppc_mmu.h>

#include "lib/ktap.h"
#include "ppcmmu/guest.h"
#include "ppcmmu/module_ctl.h"

#define NR_TESTS 30

/* "Radix" or "Hash" from the MMU line of /proc/cpuinfo, or NULL. */
static const char *cpuinfo_mmu(void)
{
	static char mmu[32];
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MMU : %31s", mmu) == 1) {
			fclose(f);
			return mmu;
		}
	fclose(f);
	return NULL;
}

/* Same rule as KVM-HV's hash_v3_possible(): POWER9 < DD2.2 cannot mix. */
static int p9_cannot_mix(uint32_t pvr)
{
	if ((pvr >> 16) != 0x004e)
		return 0;
	if ((pvr & 0xe000) == 0)
		return (pvr & 0xfff) < 0x202;
	if ((pvr & 0xe000) == 0x2000)
		return (pvr & 0xfff) < 0x101;
	return 0;
}

/*
 * Whether this kernel preempts kernel code, from uname -v ("PREEMPT",
 * "PREEMPTLAZY", "PREEMPT_RT"); with PREEMPT_DYNAMIC the model chosen at
 * boot, from debugfs ("none voluntary (full) lazy"). The module decides with
 * preempt_model_preemptible(); this is the independent view.
 */
static int kernel_preemptible(void)
{
	struct utsname u;
	char model[128] = "";
	FILE *f;

	if (uname(&u) || !strstr(u.version, "PREEMPT"))
		return 0;
	if (!strstr(u.version, "PREEMPT_DYNAMIC"))
		return 1;
	f = fopen("/sys/kernel/debug/sched/preempt", "r");
	if (!f)
		return -1;
	if (!fgets(model, sizeof(model), f))
		model[0] = 0;
	fclose(f);
	return strstr(model, "(full)") || strstr(model, "(lazy)");
}

static int read_first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return 0;
	ok = fgets(buf, len, f) != NULL;
	fclose(f);
	return ok;
}

/*
 * Whether the loaded kvm-hv runs a hash guest's HPT hypercalls and faults
 * with preemption off, by the module's rule seen from outside: 6.12.117 and
 * later have upstream's fix; elsewhere a kvm-hv rebuilt with it
 * (tools/kvm-hv/) is out of tree ("O" in its taint) and the module was told
 * so (kvm_hv_preempt_fixed=Y).
 */
static int kvm_hv_preempt_safe(void)
{
	char taint[32] = "", fixed[8] = "";
	struct utsname u;
	int major, minor, sub;

	if (!uname(&u) && sscanf(u.release, "%d.%d.%d", &major, &minor, &sub) == 3 &&
	    major == 6 && minor == 12 && sub >= 117)
		return 1;
	return read_first_line("/sys/module/kvm_hv/taint", taint, sizeof(taint)) &&
	       strchr(taint, 'O') &&
	       read_first_line("/sys/module/kvm_ppc_mmu/parameters/kvm_hv_preempt_fixed",
			       fixed, sizeof(fixed)) && fixed[0] == 'Y';
}

/*
 * KVM answers KVM_CAP_PPC_GET_PVINFO with !is_kvmppc_hv_enabled(kvm) for a
 * VM fd: the direct probe that a VM still counts as HV after the module
 * hooked KVM-HV.
 */
static int is_hv_vm(int vm_fd)
{
	return ioctl(vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_PPC_GET_PVINFO) == 0;
}

static void check_against_kvm(struct guest_vm *vm, const struct kvm_ppc_mmu_caps *c)
{
	int radix = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_PPC_MMU_RADIX);
	int hash = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_PPC_MMU_HASH_V3);
	const char *mmu = cpuinfo_mmu();
	struct kvm_ppc_rmmu_info rmmu;
	int preemptible = kernel_preemptible();
	int safe = hash > 0 && preemptible > 0 && kvm_hv_preempt_safe();
	int withheld = hash > 0 && preemptible > 0 && !safe &&
		       !(c->host_flags & KVM_PPC_MMU_HOST_PREEMPT_FORCED);
	int both, ok, i;

	/* A preemptible kernel: the module withholds what KVM-HV offers. */
	if (withheld)
		hash = 0;
	both = radix > 0 && hash > 0;

	ktap_result(c->abi_version == KVM_PPC_MMU_ABI_VERSION, "abi_version %u", c->abi_version);
	ktap_result(is_hv_vm(vm->vm_fd), "VM created with module loaded is an HV VM");
	ktap_result(!!(c->guest_modes & KVM_PPC_MMU_GUEST_RADIX) == (radix > 0),
		    "RADIX matches KVM_CAP_PPC_MMU_RADIX=%d", radix);
	ktap_result(!!(c->guest_modes & KVM_PPC_MMU_GUEST_HASH) == (hash > 0),
		    "HASH matches KVM_CAP_PPC_MMU_HASH_V3%s", withheld ? ", withheld" : "");
	ktap_result(preemptible >= 0 &&
		    !!(c->host_flags & KVM_PPC_MMU_HOST_PREEMPTIBLE) == withheld,
		    "PREEMPTIBLE set exactly when a preemptible kernel (%d) withholds hash",
		    preemptible);
	ktap_result(!!(c->host_flags & KVM_PPC_MMU_HOST_KVM_HV_PREEMPT_SAFE) == safe,
		    "KVM_HV_PREEMPT_SAFE set exactly when a preemptible kernel's kvm-hv is fixed (%d)",
		    safe);
	ktap_result(!!(c->guest_modes & KVM_PPC_MMU_GUEST_LEGACY) == (hash > 0),
		    "LEGACY available exactly where hash is");
	ktap_result(!!(c->guest_modes & KVM_PPC_MMU_GUEST_CAS_SWITCH) == both,
		    "CAS_SWITCH exactly when both modes are available");
	ktap_result(mmu && !!(c->host_flags & KVM_PPC_MMU_HOST_RADIX) == !strcmp(mmu, "Radix"),
		    "HOST_RADIX matches /proc/cpuinfo MMU=%s", mmu ? mmu : "?");
	ktap_result(!!(c->host_flags & KVM_PPC_MMU_HOST_NO_MIXING) ==
		    (!(c->host_flags & KVM_PPC_MMU_HOST_NESTED) && radix > 0 && !hash &&
		     p9_cannot_mix(c->pvr)),
		    "NO_MIXING set exactly when POWER9 < DD2.2 blocks hash (pvr %#x)", c->pvr);

	if (radix > 0 && !ioctl(vm->vm_fd, KVM_PPC_GET_RMMU_INFO, &rmmu)) {
		ok = c->nr_ap_encodings > 0;
		for (i = 0; ok && i < (int)c->nr_ap_encodings; i++)
			ok = c->ap_encodings[i] == rmmu.ap_encodings[i];
		ok = ok && (c->nr_ap_encodings == 8 || !rmmu.ap_encodings[c->nr_ap_encodings]);
		ktap_result(ok, "AP encodings match KVM_PPC_GET_RMMU_INFO (%u)", c->nr_ap_encodings);
	} else {
		ktap_result(c->nr_ap_encodings == 0, "no AP encodings without radix (%u)",
			    c->nr_ap_encodings);
	}
	for (i = 0; i < (int)c->nr_ap_encodings; i++)
		ktap_info("ap_encoding[%d] = %#x (page shift %u)", i, c->ap_encodings[i],
			  c->ap_encodings[i] & 0x3f);
}

static void check_expected_host(const struct kvm_ppc_mmu_caps *c)
{
	const char *host = getenv("PPC_MMU_EXPECT_HOST");
	uint64_t radix = KVM_PPC_MMU_GUEST_RADIX;
	uint64_t hash = KVM_PPC_MMU_GUEST_HASH | KVM_PPC_MMU_GUEST_LEGACY;

	ktap_info("guest_modes %#llx host_flags %#llx", (unsigned long long)c->guest_modes,
		  (unsigned long long)c->host_flags);
	if (!host) {
		ktap_skip("PPC_MMU_EXPECT_HOST not set", "modes match the booted host");
		return;
	}
	/*
	 * The POWER10 hosts (powernv10) must give what the POWER9 DD2.2 ones
	 * give, the POWER11 one what the POWER10 one gives; each must really
	 * be that processor (PVR version 0x80, 0x82).
	 */
	if (!strncmp(host, "p10", 3) || !strncmp(host, "p11", 3)) {
		unsigned int want = host[2] == '0' ? 0x80 : 0x82;

		if (c->pvr >> 16 != want) {
			ktap_result(0, "%s: host PVR %#x is not version %#x", host, c->pvr, want);
			return;
		}
		host += 3;
	}
	if (!strcmp(host, "radix") && kernel_preemptible() && kvm_hv_preempt_safe())
		ktap_result(c->host_flags == (KVM_PPC_MMU_HOST_RADIX | KVM_PPC_MMU_HOST_KVM_HV_PREEMPT_SAFE) &&
			    c->guest_modes == (radix | hash | KVM_PPC_MMU_GUEST_CAS_SWITCH),
			    "radix host (DD2.2), preemptible kernel, fixed kvm-hv: every mode, KVM_HV_PREEMPT_SAFE");
	else if (!strcmp(host, "hash") && kernel_preemptible() && kvm_hv_preempt_safe())
		ktap_result(c->host_flags == KVM_PPC_MMU_HOST_KVM_HV_PREEMPT_SAFE && c->guest_modes == hash,
			    "hash host, preemptible kernel, fixed kvm-hv: hash and legacy, KVM_HV_PREEMPT_SAFE");
	else if (!strcmp(host, "radix") && kernel_preemptible())
		ktap_result(c->host_flags == (KVM_PPC_MMU_HOST_RADIX | KVM_PPC_MMU_HOST_PREEMPTIBLE) &&
			    c->guest_modes == radix,
			    "radix host (DD2.2), preemptible kernel: radix guests only, PREEMPTIBLE reported");
	else if (!strcmp(host, "hash") && kernel_preemptible())
		ktap_result(c->host_flags == KVM_PPC_MMU_HOST_PREEMPTIBLE && c->guest_modes == 0,
			    "hash host, preemptible kernel: nothing offered, PREEMPTIBLE reported");
	else if (!strcmp(host, "radix"))
		/* POWER9 DD2.2, as real hosts: the guest picks radix or hash at CAS. */
		ktap_result(c->host_flags == KVM_PPC_MMU_HOST_RADIX &&
			    c->guest_modes == (radix | hash | KVM_PPC_MMU_GUEST_CAS_SWITCH),
			    "radix host (DD2.2): radix, hash and legacy guests, switch at CAS");
	else if (!strcmp(host, "dd20"))
		/* POWER9 DD2.0: hash is refused next to radix (no mixing). */
		ktap_result(c->host_flags == (KVM_PPC_MMU_HOST_RADIX | KVM_PPC_MMU_HOST_NO_MIXING) &&
			    c->guest_modes == radix,
			    "radix host (DD2.0): radix guests only, NO_MIXING reported");
	else if (!strcmp(host, "hash"))
		ktap_result(c->host_flags == 0 && c->guest_modes == hash,
			    "hash host: hash and legacy guests only");
	else if (!strcmp(host, "nestedv2"))
		ktap_result(c->host_flags == (KVM_PPC_MMU_HOST_RADIX | KVM_PPC_MMU_HOST_NESTED |
					      KVM_PPC_MMU_HOST_NESTED_V2) &&
			    c->guest_modes == radix,
			    "nested host, PAPR nested API v2: radix guests only, NESTED_V2 reported");
	else if (!strcmp(host, "nested"))
		ktap_result(c->host_flags == (KVM_PPC_MMU_HOST_RADIX | KVM_PPC_MMU_HOST_NESTED) &&
			    c->guest_modes == radix,
			    "nested host: radix guests only");
	else
		ktap_result(0, "unknown PPC_MMU_EXPECT_HOST=%s", host);
}

/*
 * allow_hash_on_preemptible_kernel=1 gives back exactly what was withheld,
 * flagged; anywhere else it changes nothing. Leaves the module loaded
 * without parameters.
 */
static void check_preemptible_override(const struct kvm_ppc_mmu_caps *before)
{
	uint64_t hash = KVM_PPC_MMU_GUEST_HASH | KVM_PPC_MMU_GUEST_LEGACY;
	struct kvm_ppc_mmu_caps c;
	struct guest_vm vm;
	int r;

	r = ppcmmu_ensure_unloaded();
	r = r ? r : module_load_file_params(ppcmmu_ko_path(), "allow_hash_on_preemptible_kernel=1");
	r = r ? r : guest_vm_create(&vm, 16 << 20);
	if (!r) {
		memset(&c, 0, sizeof(c));
		r = ioctl(vm.vm_fd, KVM_PPC_MMU_GET_CAPS, &c);
		guest_vm_destroy(&vm);
	}
	if (r)
		ktap_result(0, "reload with allow_hash_on_preemptible_kernel=1 (r=%d)", r);
	else if (before->host_flags & KVM_PPC_MMU_HOST_PREEMPTIBLE)
		ktap_result((c.guest_modes & hash) == hash &&
			    c.host_flags == ((before->host_flags & ~KVM_PPC_MMU_HOST_PREEMPTIBLE) |
					     KVM_PPC_MMU_HOST_PREEMPT_FORCED),
			    "allow_hash_on_preemptible_kernel=1: hash offered, PREEMPTIBLE_FORCED (modes %#llx flags %#llx)",
			    (unsigned long long)c.guest_modes, (unsigned long long)c.host_flags);
	else
		ktap_result(c.guest_modes == before->guest_modes &&
			    c.host_flags == before->host_flags,
			    "allow_hash_on_preemptible_kernel=1 changes nothing here (modes %#llx flags %#llx)",
			    (unsigned long long)c.guest_modes, (unsigned long long)c.host_flags);
	ppcmmu_ensure_unloaded();
	ppcmmu_ensure_loaded();
}

/*
 * kvm_hv_preempt_fixed=1 is the admin's word that a rebuilt kvm-hv is
 * loaded; the module takes it only from an out-of-tree kvm-hv, so with the
 * kernel's own it changes nothing, and with a rebuilt one it is what makes
 * hash safe (=0 withholds it again). Leaves the module loaded as it was.
 */
static void check_kvm_hv_fixed_param(void)
{
	char taint[32] = "";
	int rebuilt = read_first_line("/sys/module/kvm_hv/taint", taint, sizeof(taint)) &&
		      strchr(taint, 'O');
	const char *param = rebuilt ? "kvm_hv_preempt_fixed=0" : "kvm_hv_preempt_fixed=1";
	struct kvm_ppc_mmu_caps c;
	struct guest_vm vm;
	int r, hash;

	if (kernel_preemptible() <= 0 || kvm_hv_preempt_safe() != rebuilt) {
		ktap_skip("not a preemptible kernel, or its own kvm-hv has the fix",
			  "kvm_hv_preempt_fixed is what decides");
		return;
	}
	r = ppcmmu_ensure_unloaded();
	r = r ? r : module_load_file_params(ppcmmu_ko_path(), param);
	r = r ? r : guest_vm_create(&vm, 16 << 20);
	if (!r) {
		hash = ioctl(vm.vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_PPC_MMU_HASH_V3);
		memset(&c, 0, sizeof(c));
		r = ioctl(vm.vm_fd, KVM_PPC_MMU_GET_CAPS, &c);
		guest_vm_destroy(&vm);
	}
	if (r)
		ktap_result(0, "reload with %s (r=%d)", param, r);
	else if (hash <= 0)
		ktap_skip("KVM-HV offers no hash guests on this host", "%s", param);
	else
		ktap_result(((c.host_flags & KVM_PPC_MMU_HOST_PREEMPTIBLE) &&
			     !(c.host_flags & KVM_PPC_MMU_HOST_KVM_HV_PREEMPT_SAFE) &&
			     !(c.guest_modes & KVM_PPC_MMU_GUEST_HASH)),
			    "%s kvm-hv, %s: hash withheld, PREEMPTIBLE (modes %#llx flags %#llx)",
			    rebuilt ? "rebuilt" : "the kernel's own", param,
			    (unsigned long long)c.guest_modes, (unsigned long long)c.host_flags);
	ppcmmu_ensure_unloaded();
	ppcmmu_ensure_loaded();
}

static void check_bad_arguments(int vm_fd)
{
	struct kvm_ppc_mmu_caps c;
	void *ro, *gone;
	int r;

	r = ioctl(vm_fd, KVM_PPC_MMU_GET_CAPS, NULL);
	ktap_result(r == -1 && errno == EFAULT, "NULL pointer -> EFAULT");

	gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(gone, 4096);
	r = ioctl(vm_fd, KVM_PPC_MMU_GET_CAPS, gone);
	ktap_result(r == -1 && errno == EFAULT, "unmapped pointer -> EFAULT");

	/* Valid, zeroed input that cannot be written back. */
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r = ioctl(vm_fd, KVM_PPC_MMU_GET_CAPS, ro);
	ktap_result(r == -1 && errno == EFAULT, "read-only buffer -> EFAULT on copy-out");
	munmap(ro, 4096);

	memset(&c, 0, sizeof(c));
	c.flags = 1;
	r = ioctl(vm_fd, KVM_PPC_MMU_GET_CAPS, &c);
	ktap_result(r == -1 && errno == EINVAL, "unknown flag bit 0 -> EINVAL");
	c.flags = 0x80000000u;
	r = ioctl(vm_fd, KVM_PPC_MMU_GET_CAPS, &c);
	ktap_result(r == -1 && errno == EINVAL, "unknown flag bit 31 -> EINVAL");
	c.flags = 0;
	c.reserved[7] = 1;
	r = ioctl(vm_fd, KVM_PPC_MMU_GET_CAPS, &c);
	ktap_result(r == -1 && errno == EINVAL && c.abi_version == 0,
		    "non-zero reserved -> EINVAL, nothing written");

	memset(&c, 0, sizeof(c));
	r = ioctl(vm_fd, _IOC(_IOC_READ | _IOC_WRITE, KVM_PPC_MMU_IO, 0x00, sizeof(c) - 8), &c);
	ktap_result(r == -1 && errno == ENOTTY, "wrong size in the ioctl number -> ENOTTY");
	r = ioctl(vm_fd, _IOWR(KVM_PPC_MMU_IO, 0x7f, struct kvm_ppc_mmu_caps), &c);
	ktap_result(r == -1 && errno == ENOTTY, "unknown ioctl number -> ENOTTY");
}

int main(void)
{
	struct kvm_ppc_mmu_caps caps;
	struct guest_vm vm;
	int r;

	ktap_start(NR_TESTS);
	r = ppcmmu_ensure_loaded();
	if (r) {
		ktap_skip_n(NR_TESTS, "kvm-ppc-mmu not loadable", "caps");
		ktap_finish();
	}
	r = guest_vm_create(&vm, 16 << 20);
	if (!ktap_result(r == 0, "create HV VM (r=%d)", r)) {
		ktap_skip_n(NR_TESTS - 1, "no VM", "caps");
		ktap_finish();
	}

	memset(&caps, 0, sizeof(caps));
	r = ioctl(vm.vm_fd, KVM_PPC_MMU_GET_CAPS, &caps);
	ktap_result(r == 0, "KVM_PPC_MMU_GET_CAPS succeeds (errno %d)", r ? errno : 0);
	check_against_kvm(&vm, &caps);		/* 11 */
	check_expected_host(&caps);		/* 1 */
	check_bad_arguments(vm.vm_fd);		/* 8 */
	guest_vm_destroy(&vm);
	check_preemptible_override(&caps);	/* 1 */
	check_kvm_hv_fixed_param();		/* 1 */

	/* Without the module the same call must say "not here": ENOTTY. */
	r = ppcmmu_ensure_unloaded();
	if (ktap_result(r == 0, "module unloaded (r=%d)", r) &&
	    !guest_vm_create(&vm, 16 << 20)) {
		memset(&caps, 0, sizeof(caps));
		r = ioctl(vm.vm_fd, KVM_PPC_MMU_GET_CAPS, &caps);
		ktap_result(r == -1 && errno == ENOTTY, "without the module: ENOTTY");
		ktap_result(is_hv_vm(vm.vm_fd), "VM created without module is an HV VM");
		/* A VM created before load sees the module appear. */
		r = ppcmmu_ensure_loaded();
		memset(&caps, 0, sizeof(caps));
		r = r ? r : ioctl(vm.vm_fd, KVM_PPC_MMU_GET_CAPS, &caps);
		ktap_result(r == 0 && caps.abi_version == KVM_PPC_MMU_ABI_VERSION,
			    "VM created before load answers once the module is in (r=%d)", r);
		ktap_result(is_hv_vm(vm.vm_fd),
			    "that VM is still an HV VM for KVM (is_kvmppc_hv_enabled)");
		guest_vm_destroy(&vm);
	} else {
		ktap_skip_n(4, "could not unload or create VM", "without module");
	}
	ktap_result(ppcmmu_ensure_loaded() == 0, "module loaded at the end");
	ktap_finish();
}
