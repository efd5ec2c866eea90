/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ppc-mmu-vmm: the reference VMM. It boots an unmodified Linux pseries guest
 * under KVM-HV with the guest's MMU work (CAS, H_REGISTER_PROC_TBL, HPT
 * sizing) done by the kvm-ppc-mmu module. One file per concern, and files
 * depend one way: each uses only files on lines above it, so the VMM reads
 * top to bottom (tools/stages/vmm-layers.sh fails on any loop).
 *   guest_mem.c  guest real address -> host pointer, RAM itself (own header)
 *   console.c    the guest's console and hvterm hypercalls (own header)
 *   devtree.c    the device tree the guest's Open Firmware walks (own header)
 *   rma.c        how much RAM real mode reaches (own header)
 *   stream.c     the --save/--restore stream's format, no KVM (own header)
 *   vmm.h        struct vmm, this map, the prototypes below
 *   xics.c       KVM's in-kernel interrupt controller (XICS; on a XIVE host
 *                KVM's XICS-on-XIVE) and its device-tree node
 *   kvm_vm.c     VM, vcpus, ONE_REG, opting in to the module
 *   vcpu_sync.c  the VMM lock's rules: kicking vcpus out of KVM_RUN,
 *                pausing all but one, stopping the VM
 *   loader.c     kernel ELF and initramfs into guest RAM
 *   rtas.c       the few RTAS calls Linux needs, start-cpu and stop-self
 *   platform.c   what goes in the tree: cpus, memory, /chosen, /rtas, the vty
 *   snapshot.c   every register of a vcpu; the VM saved, restored afresh
 *                (the HPT through tools/lib/ppcmmu/htab_stream.c)
 *   migration.c  --save/--restore: a snapshot to a stream and back, across
 *                VMM processes, checked whole before anything is made of it
 *   cas.c        ibm,client-architecture-support through the module
 *   of_client.c  the Open Firmware client interface prom_init calls
 *   hcall.c      hypercalls KVM-HV passes up, each to the file that owns it
 *   boot.c       power-on: kernel, tree, Open Firmware, entry registers
 *   reset.c      system-reboot: the same VM back to power-on, MMU included
 *   cpus.c       one thread per vcpu: KVM_RUN, exits, parking
 *   main.c       options, setup, waiting for the end
 * Threads: each vcpu has its own thread (cpus.c) and runs KVM_RUN without
 * the VMM lock (vmm->lock); everything else, every exit's handling included,
 * holds it, so the VMM's state is only ever touched by one thread at a time.
 * A vcpu that is not in KVM_RUN is "parked" (stopped by RTAS, or paused so
 * another may change it); vcpu_sync.c explains the rules.
 * Everything the guest hands us (addresses, lengths, strings) is checked
 * against guest RAM before use: a bad guest can only break itself.
 */
#ifndef PPCMMU_VMM_H
#define PPCMMU_VMM_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/kvm.h>
#include <linux/kvm_ppc_mmu.h>

#include "console.h"
#include "devtree.h"
#include "guest_mem.h"
#include "papr.h"		/* kmod/logic: PAPR return codes, checked against the kernel's */

/* VMM exit codes: what the scenario tests check besides the console. */
#define VMM_EXIT_POWER_OFF	0	/* the guest powered off (RTAS power-off) */
#define VMM_EXIT_ERROR		1	/* the VMM could not do its job */
#define VMM_EXIT_USAGE		2
#define VMM_EXIT_CAS_REFUSED	3	/* CAS asked for an MMU this host cannot give */
#define VMM_EXIT_GUEST_DIED	4	/* os-term or a guest fault */
/* 5: timeout (main.c) */
#define VMM_EXIT_SAVED		6	/* --save: the stream is written, the guest not continued */
#define VMM_EXIT_RESTORE_REFUSED 7	/* --restore: a stream refused; nothing was run */

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* A vcpu's MSR at power-on and at RTAS start-cpu: 64-bit, machine checks on. */
#define MSR_SF			(1ULL << 63)
#define MSR_ME			(1ULL << 12)
#define MSR_LE			(1ULL << 0)
/* POWER9's timebase, as the cpu nodes tell the guest (platform.c). */
#define VMM_TIMEBASE_HZ		512000000ULL
/* The signal that kicks a vcpu thread out of KVM_RUN (vcpu_sync.c, cpus.c). */
#define VMM_SIG_KICK		SIGUSR1

