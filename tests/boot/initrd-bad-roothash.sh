#!/usr/bin/env bash
# Direct boots of the image's kernel and initrd with a changed command line: a wrong
# roothash=, a missing one and a duplicated one must each be refused by cvm-init
# with one clear line, and the VM must power off by itself; so must a boot without a
# root disk, after the bounded wait (cvm.init.timeout=). Last, a host that also
# relabels the partitions so their UUIDs match the wrong roothash= gets past the
# partition lookup, and dm-verity itself must refuse the root (the tree's top no
# longer hashes to roothash=).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/boot/initrd.inc
need_qemu
need_image cvm.raw cvm.vmlinuz cvm.initrd cvm.cmdline cvm.roothash

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
good=$(image_cmdline)
rh=$(cat "$B/cvm.roothash")
# Same length, last digit changed: the root-verity partition UUID no longer matches.
last=${rh: -1}
wrong=${rh:0:63}$([[ $last == 0 ]] && echo 1 || echo 0)

check() {
	local name=$1 append=$2 pattern=$3 image=${4:-$B/cvm.raw} rc=0
	run_vm "$work/$name.log" "$FAIL_TIMEOUT" --image "$image" --kernel "$B/cvm.vmlinuz" \
		--initrd "$B/cvm.initrd" --append "$append" || rc=$?
	expect_refused "$work/$name.log" "$rc" "$pattern"
	[[ $name == relabelled ]] || grep -aq 'cvm-init: powering off' "$work/$name.log" ||
		fail "$name: no power-off line"
	! grep -aq 'switching root' "$work/$name.log" || fail "$name: cvm-init switched root anyway"
	echo "ok: $name"
}

check wrong "${good/roothash=$rh/roothash=$wrong}" \
	"cvm-init: FATAL: find root: .*root-verity partition [0-9]+ has UUID .*roothash= expects"
check missing "${good/roothash=$rh/}" "cvm-init: FATAL: cmdline: /proc/cmdline: roothash=: missing"
check duplicate "$good roothash=$rh" "cvm-init: FATAL: cmdline: .*roothash: given more than once"
# No root disk at all (a blank disk instead): the bounded wait ends with one line.
truncate -s 8M "$work/blank.raw"
check nodisk "$good cvm.init.timeout=3" \
	"cvm-init: FATAL: find root: root partition: UUID [0-9a-f-]+ not found within 3 s; vda: no valid primary GPT" \
	"$work/blank.raw"

# Relabelled copy: partition UUIDs derived from the wrong hash (first/last 16 bytes).
uuid() { echo "${1:0:8}-${1:8:4}-${1:12:4}-${1:16:4}-${1:20:12}"; }
cp --sparse=always "$B/cvm.raw" "$work/relabelled.raw"
data_part=$(sfdisk -d "$work/relabelled.raw" | grep -n "type=$ROOT_TYPE" | head -n1)
hash_part=$(sfdisk -d "$work/relabelled.raw" | grep -n "type=$VERITY_TYPE" | head -n1)
[[ -n $data_part && -n $hash_part ]] || fail "no root/root-verity partitions in $B/cvm.raw"
data_no=$(sed -n 's/^[0-9]*:[^ ]*[^0-9]\([0-9]*\) :.*/\1/p' <<<"$data_part")
hash_no=$(sed -n 's/^[0-9]*:[^ ]*[^0-9]\([0-9]*\) :.*/\1/p' <<<"$hash_part")
sfdisk -q --part-uuid "$work/relabelled.raw" "$data_no" "$(uuid "${wrong:0:32}")"
sfdisk -q --part-uuid "$work/relabelled.raw" "$hash_no" "$(uuid "${wrong:32:32}")"
check relabelled "${good/roothash=$rh/roothash=$wrong}" \
	"device-mapper: verity: .*(data|metadata) block [0-9]+ is corrupted" "$work/relabelled.raw"
grep -aq "dm-verity device corrupted" "$work/relabelled.log" || fail "relabelled: no panic line"
echo "PASS: wrong, missing and duplicate roothash= refused; relabelled partitions refused by dm-verity"
