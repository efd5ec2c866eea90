// SPDX-License-Identifier: GPL-2.0
/*
 * ppc-mmu-vmm - the kvm-ppc-mmu reference VMM (see vmm.h for the map).
 *
 *   ppc-mmu-vmm --kernel vmlinux [--initrd initramfs.cpio] [--append "args"]
 *               [--mem MiB] [--smp N] [--snapshot-after TEXT [--save FILE]]
 *               [--live-copy-after TEXT] [--reboot-append "args"] [--dt-check]
 *               [--hpt-ram MiB] [--timeout S] [--verbose]
 *   ppc-mmu-vmm --restore FILE [--mem MiB] [--timeout S] [--verbose]
 *
 * Boots the kernel through Linux's own prom_init: the guest starts with an
 * Open Firmware client interface (r5), negotiates its MMU through
 * ibm,client-architecture-support (answered by the module), registers its
 * process table (answered by the module, in the kernel) and runs. It has
 * --smp vcpus (default 4), one thread each (cpus.c), with KVM's in-kernel
 * interrupt controller (xics.c); vcpu 0 boots, the guest starts the others
 * with RTAS start-cpu. With
 * --snapshot-after, the first console line containing TEXT makes the VMM
 * save the whole VM (RAM, vcpu, MMU state through the module) and continue
 * it in a freshly created VM; with --save FILE it writes the VM to FILE
 * instead (tools/vmm/stream.h) and stops (exit 6). --restore FILE continues
 * the guest of such a file in a new VM, in this process: no kernel, the RAM
 * size from the file (a --mem that differs is refused); a stream that is
 * damaged or that this host cannot run is refused before anything is made
 * (exit 7), and a restored guest cannot reboot. A guest that asks for a
 * reboot (RTAS system-reboot) is reset and booted again in the same VM
 * (reset.c), with the --reboot-append command line if one was given.
 * --live-copy-after TEXT copies RAM with dirty logging while the guest runs,
 * as a live migration does, and checks the copy (live_copy.c). --dt-check adds a node
 * of edge-case properties and prints the device tree's digest when
 * prom_init is done with Open Firmware (tools/vmm/dt_digest.h). --hpt-ram
 * sizes a hash guest's HPT for that much RAM instead of --mem, as QEMU sizes
 * it from maxmem (KVM_PPC_MMU_SET_HPT_ORDER). Exit
 * status: see VMM_EXIT_* in vmm.h.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "vmm.h"
#include "hpt_order.h"
#include "rma.h"

#define VMM_EXIT_TIMEOUT 5

static void usage(void)
{
	fprintf(stderr, "Usage: ppc-mmu-vmm --kernel VMLINUX [--initrd FILE] [--append ARGS]\n"
			"       [--mem MiB] [--smp VCPUS] [--snapshot-after TEXT [--save FILE]]\n"
			"       [--live-copy-after TEXT] [--reboot-append ARGS] [--dt-check]\n"
			"       [--hpt-ram MiB] [--timeout SECONDS] [--verbose]\n"
			"   or: ppc-mmu-vmm --restore FILE [--mem MiB] [--timeout SECONDS] [--verbose]\n");
	exit(VMM_EXIT_USAGE);
}

static void parse_options(struct vmm_options *opt, unsigned int *timeout_s, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "append", required_argument, NULL, 'a' },
		{ "mem", required_argument, NULL, 'm' },
		{ "smp", required_argument, NULL, 'c' },
		{ "snapshot-after", required_argument, NULL, 's' },
		{ "live-copy-after", required_argument, NULL, 'l' },
		{ "reboot-append", required_argument, NULL, 'r' },
		{ "dt-check", no_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "save", required_argument, NULL, 'S' },
		{ "restore", required_argument, NULL, 'R' },
		{ "hpt-ram", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long mib = 512, vcpus = VMM_DEFAULT_VCPUS, hpt_mib = 0;
	int c;

	opt->cmdline = "";
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			opt->kernel = optarg;
			break;
		case 'i':
			opt->initrd = optarg;
			break;
		case 'a':
			opt->cmdline = optarg;
			break;
		case 'm':
			mib = strtoul(optarg, NULL, 0);
			opt->mem_given = true;
			break;
		case 'S':
			opt->save_file = optarg;
			break;
		case 'R':
			opt->restore_file = optarg;
			break;
		case 'c':
			vcpus = strtoul(optarg, NULL, 0);
			break;
		case 's':
			opt->snapshot_after = optarg;
			break;
		case 'l':
			opt->live_copy_after = optarg;
			break;
		case 'r':
			opt->reboot_cmdline = optarg;
			break;
		case 'd':
			opt->dt_check = true;
			break;
		case 't':
			*timeout_s = strtoul(optarg, NULL, 0);
			break;
		case 'v':
			opt->verbose = true;
			break;
		case 'H':
			hpt_mib = strtoul(optarg, NULL, 0);
			if (hpt_mib < 1 || hpt_mib > 64UL << 20)	/* up to 64 TiB */
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc || mib < 64 || mib > 64 * 1024 || vcpus < 1 || vcpus > VMM_MAX_VCPUS ||
	    (opt->save_file && !opt->snapshot_after))
		usage();
	/* A restore boots nothing: the guest, its RAM size and MMU come from the file. */
	if (opt->restore_file ? opt->kernel || opt->initrd || opt->cmdline[0] || opt->snapshot_after ||
				opt->live_copy_after || opt->reboot_cmdline || opt->dt_check ||
				hpt_mib :
				!opt->kernel)
		usage();
	opt->ram_size = (uint64_t)mib << 20;
	opt->hpt_ram_size = (uint64_t)hpt_mib << 20;
	opt->nr_vcpus = vcpus;
}

