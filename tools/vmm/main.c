// SPDX-License-Identifier: GPL-2.0
/*
 * ppc-mmu-vmm - the kvm-ppc-mmu reference VMM (see vmm.h for the map).
 *
 *   ppc-mmu-vmm --kernel vmlinux [--initrd initramfs.cpio] [--append "args"]
 *               [--mem MiB] [--snapshot-after TEXT [--save FILE]]
 *               [--reboot-append "args"] [--dt-check] [--timeout S] [--verbose]
 *   ppc-mmu-vmm --restore FILE [--mem MiB] [--timeout S] [--verbose]
 *
 * Boots the kernel through Linux's own prom_init: the guest starts with an
 * Open Firmware client interface (r5), negotiates its MMU through
 * ibm,client-architecture-support (answered by the module), registers its
 * process table (answered by the module, in the kernel) and runs. With
 * --snapshot-after, the first console line containing TEXT makes the VMM
 * save the whole VM (RAM, vcpu, MMU state through the module) and continue
 * it in a freshly created VM; with --save FILE it writes the VM to FILE
 * instead (tools/vmm/stream.h) and stops (exit 6). --restore FILE continues
 * the guest of such a file in a new VM, in this process: no kernel, the RAM
 * size from the file (a --mem that differs is refused); a stream that is
 * damaged or that this host cannot run is refused before anything is made
 * (exit 7), and a restored guest cannot reboot. A guest that asks for a
 * reboot (RTAS system-reboot) is reset and booted again in the same VM
 * (reset.c), with the --reboot-append command line if one was given. --dt-check adds a node
 * of edge-case properties and prints the device tree's digest when
 * prom_init is done with Open Firmware (tools/vmm/dt_digest.h). Exit
 * status: see VMM_EXIT_* in vmm.h.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "vmm.h"
#include "hpt_order.h"
#include "rma.h"

#define VMM_EXIT_TIMEOUT 5

static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

static void usage(void)
{
	fprintf(stderr, "Usage: ppc-mmu-vmm --kernel VMLINUX [--initrd FILE] [--append ARGS]\n"
			"       [--mem MiB] [--snapshot-after TEXT [--save FILE]] [--reboot-append ARGS]\n"
			"       [--dt-check] [--timeout SECONDS] [--verbose]\n"
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
		{ "snapshot-after", required_argument, NULL, 's' },
		{ "reboot-append", required_argument, NULL, 'r' },
		{ "dt-check", no_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "save", required_argument, NULL, 'S' },
		{ "restore", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long mib = 512;
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
		case 's':
			opt->snapshot_after = optarg;
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
		default:
			usage();
		}
	}
	if (optind != argc || mib < 64 || mib > 64 * 1024 || (opt->save_file && !opt->snapshot_after))
		usage();
	/* A restore boots nothing: the guest, its RAM size and MMU come from the file. */
	if (opt->restore_file ? opt->kernel || opt->initrd || opt->cmdline[0] || opt->snapshot_after ||
				opt->reboot_cmdline || opt->dt_check : !opt->kernel)
		usage();
	opt->ram_size = (uint64_t)mib << 20;
}

static int setup(struct vmm *vmm)
{
	if (vm_create(vmm) || vm_opt_in(vmm) || vcpu_create(vmm))
		return -1;
	/* The vcpu as KVM created it: what a reset goes back to. */
	vmm->power_on = vcpu_image_alloc();
	if (!vmm->power_on || vcpu_image_save(vmm, vmm->power_on))
		return -1;
	if (boot_prepare(vmm))
		return -1;
	printf("vmm: %llu MiB guest, kernel %s, host offers %s%s%s, module features 0x%llx\n",
	       (unsigned long long)(vmm->ram.size >> 20), vmm->opt.kernel,
	       vmm->caps.guest_modes & KVM_PPC_MMU_GUEST_RADIX ? "radix " : "",
	       vmm->caps.guest_modes & KVM_PPC_MMU_GUEST_HASH ? "hash " : "",
	       vmm->caps.guest_modes & KVM_PPC_MMU_GUEST_LEGACY ? "legacy-hash" : "",
	       (unsigned long long)vmm->features);
	return 0;
}

