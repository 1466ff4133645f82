# SPDX-License-Identifier: Apache-2.0
# examples/: the example workload (the README walkthrough) and its workload disk.
#
#   make example-workload   build/examples/echo-server.img (+ .manifest.json, .identity)
#
# The workload runs chrooted in its dm-verity payload, which holds no libc: it is
# linked statically. PIE flags are dropped for the static link (-static, not -static-pie,
# which the host's glibc 2.36 supports but the payload gains nothing from).
ECHO_SERVER := $(B)/examples/echo-server/app/bin/echo-server
EXAMPLE_IMG := $(B)/examples/echo-server.img

$(ECHO_SERVER): examples/echo-server/echo-server.c
	@mkdir -p $(@D)
	$(CC) $(OPT) $(WARN) -D_GNU_SOURCE -D_FORTIFY_SOURCE=3 -fstack-protector-strong -static \
		-o $@ $<

# The packed disk: the manifest names the binary, the user (1000:1000, not root) and
# the port; its SHA-256/384 are the workload identity printed into .identity.
$(EXAMPLE_IMG): $(ECHO_SERVER) $(B)/bin/cvm-workload
	$(B)/bin/cvm-workload pack $(B)/examples/echo-server -o $@ --name echo-server \
		--exec /app/bin/echo-server --arg --port --arg 7001 --user 1000:1000 \
		--manifest-out $(B)/examples/echo-server.manifest.json >$(B)/examples/echo-server.identity
	cat $(B)/examples/echo-server.identity

.PHONY: example-workload
example-workload: $(EXAMPLE_IMG)
PROGRAMS += $(ECHO_SERVER)

# make e2e: the customer loop and the tamper cases on the built image (tests/e2e/,
# the README walkthrough). Needs $(B)/cvm.raw (make image); ~10 min under TCG.
.PHONY: e2e
e2e: $(PROGRAMS)
	[ -f $(B)/cvm.raw ] || $(MAKE) image
	B=$(B) CACHE=$(CACHE) tests/run $(sort $(shell find tests/e2e -maxdepth 1 -name '*.sh' -perm -u+x))