static int setup(struct vmm *vmm)
{
	int i;

	if (vm_create(vmm) || vm_opt_in(vmm) || vcpus_create(vmm))
		return -1;
	/* Each vcpu as KVM created it: what a reset goes back to. */
	for (i = 0; i < vmm->nr_vcpus; i++) {
		vmm->vcpu[i].power_on = vcpu_image_alloc();
		if (!vmm->vcpu[i].power_on || vcpu_image_save(&vmm->vcpu[i], vmm->vcpu[i].power_on))
			return -1;
	}
	if (boot_prepare(vmm))
		return -1;
	printf("vmm: %llu MiB guest, %d vcpus, kernel %s, host offers %s%s%s, module features 0x%llx\n",
	       (unsigned long long)(vmm->ram.size >> 20), vmm->nr_vcpus, vmm->opt.kernel,
	       vmm->caps.guest_modes & KVM_PPC_MMU_GUEST_RADIX ? "radix " : "",
	       vmm->caps.guest_modes & KVM_PPC_MMU_GUEST_HASH ? "hash " : "",
	       vmm->caps.guest_modes & KVM_PPC_MMU_GUEST_LEGACY ? "legacy-hash" : "",
	       (unsigned long long)vmm->features);
	return 0;
}

/* Where each vcpu of a guest that hangs is stuck: for a fault loop, on what. */
static void report_timeout(struct vmm *vmm)
{
	int i;

	for (i = 0; i < vmm->nr_vcpus; i++) {
		struct vcpu *vcpu = &vmm->vcpu[i];
		struct kvm_regs regs = { 0 };
		uint64_t dar = 0;
		uint32_t dsisr = 0;

		if (!vcpu->started)
			continue;
		ioctl(vcpu->fd, KVM_GET_REGS, &regs);
		one_reg_get(vcpu->fd, KVM_REG_PPC_DAR, &dar);
		one_reg_get(vcpu->fd, KVM_REG_PPC_DSISR, &dsisr);
		printf("vmm: timed out; vcpu %d was at pc 0x%llx lr 0x%llx msr 0x%llx (srr0 0x%llx srr1 0x%llx dar 0x%llx dsisr 0x%llx)\n",
		       i, (unsigned long long)regs.pc, (unsigned long long)regs.lr,
		       (unsigned long long)regs.msr, (unsigned long long)regs.srr0,
		       (unsigned long long)regs.srr1, (unsigned long long)dar,
		       (unsigned long long)dsisr);
	}
}

/* The vcpu threads run the guest; this one waits for the end or the timeout. */
static void run(struct vmm *vmm, unsigned int timeout_s)
{
	struct timespec deadline;
	bool timed_out = false;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_s;
	vcpus_start_threads(vmm);	/* on failure the VM is stopped: join what started */
	pthread_mutex_lock(&vmm->lock);
	while (!vmm->stop) {
		if (!timeout_s) {
			pthread_cond_wait(&vmm->changed, &vmm->lock);
		} else if (pthread_cond_timedwait(&vmm->changed, &vmm->lock, &deadline) == ETIMEDOUT) {
			timed_out = !vmm->stop;
			vmm_stop(vmm, VMM_EXIT_TIMEOUT);
		}
	}
	pthread_mutex_unlock(&vmm->lock);
	vcpus_join_threads(vmm);
	if (timed_out)
		report_timeout(vmm);
}

int main(int argc, char **argv)
{
	struct vmm vmm = {
		.kvm_fd = -1, .vm_fd = -1, .xics_fd = -1,
		.lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER,
	};
	unsigned int timeout_s = 0;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_options(&vmm.opt, &timeout_s, argc, argv);
	vmm.ram.size = vmm.opt.ram_size;
	vmm.con.trigger = vmm.opt.snapshot_after;
	vmm.con.live_trigger = vmm.opt.live_copy_after;
	/* The HPT order is the module's rule, the one it sizes hash guests by. */
	vmm.rma_size = vmm_rma_size(vmm.ram.size, vmm_vrma_page_shift(sysconf(_SC_PAGESIZE)),
				    ppcmmu_hpt_order_for_ram(vmm.ram.size));
	if (vmm.opt.restore_file) {
		int r = migration_restore(&vmm);

		if (r) {
			vm_destroy(&vmm);
			printf("vmm: exit %d\n", r);
			return r;
		}
	} else if (setup(&vmm)) {
		vm_destroy(&vmm);
		return VMM_EXIT_ERROR;
	}
	run(&vmm, timeout_s);
	if (live_copy_finish(&vmm) && !vmm.exit_code)
		vmm.exit_code = VMM_EXIT_ERROR;
	vm_destroy(&vmm);
	for (i = 0; i < VMM_MAX_VCPUS; i++)
		free(vmm.vcpu[i].power_on);
	printf("vmm: exit %d\n", vmm.exit_code);
	return vmm.exit_code;
}
