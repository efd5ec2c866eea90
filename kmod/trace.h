/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of kvm-ppc-mmu, trace system "ppc_mmu" (tracefs
 * events/ppc_mmu/). CREATE_TRACE_POINTS is defined in main.c only.
 *
 * Every event names the VM by the module's number for it (vm=, also the
 * "vm:" line of its debugfs state file) and the process that brought it to
 * the module (pid=); events about a VM the module does not know (an ioctl
 * refused before it was pinned) carry vm=0 and the caller's pid. Values the
 * guest chose (hypercall arguments, vector bytes) are recorded as numbers
 * and never interpreted here.
 */
#undef TRACE_SYSTEM
#ifdef PPCMMU_TRACE_SYSTEM	/* a twin build (Kbuild) */
#define TRACE_SYSTEM PPCMMU_TRACE_SYSTEM
#else
#define TRACE_SYSTEM ppc_mmu
#endif

#if !defined(PPCMMU_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define PPCMMU_TRACE_H

#include <linux/tracepoint.h>

#include "ppc_mmu.h"
#include "logic/cas_decide.h"

TRACE_DEFINE_ENUM(PPCMMU_CAUSE_NONE);
TRACE_DEFINE_ENUM(PPCMMU_CAUSE_ENTRY);
TRACE_DEFINE_ENUM(PPCMMU_CAUSE_CAS);
TRACE_DEFINE_ENUM(PPCMMU_CAUSE_PROC_TBL);
TRACE_DEFINE_ENUM(PPCMMU_CAUSE_SET_STATE);
TRACE_DEFINE_ENUM(PPCMMU_CAUSE_DESTROY);
#define ppcmmu_show_cause(c) __print_symbolic(c,			\
	{ PPCMMU_CAUSE_NONE, "none" },					\
	{ PPCMMU_CAUSE_ENTRY, "entry" },				\
	{ PPCMMU_CAUSE_CAS, "cas" },					\
	{ PPCMMU_CAUSE_PROC_TBL, "proc_tbl" },				\
	{ PPCMMU_CAUSE_SET_STATE, "set_state" },			\
	{ PPCMMU_CAUSE_DESTROY, "destroy" })

TRACE_DEFINE_ENUM(PPCMMU_OP_CAS);
TRACE_DEFINE_ENUM(PPCMMU_OP_PROC_TBL);
TRACE_DEFINE_ENUM(PPCMMU_OP_ENABLE);
TRACE_DEFINE_ENUM(PPCMMU_OP_SET_STATE);
TRACE_DEFINE_ENUM(PPCMMU_OP_SET_HPT_ORDER);
#define ppcmmu_show_op(o) __print_symbolic(o,				\
	{ PPCMMU_OP_CAS, "cas" },					\
	{ PPCMMU_OP_PROC_TBL, "register_proc_tbl" },			\
	{ PPCMMU_OP_ENABLE, "enable" },					\
	{ PPCMMU_OP_SET_STATE, "set_state" },				\
	{ PPCMMU_OP_SET_HPT_ORDER, "set_hpt_order" })

#define ppcmmu_show_cas_status(s) __print_symbolic(s,			\
	{ KVM_PPC_MMU_CAS_ACCEPTED, "accepted" },			\
	{ KVM_PPC_MMU_CAS_MALFORMED, "malformed" },			\
	{ KVM_PPC_MMU_CAS_MODE_UNAVAILABLE, "mode_unavailable" },	\
	{ KVM_PPC_MMU_CAS_BUSY, "busy" },				\
	{ KVM_PPC_MMU_CAS_NO_MEMORY, "no_memory" })

#define ppcmmu_show_cas_reason(r) __print_symbolic(r,			\
	{ 0, "none" },							\
	{ KVM_PPC_MMU_CAS_ERR_NOT_IN_RAM, "not_in_ram" },		\
	{ KVM_PPC_MMU_CAS_ERR_PVR_TRUNCATED, "pvr_truncated" },		\
	{ KVM_PPC_MMU_CAS_ERR_PVR_UNTERMINATED, "pvr_unterminated" },	\
	{ KVM_PPC_MMU_CAS_ERR_COUNT_TRUNCATED, "count_truncated" },	\
	{ KVM_PPC_MMU_CAS_ERR_VEC_TRUNCATED, "vec_truncated" },		\
	{ KVM_PPC_MMU_CAS_ERR_NO_OV5, "no_ov5" },			\
	{ KVM_PPC_MMU_CAS_ERR_NO_PVR, "no_pvr" })

