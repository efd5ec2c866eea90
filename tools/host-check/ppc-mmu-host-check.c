// SPDX-License-Identifier: GPL-2.0
/*
 * ppc-mmu-host-check - can this POWER host run kvm-ppc-mmu guests, and how?
 *
 *   ppc-mmu-host-check [--json]
 *
 * For an admin (or a script, with --json) on the POWER9 host: the CPU and
 * its DD level, the host MMU, whether kvm-hv and kvm-ppc-mmu are loaded,
 * the module's version and ABI, and which guest MMU modes this host gives,
 * with the reason for each one it cannot give. The modes come from the
 * module itself (KVM_PPC_MMU_GET_CAPS on a scratch HV VM), never guessed
 * from the CPU; without the module, KVM-HV's own capabilities are shown.
 *
 * Exit status: 0 when a VMM can use the module here (kvm-hv and the module
 * loaded, /dev/kvm usable, ABI at least the one this tool was built for,
 * at least one guest mode); 1 otherwise, with the problems listed; 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/kvm_ppc_mmu.h>

#define MAX_PROBLEMS	8

struct host {
	char cpu[64], platform[32], mmu[16], version[32];
	uint32_t pvr;
	bool kvm_dev, kvm_hv, module, caps_ok;
	struct kvm_ppc_mmu_caps caps;
	int hv_radix, hv_hash;		/* KVM-HV's own caps, -1 unknown */
	const char *problems[MAX_PROBLEMS];
	int nr_problems;
};

static void problem(struct host *h, const char *what)
{
	if (h->nr_problems < MAX_PROBLEMS)
		h->problems[h->nr_problems++] = what;
}

/* The value after "key<spaces>: " in /proc/cpuinfo's first match. */
static void cpuinfo(const char *key, char *out, size_t size)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(out, size, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, key, strlen(key)) || !colon)
			continue;
		colon += 1 + strspn(colon + 1, " \t");
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(out, size, "%s", colon);
		break;
	}
	if (f)
		fclose(f);
}

static bool exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

static void read_line(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "r");

	snprintf(out, size, "unknown");
	if (f && fgets(out, size, f))
		out[strcspn(out, "\n")] = '\0';
	if (f)
		fclose(f);
}

static void probe(struct host *h)
{
	char rev[64], *p;
	int kvm, vm;

	cpuinfo("cpu", h->cpu, sizeof(h->cpu));
	h->cpu[strcspn(h->cpu, " ,")] = '\0';		/* "POWER9 (raw), altivec..." */
	cpuinfo("platform", h->platform, sizeof(h->platform));
	cpuinfo("MMU", h->mmu, sizeof(h->mmu));
	cpuinfo("revision", rev, sizeof(rev));		/* "2.2 (pvr 004e 1202)" */
	p = strstr(rev, "pvr ");
	if (p) {
		unsigned int hi, lo;

		if (sscanf(p, "pvr %x %x", &hi, &lo) == 2)
			h->pvr = hi << 16 | lo;
	}
	h->kvm_hv = exists("/sys/module/kvm_hv");
	h->module = exists("/sys/module/kvm_ppc_mmu");
	if (h->module)
		read_line("/sys/module/kvm_ppc_mmu/version", h->version, sizeof(h->version));
	h->hv_radix = h->hv_hash = -1;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	h->kvm_dev = kvm >= 0;
	if (!h->kvm_dev)
		return;
	vm = ioctl(kvm, KVM_CREATE_VM, KVM_VM_PPC_HV);
	if (vm >= 0) {
		h->hv_radix = ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_PPC_MMU_RADIX) > 0;
		h->hv_hash = ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_PPC_MMU_HASH_V3) > 0;
		h->caps_ok = !ioctl(vm, KVM_PPC_MMU_GET_CAPS, &h->caps);
		if (h->caps_ok && !h->pvr)
			h->pvr = h->caps.pvr;
		close(vm);
	}
	close(kvm);
}

