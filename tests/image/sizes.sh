#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Size report of the built image, with the targets as limits: root file system
# <= 64 MiB, UKI <= 24 MiB (with its initrd), initrd <= 4 MiB uncompressed.
. "$(dirname "$0")/../lib.sh"
need sfdisk jq
need_built cvm.raw cvm.efi cvm.initrd cvm.packages

size_of() { local b; b=$(part_bytes "$B/cvm.raw" "$1") || exit 1; echo "${b#* }"; } # GPT type -> bytes
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

root=$(size_of $TYPE_ROOT)
verity=$(size_of $TYPE_ROOT_VERITY)
esp=$(size_of $TYPE_ESP)
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

((root <= 64 * 1048576)) || bad "root file system over 64 MiB"
((uki <= 24 * 1048576)) || bad "UKI over 24 MiB"
((initrd <= 4 * 1048576)) || bad "initrd over 4 MiB"
