#!/usr/bin/env bash
# The real image, booted from its disk by OVMF (UKI with cvm-init inside), reaches
# systemd and the image's boot marker, and cvm-init reports the verified root on the
# console. Prints the timings that initrd/README.md quotes.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/boot/initrd.inc
need_qemu
need_image cvm.raw cvm.roothash

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rc=0
run_vm "$work/console.log" "$BOOT_TIMEOUT" --image "$B/cvm.raw" --boot-test || rc=$?
((rc != 124)) || { tail -n 40 "$work/console.log"; fail "no power-off within ${BOOT_TIMEOUT}s"; }
log=$work/console.log
grep -aq "cvm-init: root $(cat "$B/cvm.roothash") verified by dm-verity" "$log" ||
	{ tail -n 40 "$log"; fail "cvm-init did not report the verified root"; }
! grep -aq 'cvm-init: FATAL' "$log" || fail "cvm-init reported a failure"
grep -aq 'cvm-boot: ready' "$log" || { tail -n 40 "$log"; fail "no boot marker"; }
grep -aE 'cvm-init: root|cvm-boot: ready' "$log" | sed 's/^/  /'
echo "PASS: cvm-init booted the verity root into systemd"