/* Why this host cannot give @mode (KVM_PPC_MMU_GUEST_*), or NULL if it can. */
static const char *why_not(const struct host *h, uint64_t mode)
{
	uint64_t flags = h->caps.host_flags;

	if (!h->caps_ok)
		return "kvm-ppc-mmu not loaded";
	if (h->caps.guest_modes & mode)
		return NULL;
	if (mode == KVM_PPC_MMU_GUEST_RADIX)
		return "the host kernel runs hash (booted with disable_radix): radix guests need a radix host";
	if (mode == KVM_PPC_MMU_GUEST_CAS_SWITCH)
		return "the host cannot give both radix and hash, so there is nothing to choose at CAS";
	if (flags & KVM_PPC_MMU_HOST_NESTED_V2)
		return "nested KVM-HV through the PAPR nested API v2 (KVM in a PowerVM LPAR) runs radix guests only";
	if (flags & KVM_PPC_MMU_HOST_NESTED)
		return "nested KVM-HV (the host is itself a guest) runs radix guests only";
	if (flags & KVM_PPC_MMU_HOST_NO_MIXING)
		return "POWER9 before DD2.2 cannot run hash and radix threads on one core next to a radix host";
	if (flags & KVM_PPC_MMU_HOST_PREEMPTIBLE)
		return "the host kernel is preemptible, where this kvm-hv can hang a host CPU under a hash guest (tools/kvm-hv/build.sh --install builds one that cannot)";
	return "refused by KVM-HV on this host";
}

static const struct {
	const char *name;
	uint64_t bit;
} modes[] = {
	{ "radix", KVM_PPC_MMU_GUEST_RADIX },
	{ "hash", KVM_PPC_MMU_GUEST_HASH },
	{ "legacy", KVM_PPC_MMU_GUEST_LEGACY },
	{ "cas-switch", KVM_PPC_MMU_GUEST_CAS_SWITCH },
};

static void judge(struct host *h)
{
	if (!h->kvm_hv)
		problem(h, "kvm-hv is not loaded (modprobe kvm-hv)");
	if (!h->kvm_dev)
		problem(h, "/dev/kvm cannot be opened");
	if (!h->module)
		problem(h, "kvm-ppc-mmu is not loaded (modprobe kvm-ppc-mmu)");
	else if (!h->caps_ok)
		problem(h, "KVM_PPC_MMU_GET_CAPS failed on a fresh HV VM");
	if (h->caps_ok && h->caps.abi_version < KVM_PPC_MMU_ABI_VERSION)
		problem(h, "kvm-ppc-mmu's ABI is older than this tool's");
	if (h->caps_ok && !(h->caps.guest_modes & (KVM_PPC_MMU_GUEST_RADIX | KVM_PPC_MMU_GUEST_HASH)))
		problem(h, "no guest MMU mode is available");
}

/* How KVM-HV reaches the hypervisor below it: "none" on bare metal. */
static const char *nested_api(const struct host *h)
{
	if (!h->caps_ok || !(h->caps.host_flags & KVM_PPC_MMU_HOST_NESTED))
		return "none";
	return h->caps.host_flags & KVM_PPC_MMU_HOST_NESTED_V2 ? "v2" : "v1";
}

/*
 * Hash guests on a preemptible kernel, by the module's flag: its name in
 * the JSON and, where the kernel preempts, the text report's line. The
 * last row (no flag) is "not-needed": the kernel does not preempt kernel
 * code, or hash is not offered for another reason.
 */
static const struct {
	uint64_t flag;
	const char *name;
	const char *text;
} hash_preemptions[] = {
	{ KVM_PPC_MMU_HOST_KVM_HV_PREEMPT_SAFE, "kvm-hv-fixed",
	  "offered: kvm-hv runs their HPT hypercalls and faults with preemption off" },
	{ KVM_PPC_MMU_HOST_PREEMPT_FORCED, "forced",
	  "FORCED with an unfixed kvm-hv (allow_hash_on_preemptible_kernel=1)" },
	{ KVM_PPC_MMU_HOST_PREEMPTIBLE, "withheld", "withheld: this kvm-hv can hang a CPU under one" },
	{ 0, "not-needed", NULL },
};

static unsigned int hash_preemption(const struct host *h)
{
	uint64_t flags = h->caps_ok ? h->caps.host_flags : 0;
	unsigned int i = 0;

	while (hash_preemptions[i].flag && !(flags & hash_preemptions[i].flag))
		i++;
	return i;
}

