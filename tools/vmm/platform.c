// SPDX-License-Identifier: GPL-2.0
/*
 * The pseries device tree a Linux guest needs to boot to userspace with its
 * vcpus (one cpu node each, one thread per core as QEMU's default), KVM's
 * XICS (xics.c) and an hvc console. Values the host decides come from KVM
 * (page sizes) and from kvm-ppc-mmu (radix AP encodings, the platform's MMU
 * byte for CAS), never from guesses.
 */
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmm.h"

#define VTY_REG			0x71000000	/* the hvc terminal number, as QEMU's */
#define PA_RADIX_BYTE		40		/* ibm,pa-features byte 40 bit 0 */

/*
 * ibm,pa-features for an ISA 3.00 CPU: 2 header bytes (length, type 0), then
 * attribute bytes, PAPR numbering. Only what Linux 6.1 reads matters: byte 0
 * MMU|FPU|CTRL|NX, byte 5 real LE, byte 40 radix. Byte 1's CI-large-page bit
 * is left clear as QEMU's pseries does; TM (22) and DAWR1 (64) are not offered.
 */
static const uint8_t pa_features_300[2 + 66] = {
	66, 0,
	[2 + 0] = 0xf6, [2 + 1] = 0x1f, [2 + 2] = 0xc7, [2 + 3] = 0xc0, [2 + 5] = 0xf0,
	[2 + 6] = 0x80, [2 + 16] = 0x80, [2 + 18] = 0x80, [2 + 20] = 0x80,
	[2 + 26] = 0x80, [2 + PA_RADIX_BYTE] = 0x80,
};

/* Which hypercall sets Linux may use (PAPR "ibm,hypertas-functions"). */
static const char hypertas[] =
	"hcall-pft\0hcall-term\0hcall-dabr\0hcall-set-mode\0hcall-splpar";

static void dt_set_u64_cells(struct dt_node *n, const char *name, uint64_t a, uint64_t b)
{
	uint32_t cells[4] = { a >> 32, (uint32_t)a, b >> 32, (uint32_t)b };

	dt_set_cells(n, name, cells, 4);
}

/*
 * With KVM_PPC_PAGE_SIZES_REAL, KVM-HV maps a guest page only onto host
 * memory at least as large (H_ENTER of a 16M page over 64K host pages
 * fails): offer only sizes our RAM's backing pages (plain mmap) can hold.
 */
static bool page_size_usable(const struct kvm_ppc_smmu_info *info, uint32_t shift)
{
	return !(info->flags & KVM_PPC_PAGE_SIZES_REAL) ||
	       (1UL << shift) <= (unsigned long)sysconf(_SC_PAGESIZE);
}

/* ibm,segment-page-sizes from KVM's own view of the hash MMU page sizes. */
static void add_segment_page_sizes(struct vmm *vmm, struct dt_node *cpu)
{
	struct kvm_ppc_smmu_info info = { 0 };
	uint32_t cells[256];
	int n = 0, i, j;

	if (ioctl(vmm->vm_fd, KVM_PPC_GET_SMMU_INFO, &info)) {
		perror("vmm: KVM_PPC_GET_SMMU_INFO");
		return;
	}
	for (i = 0; i < KVM_PPC_PAGE_SIZES_MAX_SZ && info.sps[i].page_shift; i++) {
		int count_at;

		if (!page_size_usable(&info, info.sps[i].page_shift))
			continue;
		if (n + 3 > (int)ARRAY_SIZE(cells))
			break;
		cells[n++] = info.sps[i].page_shift;
		cells[n++] = info.sps[i].slb_enc;
		count_at = n++;
		cells[count_at] = 0;
		for (j = 0; j < KVM_PPC_PAGE_SIZES_MAX_SZ && info.sps[i].enc[j].page_shift; j++) {
			if (!page_size_usable(&info, info.sps[i].enc[j].page_shift))
				continue;
			if (n + 2 > (int)ARRAY_SIZE(cells))
				break;
			cells[n++] = info.sps[i].enc[j].page_shift;
			cells[n++] = info.sps[i].enc[j].pte_enc;
			cells[count_at]++;
		}
	}
	dt_set_cells(cpu, "ibm,segment-page-sizes", cells, n);
	if (info.slb_size)
		dt_set_u32(cpu, "ibm,slb-size", info.slb_size);
}