struct vcpu_image;

#define VMM_MAX_CLAIMS		64
#define VMM_MAX_INSTANCES	32
#define VMM_MAX_VCPUS		16
#define VMM_DEFAULT_VCPUS	4

struct of_claim {
	uint64_t start, size;
};

/* An ihandle: an "open" instance of a device-tree node. */
struct of_instance {
	uint32_t ihandle;
	struct dt_node *node;
};

struct vmm_options {
	const char *kernel, *initrd, *cmdline;
	uint64_t ram_size;
	uint64_t hpt_ram_size;		/* --hpt-ram: the HPT's sizing basis, 0 = RAM */
	int nr_vcpus;			/* --smp: 1..VMM_MAX_VCPUS */
	const char *snapshot_after;	/* console text that triggers save/restore */
	const char *live_copy_after;	/* console text that starts the live copy */
	const char *reboot_cmdline;	/* kernel command line after a reboot */
	const char *save_file;		/* --save: written at the snapshot trigger */
	const char *restore_file;	/* --restore: the VM comes from it, no kernel */
	bool mem_given;			/* --mem was on the command line */
	bool dt_check;			/* fidelity node, and the tree's digest at quiesce */
	bool no_module;			/* run without kvm-ppc-mmu: CAS in the VMM is refused */
	bool verbose;
};

/*
 * One vcpu: KVM's and its thread's. Fields other than fd/run/thread are
 * guarded by the VMM lock.
 */
struct vcpu {
	struct vmm *vmm;
	int id;				/* KVM vcpu id = XICS server = cpu node reg */
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool thread_started;
	bool started;			/* running guest code: vcpu 0 at boot, others after start-cpu */
	bool hcall_pending;		/* answered, KVM loads the answer on the next KVM_RUN */
	struct dt_node *node;		/* its cpu node in the device tree */
	struct vcpu_image *power_on;	/* its registers as created, for reset */
};

struct vmm {
	struct vmm_options opt;
	int kvm_fd, vm_fd, xics_fd;
	int nr_vcpus;
	struct vcpu vcpu[VMM_MAX_VCPUS];
	size_t run_size;

	pthread_mutex_t lock;		/* the VMM lock: see the map above */
	pthread_cond_t changed;		/* parked vcpus and waiters wake on it */
	int pause_requests;		/* > 0: every vcpu but the requester parks */
	int nr_parked;
	struct guest_mem ram;
	uint64_t rma_size;		/* real-mode reachable RAM from 0 (rma.c) */

	struct kvm_ppc_mmu_caps caps;
	uint64_t features;		/* what we opted the VM in to */
	struct kvm_ppc_mmu_cas cas;	/* what CAS decided (cas_done), for --save */
	bool cas_done;

	struct dt_node *dt;		/* the device tree, changed by CAS */
	struct dt_node *chosen, *rtas_node, *vty_node;

	/* Open Firmware client interface state */
	struct of_claim claims[VMM_MAX_CLAIMS];
	int nr_claims;
	struct of_instance instances[VMM_MAX_INSTANCES];
	int nr_instances;
	uint32_t of_entry, rtas_blob_gpa;
	uint32_t stdout_ihandle;
	bool of_quiesced;		/* prom_init is done with Open Firmware */

	/* Kernel and initrd placement, for the entry registers */
	uint64_t kernel_entry, kernel_end, initrd_start, initrd_size;

	struct console con;		/* its triggers: opt.snapshot_after, opt.live_copy_after */
	bool snapshot_done;
	struct live_copy *live;		/* the live copy under way or done (live_copy.c) */
	/* A switch of the module's answered busy and retried (cas.c, reset.c) */
	unsigned long switch_busy;

