# SPDX-License-Identifier: GPL-2.0
#
# make              build kvm-ppc-mmu.ko: natively on a POWER host (KDIR defaults
#                   to the running kernel), cross from x86 against Debian's
#                   powerpc64le headers (fetched into build/ on first use)
# make check        static checks: sparse (C=2), W=1, modinfo
# make clean
#
# KDIR=<dir>        kernel build tree to build against (DKMS passes this)
# PPC_MMU_KERNEL=6.1|6.12|7.2
#                   cross builds: which of Debian's kernels (tools/rig/fetch-kernel.sh;
#                   default 6.1, build/kernel/current); the environment works too

ifneq ($(filter ppc64le ppc64,$(shell uname -m)),)
KDIR ?= /lib/modules/$(shell uname -r)/build
MAKE_KBUILD = $(MAKE) -C $(KDIR) M=$(CURDIR)
else ifneq ($(KDIR),)
MAKE_KBUILD = $(MAKE) -C $(KDIR) M=$(CURDIR) ARCH=powerpc CROSS_COMPILE=powerpc64le-linux-gnu-
else
KERNEL_DIR := $(CURDIR)/build/kernel/$(or $(PPC_MMU_KERNEL),current)
FETCH_KERNEL := $(KERNEL_DIR)/kmake
# kmake: make -C <its headers> ARCH=... CROSS_COMPILE=..., in a sid chroot for 7.2
MAKE_KBUILD = $(KERNEL_DIR)/kmake M=$(CURDIR)
endif

.PHONY: all modules clean check
all modules: $(FETCH_KERNEL)
	+$(MAKE_KBUILD) modules

$(FETCH_KERNEL):
	$(CURDIR)/tools/rig/fetch-kernel.sh $(or $(PPC_MMU_KERNEL),6.1)

check: $(FETCH_KERNEL)
	$(CURDIR)/tools/stages/static-checks.sh

# Not kbuild's "clean": for an external module it deletes every *.ko below
# M=, which would include the Debian kvm.ko/kvm-hv.ko fetched into build/.
clean:
	rm -f kvm-ppc-mmu.ko kvm-ppc-mmu.o kvm-ppc-mmu.mod kvm-ppc-mmu.mod.c \
		kvm-ppc-mmu.mod.o Module.symvers modules.order .*.cmd
	rm -f kmod/*.o kmod/logic/*.o kmod/.*.cmd kmod/logic/.*.cmd
