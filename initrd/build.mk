# cvm-init (the initrd's PID 1, static) and cvm-mkinitrd (host tool that packs it).
# Both use only libc and the lib/ files named here -- not libcvm.a, which needs
# OpenSSL -- so they build with plain gcc inside the image's build chroot.
INITRD_LIB_SRCS := lib/dm.c lib/gpt.c lib/hex.c lib/kcmdline.c lib/strnum.c lib/verity_sb.c
CVM_INIT_SRCS   := initrd/cvm-init.c initrd/cmdline.c $(INITRD_LIB_SRCS)
MKINITRD_SRCS   := initrd/cvm-mkinitrd.c initrd/cpio.c lib/file.c lib/moddep.c lib/strnum.c

PROGRAMS += $(B)/bin/cvm-init $(B)/bin/cvm-mkinitrd

$(call objs,initrd/cvm-init.c initrd/cmdline.c initrd/cvm-mkinitrd.c initrd/cpio.c): \
	CPPFLAGS += -Iinitrd
$(call objs,initrd/cvm-init.c initrd/cmdline.c initrd/cvm-mkinitrd.c initrd/cpio.c): \
	$(wildcard initrd/*.h)

# -static-pie keeps ASLR for PID 1 (glibc >= 2.27 supports it).
$(B)/bin/cvm-init: $(call objs,$(CVM_INIT_SRCS))
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -static-pie -s -Wl,-z,relro,-z,now -Wl,-z,noexecstack -o $@ $^

$(B)/bin/cvm-mkinitrd: $(call objs,$(MKINITRD_SRCS))
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

# Unit tests and fuzzers of the initrd-only parts.
UNIT_SRCS_test-initrd-cmdline := initrd/cmdline.c
UNIT_SRCS_test-cpio := initrd/cpio.c
FUZZ_SRCS_fuzz-initrd-cmdline := initrd/cmdline.c
$(B)/tests/unit/test-initrd-cmdline $(B)/tests/unit/test-cpio \
	$(B)/tests/fuzz/fuzz-initrd-cmdline: CPPFLAGS += -Iinitrd
$(B)/tests/unit/test-initrd-cmdline $(B)/tests/fuzz/fuzz-initrd-cmdline: initrd/cmdline.c initrd/cmdline.h
$(B)/tests/unit/test-cpio: initrd/cpio.c initrd/cpio.h