#define ppcmmu_show_mode(radix) ((radix) ? "radix" : "hash")

/* vm=, pid= of every event (fields vm and pid come first in each) */
#define PPCMMU_TP_VM_ASSIGN(v) do {					\
		__entry->vm = (v) ? (v)->id : 0;			\
		__entry->pid = (v) ? (v)->pid : task_tgid_nr(current);	\
	} while (0)

/*
 * One CAS negotiation, by KVM_PPC_MMU_CAS (vcpu=-1) or an intercepted
 * KVMPPC_H_CAS of vcpu @vcpu: what the vector held as far as it parsed
 * (PVR pairs, whether the host's own PVR was listed, option vectors, OV1
 * byte 3, OV5 bytes 24 and 26) and the outcome the VMM gets.
 */
TRACE_EVENT(ppc_mmu_cas,
	TP_PROTO(const struct ppcmmu_vm *v, int vcpu, const struct ppcmmu_cas_vec *vec,
		 const struct kvm_ppc_mmu_cas *out),
	TP_ARGS(v, vcpu, vec, out),

	TP_STRUCT__entry(
		__field(u32, vm)
		__field(pid_t, pid)
		__field(int, vcpu)
		__field(u64, vec_addr)
		__field(u32, nr_pvrs)
		__field(bool, pvr_match)
		__field(u32, nr_vectors)
		__field(u8, ov1_3)
		__field(u8, ov5_24)
		__field(u8, ov5_26)
		__field(u32, status)
		__field(u32, reason)
		__field(u32, mode)
		__field(u32, out_flags)
		__field(u32, compat_pvr)
		__field(u32, hpt_order)
		__field(s64, hcall_ret)
	),

	TP_fast_assign(
		PPCMMU_TP_VM_ASSIGN(v);
		__entry->vcpu = vcpu;
		__entry->vec_addr = out->vec_addr;
		__entry->nr_pvrs = vec->nr_pvrs;
		__entry->pvr_match = vec->pvr_raw_match;
		__entry->nr_vectors = vec->nr_vectors;
		__entry->ov1_3 = ppcmmu_ov_byte(vec->ov1, vec->ov1_len, 3);
		__entry->ov5_24 = ppcmmu_ov_byte(vec->ov5, vec->ov5_len, 24);
		__entry->ov5_26 = ppcmmu_ov_byte(vec->ov5, vec->ov5_len, 26);
		__entry->status = out->status;
		__entry->reason = out->reason;
		__entry->mode = out->mode;
		__entry->out_flags = out->out_flags;
		__entry->compat_pvr = out->compat_pvr;
		__entry->hpt_order = out->hpt_order;
		__entry->hcall_ret = out->hcall_ret;
	),

	TP_printk("vm=%u pid=%d vcpu=%d vec=0x%llx pvrs=%u pvr_match=%d vectors=%u ov1_3=0x%02x ov5_24=0x%02x ov5_26=0x%02x status=%s reason=%s mode=%s legacy=%d gtse=%d compat_pvr=0x%x hpt_order=%u hret=%lld",
		  __entry->vm, __entry->pid, __entry->vcpu, __entry->vec_addr,
		  __entry->nr_pvrs, __entry->pvr_match, __entry->nr_vectors,
		  __entry->ov1_3, __entry->ov5_24, __entry->ov5_26,
		  ppcmmu_show_cas_status(__entry->status),
		  ppcmmu_show_cas_reason(__entry->reason),
		  __entry->status ? "none" :
		  ppcmmu_show_mode(__entry->mode == KVM_PPC_MMU_MODE_RADIX),
		  !!(__entry->out_flags & KVM_PPC_MMU_CAS_OUT_LEGACY),
		  !!(__entry->out_flags & KVM_PPC_MMU_CAS_OUT_GTSE),
		  __entry->compat_pvr, __entry->hpt_order, __entry->hcall_ret)
);

/*
 * One H_REGISTER_PROC_TBL answered in the kernel: the guest's arguments,
 * the return code, whether the VM's MMU was reconfigured (applied=0: a
 * refusal, or the call asked for what was in force) and whether that
 * switched its mode.
 */
