#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Direct boots of the image's kernel and initrd with a changed command line: a wrong
# roothash=, a missing one and a duplicated one must each be refused by cvm-init
# with one clear line, and the VM must power off by itself; so must a boot without a
# root disk, after the bounded wait (cvm.init.timeout=). Last, a host that also
# relabels the partitions so their UUIDs match the wrong roothash= gets past the
# partition lookup, and dm-verity itself must refuse the root (the tree's top no
# longer hashes to roothash=).
. "$(dirname "$0")/../lib.sh"
need_vm
need_built cvm.raw cvm.vmlinuz cvm.initrd cvm.cmdline cvm.roothash

good=$(image_cmdline)
rh=$(cat "$B/cvm.roothash")
# Same length, last digit changed: the root-verity partition UUID no longer matches.
last=${rh: -1}
wrong=${rh:0:63}$([[ $last == 0 ]] && echo 1 || echo 0)

check() { # check NAME APPEND ERE [DISK]
	local name=$1 append=$2 pattern=$3 image=${4:-$B/cvm.raw}
	vm_start "$name" --no-tpm --timeout "$FAIL_TIMEOUT" --image "$image" --kernel "$B/cvm.vmlinuz" \
		--initrd "$B/cvm.initrd" --append "$append"
	vm_refused "$name" "$pattern" 'cvm-boot: ready' 'switching root'
	[[ $name == relabelled ]] || console_has "$name" 'cvm-init: powering off' || fail "$name: no power-off line"
	pass "$name"
}

check wrong "${good/roothash=$rh/roothash=$wrong}" \
	"cvm-init: FATAL: find root: .*root-verity partition [0-9]+ has UUID .*roothash= expects"
check missing "${good/roothash=$rh/}" "cvm-init: FATAL: cmdline: /proc/cmdline: roothash=: missing"
check duplicate "$good roothash=$rh" "cvm-init: FATAL: cmdline: .*roothash: given more than once"
# No root disk at all (a blank disk instead): the bounded wait ends with one line.
truncate -s 8M "$WORK/blank.raw"
check nodisk "$good cvm.init.timeout=3" \
	"cvm-init: FATAL: find root: root partition: UUID [0-9a-f-]+ not found within 3 s; vda: no valid primary GPT" \
	"$WORK/blank.raw"

# Relabelled copy: partition UUIDs derived from the wrong hash (first/last 16 bytes).
uuid() { echo "${1:0:8}-${1:8:4}-${1:12:4}-${1:16:4}-${1:20:12}"; }
part_number() { # DISK TYPE
	sfdisk -J "$1" | jq -r --arg t "$2" '[.partitiontable.partitions[] | select(.type == $t)][0].node // "" |
		capture("(?<n>[0-9]+)$").n'
}
cp --sparse=always "$B/cvm.raw" "$WORK/relabelled.raw"
data_no=$(part_number "$WORK/relabelled.raw" "$TYPE_ROOT")
hash_no=$(part_number "$WORK/relabelled.raw" "$TYPE_ROOT_VERITY")
[[ -n $data_no && -n $hash_no ]] || fail "no root/root-verity partitions in $B/cvm.raw"
sfdisk -q --part-uuid "$WORK/relabelled.raw" "$data_no" "$(uuid "${wrong:0:32}")"
sfdisk -q --part-uuid "$WORK/relabelled.raw" "$hash_no" "$(uuid "${wrong:32:32}")"
check relabelled "${good/roothash=$rh/roothash=$wrong}" \
	"device-mapper: verity: .*(data|metadata) block [0-9]+ is corrupted" "$WORK/relabelled.raw"
console_has relabelled "dm-verity device corrupted" || fail "relabelled: no panic line"
echo "PASS: wrong, missing and duplicate roothash= refused; relabelled partitions refused by dm-verity"
