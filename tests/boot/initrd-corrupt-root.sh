#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A copy of the image with one flipped byte in the root partition must not boot:
#   superblock  - the erofs superblock, read by cvm-init's mount;
#   systemd     - the first block of /usr/lib/systemd/systemd, read by execve after
#                 switch_root.
# dm-verity (panic_on_corruption) must name the corrupted block on the console, and
# the VM must stop by itself (panic=-1 reboots, run-vm's -no-reboot ends QEMU).
. "$(dirname "$0")/../lib.sh"
need_vm
need dump.erofs
need_built cvm.raw

root=$(part_offset "$B/cvm.raw" "$TYPE_ROOT")
sd=$(root_file_offset "$B/cvm.raw" /usr/lib/systemd/systemd)

for case in superblock systemd; do
	case $case in
	superblock) off=$((root + 1024 + 8)) ;; # erofs superblock at 1024 (EROFS_SUPER_OFFSET)
	systemd)    off=$((sd + 64)) ;;         # inside the ELF program headers
	esac
	cp --sparse=always "$B/cvm.raw" "$WORK/corrupt.raw"
	flip_byte "$WORK/corrupt.raw" "$off"
	vm_start "$case" --no-tpm --timeout "$FAIL_TIMEOUT" --image "$WORK/corrupt.raw"
	vm_refused "$case" "device-mapper: verity: .*(data|metadata) block [0-9]+ is corrupted" 'cvm-boot: ready'
	console_has "$case" "dm-verity device corrupted" || fail "$case: no panic line"
	if [[ $case == superblock ]]; then
		! console_has "$case" 'switching root' || fail "superblock: cvm-init switched root anyway"
	else
		# This block is read only after switch_root: cvm-init got that far.
		console_has "$case" 'cvm-init: root .* switching root' ||
			fail "systemd case: expected cvm-init to switch root before the corruption is hit"
	fi
	pass "$case (byte $off)"
	rm -f "$WORK/corrupt.raw"
done
echo "PASS: a flipped root byte stops the boot with a verity message"
