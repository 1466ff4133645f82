#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# PCR 11 from `cvm-reference image` must equal `systemd-measure calculate` of the SAME
# systemd version as the stub inside the UKI (257, from the pinned tools tree), in the
# sha256 and sha384 banks, with no boot phase and with enter-initrd:leave-initrd —
# for the image's UKI and for a UKI with more section types (.pcrpkey, .dtb, .splash)
# built here with ukify 257. Sections are extracted with binutils' objcopy
# (VirtualSize bytes), independently of lib/boot/pe.
. "$(dirname "$0")/../lib.sh"
need jq objdump objcopy sfdisk openssl
need_built bin/cvm-reference cvm.efi
[[ -x $TOOLS/usr/lib/systemd/systemd-measure ]] || fail "no tools tree at $TOOLS (make image builds it)"

# Run the tools tree's binaries with its own loader and libraries: no chroot needed.
tt() { "$TOOLS/usr/lib64/ld-linux-x86-64.so.2" --library-path "$TOOLS/usr/lib/x86_64-linux-gnu:$TOOLS/usr/lib/x86_64-linux-gnu/systemd" "$@"; }
measure() { tt "$TOOLS/usr/lib/systemd/systemd-measure" "$@"; }


stub_version=$(strings "$B/cvm.efi" | sed -n 's/^#### LoaderInfo: systemd-stub \([0-9]*\).*/\1/p' | sed -n 1p)
measure_version=$(measure --version | sed -n 's/^systemd \([0-9]*\).*/\1/p')
echo "stub in UKI: systemd $stub_version, systemd-measure: $measure_version"
[[ -n $stub_version && $stub_version == "$measure_version" ]] || fail "version mismatch"

# A small valid GPT disk: the document needs one; PCR 11 does not depend on it.
truncate -s 40K "$WORK/disk.raw"
printf 'label: gpt\nfirst-lba: 34\nstart=40, size=4, type=%s\n' "$TYPE_ESP" | sfdisk -q "$WORK/disk.raw"

check_uki() { # UKI LABEL
	local uki=$1 label=$2 args=() s phases
	for s in linux osrel cmdline initrd ucode splash dtb uname sbat pcrpkey; do
		if grep -qx "\.$s" < <(objdump -h "$uki" | awk '{print $2}'); then
			objcopy -O binary --only-section=".$s" "$uki" "$WORK/$label.$s"
			args+=("--$s=$WORK/$label.$s")
		fi
	done
	echo "$label: sections ${args[*]//--*=$WORK\/$label./}"
	for phases in "" "enter-initrd:leave-initrd"; do
		"$REF" image "$WORK" --uki "$uki" --disk "$WORK/disk.raw" ${phases:+--pcr11-phases "$phases"} -o "$WORK/doc.json"
		for bank in sha256 sha384; do
			want=$(measure calculate "${args[@]}" --bank="$bank" --phase="$phases" 2>/dev/null | sed -n "s/^11:$bank=//p")
			got=$(jq -r ".vtpm.pcrs.$bank[\"11\"]" "$WORK/doc.json")
			expect_eq "$label $bank phases=<${phases}>: ours = systemd-measure's" "$got" "${want:-<none>}"
		done
	done
}

# $B may lack the split artifacts; point the image command at a dir with none.
check_uki "$B/cvm.efi" image

# A second UKI with more section types, built by ukify 257 around the image's kernel.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/pcr.key" 2>/dev/null
openssl pkey -in "$WORK/pcr.key" -pubout -out "$WORK/pcr.pub"
printf 'ID=probe\n' >"$WORK/osrel"
head -c 4099 /dev/urandom >"$WORK/initrd"   # not a multiple of 4
head -c 333 /dev/urandom >"$WORK/dtb"
cp "$B/cvm.efi" "$WORK/base.efi"
objcopy -O binary --only-section=.linux "$WORK/base.efi" "$WORK/vmlinuz"
unshare -m sh -c "mount --bind '$WORK' '$TOOLS/tmp' && chroot '$TOOLS' ukify build \
	--linux=/tmp/vmlinuz --initrd=/tmp/initrd --cmdline='console=ttyS0 quiet' \
	--os-release=@/tmp/osrel --uname=7.0.0-probe --pcrpkey=/tmp/pcr.pub --devicetree=/tmp/dtb \
	--output=/tmp/probe.efi" >/dev/null 2>&1
check_uki "$WORK/probe.efi" ukify-probe
