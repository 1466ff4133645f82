# SPDX-License-Identifier: Apache-2.0
# cvm-init (the initrd's PID 1, static) and cvm-mkinitrd (host tool that packs it).
# Both link only libc and lib/'s libc-only layers (libcvm-libc.a, see LIBC_LAYERS), so
# they build with plain gcc inside the image's build chroot; the linker takes from the
# archive just the modules they call.
CVM_INIT_SRCS   := initrd/cvm-init.c initrd/cmdline.c initrd/kcmdline.c
MKINITRD_SRCS   := initrd/cvm-mkinitrd.c initrd/cpio.c initrd/moddep.c
INITRD_SRCS     := $(CVM_INIT_SRCS) $(MKINITRD_SRCS)

PROGRAMS += $(B)/bin/cvm-init $(B)/bin/cvm-mkinitrd

$(call objs,$(INITRD_SRCS)): CPPFLAGS += -Iinitrd
$(call objs,$(INITRD_SRCS)): $(wildcard initrd/*.h)

# -static-pie keeps ASLR for PID 1 (glibc >= 2.27 supports it).
$(B)/bin/cvm-init: $(call objs,$(CVM_INIT_SRCS)) $(LIBCVM_LIBC)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -static-pie -s -Wl,-z,relro,-z,now -Wl,-z,noexecstack -o $@ $^

$(B)/bin/cvm-mkinitrd: $(call objs,$(MKINITRD_SRCS)) $(LIBCVM_LIBC)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

# Unit tests and fuzzers of the initrd-only parts.
UNIT_SRCS_test-initrd-cmdline := initrd/cmdline.c initrd/kcmdline.c
UNIT_SRCS_test-cpio := initrd/cpio.c
UNIT_SRCS_test-moddep := initrd/moddep.c
FUZZ_SRCS_fuzz-initrd-cmdline := initrd/cmdline.c initrd/kcmdline.c
FUZZ_SRCS_fuzz-moddep := initrd/moddep.c
INITRD_TESTS := $(B)/tests/unit/test-initrd-cmdline $(B)/tests/unit/test-cpio $(B)/tests/unit/test-moddep \
	$(B)/tests/fuzz/fuzz-initrd-cmdline $(B)/tests/fuzz/fuzz-moddep
$(INITRD_TESTS): CPPFLAGS += -Iinitrd
$(INITRD_TESTS): $(wildcard initrd/*.c initrd/*.h)
