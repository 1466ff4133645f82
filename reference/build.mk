# SPDX-License-Identifier: Apache-2.0
# cvm-reference: host tool, C + OpenSSL.
REFERENCE_SRCS := $(sort $(wildcard reference/*.c))
PROGRAMS += $(B)/bin/cvm-reference

$(B)/bin/cvm-reference: $(call objs,$(REFERENCE_SRCS)) $(LIBCVM)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBCVM) -lcrypto

$(call objs,$(REFERENCE_SRCS)): $(wildcard reference/*.h)
$(call objs,$(REFERENCE_SRCS)): CPPFLAGS += -Ireference

# Unit test of the evidence verifiers (tests/unit/test-evidence-verify.c).
UNIT_SRCS_test-evidence-verify := reference/x509.c reference/evidence.c reference/verify-snp.c \
	reference/verify-tdx.c reference/verify-tpm.c reference/policy.c reference/ev-options.c \
	reference/options.c
$(B)/tests/unit/test-evidence-verify: $(UNIT_SRCS_test-evidence-verify) reference/evidence.h reference/policy.h

# Fuzz harness over the verifiers (tests/fuzz/fuzz-evidence-verify.c).
FUZZ_SRCS_fuzz-evidence-verify := $(UNIT_SRCS_test-evidence-verify)
$(B)/tests/fuzz/fuzz-evidence-verify: $(FUZZ_SRCS_fuzz-evidence-verify) reference/evidence.h

# The AK-binding challenge record's bytes (tests/unit/test-challenge-record.c).
UNIT_SRCS_test-challenge-record := reference/challenge-record.c tests/unit/tmptree.c
$(B)/tests/unit/test-challenge-record: reference/challenge-record.c reference/challenge-record.h \
	reference/ak-binding.h tests/unit/tmptree.c tests/unit/tmptree.h
