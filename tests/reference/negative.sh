#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every change to what boots must change the prediction, in exactly the registers
# that measure it; every malformed or inconsistent input must be refused (exit 3)
# with one line naming the file, and no document written.
. "$(dirname "$0")/../lib.sh"
need jq sfdisk mcopy objdump
need_built bin/cvm-reference cvm.efi cvm.raw
snp_fw=$FIRMWARE/OVMF.amdsev.fd

mkdir "$WORK/base"
cp "$B/cvm.efi" "$B/cvm.raw" "$WORK/base/"
"$REF" image "$WORK/base" -o "$WORK/base.json"
# Deterministic: the same inputs give the same bytes (the document is signed).
"$REF" image "$WORK/base" -o "$WORK/base2.json"
cmp -s "$WORK/base.json" "$WORK/base2.json" && pass "two runs give identical documents" || bad "documents differ between runs"
# The document describes the disk: the UKI in the disk's ESP is cvm.efi.
if MTOOLS_SKIP_CHECK=1 mcopy -n -i "$B/cvm.raw@@$(part_offset "$B/cvm.raw" "$TYPE_ESP")" ::/EFI/BOOT/BOOTX64.EFI "$WORK/esp-uki.efi" 2>/dev/null &&
	cmp -s "$WORK/esp-uki.efi" "$B/cvm.efi"; then
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
			[[ $(pcr "$doc" "$p") != "$(pcr "$WORK/base.json" "$p")" ]] && pass "$what changes PCR $p" || bad "$what did not change PCR $p"
		else
			[[ $(pcr "$doc" "$p") == "$(pcr "$WORK/base.json" "$p")" ]] && pass "$what leaves PCR $p" || bad "$what changed PCR $p"
		fi
	done
}
# patch FILE OFFSET BYTES (printf escapes)
patch() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }
section_off() { printf "%d" "0x$(objdump -h "$1" | awk -v s="$2" '$2 == s { print $6 }')"; }

variant() { # NAME: a fresh copy of the base inputs
	rm -rf "$WORK/$1"; mkdir "$WORK/$1"; cp "$WORK/base/cvm.efi" "$WORK/base/cvm.raw" "$WORK/$1/"
}

# 1. Command line changed inside the UKI (one byte of .cmdline).
variant cmdline
off=$(section_off "$WORK/cmdline/cvm.efi" .cmdline)
patch "$WORK/cmdline/cvm.efi" "$off" 'X'
"$REF" image "$WORK/cmdline" -o "$WORK/cmdline.json"
expect_changed "$WORK/cmdline.json" "4 9 11" "a changed .cmdline"

# 2. One byte of the initrd.
variant initrd
off=$(section_off "$WORK/initrd/cvm.efi" .initrd)
patch "$WORK/initrd/cvm.efi" $((off + 4096)) '\x5a'
"$REF" image "$WORK/initrd" -o "$WORK/initrd.json"
expect_changed "$WORK/initrd.json" "4 9 11" "a changed .initrd"

# 3. One byte of the kernel (inside its .text, past the headers).
variant kernel
off=$(section_off "$WORK/kernel/cvm.efi" .linux)
patch "$WORK/kernel/cvm.efi" $((off + 65536)) '\x90'
"$REF" image "$WORK/kernel" -o "$WORK/kernel.json"
expect_changed "$WORK/kernel.json" "4 11" "a changed kernel"

# 4. .osrel (handed to Linux as /.extra/os-release: PCR 9 too).
variant osrel
off=$(section_off "$WORK/osrel/cvm.efi" .osrel)
patch "$WORK/osrel/cvm.efi" "$off" 'Q'
"$REF" image "$WORK/osrel" -o "$WORK/osrel.json"
expect_changed "$WORK/osrel.json" "4 9 11" "a changed .osrel"

# 5. Boot phases only move PCR 11.
"$REF" image "$WORK/base" --pcr11-phases enter-initrd -o "$WORK/phase.json"
expect_changed "$WORK/phase.json" "11" "a boot phase"

