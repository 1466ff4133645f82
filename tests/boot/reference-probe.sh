#!/usr/bin/env bash
# Ground truth for the UKI boot model without the image's userspace: a UKI built by
# ukify 257 around the image's kernel and a tiny static "probe" initrd (its size
# deliberately not a multiple of 4) boots from a GPT disk as \EFI\BOOT\BOOTX64.EFI in
# QEMU + OVMF + swtpm; the probe prints the vTPM PCRs and the firmware event log and
# powers off. cvm-reference image of that UKI and disk must predict PCR 4, 5, 9, 11,
# 12 in both banks and every firmware event of those PCRs.
set -euo pipefail
cd "$(dirname "$0")/../.."
ref=$(realpath "${CVM_REFERENCE:-build/bin/cvm-reference}")
build=${BUILD_DIR:-build}
T=${TOOLS_TREE:-/var/cache/cvmforge/tools}
code=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
for t in qemu-system-x86_64 swtpm; do command -v $t >/dev/null || { echo "$t missing"; exit 77; }; done
[[ -f $code ]] || { echo "no OVMF at $code"; exit 77; }
[[ -x $ref && -f $build/cvm.efi ]] || { echo "need $ref and $build/cvm.efi"; exit 1; }
[[ -x $T/usr/bin/ukify ]] || { echo "no ukify in the tools tree $T"; exit 1; }
. tests/boot/reference-lib.sh

tmp=$(mktemp -d)
cleanup() { [[ -f $tmp/swtpm.pid ]] && kill "$(cat "$tmp/swtpm.pid")" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail=0

# Probe initrd: /init prints the report and powers off.
mkdir -p "$tmp/root/dev" "$tmp/root/sys" "$tmp/root/proc"
cc -static -O2 -o "$tmp/root/init" tests/boot/reference-probe-init.c
(cd "$tmp/root" && find . | LC_ALL=C sort | cpio -o -H newc --reproducible 2>/dev/null) >"$tmp/probe.cpio"
printf '\0\0' >>"$tmp/probe.cpio"
objcopy -O binary --only-section=.linux "$build/cvm.efi" "$tmp/vmlinuz"
objcopy -O binary --only-section=.osrel "$build/cvm.efi" "$tmp/osrel"
objcopy -O binary --only-section=.cmdline "$build/cvm.efi" "$tmp/cmdline"
tr -d '\0' <"$tmp/cmdline" >"$tmp/cmdline.txt"
unshare -m sh -c "mount --bind '$tmp' '$T/tmp' && chroot '$T' ukify build --linux=/tmp/vmlinuz \
	--initrd=/tmp/probe.cpio --cmdline=@/tmp/cmdline.txt --os-release=@/tmp/osrel \
	--output=/tmp/probe.efi" >/dev/null 2>&1

# GPT disk with the ESP.
truncate -s 64M "$tmp/esp.img"
mkfs.vfat -F 32 -S 512 -i 12345678 "$tmp/esp.img" >/dev/null
mmd -i "$tmp/esp.img" ::/EFI ::/EFI/BOOT
mcopy -i "$tmp/esp.img" "$tmp/probe.efi" ::/EFI/BOOT/BOOTX64.EFI
mkdir "$tmp/img"
truncate -s 80M "$tmp/img/cvm.raw"
printf 'label: gpt\nstart=2048, size=131072, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B\n' | sfdisk -q "$tmp/img/cvm.raw"
dd if="$tmp/esp.img" of="$tmp/img/cvm.raw" bs=512 seek=2048 conv=notrunc status=none
cp "$tmp/probe.efi" "$tmp/img/cvm.efi"
"$ref" image "$tmp/img" -o "$tmp/doc.json"

cp "${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}" "$tmp/vars.fd"
mkdir "$tmp/tpm"
swtpm socket --tpmstate dir="$tmp/tpm" --tpm2 --ctrl type=unixio,path="$tmp/tpm/sock" \
	--flags startup-clear --daemon --pid file="$tmp/swtpm.pid"
timeout 600 qemu-system-x86_64 -accel tcg -machine q35 -nodefaults -m 1024 -smp 1 -display none \
	-serial file:"$tmp/serial.log" -no-reboot \
	-drive if=pflash,format=raw,unit=0,readonly=on,file="$code" \
	-drive if=pflash,format=raw,unit=1,file="$tmp/vars.fd" \
	-drive if=none,id=d0,format=raw,file="$tmp/img/cvm.raw",readonly=on -device virtio-blk-pci,drive=d0 \
	-chardev socket,id=chrtpm,path="$tmp/tpm/sock" -tpmdev emulator,id=tpm0,chardev=chrtpm \
	-device tpm-tis,tpmdev=tpm0 || { echo "FAIL QEMU exit $?"; tail -20 "$tmp/serial.log"; exit 1; }
grep -q "cvm-boot-report: done" "$tmp/serial.log" || { echo "FAIL no report from the probe"; tail -20 "$tmp/serial.log"; exit 1; }
check_boot_report "$tmp/serial.log" "$tmp/doc.json"
exit $fail