TRACE_EVENT(ppc_mmu_register_proc_tbl,
	TP_PROTO(const struct ppcmmu_vm *v, int vcpu, u64 flags, u64 base, u64 page_size,
		 u64 table_size, long hret, bool applied, bool was_radix, bool radix),
	TP_ARGS(v, vcpu, flags, base, page_size, table_size, hret, applied, was_radix, radix),

	TP_STRUCT__entry(
		__field(u32, vm)
		__field(pid_t, pid)
		__field(int, vcpu)
		__field(u64, flags)
		__field(u64, base)
		__field(u64, page_size)
		__field(u64, table_size)
		__field(long, hret)
		__field(bool, applied)
		__field(bool, was_radix)
		__field(bool, radix)
	),

	TP_fast_assign(
		PPCMMU_TP_VM_ASSIGN(v);
		__entry->vcpu = vcpu;
		__entry->flags = flags;
		__entry->base = base;
		__entry->page_size = page_size;
		__entry->table_size = table_size;
		__entry->hret = hret;
		__entry->applied = applied;
		__entry->was_radix = was_radix;
		__entry->radix = radix;
	),

	TP_printk("vm=%u pid=%d vcpu=%d flags=0x%llx base=0x%llx page_size=0x%llx size=0x%llx hret=%ld applied=%d switch=%s mode=%s",
		  __entry->vm, __entry->pid, __entry->vcpu, __entry->flags, __entry->base,
		  __entry->page_size, __entry->table_size, __entry->hret, __entry->applied,
		  __entry->was_radix == __entry->radix ? "no" :
		  __entry->radix ? "hash->radix" : "radix->hash",
		  ppcmmu_show_mode(__entry->radix))
);

/* An HPT of 2^order bytes put in place by the module. */
TRACE_EVENT(ppc_mmu_hpt_install,
	TP_PROTO(const struct ppcmmu_vm *v, u32 order, bool cma, enum ppcmmu_cause cause),
	TP_ARGS(v, order, cma, cause),

	TP_STRUCT__entry(
		__field(u32, vm)
		__field(pid_t, pid)
		__field(u32, order)
		__field(bool, cma)
		__field(u32, cause)
	),

	TP_fast_assign(
		PPCMMU_TP_VM_ASSIGN(v);
		__entry->order = order;
		__entry->cma = cma;
		__entry->cause = cause;
	),

	TP_printk("vm=%u pid=%d order=%u alloc=%s cause=%s",
		  __entry->vm, __entry->pid, __entry->order,
		  __entry->cma ? "cma" : "pages", ppcmmu_show_cause(__entry->cause))
);

/*
 * An HPT freed: by the module (by_module=1: a switch it prepared failed, or
 * a stray table at destroy) or by KVM-HV during the module's switch to
 * radix or the VM's destroy.
 */
TRACE_EVENT(ppc_mmu_hpt_free,
	TP_PROTO(const struct ppcmmu_vm *v, u32 order, bool cma, bool by_module,
		 enum ppcmmu_cause cause),
	TP_ARGS(v, order, cma, by_module, cause),

	TP_STRUCT__entry(
		__field(u32, vm)
		__field(pid_t, pid)
		__field(u32, order)
		__field(bool, cma)
		__field(bool, by_module)
		__field(u32, cause)
	),

	TP_fast_assign(
		PPCMMU_TP_VM_ASSIGN(v);
		__entry->order = order;
		__entry->cma = cma;
		__entry->by_module = by_module;
		__entry->cause = cause;
	),

	TP_printk("vm=%u pid=%d order=%u alloc=%s by=%s cause=%s",
		  __entry->vm, __entry->pid, __entry->order,
		  __entry->cma ? "cma" : "pages",
		  __entry->by_module ? "kvm-ppc-mmu" : "kvm-hv",
		  ppcmmu_show_cause(__entry->cause))
);

