# measure-agent/: the host packer cvm-workload and the guest program measure-agent.
# measure-agent links tpm2-tss (ESAPI, TCTI loader, marshalling) and OpenSSL.
CVM_WORKLOAD_SRCS := measure-agent/cvm-workload.c measure-agent/gpt-write.c
PROGRAMS += $(B)/bin/cvm-workload

$(B)/bin/cvm-workload: $(call objs,$(CVM_WORKLOAD_SRCS)) $(LIBCVM)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBCVM) -lcrypto

$(call objs,$(CVM_WORKLOAD_SRCS) $(MEASURE_AGENT_SRCS)): $(wildcard measure-agent/*.h)
$(call objs,$(CVM_WORKLOAD_SRCS) $(MEASURE_AGENT_SRCS)): CPPFLAGS += -Imeasure-agent
