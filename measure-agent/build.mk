# SPDX-License-Identifier: Apache-2.0
# measure-agent/: the host packer cvm-workload and the guest program measure-agent.
# measure-agent links tpm2-tss (ESAPI, TCTI loader, marshalling) and OpenSSL.
CVM_WORKLOAD_SRCS := measure-agent/cvm-workload.c measure-agent/gpt-write.c
PROGRAMS += $(B)/bin/cvm-workload

$(B)/bin/cvm-workload: $(call objs,$(CVM_WORKLOAD_SRCS)) $(LIBCVM)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBCVM) -lcrypto


MEASURE_AGENT_SRCS := measure-agent/measure-agent.c measure-agent/services.c measure-agent/find.c \
	measure-agent/tpm.c measure-agent/tpm-banks.c measure-agent/tdx.c measure-agent/tsm.c measure-agent/snp.c \
	measure-agent/measure.c measure-agent/launch.c measure-agent/evidence.c \
	measure-agent/platform.c measure-agent/tpm-ek.c
MEASURE_AGENT_LIBS := -ltss2-esys -ltss2-tctildr -ltss2-mu -ltss2-rc -lcrypto
PROGRAMS += $(B)/bin/measure-agent

# Two builds of the same sources. $(B)/bin/measure-agent is the host build the tests
# run: compiled with CVM_TEST_HOOKS, it reads $CVM_SYSROOT (a directory tree as the
# machine) and $CVM_TCTI (swtpm as the TPM). $(B)/image-bin/measure-agent is the one
# install-image puts into the image: without the define those variables are not even
# in the binary (tests/measure-agent/no-test-hooks.sh checks it).
$(B)/bin/measure-agent: $(call objs,$(MEASURE_AGENT_SRCS)) $(LIBCVM)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBCVM) $(MEASURE_AGENT_LIBS)
$(call objs,$(MEASURE_AGENT_SRCS)): CPPFLAGS += -DCVM_TEST_HOOKS

MEASURE_AGENT_IMAGE_OBJS := $(patsubst %.c,$(B)/image-obj/%.o,$(MEASURE_AGENT_SRCS))
$(MEASURE_AGENT_IMAGE_OBJS): $(B)/image-obj/%.o: %.c $(LIB_HDRS) $(wildcard measure-agent/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Imeasure-agent $(CFLAGS) -c -o $@ $<
$(B)/image-bin/measure-agent: $(MEASURE_AGENT_IMAGE_OBJS) $(LIBCVM)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(MEASURE_AGENT_IMAGE_OBJS) $(LIBCVM) $(MEASURE_AGENT_LIBS)

$(call objs,$(CVM_WORKLOAD_SRCS) $(MEASURE_AGENT_SRCS)): $(wildcard measure-agent/*.h)
$(call objs,$(CVM_WORKLOAD_SRCS) $(MEASURE_AGENT_SRCS)): CPPFLAGS += -Imeasure-agent

# Guest install (run by the image build inside the build chroot).
.PHONY: install-image install-measure-agent
install-image: install-measure-agent
install-measure-agent: $(B)/image-bin/measure-agent
	install -D -m 0755 $< $(DESTDIR)/usr/bin/measure-agent

# The unit test of the workload-disk reader uses cvm-workload's GPT writer.
UNIT_SRCS_test-workload-disk := measure-agent/gpt-write.c
$(B)/tests/unit/test-workload-disk: measure-agent/gpt-write.c measure-agent/gpt-write.h

# The agent's backends link without main(): each test takes one backend and the
# services module, and points the sysroot at a temporary tree (tests/unit/agent-sysroot.c).
AGENT_TEST_SRCS := measure-agent/services.c tests/unit/agent-sysroot.c tests/unit/tmptree.c
UNIT_SRCS_test-agent-find := measure-agent/find.c measure-agent/gpt-write.c $(AGENT_TEST_SRCS)
UNIT_SRCS_test-agent-tsm := measure-agent/tsm.c $(AGENT_TEST_SRCS)
$(B)/tests/unit/test-agent-find $(B)/tests/unit/test-agent-tsm: $(AGENT_TEST_SRCS) \
	$(wildcard measure-agent/*.h) tests/unit/agent-sysroot.h tests/unit/tmptree.h
$(B)/tests/unit/test-agent-find: $(UNIT_SRCS_test-agent-find)
$(B)/tests/unit/test-agent-tsm: $(UNIT_SRCS_test-agent-tsm)

# The bank list from a TPM's capability answer, without a TPM (tss2 types only).
UNIT_SRCS_test-agent-tpm-banks := measure-agent/tpm-banks.c measure-agent/services.c tests/unit/agent-sysroot.c \
	tests/unit/tmptree.c
$(B)/tests/unit/test-agent-tpm-banks: $(UNIT_SRCS_test-agent-tpm-banks) $(wildcard measure-agent/*.h) \
	tests/unit/agent-sysroot.h

# Platform detection from the kernel's state, against a temporary sysroot.
UNIT_SRCS_test-agent-platform := measure-agent/platform.c measure-agent/tdx.c measure-agent/snp.c \
	measure-agent/tsm.c $(AGENT_TEST_SRCS)
$(B)/tests/unit/test-agent-platform: $(UNIT_SRCS_test-agent-platform) $(wildcard measure-agent/*.h) \
	tests/unit/agent-sysroot.h tests/unit/tmptree.h

# The evidence document's bytes: evidence.c with the platform backends stubbed by the test.
UNIT_SRCS_test-agent-evidence := measure-agent/evidence.c $(AGENT_TEST_SRCS)
$(B)/tests/unit/test-agent-evidence: $(UNIT_SRCS_test-agent-evidence) $(wildcard measure-agent/*.h) \
	tests/unit/agent-sysroot.h tests/unit/tmptree.h
