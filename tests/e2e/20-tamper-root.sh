#!/usr/bin/env bash
# Tamper case: one flipped byte in the root partition — in the first block of
# /usr/bin/measure-agent, the program that would measure the workload. The root is
# erofs under dm-verity with the root hash inside the measured UKI command line, so
# the first read of that block is an I/O error and dm-verity stops the VM
# (panic_on_corruption): the agent never runs, the workload never starts, no evidence
# exists to be verified. One boot, stopped by the guest itself.
source "$(dirname "$0")/lib.sh"
need_host
need_build
command -v dump.erofs >/dev/null || fail "dump.erofs missing (erofs-utils, scripts/host-setup)"

pack_echo "$WORK/echo.img"
cp --sparse=always "$IMAGE_DIR/cvm.raw" "$WORK/root.raw"
read -r start size < <(sfdisk -d "$WORK/root.raw" | awk -v t="$ROOT_TYPE" 'index($0, "type=" t) {
	s = $0; sub(/.*start= */, "", s); sub(/,.*/, "", s); z = $0; sub(/.*size= */, "", z); sub(/,.*/, "", z); print s, z; exit }')
[[ -n $start ]] || fail "no root partition in cvm.raw"
dd if="$WORK/root.raw" of="$WORK/root.erofs" bs=512 skip="$start" count="$size" status=none
# dump.erofs -e lists the file's extents: "0: logical..logical | length : physical..physical".
phys=$(dump.erofs -e --path=/usr/bin/measure-agent "$WORK/root.erofs" |
	awk '$1 == "0:" { sub(/\.\..*/, "", $7); print $7; exit }')
rm -f "$WORK/root.erofs"
[[ $phys =~ ^[0-9]+$ ]] || fail "cannot locate /usr/bin/measure-agent in the erofs root"
off=$((start * 512 + phys + 24)) # ELF e_entry: the bytes still look like an ELF file
python3 - "$WORK/root.raw" "$off" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2])); b = f.read(1); f.seek(int(sys.argv[2])); f.write(bytes([b[0] ^ 1]))
PY
cmp -s "$WORK/root.raw" "$IMAGE_DIR/cvm.raw" && fail "the byte was not flipped"

nonce=$(new_nonce)
printf '%s\n' "$nonce" >"$WORK/nonce"
vm_start root --image "$WORK/root.raw" --disk "$WORK/echo.img" --fw-cfg "opt/org.cvmforge/evidence-nonce=$WORK/nonce"
rc=0
vm_ended root || rc=$?
((rc != 124)) || { show root; fail "the VM did not stop by itself (timeout)"; }
console root | grep -Eq 'device-mapper: verity: .*(data|metadata) block [0-9]+ is corrupted' ||
	{ show root; fail "no dm-verity corruption message on the console"; }
console root | grep -q "$MARKER" && fail "the workload started from a corrupted root"
console root | grep -q '=== cvm-evidence begin ===' && fail "evidence was produced from a corrupted root"
echo "  $(console root | grep -Eo 'device-mapper: verity: .*is corrupted' | head -1)"
ok "flipped root byte (measure-agent, disk offset $off): boot refused by dm-verity after $(elapsed root) s, no workload, no evidence"