	int boots;			/* 1 on the first boot */
	bool reboot_due;		/* the guest asked for system-reboot */

	bool stop;
	int exit_code;
};

/* xics.c */
int xics_create(struct vmm *vmm);
int xics_connect(struct vcpu *vcpu);
void xics_add_node(struct vmm *vmm);

/* kvm_vm.c */
int vm_create(struct vmm *vmm);
int vm_opt_in(struct vmm *vmm);
int vcpus_create(struct vmm *vmm);
int vcpu_set_entry(struct vcpu *vcpu, uint64_t pc, uint64_t msr, uint64_t r1,
		   uint64_t r3, uint64_t r4, uint64_t r5);
int vcpu_complete_hcall(struct vcpu *vcpu);
int one_reg_get(int vcpu_fd, uint64_t id, void *val);
int one_reg_set(int vcpu_fd, uint64_t id, const void *val);
int one_reg_set_all(struct vmm *vmm, uint64_t id, const void *val);
int lpcr_update(struct vmm *vmm, uint64_t mask, uint64_t bits);
int ram_log_dirty(struct vmm *vmm, bool on);
void vm_destroy(struct vmm *vmm);

/* vcpu_sync.c: all with the VMM lock held */
void vcpu_kick(struct vcpu *vcpu);
void vmm_stop(struct vmm *vmm, int exit_code);
int vcpus_pause_others(struct vcpu *self);
void vcpus_resume_others(struct vcpu *self);
int vcpus_pause_all(struct vmm *vmm);
void vcpus_resume_all(struct vmm *vmm);
int vmm_retry_busy(struct vmm *vmm, const char *what, unsigned int *tries);

/* live_copy.c */
int live_copy_start(struct vmm *vmm);
int live_copy_finish(struct vmm *vmm);

/* loader.c */
int load_kernel(struct vmm *vmm, const char *path);
int load_initrd(struct vmm *vmm, const char *path, uint64_t gpa);

/* rtas.c */
extern const uint32_t rtas_blob[5];
long rtas_call(struct vcpu *caller, uint64_t args_gpa);
void rtas_add_tokens(struct vmm *vmm, struct dt_node *rtas);

/* platform.c */
int platform_build_tree(struct vmm *vmm);
void platform_add_fidelity_node(struct vmm *vmm);
void platform_set_hpt_order(struct vmm *vmm, uint32_t order);
void platform_hide_radix(struct vmm *vmm);

/* snapshot.c */
int snapshot_restore_into_fresh_vm(struct vmm *vmm);
/* Every register KVM holds for the vcpu: REGS, SREGS and the ONE_REGs. */
struct vcpu_image *vcpu_image_alloc(void);
int vcpu_image_save(struct vcpu *vcpu, struct vcpu_image *img);
int vcpu_image_load(struct vcpu *vcpu, const struct vcpu_image *img);

/* migration.c: 0, or the exit status (restore); -1 on failure (save) */
int migration_save(struct vmm *vmm);
int migration_restore(struct vmm *vmm);

/* cas.c */
int cas_negotiate(struct vcpu *caller, uint64_t vec_gpa, uint32_t *ret);

/* of_client.c */
void of_client_init(struct vmm *vmm, uint64_t fw_base, uint64_t fw_size);
long of_client_call(struct vcpu *caller, uint64_t args_gpa);
uint32_t of_open_node(struct vmm *vmm, struct dt_node *node);

/* hcall.c */
void hcall_exit(struct vcpu *vcpu);

/* boot.c: kernel, initrd, device tree and Open Firmware, then the entry registers */
int boot_prepare(struct vmm *vmm);

/* reset.c */
int vm_reset(struct vmm *vmm);

/* cpus.c */
void vcpus_start_threads(struct vmm *vmm);
void vcpus_join_threads(struct vmm *vmm);

#endif
