# SPDX-License-Identifier: Apache-2.0
# cvmforge — top-level build. Everything is written below $(B); the source tree stays clean.
#
# Overridable variables (make VAR=value):
#   B         output directory for programs, tests and the image      (build)
#   CACHE     package cache and pinned tools tree, kept outside the   (/var/cache/cvmforge)
#             clone so a rebuild does not download everything again
#   CC        C compiler for host programs                            (cc)
#   CLANG     compiler for libFuzzer harnesses                        (clang)
#   OPT       optimisation flags                                      (-O2 -g)
#   FUZZ_SECONDS  time per fuzz harness in `make fuzz-smoke`          (10)
#   INITRD    initrd in the UKI: cvm-init (ours) or mkosi (systemd)   (see image/build.mk)

B            ?= build
CACHE        ?= /var/cache/cvmforge
CC           ?= cc
CLANG        ?= clang
OPT          ?= -O2 -g
FUZZ_SECONDS ?= 10

# C11 plus the Linux/glibc interfaces (finit_module, mount, ioctl) the programs are made of.
WARN      := -std=c11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -Wstrict-prototypes \
             -Wmissing-prototypes -Wpointer-arith -Wundef
HARDEN    := -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fstack-clash-protection \
             -fcf-protection -fPIE
LDHARDEN  := -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack
CPPFLAGS  := -D_GNU_SOURCE -Ilib
CFLAGS    := $(OPT) $(WARN) $(HARDEN)
LDFLAGS   := $(LDHARDEN)
SANFLAGS  := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZFLAGS := -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

.DEFAULT_GOAL := all
.PHONY: all check test fuzz fuzz-smoke clean host-setup install-image

# ---- lib/: the one implementation of everything two programs share -------------------
# One folder per layer (lib/README.md); a layer includes only itself and the layers
# before it in LIB_LAYERS. The first LIBC_LAYERS need nothing but libc: they make
# libcvm-libc.a, which the static initrd and the small host tools link.
LIB_LAYERS  := util disk measure boot evidence doc
LIBC_LAYERS := util disk
lib_srcs    = $(sort $(foreach l,$(1),$(wildcard lib/$(l)/*.c)))
LIB_SRCS    := $(call lib_srcs,$(LIB_LAYERS))
LIBC_SRCS   := $(call lib_srcs,$(LIBC_LAYERS))
LIB_HDRS    := $(wildcard lib/*/*.h)
LIBCVM      := $(B)/lib/libcvm.a
LIBCVM_LIBC := $(B)/lib/libcvm-libc.a
LIBCVM_SAN  := $(B)/san/lib/libcvm.a

$(B)/obj/%.o: %.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/san/obj/%.o: %.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) $(SANFLAGS) -c -o $@ $<

$(LIBCVM): $(patsubst %.c,$(B)/obj/%.o,$(LIB_SRCS))
	@mkdir -p $(@D)
	rm -f $@ && ar rcsD $@ $^

$(LIBCVM_LIBC): $(patsubst %.c,$(B)/obj/%.o,$(LIBC_SRCS))
	@mkdir -p $(@D)
	rm -f $@ && ar rcsD $@ $^

$(LIBCVM_SAN): $(patsubst %.c,$(B)/san/obj/%.o,$(LIB_SRCS))
	@mkdir -p $(@D)
	rm -f $@ && ar rcsD $@ $^

# objs(SRCS): the hardened object files for a program's own sources.
objs = $(patsubst %.c,$(B)/obj/%.o,$(1))

# ---- components ---------------------------------------------------------------------
# Each folder's build.mk appends to PROGRAMS and may set, for a unit test tests/unit/T.c:
#   UNIT_SRCS_T   extra sources compiled into the test (with sanitizers)
#   UNIT_LIBS_T   extra libraries to link
# and, for a fuzz harness tests/fuzz/F.c, FUZZ_SRCS_F / FUZZ_LIBS_F likewise.
PROGRAMS :=
include $(sort $(wildcard */build.mk))

all: $(PROGRAMS)

# ---- unit tests: sanitizers on, no root, no network ---------------------------------
UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(sort $(wildcard tests/unit/test-*.c)))

$(B)/tests/unit/%: tests/unit/%.c tests/unit/unit.h $(LIBCVM_SAN) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/unit $(WARN) $(SANFLAGS) -o $@ $< $(UNIT_SRCS_$*) \
		$(LIBCVM_SAN) $(UNIT_LIBS_$*) -lcrypto

check: $(UNIT_TESTS)
	B=$(B) tests/run $(UNIT_TESTS)

# ---- fuzz harnesses (libFuzzer) -----------------------------------------------------
FUZZERS := $(patsubst tests/fuzz/%.c,$(B)/tests/fuzz/%,$(sort $(wildcard tests/fuzz/fuzz-*.c)))

$(B)/tests/fuzz/%: tests/fuzz/%.c $(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(CPPFLAGS) $(FUZZFLAGS) -o $@ $< $(FUZZ_SRCS_$*) $(LIB_SRCS) $(FUZZ_LIBS_$*) -lcrypto

fuzz: $(FUZZERS)

# Each harness runs for FUZZ_SECONDS from its committed seed corpus; a crash fails.
fuzz-smoke: $(FUZZERS)
	tests/fuzz/run-all $(FUZZ_SECONDS) $(FUZZERS)

# Guest programs, installed by the image build (mkosi.build) into the image.
install-image:

# ---- make test: everything, on a fresh Debian 12 machine -----------------------------
# Test scripts are the executable tests/<area>/*.sh files (figures.sh are benchmarks);
# they run after the unit tests and fuzzers, cheap areas first, QEMU boots later, the
# second image build for the reproducibility check last. One summary line at the end.
# B and CACHE reach every script through tests/run's environment (tests/README.md).
TEST_AREAS   := tree reference kernel initrd image measure-agent boot e2e
TEST_SCRIPTS := $(foreach a,$(TEST_AREAS),$(sort $(shell find tests/$(a) -maxdepth 1 -name '*.sh' \
	-perm -u+x ! -name 'figures.sh' 2>/dev/null)))

test:
	scripts/host-setup
	[ -f $(B)/SHA256SUMS ] || $(MAKE) image
	[ -f $(B)/kernel/vmlinuz ] || $(MAKE) kernel
	[ -f $(B)/img-minimal/SHA256SUMS ] || $(MAKE) image-minimal
	$(MAKE) all $(UNIT_TESTS) $(FUZZERS)
	B=$(B) CACHE=$(CACHE) tests/run $(UNIT_TESTS) tests/fuzz/smoke.sh $(TEST_SCRIPTS)

# ---- host set-up: Debian packages only, idempotent ---------------------------------
host-setup:
	scripts/host-setup

clean:
	rm -rf $(B)
