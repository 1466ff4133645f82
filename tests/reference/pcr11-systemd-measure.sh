#!/usr/bin/env bash
# PCR 11 from `cvm-reference image` must equal `systemd-measure calculate` of the SAME
# systemd version as the stub inside the UKI (257, from the pinned tools tree), in the
# sha256 and sha384 banks, with no boot phase and with enter-initrd:leave-initrd —
# for the image's UKI and for a UKI with more section types (.pcrpkey, .dtb, .splash)
# built here with ukify 257. Sections are extracted with binutils' objcopy
# (VirtualSize bytes), independently of lib/boot/pe.
set -euo pipefail
cd "$(dirname "$0")/../.."
ref=$(realpath "${CVM_REFERENCE:-build/bin/cvm-reference}")
build=${BUILD_DIR:-build}
T=${TOOLS_TREE:-/var/cache/cvmforge/tools}
[[ -x $ref && -f $build/cvm.efi ]] || { echo "need $ref and $build/cvm.efi"; exit 1; }
[[ -x $T/usr/lib/systemd/systemd-measure ]] || { echo "no tools tree at $T (make image builds it)"; exit 1; }

# Run the tools tree's binaries with its own loader and libraries: no chroot needed.
tt() { "$T/usr/lib64/ld-linux-x86-64.so.2" --library-path "$T/usr/lib/x86_64-linux-gnu:$T/usr/lib/x86_64-linux-gnu/systemd" "$@"; }
measure() { tt "$T/usr/lib/systemd/systemd-measure" "$@"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

stub_version=$(strings "$build/cvm.efi" | sed -n 's/^#### LoaderInfo: systemd-stub \([0-9]*\).*/\1/p' | head -1)
measure_version=$(measure --version | sed -n 's/^systemd \([0-9]*\).*/\1/p')
echo "stub in UKI: systemd $stub_version, systemd-measure: $measure_version"
[[ -n $stub_version && $stub_version == "$measure_version" ]] || { echo "FAIL version mismatch"; exit 1; }

# A small valid GPT disk: the document needs one; PCR 11 does not depend on it.
truncate -s 40K "$tmp/disk.raw"
printf 'label: gpt\nfirst-lba: 34\nstart=40, size=4, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B\n' | sfdisk -q "$tmp/disk.raw"

check_uki() { # UKI LABEL
	local uki=$1 label=$2 args=() s phases
	for s in linux osrel cmdline initrd ucode splash dtb uname sbat pcrpkey; do
		if objdump -h "$uki" | awk '{print $2}' | grep -qx "\.$s"; then
			objcopy -O binary --only-section=".$s" "$uki" "$tmp/$label.$s"
			args+=("--$s=$tmp/$label.$s")
		fi
	done
	echo "$label: sections ${args[*]//--*=$tmp\/$label./}"
	for phases in "" "enter-initrd:leave-initrd"; do
		"$ref" image "$tmp" --uki "$uki" --disk "$tmp/disk.raw" ${phases:+--pcr11-phases "$phases"} -o "$tmp/doc.json"
		for bank in sha256 sha384; do
			want=$(measure calculate "${args[@]}" --bank="$bank" --phase="$phases" 2>/dev/null | sed -n "s/^11:$bank=//p")
			got=$(jq -r ".vtpm.pcrs.$bank[\"11\"]" "$tmp/doc.json")
			if [[ -n $want && $got == "$want" ]]; then
				echo "ok   $label $bank phases=<${phases}> $got"
			else
				echo "FAIL $label $bank phases=<${phases}> ours $got systemd-measure $want"; fail=1
			fi
		done
	done
}

# BUILD_DIR may lack the split artifacts; point the image command at a dir with none.
check_uki "$build/cvm.efi" image

# A second UKI with more section types, built by ukify 257 around the image's kernel.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/pcr.key" 2>/dev/null
openssl pkey -in "$tmp/pcr.key" -pubout -out "$tmp/pcr.pub"
printf 'ID=probe\n' >"$tmp/osrel"
head -c 4099 /dev/urandom >"$tmp/initrd"   # not a multiple of 4
head -c 333 /dev/urandom >"$tmp/dtb"
cp "$build/cvm.efi" "$tmp/base.efi"
objcopy -O binary --only-section=.linux "$tmp/base.efi" "$tmp/vmlinuz"
unshare -m sh -c "mount --bind '$tmp' '$T/tmp' && chroot '$T' ukify build \
	--linux=/tmp/vmlinuz --initrd=/tmp/initrd --cmdline='console=ttyS0 quiet' \
	--os-release=@/tmp/osrel --uname=7.0.0-probe --pcrpkey=/tmp/pcr.pub --devicetree=/tmp/dtb \
	--output=/tmp/probe.efi" >/dev/null 2>&1
check_uki "$tmp/probe.efi" ukify-probe
exit $fail
