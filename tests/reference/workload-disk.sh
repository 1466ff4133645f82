#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cvm-reference workload DISK reads a workload disk exactly as measure-agent does and
# must print what cvm-workload pack predicted; a manifest file gives the same values;
# a damaged disk or a file that is no workload disk is refused (exit 3).
. "$(dirname "$0")/../lib.sh"
need jq
need_built bin/cvm-reference bin/cvm-workload

mkdir -p "$WORK/app/bin" && printf 'payload\n' > "$WORK/app/bin/hello"
"$PACK" pack "$WORK/app" -o "$WORK/disk.img" --exec /app/bin/hello --name t \
	--manifest-out "$WORK/m.json" --json > "$WORK/pack.json" || fail "pack failed"

field() { awk -v k="$1" '$1 == k { print $2 }'; }
"$REF" workload "$WORK/disk.img" > "$WORK/disk.txt" || fail "workload DISK failed"
"$REF" workload --manifest "$WORK/m.json" > "$WORK/manifest.txt" || fail "workload --manifest failed"
cmp -s "$WORK/disk.txt" "$WORK/manifest.txt" || bad "disk and manifest give different values"
for k in manifest_sha256 manifest_sha384 pcr8_sha256 pcr8_sha384 rtmr3 host_data; do
	want=$(jq -r --arg k "$k" '.[$k] // empty' "$WORK/pack.json")
	[[ -n $want ]] || bad "$k: not in pack's output"
	expect_eq "$k: cvm-reference says what pack says" "$(field "$k" < "$WORK/disk.txt")" "$want"
done

# A flipped byte in the primary GPT header's CRC-covered area: refused, nothing printed.
cp "$WORK/disk.img" "$WORK/bad.img"
printf '\xff' | dd of="$WORK/bad.img" bs=1 seek=$((512 + 40)) conv=notrunc status=none
expect_exit 3 "damaged disk refused" "$REF" workload "$WORK/bad.img"
[[ ! -s $WORK/out ]] || bad "damaged disk: output printed"
cat "$WORK/err"
expect_exit 3 "not a disk refused" "$REF" workload /etc/hostname
