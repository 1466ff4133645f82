#!/usr/bin/env bash
# cvm-reference workload DISK reads a workload disk exactly as measure-agent does and
# must print what cvm-workload pack predicted; a manifest file gives the same values;
# a damaged disk or a file that is no workload disk is refused (exit 3).
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${B:-build}
ref=${CVM_REFERENCE:-$B/bin/cvm-reference}
work=$(mktemp -d /tmp/cvm-refwl.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail=0

mkdir -p "$work/app/bin" && printf 'payload\n' > "$work/app/bin/hello"
"$B/bin/cvm-workload" pack "$work/app" -o "$work/disk.img" --exec /app/bin/hello --name t \
	--manifest-out "$work/m.json" --json > "$work/pack.json" || { echo "pack failed"; exit 1; }

field() { awk -v k="$1" '$1 == k { print $2 }'; }
"$ref" workload "$work/disk.img" > "$work/disk.txt" || { echo "workload DISK failed"; exit 1; }
"$ref" workload --manifest "$work/m.json" > "$work/manifest.txt" || { echo "workload --manifest failed"; exit 1; }
cmp -s "$work/disk.txt" "$work/manifest.txt" || { echo "disk and manifest give different values"; fail=1; }
for k in manifest_sha256 manifest_sha384 pcr8_sha256 pcr8_sha384 rtmr3 host_data; do
	want=$(jq -r --arg k "$k" '.[$k] // empty' "$work/pack.json")
	got=$(field "$k" < "$work/disk.txt")
	[[ -n $want && $want == "$got" ]] || { echo "$k: pack says '$want', cvm-reference says '$got'"; fail=1; }
done

# A flipped byte in the primary GPT header's CRC-covered area: refused, nothing printed.
cp "$work/disk.img" "$work/bad.img"
printf '\xff' | dd of="$work/bad.img" bs=1 seek=$((512 + 40)) conv=notrunc status=none
"$ref" workload "$work/bad.img" > "$work/bad.out" 2> "$work/bad.err"
rc=$?
[[ $rc -eq 3 && ! -s $work/bad.out ]] || { echo "damaged disk: exit $rc, expected 3 and no output"; fail=1; }
"$ref" workload /etc/hostname > /dev/null 2>&1
rc=$?
[[ $rc -eq 3 ]] || { echo "not a disk: exit $rc, expected 3"; fail=1; }
cat "$work/bad.err"
exit $fail
