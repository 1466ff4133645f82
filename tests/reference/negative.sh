#!/usr/bin/env bash
# Every change to what boots must change the prediction, in exactly the registers
# that measure it; every malformed or inconsistent input must be refused (exit 3)
# with one line naming the file, and no document written.
set -euo pipefail
cd "$(dirname "$0")/../.."
ref=$(realpath "${CVM_REFERENCE:-build/bin/cvm-reference}")
build=${BUILD_DIR:-build}
snp_fw=${OVMF_SNP:-/var/lib/cvmforge/firmware/root/usr/share/ovmf/OVMF.amdsev.fd}
[[ -x $ref && -f $build/cvm.efi && -f $build/cvm.raw ]] || { echo "need $ref and $build/cvm.{efi,raw}"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pass() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

mkdir "$tmp/base"
cp "$build/cvm.efi" "$build/cvm.raw" "$tmp/base/"
"$ref" image "$tmp/base" -o "$tmp/base.json"
# Deterministic: the same inputs give the same bytes (the document is signed).
"$ref" image "$tmp/base" -o "$tmp/base2.json"
cmp -s "$tmp/base.json" "$tmp/base2.json" && pass "two runs give identical documents" || bad "documents differ between runs"
# The document describes the disk: the UKI in the disk's ESP is cvm.efi.
esp_start=$(sfdisk -d "$build/cvm.raw" | awk '/C12A7328-F81F-11D2-BA4B-00A0C93EC93B/ { sub(",", "", $4); print $4 }')
if [[ -n $esp_start ]] && MTOOLS_SKIP_CHECK=1 mcopy -n -i "$build/cvm.raw@@$((esp_start * 512))" ::/EFI/BOOT/BOOTX64.EFI "$tmp/esp-uki.efi" 2>/dev/null &&
	cmp -s "$tmp/esp-uki.efi" "$build/cvm.efi"; then
	pass "\\EFI\\BOOT\\BOOTX64.EFI in the disk's ESP is cvm.efi"
else
	bad "the disk's \\EFI\\BOOT\\BOOTX64.EFI is not cvm.efi"
fi

pcr() { jq -r ".vtpm.pcrs.sha256[\"$2\"]" "$1"; }
# expect_changed DOC "CHANGED PCRS" WHAT: listed PCRs differ from base, the others not.
expect_changed() {
	local doc=$1 changed=" $2 " what=$3 p
	for p in 4 5 9 11 12; do
		if [[ $changed == *" $p "* ]]; then
			[[ $(pcr "$doc" "$p") != "$(pcr "$tmp/base.json" "$p")" ]] && pass "$what changes PCR $p" || bad "$what did not change PCR $p"
		else
			[[ $(pcr "$doc" "$p") == "$(pcr "$tmp/base.json" "$p")" ]] && pass "$what leaves PCR $p" || bad "$what changed PCR $p"
		fi
	done
}
# patch FILE OFFSET BYTES
patch() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }
section_off() { printf "%d" "0x$(objdump -h "$1" | awk -v s="$2" '$2 == s { print $6 }')"; }

variant() { # NAME: a fresh copy of the base inputs
	rm -rf "$tmp/$1"; mkdir "$tmp/$1"; cp "$tmp/base/cvm.efi" "$tmp/base/cvm.raw" "$tmp/$1/"
}

# 1. Command line changed inside the UKI (one byte of .cmdline).
variant cmdline
off=$(section_off "$tmp/cmdline/cvm.efi" .cmdline)
patch "$tmp/cmdline/cvm.efi" "$off" 'X'
"$ref" image "$tmp/cmdline" -o "$tmp/cmdline.json"
expect_changed "$tmp/cmdline.json" "4 9 11" "a changed .cmdline"

# 2. One byte of the initrd.
variant initrd
off=$(section_off "$tmp/initrd/cvm.efi" .initrd)
patch "$tmp/initrd/cvm.efi" $((off + 4096)) '\x5a'
"$ref" image "$tmp/initrd" -o "$tmp/initrd.json"
expect_changed "$tmp/initrd.json" "4 9 11" "a changed .initrd"

# 3. One byte of the kernel (inside its .text, past the headers).
variant kernel
off=$(section_off "$tmp/kernel/cvm.efi" .linux)
patch "$tmp/kernel/cvm.efi" $((off + 65536)) '\x90'
"$ref" image "$tmp/kernel" -o "$tmp/kernel.json"
expect_changed "$tmp/kernel.json" "4 11" "a changed kernel"

# 4. .osrel (handed to Linux as /.extra/os-release: PCR 9 too).
variant osrel
off=$(section_off "$tmp/osrel/cvm.efi" .osrel)
patch "$tmp/osrel/cvm.efi" "$off" 'Q'
"$ref" image "$tmp/osrel" -o "$tmp/osrel.json"
expect_changed "$tmp/osrel.json" "4 9 11" "a changed .osrel"

