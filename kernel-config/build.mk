# SPDX-License-Identifier: Apache-2.0
# kernel-config: the guest kernel's requirements (fragments/), their checker, and the
# optional minimal monolithic kernel.
#
#   make kernel-check [KCONFIG=path]   check a .config (default: the image's kernel config)
#   make kernel                        build the minimal kernel into $(B)/kernel/ (slow)
#
# Overridable:
#   KCONFIG         .config to check                       ($(B)/cvm.kernel-config)
#   KERNEL_VERSION  upstream version to build; default: the version in the image's
#                   kernel config (KERNEL_REF_CONFIG), so both kernels match
#   KERNEL_REF_CONFIG  the Debian kernel config that fixes the version ($(KCONFIG))
#   KERNEL_JOBS     parallel jobs for the kernel build      (2)
#   KERNEL_NICE     niceness of the kernel build            (19)

KCONFIG            ?= $(B)/cvm.kernel-config
KERNEL_REF_CONFIG  ?= $(KCONFIG)
KERNEL_JOBS        ?= 2
KERNEL_NICE        ?= 19
KERNEL_FRAGMENTS   := $(sort $(wildcard kernel-config/fragments/*.config))
# Fragments only the minimal kernel merges (its small base); not requirements of the
# image's kernel.
KERNEL_MIN_FRAGMENTS := $(sort $(wildcard kernel-config/minimal/*.config))

KCONFIG_SRCS := kernel-config/kconfig.c kernel-config/cvm-kconfig-check.c
PROGRAMS += $(B)/bin/cvm-kconfig-check

# Only lib's libc-only layers: the checker, which `make image` runs, stays independent
# of OpenSSL and the rest of lib/.
$(B)/bin/cvm-kconfig-check: $(call objs,$(KCONFIG_SRCS)) $(LIBCVM_LIBC)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

$(call objs,$(KCONFIG_SRCS)): kernel-config/kconfig.h
$(call objs,$(KCONFIG_SRCS)): CPPFLAGS += -Ikernel-config

# Unit test and fuzzer link the parser itself.
UNIT_SRCS_test-kconfig := kernel-config/kconfig.c
$(B)/tests/unit/test-kconfig: kernel-config/kconfig.c kernel-config/kconfig.h
$(B)/tests/unit/test-kconfig: CPPFLAGS += -Ikernel-config
FUZZ_SRCS_fuzz-kconfig := kernel-config/kconfig.c
$(B)/tests/fuzz/fuzz-kconfig: kernel-config/kconfig.c kernel-config/kconfig.h
$(B)/tests/fuzz/fuzz-kconfig: CPPFLAGS += -Ikernel-config

.PHONY: kernel-check kernel
# Fails (exit 1) only on hard requirements; prints every recommendation it misses.
kernel-check: $(B)/bin/cvm-kconfig-check
	$(B)/bin/cvm-kconfig-check $(KCONFIG) $(KERNEL_FRAGMENTS)

kernel: $(B)/bin/cvm-kconfig-check
	KERNEL_JOBS=$(KERNEL_JOBS) KERNEL_NICE=$(KERNEL_NICE) KERNEL_VERSION=$(KERNEL_VERSION) \
	CACHE=$(CACHE) kernel-config/build-kernel $(B)/kernel $(KERNEL_REF_CONFIG) \
		$(B)/bin/cvm-kconfig-check

# The image with the minimal kernel (mkosi profile image/mkosi.profiles/minimal-kernel),
# in its own output directory so the default image stays as it is. Needs build-image's
# KERNEL=minimal switch (passes --profile minimal-kernel and the skeleton tree).
.PHONY: image-minimal
image-minimal: kernel $(TOOLS_STAMP)
	B=$(B)/img-minimal CACHE=$(CACHE) KERNEL=minimal KERNEL_TREE=$(abspath $(B)/kernel/tree) \
		image/build-image

# Reproducibility of the minimal kernel: a second, clean build in another directory must
# give the same bytes as $(B)/kernel (about 12 minutes on 2 cores).
.PHONY: kernel-repro-check
kernel-repro-check: kernel
	rm -rf $(B)/kernel-repro
	KERNEL_JOBS=$(KERNEL_JOBS) KERNEL_NICE=$(KERNEL_NICE) KERNEL_VERSION=$(KERNEL_VERSION) \
	CACHE=$(CACHE) kernel-config/build-kernel $(B)/kernel-repro $(KERNEL_REF_CONFIG) \
		$(B)/bin/cvm-kconfig-check
	cmp $(B)/kernel/vmlinuz $(B)/kernel-repro/vmlinuz
	cmp $(B)/kernel/config $(B)/kernel-repro/config
	@echo "kernel-repro-check: $(B)/kernel/vmlinuz rebuilt bit for bit"