static const char *host_mmu(const struct host *h)
{
	return !strcmp(h->mmu, "Radix") ? "radix" : !strcmp(h->mmu, "Hash") ? "hash" : "unknown";
}

static void print_text(const struct host *h)
{
	unsigned int i;

	printf("CPU:          %s, PVR 0x%08x (DD%u.%u), platform %s\n", h->cpu, h->pvr,
	       (h->pvr >> 8) & 0xf, h->pvr & 0xf, h->platform);
	printf("host MMU:     %s", host_mmu(h));
	if (strcmp(nested_api(h), "none"))
		printf(" (nested KVM-HV, PAPR nested API %s)", nested_api(h));
	printf("\n");
	printf("kvm-hv:       %s", h->kvm_hv ? "loaded" : "not loaded");
	if (h->hv_radix >= 0)
		printf(" (its own caps: radix %d, hash %d)", h->hv_radix, h->hv_hash);
	printf("\nkvm-ppc-mmu:  %s", h->module ? "loaded" : "not loaded");
	if (h->module)
		printf(", version %s", h->version);
	if (h->caps_ok)
		printf(", ABI %u%s%s", h->caps.abi_version,
		       h->caps.host_flags & KVM_PPC_MMU_HOST_MIXING_FORCED ?
		       ", hash/radix mixing FORCED (test hosts only)" : "",
		       h->caps.host_flags & KVM_PPC_MMU_HOST_PREEMPT_FORCED ?
		       ", hash FORCED on a preemptible kernel" : "");
	if (hash_preemptions[hash_preemption(h)].text)
		printf("\npreemption:   the kernel is preemptible; hash guests %s",
		       hash_preemptions[hash_preemption(h)].text);
	printf("\nguest modes:\n");
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		const char *why = why_not(h, modes[i].bit);

		printf("  %-11s %s%s\n", modes[i].name, why ? "no: " : "yes", why ? why : "");
	}
	for (i = 0; i < (unsigned int)h->nr_problems; i++)
		printf("problem:      %s\n", h->problems[i]);
	printf("verdict:      %s\n", h->nr_problems ? "NOT READY" : "ready");
}

static void print_json(const struct host *h)
{
	unsigned int i;

	printf("{\"cpu\":\"%s\",\"pvr\":\"0x%08x\",\"dd\":\"%u.%u\",\"platform\":\"%s\",",
	       h->cpu, h->pvr, (h->pvr >> 8) & 0xf, h->pvr & 0xf, h->platform);
	printf("\"host_mmu\":\"%s\",\"nested\":%s,\"nested_api\":\"%s\",\"kvm_hv\":%s,\"module\":%s,\"version\":\"%s\",",
	       host_mmu(h),
	       h->caps_ok && (h->caps.host_flags & KVM_PPC_MMU_HOST_NESTED) ? "true" : "false",
	       nested_api(h),
	       h->kvm_hv ? "true" : "false", h->module ? "true" : "false",
	       h->module ? h->version : "");
	printf("\"abi\":%u,\"hash_preemption\":\"%s\",\"guest_modes\":{",
	       h->caps_ok ? h->caps.abi_version : 0, hash_preemptions[hash_preemption(h)].name);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		const char *why = why_not(h, modes[i].bit);

		printf("%s\"%s\":{\"available\":%s", i ? "," : "", modes[i].name,
		       why ? "false" : "true");
		if (why)
			printf(",\"why\":\"%s\"", why);
		printf("}");
	}
	printf("},\"problems\":[");
	for (i = 0; i < (unsigned int)h->nr_problems; i++)
		printf("%s\"%s\"", i ? "," : "", h->problems[i]);
	printf("],\"ready\":%s}\n", h->nr_problems ? "false" : "true");
}

int main(int argc, char **argv)
{
	struct host h = { 0 };
	bool json = false;

	if (argc == 2 && !strcmp(argv[1], "--json"))
		json = true;
	else if (argc != 1) {
		fprintf(stderr, "usage: ppc-mmu-host-check [--json]\n");
		return 2;
	}
	probe(&h);
	judge(&h);
	if (json)
		print_json(&h);
	else
		print_text(&h);
	return h.nr_problems ? 1 : 0;
}
