#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Boots the image's disk (build/cvm.raw) twice in the same run, QEMU TCG + OVMF + swtpm,
# direct boot with the image's own command line (roothash= included):
#   debian   build/cvm.vmlinuz + build/cvm.initrd (the image's kernel and initrd)
#   minimal  build/kernel/vmlinuz (make kernel) + an initrd with the image's own
#            cvm-init and no modules (cvm-mkinitrd against the minimal kernel's
#            modules.builtin: every driver is built in)
# Both must reach the boot marker ("cvm-boot: ready", after the console prefix); the
# minimal kernel must be the one running (see below) and must have loaded no module.
# Prints the figures: sizes, wall time to the marker, the guest's own boottime-ms.
# Needs make image and make kernel first: missing inputs are a failure, not a skip.
. "$(dirname "$0")/../lib.sh"
need_vm
need cpio zstd xz
need_built cvm.raw cvm.vmlinuz cvm.initrd cvm.cmdline kernel/vmlinuz kernel/version
build cvm-mkinitrd
kver=$(cat "$B/kernel/version")

# The image's initrd, uncompressed, and its /init (cvm-init as the image ships it).
case $(head -c 4 "$B/cvm.initrd" | od -An -tx1 | tr -d ' \n') in
	28b52ffd) zstd -dc "$B/cvm.initrd" > "$WORK/initrd.cpio" ;;
	1f8b*)    gzip -dc "$B/cvm.initrd" > "$WORK/initrd.cpio" ;;
	fd377a58) xz -dc "$B/cvm.initrd" > "$WORK/initrd.cpio" ;;
	30373037) cp "$B/cvm.initrd" "$WORK/initrd.cpio" ;;
	*) fail "$B/cvm.initrd: unknown format" ;;
esac
(cd "$WORK" && mkdir x && cd x && cpio -i --quiet -d init etc/cvm-init/modules < ../initrd.cpio)
[[ -f $WORK/x/init && -f $WORK/x/etc/cvm-init/modules ]] ||
	fail "$B/cvm.initrd is not a cvm-init initrd (no /init + etc/cvm-init/modules)"
"$B/bin/cvm-mkinitrd" --modules-dir "$B/kernel/tree/usr/lib/modules/$kver" \
	--modules-list initrd/modules.list --init "$WORK/x/init" --epoch 1767225600 \
	-o "$WORK/minimal.initrd"
mods=$("$B/bin/cvm-mkinitrd" --modules-dir "$B/kernel/tree/usr/lib/modules/$kver" \
	--modules-list initrd/modules.list --init "$WORK/x/init" --epoch 1767225600 \
	-o "$WORK/order.initrd" --print-order | wc -l)
[[ $mods -eq 0 ]] || fail "the minimal kernel's initrd would load $mods module(s)"

# boot NAME KERNEL INITRD: runs the VM to power-off, records seconds to the marker.
boot() {
	local name=$1 kernel=$2 initrd=$3
	vm_start "$name" --accel tcg --boot-test --kernel "$kernel" --initrd "$initrd" --append "$(image_cmdline)"
	if vm_wait "$name" 'cvm-boot: ready boottime-ms'; then elapsed "$name" >"$WORK/$name.secs"
	else echo "(marker seen only after exit)" >"$WORK/$name.secs"; fi
	vm_ended "$name" || true
	console_has "$name" 'cvm-boot: ready boottime-ms' || { show "$name" 40; fail "$name kernel did not reach the boot marker"; }
	console "$name" | sed -n 's/.*cvm-boot: ready boottime-ms \([0-9]*\).*/\1/p' | sed -n 1p > "$WORK/$name.ms"
	console "$name" >"$B/kernel/boot-$name.log"
}

boot debian "$B/cvm.vmlinuz" "$B/cvm.initrd"
boot minimal "$B/kernel/vmlinuz" "$WORK/minimal.initrd"

# Which kernel ran: loglevel=4 hides the version banner, but the initrd above holds no
# module at all, so reaching the marker with it proves virtio-blk, dm-verity and erofs
# were built in -- Debian's kernel has them as modules and could not mount the root.
# The firmware's PCR 4 (kernel image) must differ between the two runs as well.
pcr4() { console "$1" | sed -n 's/.*cvm-boot-report: pcr-sha256 4 \([0-9a-f]*\).*/\1/p' | sed -n 1p; }
[[ -n $(pcr4 minimal) && $(pcr4 minimal) != "$(pcr4 debian)" ]] ||
	fail "PCR 4 does not show a different kernel in the minimal run"
# ... and the converse, explicitly: Debian's kernel with that initrd must not get there.
vm_run cross --accel tcg --boot-test --timeout 300 --no-tpm \
	--kernel "$B/cvm.vmlinuz" --initrd "$WORK/minimal.initrd" --append "$(image_cmdline)"
! console_has cross 'cvm-boot: ready boottime-ms' ||
	fail "Debian's modular kernel reached the marker with the module-less initrd: the test proves nothing"
! grep -q -a -i 'finit_module' <(console minimal) || fail "module loading attempted under the minimal kernel"

size() { stat -c %s "$1"; }
{
	printf 'figures (TCG, same run, %s):\n' "$(date -u +%FT%TZ)"
	printf '  %-8s kernel %9d B  initrd %9d B  marker after %6.1f s wall, boottime %s ms\n' \
		debian "$(size "$B/cvm.vmlinuz")" "$(size "$B/cvm.initrd")" "$(cat "$WORK/debian.secs")" "$(cat "$WORK/debian.ms")" \
		minimal "$(size "$B/kernel/vmlinuz")" "$(size "$WORK/minimal.initrd")" "$(cat "$WORK/minimal.secs")" "$(cat "$WORK/minimal.ms")"
} | tee "$B/kernel/boot-figures.txt"
echo "boot-minimal-kernel: ok"
