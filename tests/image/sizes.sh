#!/usr/bin/env bash
# Size report of the built image, with the targets as limits: root file system
# <= 64 MiB, UKI <= 24 MiB (with its initrd), initrd <= 4 MiB uncompressed.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/image/lib.sh
B=${B:-build}
[[ -f $B/cvm.raw ]] || { echo "no $B/cvm.raw: run make image first"; exit 1; }

part_bytes() { # GPT type -> partition size in bytes
	local start size
	read -r start size < <(part_extent "$B/cvm.raw" "$1")
	echo $((size * 512))
}
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

root=$(part_bytes $TYPE_ROOT)
verity=$(part_bytes $TYPE_ROOT_VERITY)
esp=$(part_bytes $TYPE_ESP)
uki=$(stat -c %s "$B/cvm.efi")
initrd=$(stat -c %s "$B/cvm.initrd")
disk=$(stat -c %s "$B/cvm.raw")
packages=$(wc -l < "$B/cvm.packages")

printf '%-22s %12s %12s\n' artifact bytes size
for row in "root-erofs $root" "root-verity $verity" "esp $esp" "uki $uki" "initrd $initrd" "disk $disk"; do
	set -- $row
	printf '%-22s %12s %12s\n' "$1" "$2" "$(mib "$2")"
done
printf '%-22s %12s\n' packages "$packages"

fail=0
((root <= 64 * 1048576)) || { echo "root file system over 64 MiB"; fail=1; }
((uki <= 24 * 1048576)) || { echo "UKI over 24 MiB"; fail=1; }
((initrd <= 4 * 1048576)) || { echo "initrd over 4 MiB"; fail=1; }
exit $fail