static void report_unexpected_exit(struct vmm *vmm)
{
	struct kvm_regs regs = { 0 };

	ioctl(vmm->vcpu_fd, KVM_GET_REGS, &regs);
	printf("vmm: unexpected exit reason %u at pc 0x%llx msr 0x%llx\n", vmm->run->exit_reason,
	       (unsigned long long)regs.pc, (unsigned long long)regs.msr);
	vmm->stop = true;
	vmm->exit_code = VMM_EXIT_GUEST_DIED;
}

static void run(struct vmm *vmm)
{
	while (!vmm->stop) {
		if (ioctl(vmm->vcpu_fd, KVM_RUN, 0)) {
			if (errno == EINTR && !timed_out)
				continue;
			if (timed_out) {
				struct kvm_regs regs = { 0 };
				uint64_t dar = 0;
				uint32_t dsisr = 0;

				/* Where a guest that hangs is stuck: for a fault loop, on what. */
				ioctl(vmm->vcpu_fd, KVM_GET_REGS, &regs);
				one_reg_get(vmm->vcpu_fd, KVM_REG_PPC_DAR, &dar);
				one_reg_get(vmm->vcpu_fd, KVM_REG_PPC_DSISR, &dsisr);
				printf("vmm: timed out; the vcpu was at pc 0x%llx lr 0x%llx msr 0x%llx (srr0 0x%llx srr1 0x%llx dar 0x%llx dsisr 0x%llx)\n",
				       (unsigned long long)regs.pc, (unsigned long long)regs.lr,
				       (unsigned long long)regs.msr, (unsigned long long)regs.srr0,
				       (unsigned long long)regs.srr1, (unsigned long long)dar,
				       (unsigned long long)dsisr);
				vmm->exit_code = VMM_EXIT_TIMEOUT;
			} else {
				perror("vmm: KVM_RUN");
				vmm->exit_code = VMM_EXIT_ERROR;
			}
			return;
		}
		switch (vmm->run->exit_reason) {
		case KVM_EXIT_PAPR_HCALL:
			hcall_exit(vmm);
			break;
		case KVM_EXIT_INTR:
			break;
		default:
			report_unexpected_exit(vmm);
			break;
		}
		if (vmm->reboot_due && !vmm->stop && vm_reset(vmm)) {
			vmm->exit_code = VMM_EXIT_ERROR;
			return;
		}
		if (vmm->con.triggered && !vmm->snapshot_done && !vmm->stop) {
			vmm->snapshot_done = true;
			if (vmm->opt.save_file ? migration_save(vmm) :
			    snapshot_restore_into_fresh_vm(vmm)) {
				vmm->exit_code = VMM_EXIT_ERROR;
				return;
			}
		}
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART: KVM_RUN returns */
	struct vmm vmm = { .kvm_fd = -1, .vm_fd = -1, .vcpu_fd = -1 };
	unsigned int timeout_s = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_options(&vmm.opt, &timeout_s, argc, argv);
	vmm.ram.size = vmm.opt.ram_size;
	vmm.con.trigger = vmm.opt.snapshot_after;
	/* The HPT order is the module's rule, the one it sizes hash guests by. */
	vmm.rma_size = vmm_rma_size(vmm.ram.size, vmm_vrma_page_shift(sysconf(_SC_PAGESIZE)),
				    ppcmmu_hpt_order_for_ram(vmm.ram.size));
	sigaction(SIGALRM, &sa, NULL);
	if (timeout_s)
		alarm(timeout_s);
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
	run(&vmm);
	vm_destroy(&vmm);
	free(vmm.power_on);
	printf("vmm: exit %d\n", vmm.exit_code);
	return vmm.exit_code;
}
