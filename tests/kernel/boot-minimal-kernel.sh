#!/usr/bin/env bash
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
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${B:-build}
TIMEOUT=${BOOT_TIMEOUT:-900}
for f in cvm.raw cvm.vmlinuz cvm.initrd cvm.cmdline kernel/vmlinuz kernel/version; do
	[[ -r $B/$f ]] || { echo "FAIL: $B/$f missing (make image; make kernel)" >&2; exit 1; }
done
make -s "$B/bin/cvm-mkinitrd" B="$B"
kver=$(cat "$B/kernel/version")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The image's initrd, uncompressed, and its /init (cvm-init as the image ships it).
case $(head -c 4 "$B/cvm.initrd" | od -An -tx1 | tr -d ' \n') in
	28b52ffd) zstd -dc "$B/cvm.initrd" > "$work/initrd.cpio" ;;
	1f8b*)    gzip -dc "$B/cvm.initrd" > "$work/initrd.cpio" ;;
	fd377a58) xz -dc "$B/cvm.initrd" > "$work/initrd.cpio" ;;
	30373037) cp "$B/cvm.initrd" "$work/initrd.cpio" ;;
	*) echo "FAIL: $B/cvm.initrd: unknown format" >&2; exit 1 ;;
esac
(cd "$work" && mkdir x && cd x && cpio -i --quiet -d init etc/cvm-init/modules < ../initrd.cpio)
[[ -f $work/x/init && -f $work/x/etc/cvm-init/modules ]] ||
	{ echo "FAIL: $B/cvm.initrd is not a cvm-init initrd (no /init + etc/cvm-init/modules)" >&2; exit 1; }
"$B/bin/cvm-mkinitrd" --modules-dir "$B/kernel/tree/usr/lib/modules/$kver" \
	--modules-list initrd/modules.list --init "$work/x/init" --epoch 1767225600 \
	-o "$work/minimal.initrd"
mods=$("$B/bin/cvm-mkinitrd" --modules-dir "$B/kernel/tree/usr/lib/modules/$kver" \
	--modules-list initrd/modules.list --init "$work/x/init" --epoch 1767225600 \
	-o "$work/order.initrd" --print-order | wc -l)
[[ $mods -eq 0 ]] || { echo "FAIL: the minimal kernel's initrd would load $mods module(s)" >&2; exit 1; }

# boot NAME KERNEL INITRD: runs the VM to power-off, records seconds to the marker.
boot() {
	local name=$1 kernel=$2 initrd=$3 log=$work/$1.log start now pid
	start=$(date +%s.%N)
	scripts/run-vm --accel tcg --boot-test --timeout "$TIMEOUT" --log "$log" \
		--kernel "$kernel" --initrd "$initrd" --append "$(tr -d '\0' < "$B/cvm.cmdline")" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if grep -q -a 'cvm-boot: ready boottime-ms' "$log" 2>/dev/null; then
			now=$(date +%s.%N)
			echo "$now - $start" | bc > "$work/$name.secs"
			break
		fi
		sleep 0.2
	done
	wait "$pid" || true
	if ! grep -q -a 'cvm-boot: ready boottime-ms' "$log"; then
		echo "FAIL: $name kernel did not reach the boot marker; console tail:" >&2
		tail -n 40 "$log" >&2
		exit 1
	fi
	[[ -f $work/$name.secs ]] || echo "(marker seen only after exit)" > "$work/$name.secs"
	sed -n 's/.*cvm-boot: ready boottime-ms \([0-9]*\).*/\1/p' "$log" | head -n 1 > "$work/$name.ms"
	cp "$log" "$B/kernel/boot-$name.log"
}

boot debian "$B/cvm.vmlinuz" "$B/cvm.initrd"
boot minimal "$B/kernel/vmlinuz" "$work/minimal.initrd"

# Which kernel ran: loglevel=4 hides the version banner, but the initrd above holds no
# module at all, so reaching the marker with it proves virtio-blk, dm-verity and erofs
# were built in -- Debian's kernel has them as modules and could not mount the root.
# The firmware's PCR 4 (kernel image) must differ between the two runs as well.
pcr4() { sed -n 's/.*cvm-boot-report: pcr-sha256 4 \([0-9a-f]*\).*/\1/p' "$1" | head -n 1; }
[[ -n $(pcr4 "$work/minimal.log") && $(pcr4 "$work/minimal.log") != "$(pcr4 "$work/debian.log")" ]] ||
	{ echo "FAIL: PCR 4 does not show a different kernel in the minimal run" >&2; exit 1; }
# ... and the converse, explicitly: Debian's kernel with that initrd must not get there.
if scripts/run-vm --accel tcg --boot-test --timeout 300 --log "$work/cross.log" --no-tpm \
	--kernel "$B/cvm.vmlinuz" --initrd "$work/minimal.initrd" \
	--append "$(tr -d '\0' < "$B/cvm.cmdline")" >/dev/null 2>&1 &&
	grep -q -a 'cvm-boot: ready boottime-ms' "$work/cross.log"; then
	echo "FAIL: Debian's modular kernel booted the module-less initrd: the test proves nothing" >&2; exit 1
fi
if grep -q -a 'cvm-boot: ready boottime-ms' "$work/cross.log"; then
	echo "FAIL: Debian's modular kernel reached the marker with the module-less initrd" >&2; exit 1
fi
if grep -q -a -i 'finit_module' "$work/minimal.log"; then
	echo "FAIL: module loading attempted under the minimal kernel" >&2; exit 1
fi

size() { stat -c %s "$1"; }
{
	printf 'figures (TCG, same run, %s):\n' "$(date -u +%FT%TZ)"
	printf '  %-8s kernel %9d B  initrd %9d B  marker after %6.1f s wall, boottime %s ms\n' \
		debian "$(size "$B/cvm.vmlinuz")" "$(size "$B/cvm.initrd")" "$(cat "$work/debian.secs")" "$(cat "$work/debian.ms")" \
		minimal "$(size "$B/kernel/vmlinuz")" "$(size "$work/minimal.initrd")" "$(cat "$work/minimal.secs")" "$(cat "$work/minimal.ms")"
} | tee "$B/kernel/boot-figures.txt"
echo "boot-minimal-kernel: ok"
