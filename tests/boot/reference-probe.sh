#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Ground truth for the UKI boot model without the image's userspace: a UKI built by
# ukify 257 around the image's kernel and a tiny static "probe" initrd (its size
# deliberately not a multiple of 4) boots from a GPT disk as \EFI\BOOT\BOOTX64.EFI in
# QEMU + OVMF + swtpm; the probe prints the vTPM PCRs and the firmware event log and
# powers off. cvm-reference image of that UKI and disk must predict PCR 4, 5, 9, 11,
# 12 in both banks and every firmware event of those PCRs. QEMU is started here, not
# by scripts/run-vm: one vCPU, no network, no RNG device, nothing the probe's boot
# does not need.
. "$(dirname "$0")/../lib.sh"
need_vm
need jq cpio objcopy mkfs.vfat mmd mcopy sfdisk
need_built bin/cvm-reference cvm.efi
[[ -x $TOOLS/usr/bin/ukify ]] || fail "no ukify in the tools tree $TOOLS (make image builds it)"

# Probe initrd: /init prints the report and powers off.
mkdir -p "$WORK/root/dev" "$WORK/root/sys" "$WORK/root/proc"
cc -static -O2 -o "$WORK/root/init" tests/boot/reference-probe-init.c
(cd "$WORK/root" && find . | LC_ALL=C sort | cpio -o -H newc --reproducible 2>/dev/null) >"$WORK/probe.cpio"
printf '\0\0' >>"$WORK/probe.cpio"
objcopy -O binary --only-section=.linux "$B/cvm.efi" "$WORK/vmlinuz"
objcopy -O binary --only-section=.osrel "$B/cvm.efi" "$WORK/osrel"
objcopy -O binary --only-section=.cmdline "$B/cvm.efi" "$WORK/cmdline"
tr -d '\0' <"$WORK/cmdline" >"$WORK/cmdline.txt"
unshare -m sh -c "mount --bind '$WORK' '$TOOLS/tmp' && chroot '$TOOLS' ukify build --linux=/tmp/vmlinuz \
	--initrd=/tmp/probe.cpio --cmdline=@/tmp/cmdline.txt --os-release=@/tmp/osrel \
	--output=/tmp/probe.efi" >/dev/null 2>&1

# GPT disk with the ESP.
truncate -s 64M "$WORK/esp.img"
mkfs.vfat -F 32 -S 512 -i 12345678 "$WORK/esp.img" >/dev/null
mmd -i "$WORK/esp.img" ::/EFI ::/EFI/BOOT
mcopy -i "$WORK/esp.img" "$WORK/probe.efi" ::/EFI/BOOT/BOOTX64.EFI
mkdir "$WORK/img"
truncate -s 80M "$WORK/img/cvm.raw"
printf 'label: gpt\nstart=2048, size=131072, type=%s\n' "$TYPE_ESP" | sfdisk -q "$WORK/img/cvm.raw"
dd if="$WORK/esp.img" of="$WORK/img/cvm.raw" bs=512 seek=2048 conv=notrunc status=none
cp "$WORK/probe.efi" "$WORK/img/cvm.efi"
"$REF" image "$WORK/img" -o "$WORK/doc.json"

cp "$OVMF_VARS" "$WORK/vars.fd"
mkdir "$WORK/tpm"
swtpm socket --tpmstate dir="$WORK/tpm" --tpm2 --ctrl type=unixio,path="$WORK/tpm/sock" \
	--flags startup-clear --daemon --pid file="$WORK/swtpm.pid"
kill_on_exit "$(cat "$WORK/swtpm.pid")"
timeout 600 qemu-system-x86_64 -accel tcg -machine q35 -nodefaults -m 1024 -smp 1 -display none \
	-serial file:"$WORK/probe.log" -no-reboot \
	-drive if=pflash,format=raw,unit=0,readonly=on,file="$OVMF_CODE" \
	-drive if=pflash,format=raw,unit=1,file="$WORK/vars.fd" \
	-drive if=none,id=d0,format=raw,file="$WORK/img/cvm.raw",readonly=on -device virtio-blk-pci,drive=d0 \
	-chardev socket,id=chrtpm,path="$WORK/tpm/sock" -tpmdev emulator,id=tpm0,chardev=chrtpm \
	-device tpm-tis,tpmdev=tpm0 || { rc=$?; show probe 20; fail "QEMU exit $rc"; }
console_has probe "cvm-boot-report: done" || { show probe 20; fail "no report from the probe"; }
check_boot_report "$WORK/probe.log" "$WORK/doc.json"