# 5. Boot phases only move PCR 11.
"$ref" image "$tmp/base" --pcr11-phases enter-initrd -o "$tmp/phase.json"
expect_changed "$tmp/phase.json" "11" "a boot phase"

# 6. A different disk GPT (new disk GUID, same UKI) moves PCR 5 only.
variant gpt
sfdisk --disk-id "$tmp/gpt/cvm.raw" 01234567-89AB-CDEF-0123-456789ABCDEF >/dev/null 2>&1
"$ref" image "$tmp/gpt" -o "$tmp/gpt.json"
expect_changed "$tmp/gpt.json" "5" "another disk GUID"

# 7. SNP: a changed -append command line changes every launch digest.
if [[ -f $snp_fw && -f $build/cvm.vmlinuz && -f $build/cvm.initrd && -f $build/cvm.cmdline ]]; then
	variant snp
	cp "$build/cvm.vmlinuz" "$build/cvm.initrd" "$build/cvm.cmdline" "$tmp/snp/"
	"$ref" image "$tmp/snp" --ovmf-snp "$snp_fw" --vcpus 1,4 -o "$tmp/snp1.json"
	# The document's entry equals the standalone `snp` subcommand for the same launch.
	one=$("$ref" snp --ovmf "$snp_fw" --kernel "$build/cvm.vmlinuz" --initrd "$build/cvm.initrd" \
		--cmdline-file "$build/cvm.cmdline" --vcpus 4 --vcpu-type EPYC-v4)
	[[ $one == "$(jq -r '.snp.measurements[] | select(.vcpus == 4) | .value' "$tmp/snp1.json")" ]] &&
		pass "SNP digest (4 vCPUs) equals cvm-reference snp" || bad "SNP digest differs from cvm-reference snp ($one)"
	{ tr -d '\0' <"$build/cvm.cmdline"; printf ' x'; } >"$tmp/snp/cvm.cmdline"
	"$ref" image "$tmp/snp" --ovmf-snp "$snp_fw" --vcpus 1,4 -o "$tmp/snp2.json"
	a=$(jq -r '.snp.measurements[].value' "$tmp/snp1.json" | sort -u | wc -l)
	if [[ $a == 2 ]] && [[ -z $(comm -12 <(jq -r '.snp.measurements[].value' "$tmp/snp1.json" | sort) \
		<(jq -r '.snp.measurements[].value' "$tmp/snp2.json" | sort)) ]]; then
		pass "a changed SNP command line changes both launch digests"
	else
		bad "SNP launch digests did not all change"
	fi
else
	echo "note: no AmdSev OVMF or split artifacts, SNP check not run"
fi

# Refusals: exit 3, one line naming the object, no output file.
refuse() { # WHAT FILE-NAMED-IN-ERROR ARGS...
	local what=$1 name=$2 rc; shift 2
	rm -f "$tmp/out.json"
	set +e; "$ref" image "$@" -o "$tmp/out.json" 2>"$tmp/err"; rc=$?; set -e
	if [[ $rc == 3 && ! -e $tmp/out.json ]] && grep -q "$name" "$tmp/err" && [[ $(wc -l <"$tmp/err") == 1 ]]; then
		pass "$what refused: $(cat "$tmp/err")"
	else
		bad "$what: exit $rc, $(cat "$tmp/err")"
	fi
}
variant trunc; truncate -s 4000 "$tmp/trunc/cvm.efi"
refuse "a truncated UKI" cvm.efi "$tmp/trunc"
variant notpe; head -c 100000 /dev/zero >"$tmp/notpe/cvm.efi"
refuse "a non-PE UKI" cvm.efi "$tmp/notpe"
variant nogpt; dd if=/dev/zero of="$tmp/nogpt/cvm.raw" bs=512 seek=1 count=1 conv=notrunc status=none
refuse "a disk without GPT" cvm.raw "$tmp/nogpt"
variant badcrc; patch "$tmp/badcrc/cvm.raw" $((1024 + 40)) '\x01'
refuse "a GPT entry array with a bad CRC" cvm.raw "$tmp/badcrc"
variant roothash; printf '%064d\n' 0 >"$tmp/roothash/cvm.roothash"
refuse "a root hash not in the command line" cvm.roothash "$tmp/roothash"
variant split; head -c 1000 /dev/urandom >"$tmp/split/cvm.vmlinuz"
refuse "a split kernel that is not the UKI's" cvm.vmlinuz "$tmp/split"
variant missing; rm "$tmp/missing/cvm.raw"
refuse "a missing disk" cvm.raw "$tmp/missing"
exit $fail