# 6. A different disk GPT (new disk GUID, same UKI) moves PCR 5 only.
variant gpt
sfdisk --disk-id "$WORK/gpt/cvm.raw" 01234567-89AB-CDEF-0123-456789ABCDEF >/dev/null 2>&1
"$REF" image "$WORK/gpt" -o "$WORK/gpt.json"
expect_changed "$WORK/gpt.json" "5" "another disk GUID"

# 7. SNP: a changed -append command line changes every launch digest.
if [[ -f $snp_fw && -f $B/cvm.vmlinuz && -f $B/cvm.initrd && -f $B/cvm.cmdline ]]; then
	variant snp
	cp "$B/cvm.vmlinuz" "$B/cvm.initrd" "$B/cvm.cmdline" "$WORK/snp/"
	"$REF" image "$WORK/snp" --ovmf-snp "$snp_fw" --vcpus 1,4 -o "$WORK/snp1.json"
	# The document's entry equals the standalone `snp` subcommand for the same launch.
	one=$("$REF" snp --ovmf "$snp_fw" --kernel "$B/cvm.vmlinuz" --initrd "$B/cvm.initrd" \
		--cmdline-file "$B/cvm.cmdline" --vcpus 4 --vcpu-type EPYC-v4)
	[[ $one == "$(jq -r '.snp.measurements[] | select(.vcpus == 4) | .value' "$WORK/snp1.json")" ]] &&
		pass "SNP digest (4 vCPUs) equals cvm-reference snp" || bad "SNP digest differs from cvm-reference snp ($one)"
	{ tr -d '\0' <"$B/cvm.cmdline"; printf ' x'; } >"$WORK/snp/cvm.cmdline"
	"$REF" image "$WORK/snp" --ovmf-snp "$snp_fw" --vcpus 1,4 -o "$WORK/snp2.json"
	a=$(jq -r '.snp.measurements[].value' "$WORK/snp1.json" | sort -u | wc -l)
	if [[ $a == 2 ]] && [[ -z $(comm -12 <(jq -r '.snp.measurements[].value' "$WORK/snp1.json" | sort) \
		<(jq -r '.snp.measurements[].value' "$WORK/snp2.json" | sort)) ]]; then
		pass "a changed SNP command line changes both launch digests"
	else
		bad "SNP launch digests did not all change"
	fi
else
	echo "note: no AmdSev OVMF or split artifacts, SNP check not run"
fi

# Refusals: exit 3, one line naming the object, no output file.
refuse() { # WHAT FILE-NAMED-IN-ERROR ARGS...
	local what=$1 name=$2; shift 2
	rm -f "$WORK/out.json"
	expect_exit 3 "$what refused: $name" "$REF" image "$@" -o "$WORK/out.json"
	[[ ! -e $WORK/out.json ]] || bad "$what: a document was written"
	[[ $(wc -l <"$WORK/err") == 1 ]] && grep -q "$name" "$WORK/err" || bad "$what: not one line naming $name: $(cat "$WORK/err")"
}
variant trunc; truncate -s 4000 "$WORK/trunc/cvm.efi"
refuse "a truncated UKI" cvm.efi "$WORK/trunc"
variant notpe; head -c 100000 /dev/zero >"$WORK/notpe/cvm.efi"
refuse "a non-PE UKI" cvm.efi "$WORK/notpe"
variant nogpt; dd if=/dev/zero of="$WORK/nogpt/cvm.raw" bs=512 seek=1 count=1 conv=notrunc status=none
refuse "a disk without GPT" cvm.raw "$WORK/nogpt"
variant badcrc; patch "$WORK/badcrc/cvm.raw" $((1024 + 40)) '\x01'
refuse "a GPT entry array with a bad CRC" cvm.raw "$WORK/badcrc"
variant roothash; printf '%064d\n' 0 >"$WORK/roothash/cvm.roothash"
refuse "a root hash not in the command line" cvm.roothash "$WORK/roothash"
variant split; head -c 1000 /dev/urandom >"$WORK/split/cvm.vmlinuz"
refuse "a split kernel that is not the UKI's" cvm.vmlinuz "$WORK/split"
variant missing; rm "$WORK/missing/cvm.raw"
refuse "a missing disk" cvm.raw "$WORK/missing"
