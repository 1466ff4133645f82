#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The reference document of the built image predicts what its real UEFI disk boot
# measures: boot build/cvm.raw (UKI as \EFI\BOOT\BOOTX64.EFI) with scripts/run-vm
# (QEMU + OVMF + swtpm), and compare the guest's boot report — PCR 4, 5, 9, 11, 12 in
# the sha256 and sha384 banks read from sysfs, and the firmware event log — with
# build/cvm.reference.json (or, if make image did not write one, a document made now
# with --pcr11-phases $CVMFORGE_PCR11_PHASES, default enter-initrd:leave-initrd:sysinit:ready,
# the phases systemd extends with its own initrd). PCR 11 must equal the value after
# some prefix of those phases (the report may run before the last one).
. "$(dirname "$0")/../lib.sh"
need_vm
need jq
need_built bin/cvm-reference cvm.raw cvm.efi

if [[ -f $B/cvm.reference.json ]]; then
	doc=$B/cvm.reference.json
	echo "document: $doc (pcr11_phases: $(jq -r '.vtpm.assumptions.pcr11_phases' "$doc"))"
	[[ $(jq -r .image.uki.sha256 "$doc") == "$(sha256sum <"$B/cvm.efi" | cut -d' ' -f1)" ]] ||
		fail "$doc is not the document of $B/cvm.efi"
else
	doc=$WORK/doc.json
	phases=${CVMFORGE_PCR11_PHASES-enter-initrd:leave-initrd:sysinit:ready}
	"$REF" image "$B" ${phases:+--pcr11-phases "$phases"} -o "$doc"
	echo "document: made now, pcr11_phases <$phases>"
fi

vm_run boot --image "$B/cvm.raw" --boot-test
console_has boot "cvm-boot-report: pcr-sha256 12" || { show boot; fail "no boot report (run-vm exit $RC)"; }
check_boot_report "$WORK/boot.log" "$doc"
