# SPDX-License-Identifier: GPL-2.0
#
# make              build kvm-ppc-mmu.ko: natively on a POWER host (KDIR defaults
#                   to the running kernel), cross from x86 against Debian's
#                   powerpc64le headers (fetched into build/ on first use)
# make check        static checks: sparse (C=2), W=1, modinfo
# make clean
#
# KDIR=<dir>        kernel build tree to build against (DKMS passes this)

ifneq ($(filter ppc64le ppc64,$(shell uname -m)),)
KDIR ?= /lib/modules/$(shell uname -r)/build
KBUILD_ARGS :=
else
KDIR ?= $(CURDIR)/build/kernel/current/headers
KBUILD_ARGS := ARCH=powerpc CROSS_COMPILE=powerpc64le-linux-gnu-
FETCH_KERNEL := $(CURDIR)/build/kernel/current/.complete
endif

MAKE_KBUILD = $(MAKE) -C $(KDIR) M=$(CURDIR) $(KBUILD_ARGS)

.PHONY: all modules clean check
all modules: $(FETCH_KERNEL)
	$(MAKE_KBUILD) modules

$(CURDIR)/build/kernel/current/.complete:
	$(CURDIR)/tools/fetch-kernel.sh

check: $(FETCH_KERNEL)
	$(CURDIR)/tools/static-checks.sh

# Not kbuild's "clean": for an external module it deletes every *.ko below
# M=, which would include the Debian kvm.ko/kvm-hv.ko fetched into build/.
clean:
	rm -f kvm-ppc-mmu.ko kvm-ppc-mmu.o kvm-ppc-mmu.mod kvm-ppc-mmu.mod.c \
		kvm-ppc-mmu.mod.o Module.symvers modules.order .*.cmd
	rm -f kmod/*.o kmod/logic/*.o kmod/.*.cmd kmod/logic/.*.cmd