/*
 * RAM as QEMU's spapr describes it: memory@0 is the RMA, as Linux reads
 * it (rma.c); the rest follows in power-of-two nodes, largest first,
 * because a pseries guest without dynamic-reconfiguration-memory takes
 * its memory block size from the node after memory@0 and panics ("Memory
 * block size not suitable") if that is not a power of two.
 */
static void add_memory_nodes(struct vmm *vmm, struct dt_node *root)
{
	uint64_t start = 0, size = vmm->rma_size;
	char name[32];

	while (start < vmm->ram.size) {
		struct dt_node *mem;

		snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)start);
		mem = dt_add_node(root, name);
		dt_set_string(mem, "device_type", "memory");
		dt_set_u64_cells(mem, "reg", start, size);
		start += size;
		for (size = 1ULL << 62; size > vmm->ram.size - start; size >>= 1)
			;
	}
}

static void add_cpu(struct vmm *vmm, struct dt_node *cpus, struct vcpu *vcpu)
{
	static const uint32_t seg_sizes[] = { 28, 40, 0xffffffff, 0xffffffff };
	struct dt_node *cpu;
	char name[32];

	snprintf(name, sizeof(name), "PowerPC,POWER9@%x", vcpu->id);
	cpu = dt_add_node(cpus, name);
	vcpu->node = cpu;
	dt_set_string(cpu, "device_type", "cpu");
	dt_set_u32(cpu, "reg", vcpu->id);
	dt_set_u32(cpu, "ibm,ppc-interrupt-server#s", vcpu->id);
	dt_set_u32(cpu, "cpu-version", vmm->caps.pvr);
	dt_set_u32(cpu, "timebase-frequency", VMM_TIMEBASE_HZ);
	dt_set_u32(cpu, "clock-frequency", 1000000000);
	dt_set_u32(cpu, "d-cache-block-size", 128);
	dt_set_u32(cpu, "i-cache-block-size", 128);
	dt_set_u32(cpu, "d-cache-line-size", 128);
	dt_set_u32(cpu, "i-cache-line-size", 128);
	dt_set_u32(cpu, "d-cache-size", 0x8000);
	dt_set_u32(cpu, "i-cache-size", 0x8000);
	dt_set_u32(cpu, "ibm,vmx", 2);
	dt_set_u32(cpu, "ibm,dfp", 1);
	dt_set_u32(cpu, "ibm,purr", 1);
	dt_set_u32(cpu, "ibm,spurr", 1);
	dt_set_prop(cpu, "64-bit", NULL, 0);
	dt_set_cells(cpu, "ibm,processor-segment-sizes", seg_sizes, 4);
	add_segment_page_sizes(vmm, cpu);
	dt_set_prop(cpu, "ibm,pa-features", pa_features_300, sizeof(pa_features_300));
	/* From the module: empty when this host cannot run radix guests. */
	if (vmm->caps.nr_ap_encodings)
		dt_set_cells(cpu, "ibm,processor-radix-AP-encodings", vmm->caps.ap_encodings,
			     vmm->caps.nr_ap_encodings);
}

/* Every cpu node says the same HPT size, as PAPR's ibm,pft-size is per cpu. */
void platform_set_hpt_order(struct vmm *vmm, uint32_t order)
{
	uint32_t pft[2] = { 0, order };
	int i;

	for (i = 0; order && i < vmm->nr_vcpus; i++)
		dt_set_cells(vmm->vcpu[i].node, "ibm,pft-size", pft, 2);
}

/* The legacy-guest workaround: such kernels must not see the radix bit. */
void platform_hide_radix(struct vmm *vmm)
{
	int i;

	for (i = 0; i < vmm->nr_vcpus; i++) {
		struct dt_prop *p = dt_get_prop(vmm->vcpu[i].node, "ibm,pa-features");

		if (p && p->len > 2 + PA_RADIX_BYTE)
			p->val[2 + PA_RADIX_BYTE] &= ~0x80;
	}
}

/*
 * --dt-check: properties at the edges of what prom_init reads, so the
 * fidelity check covers them whatever the real nodes happen to hold: names
 * of 1, 31 (IEEE 1275's limit), 32, 33 and 63 (prom_init's limit)
 * characters, values of 0, 1, 3, 4 and 4097 bytes and 32 KiB.
 */
