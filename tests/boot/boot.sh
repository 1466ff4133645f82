#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Boots build/cvm.raw from its ESP (OVMF -> \EFI\BOOT\BOOTX64.EFI -> cvm-init ->
# verity root -> systemd) with a swtpm vTPM, waits for the boot report's marker and
# requires the VM to power off by itself afterwards. The console is kept in
# $LOGDIR/boot-console.log.
. "$(dirname "$0")/../lib.sh"
need_vm
need_built cvm.raw

vm_start boot --image "$B/cvm.raw" --boot-test --timeout 600
# A figure, not a limit: seconds from QEMU start to the marker on the console.
marker=
vm_wait boot "cvm-boot: ready" && marker=$(elapsed boot) || true
rc=0
vm_ended boot || rc=$?
mkdir -p "$LOGDIR"
console boot >"$LOGDIR/boot-console.log"
echo "QEMU exit $rc; boot marker after ${marker:-(none)} s, power-off after $(elapsed boot) s;" \
	"console in $LOGDIR/boot-console.log"
console_has boot "cvm-init: root [0-9a-f]{64} verified by dm-verity" || bad "no cvm-init verity line"
console_has boot "cvm-boot: ready" || bad "no boot marker"
console_has boot "pcr-sha256 4 [0-9a-f]{64}" || bad "no PCR report"
console_has boot "reboot: Power down" || bad "the VM did not power off by itself"
# Nothing may listen on the network but networkd's DHCP clients (UDP 68, 546) and the
# evidence service (cvm-evidence.socket, TCP 7000: evidence-service/).
listeners=$(console boot | grep -o "cvm-boot-report: listening .*" |
	grep -Ev " (udp6? [0-9A-F]+ port (68|546)|tcp6? [0-9A-F]+ port 7000)$" || true)
[[ -z $listeners ]] || { bad "unexpected listening sockets:"; echo "$listeners"; }
((rc == 0)) || bad "QEMU did not exit cleanly (timeout?)"
console boot | grep -aE "cvm-init:|cvm-boot: ready" || true
