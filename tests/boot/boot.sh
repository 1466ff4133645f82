#!/usr/bin/env bash
# Boots build/cvm.raw from its ESP (OVMF -> \EFI\BOOT\BOOTX64.EFI -> cvm-init ->
# verity root -> systemd) with a swtpm vTPM, waits for the boot report's marker and
# requires the VM to power off by itself afterwards.
set -uo pipefail
cd "$(dirname "$0")/../.."
log=${TEST_LOGDIR:-build/test-logs}/boot-console.log
mkdir -p "$(dirname "$log")"

rm -f "$log"
start=$(date +%s.%N)
scripts/run-vm --boot-test --log "$log" --timeout "${CVM_BOOT_TIMEOUT:-600}" &
vm=$!
# A figure, not a limit: seconds from QEMU start to the marker on the console.
marker=
while kill -0 "$vm" 2>/dev/null; do
	if [[ -z $marker ]] && grep -q "cvm-boot: ready" "$log" 2>/dev/null; then
		marker=$(date +%s.%N)
	fi
	sleep 0.2
done
wait "$vm"
rc=$?
end=$(date +%s.%N)
[[ -n $marker ]] || marker=$end
echo "QEMU exit $rc; boot marker after $(awk -v a="$start" -v b="$marker" 'BEGIN { printf "%.1f", b - a }') s," \
	"power-off after $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s; console in $log"
fail=0
grep -q "cvm-init: root [0-9a-f]\{64\} verified by dm-verity" "$log" || { echo "no cvm-init verity line"; fail=1; }
grep -q "cvm-boot: ready" "$log" || { echo "no boot marker"; fail=1; }
grep -q "pcr-sha256 4 [0-9a-f]\{64\}" "$log" || { echo "no PCR report"; fail=1; }
grep -q "reboot: Power down" "$log" || { echo "the VM did not power off by itself"; fail=1; }
# Nothing may listen on the network but networkd's DHCP clients (UDP 68, 546) and the
# evidence service (cvm-evidence.socket, TCP 7000: evidence-service/).
listeners=$(tr -d '\r' < "$log" | grep -o "cvm-boot-report: listening .*" |
	grep -Ev " (udp6? [0-9A-F]+ port (68|546)|tcp6? [0-9A-F]+ port 7000)$" || true)
[[ -z $listeners ]] || { echo "unexpected listening sockets:"; echo "$listeners"; fail=1; }
((rc == 0)) || { echo "QEMU did not exit cleanly (timeout?)"; fail=1; }
grep -E "cvm-init:|cvm-boot: ready" "$log"
exit $fail
