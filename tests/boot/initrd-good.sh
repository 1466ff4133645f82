#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The real image, booted from its disk by OVMF (UKI with cvm-init inside), reaches
# systemd and the image's boot marker, and cvm-init reports the verified root on the
# console. Prints the timings that initrd/README.md quotes.
. "$(dirname "$0")/../lib.sh"
need_vm
need_built cvm.raw cvm.roothash

vm_run good --no-tpm --image "$B/cvm.raw" --boot-test
((RC != 124)) || { show good 40; fail "no power-off within ${VM_TIMEOUT}s"; }
console_has good "cvm-init: root $(cat "$B/cvm.roothash") verified by dm-verity" ||
	{ show good 40; fail "cvm-init did not report the verified root"; }
! console_has good 'cvm-init: FATAL' || fail "cvm-init reported a failure"
console_has good 'cvm-boot: ready' || { show good 40; fail "no boot marker"; }
console good | grep -aE 'cvm-init: root|cvm-boot: ready' | sed 's/^/  /'
echo "PASS: cvm-init booted the verity root into systemd"
