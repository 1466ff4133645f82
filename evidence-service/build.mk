# SPDX-License-Identifier: Apache-2.0
# evidence-service/: the node's evidence endpoint (TCP and vsock port 7000). systemd
# accepts the connection; cvm-evidence-serve reads the nonce and becomes
# `measure-agent evidence`. Installed into the image by `make install-image`.
EVIDENCE_SERVE_SRCS := evidence-service/cvm-evidence-serve.c
PROGRAMS += $(B)/bin/cvm-evidence-serve

$(B)/bin/cvm-evidence-serve: $(call objs,$(EVIDENCE_SERVE_SRCS)) $(LIBCVM_LIBC)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

# The units are enabled by static symlinks in /usr/lib (the image's presets disable
# everything not listed, and presets only act on /etc).
EVIDENCE_UNITS := cvm-evidence.socket cvm-evidence@.service cvm-evidence-vsock.socket cvm-evidence-vsock@.service
.PHONY: install-image install-evidence-service
install-image: install-evidence-service
install-evidence-service: $(B)/bin/cvm-evidence-serve
	install -D -m 0755 $< $(DESTDIR)/usr/lib/cvmforge/cvm-evidence-serve
	for u in $(EVIDENCE_UNITS); do \
		install -D -m 0644 evidence-service/$$u $(DESTDIR)/usr/lib/systemd/system/$$u || exit 1; \
	done
	mkdir -p $(DESTDIR)/usr/lib/systemd/system/sockets.target.wants
	ln -sfn ../cvm-evidence.socket $(DESTDIR)/usr/lib/systemd/system/sockets.target.wants/cvm-evidence.socket
	ln -sfn ../cvm-evidence-vsock.socket $(DESTDIR)/usr/lib/systemd/system/sockets.target.wants/cvm-evidence-vsock.socket

# tests/unit/test-evidence-serve runs the program as systemd does (a socket as stdin and
# stdout), built from the same source with a 1 s request deadline, /bin/echo in place
# of measure-agent and the agent's "measured" mark in the test's working directory;
# the installed program keeps its 10 s and /run and has no such switch.
EVIDENCE_SERVE_TEST := $(B)/tests/evidence-service/cvm-evidence-serve-deadline-1s
$(EVIDENCE_SERVE_TEST): $(EVIDENCE_SERVE_SRCS) $(LIBCVM_LIBC) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -DREQUEST_DEADLINE_SEC=1 '-DMEASURE_AGENT="/bin/echo"' \
		'-DWORKLOAD_MEASURED="workload-measured"' $(LDFLAGS) -o $@ $(EVIDENCE_SERVE_SRCS) $(LIBCVM_LIBC)
$(B)/tests/unit/test-evidence-serve: $(EVIDENCE_SERVE_TEST)