void platform_add_fidelity_node(struct vmm *vmm)
{
	static const int name_lens[] = { 1, 31, 32, 33, 63 };
	static const uint32_t val_lens[] = { 0, 1, 3, 4, 4097, 32768 };
	struct dt_node *n = dt_add_node(vmm->dt, "vmm-fidelity");
	static uint8_t val[32768];
	char name[64];
	unsigned int i;

	for (i = 0; i < sizeof(val); i++)
		val[i] = i * 31 + (i >> 8);
	for (i = 0; i < ARRAY_SIZE(name_lens); i++) {
		snprintf(name, sizeof(name), "%-*.*s", name_lens[i], name_lens[i],
			 "name-of-length-N.");
		memset(name + 17, 'a' + i, name_lens[i] > 17 ? name_lens[i] - 17 : 0);
		name[name_lens[i]] = '\0';
		dt_set_prop(n, name, val + i, 4);
	}
	for (i = 0; i < ARRAY_SIZE(val_lens); i++) {
		snprintf(name, sizeof(name), "value-of-%u-bytes", val_lens[i]);
		dt_set_prop(n, name, val, val_lens[i]);
	}
}

/* OV5 byte 24 of ibm,arch-vec-5-platform-support: the MMUs a guest may ask for at CAS. */
static uint8_t cas_mmu_byte24(const struct kvm_ppc_mmu_caps *caps)
{
	bool radix = caps->guest_modes & KVM_PPC_MMU_GUEST_RADIX;
	bool hash = caps->guest_modes & KVM_PPC_MMU_GUEST_HASH;

	if (radix && hash)
		return 0x80;	/* either */
	return radix ? 0x40 : 0x00;
}

int platform_build_tree(struct vmm *vmm)
{
	struct dt_node *root = dt_new_root(), *cpus, *vdev;
	uint8_t platform[] = { 24, cas_mmu_byte24(&vmm->caps), 26, 0x40 };
	struct kvm_ppc_mmu_state st = { 0 };
	int i;

	vmm->dt = root;
	dt_set_u32(root, "#address-cells", 2);
	dt_set_u32(root, "#size-cells", 2);
	/* "chrp" plus /rtas with ibm,hypertas-functions: what makes Linux a pSeries LPAR. */
	dt_set_string(root, "device_type", "chrp");
	dt_set_string(root, "compatible", "kvm-ppc-mmu,reference-vmm");
	dt_set_string(root, "model", "kvm-ppc-mmu reference VMM");

	vmm->chosen = dt_add_node(root, "chosen");
	dt_set_string(vmm->chosen, "bootargs", vmm->opt.cmdline);
	/* What the guest may ask for at CAS: byte 24 the MMU, byte 26 bit 0x40 GTSE. */
	dt_set_prop(vmm->chosen, "ibm,arch-vec-5-platform-support", platform, sizeof(platform));

	cpus = dt_add_node(root, "cpus");
	dt_set_u32(cpus, "#address-cells", 1);
	dt_set_u32(cpus, "#size-cells", 0);
	for (i = 0; i < vmm->nr_vcpus; i++)
		add_cpu(vmm, cpus, &vmm->vcpu[i]);
	/* The HPT as it is now (none yet on a radix VM); CAS updates it. */
	ioctl(vmm->vm_fd, KVM_PPC_MMU_GET_STATE, &st);
	platform_set_hpt_order(vmm, st.hpt_order);

	add_memory_nodes(vmm, root);

	xics_add_node(vmm);

	vmm->rtas_node = dt_add_node(root, "rtas");
	dt_set_prop(vmm->rtas_node, "ibm,hypertas-functions", hypertas, sizeof(hypertas));
	dt_set_u32(vmm->rtas_node, "rtas-size", sizeof(rtas_blob));
	dt_set_u32(vmm->rtas_node, "rtas-version", 1);
	rtas_add_tokens(vmm, vmm->rtas_node);

	vdev = dt_add_node(root, "vdevice");
	dt_set_string(vdev, "device_type", "vdevice");
	dt_set_string(vdev, "compatible", "IBM,vdevice");
	dt_set_u32(vdev, "#address-cells", 1);
	dt_set_u32(vdev, "#size-cells", 0);
	vmm->vty_node = dt_add_node(vdev, "vty@71000000");
	dt_set_string(vmm->vty_node, "device_type", "serial");
	dt_set_string(vmm->vty_node, "compatible", "hvterm1");
	dt_set_u32(vmm->vty_node, "reg", VTY_REG);
	return 0;
}
