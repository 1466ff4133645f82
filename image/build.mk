# SPDX-License-Identifier: Apache-2.0
# The node image: mkosi (image/), its guest helper program, and the host-side steps
# that turn mkosi's output into the published artifacts in $(B)/.
#
#   make image        host set-up, pinned tools tree, mkosi build, artifacts, SHA256SUMS
#   make repro-check  two builds from scratch in two directories, compared file by file
#   make boot         boot $(B)/cvm.raw in QEMU + OVMF + swtpm (serial on stdout)

BOOT_REPORT_SRCS := image/boot-report/cvm-boot-report.c
PROGRAMS += $(B)/bin/cvm-boot-report

$(B)/bin/cvm-boot-report: $(call objs,$(BOOT_REPORT_SRCS)) $(LIBCVM_LIBC)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

.PHONY: install-image install-boot-report image tools-tree repro-check boot
install-image: install-boot-report
install-boot-report: $(B)/bin/cvm-boot-report
	install -D -m 0755 $< $(DESTDIR)/usr/lib/cvmforge/cvm-boot-report

INITRD ?= cvm-init
KERNEL ?= debian

# The tools tree is rebuilt only when its configuration changes.
TOOLS_TREE  := $(CACHE)/tools
TOOLS_STAMP := $(TOOLS_TREE)/.cvmforge-config-$(shell cat image/tools/mkosi.conf image/tools/mkosi.pkgmngr/etc/apt/sources.list.d/* 2>/dev/null | sha256sum | cut -c1-16)

$(TOOLS_STAMP):
	scripts/host-setup
	rm -rf $(TOOLS_TREE) $(CACHE)/tools.out
	mkosi -C image/tools --package-cache-dir=$(CACHE)/packages -O $(CACHE)/tools.out -f build
	mv $(CACHE)/tools.out/tools $(TOOLS_TREE) && rm -rf $(CACHE)/tools.out
	touch $@

tools-tree: $(TOOLS_STAMP)

# The shipped kernel's .config is checked against kernel-config/ on every build; a
# missing hard requirement fails the build.
image: $(TOOLS_STAMP) $(B)/bin/cvm-reference $(B)/bin/cvm-kconfig-check
	scripts/host-setup
	B=$(B) CACHE=$(CACHE) INITRD=$(INITRD) KERNEL=$(KERNEL) CVM_REFERENCE=$(B)/bin/cvm-reference \
		image/build-image
	$(B)/bin/cvm-kconfig-check $(B)/cvm.kernel-config $(KERNEL_FRAGMENTS)

repro-check: $(TOOLS_STAMP) $(B)/bin/cvm-reference
	scripts/host-setup
	B=$(B) CACHE=$(CACHE) INITRD=$(INITRD) CVM_REFERENCE=$(B)/bin/cvm-reference image/repro-check

# Boot the built image; serial console on stdout (Ctrl-A X leaves QEMU).
boot:
	scripts/run-vm --image $(B)/cvm.raw
