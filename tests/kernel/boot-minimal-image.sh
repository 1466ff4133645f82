#!/usr/bin/env bash
# The image built with the minimal-kernel option (make image-minimal -> build/img-minimal)
# ships exactly the kernel of make kernel, its exported config passes the survival check
# (every requirement built in), its initrd carries no module, and it boots from its
# ESP (OVMF -> UKI -> cvm-init -> verity root -> systemd) to the boot marker, TCG.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${B:-build}
img=${MINIMAL_IMAGE_DIR:-$B/img-minimal}
for f in "$img/cvm.raw" "$img/cvm.vmlinuz" "$img/cvm.initrd" "$img/cvm.kernel-config" "$B/kernel/vmlinuz"; do
	[[ -r $f ]] || { echo "FAIL: $f missing (make kernel; make image-minimal)" >&2; exit 1; }
done
make -s "$B/bin/cvm-kconfig-check" B="$B"
cmp -s "$img/cvm.vmlinuz" "$B/kernel/vmlinuz" ||
	{ echo "FAIL: $img ships another kernel than $B/kernel/vmlinuz" >&2; exit 1; }
"$B/bin/cvm-kconfig-check" --all-hard --monolithic --quiet "$img/cvm.kernel-config" \
	kernel-config/fragments/*.config kernel-config/minimal/*.config
if cpio -it --quiet < "$img/cvm.initrd" | grep -q '\.ko'; then
	echo "FAIL: $img/cvm.initrd carries kernel modules" >&2; exit 1
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s.%N)
scripts/run-vm --accel tcg --boot-test --image "$img/cvm.raw" --log "$log" \
	--timeout "${BOOT_TIMEOUT:-900}" > /dev/null 2>&1 || true
end=$(date +%s.%N)
if ! grep -q -a 'cvm-boot: ready boottime-ms' "$log"; then
	echo "FAIL: no boot marker; console tail:" >&2; tail -n 40 "$log" >&2; exit 1
fi
printf 'boot-minimal-image: ok: %s, power-off after %.1f s wall\n' \
	"$(grep -a -o 'cvm-boot: ready boottime-ms [0-9]*' "$log" | head -n 1)" "$(echo "$end - $start" | bc)"
