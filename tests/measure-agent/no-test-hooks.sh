#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The agent that `make install-image` puts into the image has no test hooks: the
# environment variables CVM_SYSROOT (a directory tree as the machine) and CVM_TCTI
# (another TPM) are not even strings in it, so nothing in a root service's environment
# can point the guest's agent elsewhere. The host build the tests run keeps them
# (swtpm.sh and fake-coco.sh depend on them). No image build: only the install rule.
. "$(dirname "$0")/../lib.sh"
need_built bin/measure-agent

make -s B="$B" DESTDIR="$WORK/dest" install-measure-agent >/dev/null
image_agent=$WORK/dest/usr/bin/measure-agent
[[ -x $image_agent ]] || fail "install-measure-agent did not install $image_agent"
for hook in CVM_SYSROOT CVM_TCTI; do
	grep -aq "$hook" "$image_agent" && bad "the image's measure-agent contains $hook"
	grep -aq "$hook" "$AGENT" || bad "the host build $AGENT lost $hook (the tests need it)"
done
((FAILED)) || pass "image agent without CVM_SYSROOT/CVM_TCTI; host test build keeps both"
