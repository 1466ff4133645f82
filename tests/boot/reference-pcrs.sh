#!/usr/bin/env bash
# The reference document of the built image predicts what its real UEFI disk boot
# measures: boot build/cvm.raw (UKI as \EFI\BOOT\BOOTX64.EFI) with scripts/run-vm
# (QEMU + OVMF + swtpm), and compare the guest's boot report — PCR 4, 5, 9, 11, 12 in
# the sha256 and sha384 banks read from sysfs, and the firmware event log — with
# build/cvm.reference.json (or, if make image did not write one, a document made now
# with --pcr11-phases $CVMFORGE_PCR11_PHASES, default enter-initrd:leave-initrd:sysinit:ready,
# the phases systemd extends with its own initrd). PCR 11 must equal the value after
# some prefix of those phases (the report may run before the last one).
set -euo pipefail
cd "$(dirname "$0")/../.."
ref=$(realpath "${CVM_REFERENCE:-build/bin/cvm-reference}")
build=${BUILD_DIR:-build}
for t in qemu-system-x86_64 swtpm; do command -v $t >/dev/null || { echo "$t missing"; exit 77; }; done
[[ -f /usr/share/OVMF/OVMF_CODE_4M.fd ]] || { echo "no OVMF"; exit 77; }
[[ -x $ref && -f $build/cvm.raw && -f $build/cvm.efi ]] || { echo "need $ref and $build/cvm.{raw,efi} (make image)"; exit 1; }
. tests/boot/reference-lib.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
if [[ -f $build/cvm.reference.json ]]; then
	doc=$build/cvm.reference.json
	echo "document: $doc (pcr11_phases: $(jq -r '.vtpm.assumptions.pcr11_phases' "$doc"))"
	[[ $(jq -r .image.uki.sha256 "$doc") == "$(sha256sum <"$build/cvm.efi" | cut -d' ' -f1)" ]] ||
		{ echo "FAIL $doc is not the document of $build/cvm.efi"; exit 1; }
else
	doc=$tmp/doc.json
	phases=${CVMFORGE_PCR11_PHASES-enter-initrd:leave-initrd:sysinit:ready}
	"$ref" image "$build" ${phases:+--pcr11-phases "$phases"} -o "$doc"
	echo "document: made now, pcr11_phases <$phases>"
fi

scripts/run-vm --image "$build/cvm.raw" --boot-test --log "$tmp/serial.log" --timeout "${BOOT_TIMEOUT:-900}" >/dev/null 2>&1 ||
	{ rc=$?; grep -q "cvm-boot-report: pcr-sha256 12" "$tmp/serial.log" || { echo "FAIL boot (run-vm exit $rc)"; tail -30 "$tmp/serial.log"; exit 1; }; }
grep -q "cvm-boot-report: pcr-sha256 12" "$tmp/serial.log" || { echo "FAIL no boot report"; tail -30 "$tmp/serial.log"; exit 1; }
check_boot_report "$tmp/serial.log" "$doc"
exit $fail
