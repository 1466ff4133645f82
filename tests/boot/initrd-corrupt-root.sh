#!/usr/bin/env bash
# A copy of the image with one flipped byte in the root partition must not boot:
#   superblock  - the erofs superblock, read by cvm-init's mount;
#   systemd     - the first block of /usr/lib/systemd/systemd, read by execve after
#                 switch_root.
# dm-verity (panic_on_corruption) must name the corrupted block on the console, and
# the VM must stop by itself (panic=-1 reboots, run-vm's -no-reboot ends QEMU).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/boot/initrd.inc
need_qemu
need_image cvm.raw
command -v dump.erofs >/dev/null || fail "dump.erofs missing (erofs-utils, scripts/host-setup)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$(part_offset "$B/cvm.raw" "$ROOT_TYPE")
size=$(part_extent "$B/cvm.raw" "$ROOT_TYPE" | cut -d' ' -f2)

# Where systemd's first byte lives inside the erofs image (dump.erofs extent list).
dd if="$B/cvm.raw" of="$work/root.erofs" bs=512 skip=$((root / 512)) count="$size" status=none
sd=$(dump.erofs -e --path=/usr/lib/systemd/systemd "$work/root.erofs" |
	awk '$1 == "0:" { sub(/\.\..*/, "", $7); print $7; exit }')
[[ $sd =~ ^[0-9]+$ ]] || fail "cannot locate /usr/lib/systemd/systemd in the erofs root"
rm -f "$work/root.erofs"

for case in superblock systemd; do
	case $case in
	superblock) off=$((root + 1024 + 8)) ;; # erofs superblock at 1024 (EROFS_SUPER_OFFSET)
	systemd)    off=$((root + sd + 64)) ;;  # inside the ELF program headers
	esac
	cp --sparse=always "$B/cvm.raw" "$work/corrupt.raw"
	flip_byte "$work/corrupt.raw" "$off"
	rc=0
	run_vm "$work/$case.log" "$FAIL_TIMEOUT" --image "$work/corrupt.raw" || rc=$?
	expect_refused "$work/$case.log" "$rc" "device-mapper: verity: .*(data|metadata) block [0-9]+ is corrupted"
	grep -aq "dm-verity device corrupted" "$work/$case.log" || fail "$case: no panic line"
	if [[ $case == superblock ]]; then
		! grep -aq 'switching root' "$work/$case.log" || fail "superblock: cvm-init switched root anyway"
	else
		# This block is read only after switch_root: cvm-init got that far.
		grep -aq 'cvm-init: root .* switching root' "$work/$case.log" ||
			fail "systemd case: expected cvm-init to switch root before the corruption is hit"
	fi
	echo "ok: $case (byte $off)"
	rm -f "$work/corrupt.raw"
done
echo "PASS: a flipped root byte stops the boot with a verity message"