/* The module switched a VM's MMU (KVM-HV's configure_mmu succeeded). */
TRACE_EVENT(ppc_mmu_mode_switch,
	TP_PROTO(const struct ppcmmu_vm *v, bool to_radix, u64 process_table, bool gtse,
		 enum ppcmmu_cause cause),
	TP_ARGS(v, to_radix, process_table, gtse, cause),

	TP_STRUCT__entry(
		__field(u32, vm)
		__field(pid_t, pid)
		__field(bool, to_radix)
		__field(u64, process_table)
		__field(bool, gtse)
		__field(u32, cause)
	),

	TP_fast_assign(
		PPCMMU_TP_VM_ASSIGN(v);
		__entry->to_radix = to_radix;
		__entry->process_table = process_table;
		__entry->gtse = gtse;
		__entry->cause = cause;
	),

	TP_printk("vm=%u pid=%d from=%s to=%s process_table=0x%llx gtse=%d cause=%s",
		  __entry->vm, __entry->pid, ppcmmu_show_mode(!__entry->to_radix),
		  ppcmmu_show_mode(__entry->to_radix), __entry->process_table,
		  __entry->gtse, ppcmmu_show_cause(__entry->cause))
);

/*
 * Anything the module answered with other than success: code is -errno
 * for ioctls, the H_* return for hypercalls (a CAS's hcall_ret); busy=1
 * for "try again" answers (H_LONG_BUSY_*, CAS BUSY, EBUSY).
 */
TRACE_EVENT(ppc_mmu_refusal,
	TP_PROTO(const struct ppcmmu_vm *v, enum ppcmmu_op op, long code, bool busy),
	TP_ARGS(v, op, code, busy),

	TP_STRUCT__entry(
		__field(u32, vm)
		__field(pid_t, pid)
		__field(u32, op)
		__field(long, code)
		__field(bool, busy)
	),

	TP_fast_assign(
		PPCMMU_TP_VM_ASSIGN(v);
		__entry->op = op;
		__entry->code = code;
		__entry->busy = busy;
	),

	TP_printk("vm=%u pid=%d op=%s code=%ld busy=%d",
		  __entry->vm, __entry->pid, ppcmmu_show_op(__entry->op),
		  __entry->code, __entry->busy)
);

/* KVM_PPC_MMU_ENABLE: the opted-in feature set before and asked, and the answer. */
TRACE_EVENT(ppc_mmu_enable,
	TP_PROTO(const struct ppcmmu_vm *v, u64 old_features, u64 features, int ret),
	TP_ARGS(v, old_features, features, ret),

	TP_STRUCT__entry(
		__field(u32, vm)
		__field(pid_t, pid)
		__field(u64, old_features)
		__field(u64, features)
		__field(int, ret)
	),

	TP_fast_assign(
		PPCMMU_TP_VM_ASSIGN(v);
		__entry->old_features = old_features;
		__entry->features = features;
		__entry->ret = ret;
	),

	TP_printk("vm=%u pid=%d old=0x%llx features=0x%llx ret=%d",
		  __entry->vm, __entry->pid, __entry->old_features, __entry->features,
		  __entry->ret)
);

/* KVM_PPC_MMU_SET_STATE: the state asked for and the answer. */
TRACE_EVENT(ppc_mmu_set_state,
	TP_PROTO(const struct ppcmmu_vm *v, const struct kvm_ppc_mmu_state *st, int ret),
	TP_ARGS(v, st, ret),

	TP_STRUCT__entry(
		__field(u32, vm)
		__field(pid_t, pid)
		__field(u64, features)
		__field(u32, mode)
		__field(u32, hpt_order)
		__field(u64, process_table)
		__field(u64, state_flags)
		__field(int, ret)
	),

	TP_fast_assign(
		PPCMMU_TP_VM_ASSIGN(v);
		__entry->features = st->features;
		__entry->mode = st->mode;
		__entry->hpt_order = st->hpt_order;
		__entry->process_table = st->process_table;
		__entry->state_flags = st->state_flags;
		__entry->ret = ret;
	),

	TP_printk("vm=%u pid=%d features=0x%llx mode=%s process_table=0x%llx hpt_order=%u state_flags=0x%llx ret=%d",
		  __entry->vm, __entry->pid, __entry->features,
		  __entry->mode == KVM_PPC_MMU_MODE_RADIX ? "radix" :
		  __entry->mode == KVM_PPC_MMU_MODE_HASH ? "hash" : "invalid",
		  __entry->process_table, __entry->hpt_order, __entry->state_flags,
		  __entry->ret)
);

#endif /* PPCMMU_TRACE_H */

/* Out of tree: define_trace.h finds this file through -I$(src)/kmod. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
