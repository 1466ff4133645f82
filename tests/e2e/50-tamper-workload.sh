#!/usr/bin/env bash
# Tamper cases on the workload disk (two boots):
#  a. modified manifest (the workload's port 7001 → 7002, same length, so the disk
#     stays well-formed): the agent measures what it got, the workload runs, and the
#     evidence fails at PCR 8 against the disk the customer holds;
#  b. one flipped byte in the payload (in the workload binary's ELF header): the
#     manifest and PCR 8 are unchanged, but dm-verity refuses the block at exec, the
#     agent prints the reason, the workload never starts and the VM powers off.
source "$(dirname "$0")/lib.sh"
need_host
need_build

make_reference "$WORK/ref.json"
pack_echo "$WORK/echo.img"
part() { sfdisk -d "$1" | awk -v p="$1$2" '$1 == p { gsub(/,/, ""); print $4, $6 }'; }

# a. modified manifest
cp "$WORK/echo.img" "$WORK/manifest.img"
read -r s1 n1 < <(part "$WORK/echo.img" 1)
python3 - "$WORK/manifest.img" $((s1 * 512)) $((n1 * 512)) <<'PY'
import sys
p, off, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
b = bytearray(open(p, "rb").read())
i = b.find(b'"7001"', off, off + size)
if i < 0:
    sys.exit("port argument not found in the manifest record")
b[i + 4] = ord("2")
open(p, "wb").write(b)
PY
nonce=$(new_nonce)
printf '%s\n' "$nonce" >"$WORK/nonce"
vm_start manifest --image "$IMAGE_DIR/cvm.raw" --disk "$WORK/manifest.img" --fw-cfg "opt/org.cvmforge/evidence-nonce=$WORK/nonce"
rc=0
vm_wait manifest "$MARKER" || rc=$?
((rc == 0)) || { show manifest 40; fail "modified manifest: workload did not start (vm_wait $rc)"; }
t=$(elapsed manifest)
vm_stop manifest
console manifest | grep -q "$MARKER port=7002" || fail "the modified manifest's argv did not reach the workload"
console_evidence manifest "$WORK/ev.json" || fail "evidence on the console is not JSON"
rc=0; verify manifest "$WORK/ev.json" "$nonce" "$WORK/echo.img" || rc=$?
cat "$WORK/manifest.verify"
((rc == 1)) || fail "modified manifest: verify exit $rc, expected 1"
expect_lines manifest FAIL PCR8.sha256
expect_lines manifest ok tpm.quote-signature tpm.nonce PCR4.sha256 PCR9.sha256 PCR11.sha256 PCR12.sha256
# The evidence is internally consistent: it verifies against the disk that really ran.
verify manifest-self "$WORK/ev.json" "$nonce" "$WORK/manifest.img" || { cat "$WORK/manifest-self.verify"; fail "evidence does not verify against the disk that ran"; }
ok "modified workload manifest refused at: $(failing manifest) (workload start after $t s); verifies against the disk that ran"

# b. flipped payload byte
cp "$WORK/echo.img" "$WORK/payload.img"
read -r s2 n2 < <(part "$WORK/echo.img" 2)
python3 - "$WORK/payload.img" $((s2 * 512)) $((n2 * 512)) <<'PY'
import sys
p, off, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
b = bytearray(open(p, "rb").read())
for blk in range(off, off + size, 4096):          # erofs keeps file data block-aligned
    if b[blk:blk + 4] == b"\x7fELF":
        b[blk + 24] ^= 0x01                       # e_entry
        break
else:
    sys.exit("ELF header not found in the payload")
open(p, "wb").write(b)
PY
vm_start payload --image "$IMAGE_DIR/cvm.raw" --disk "$WORK/payload.img"
rc=0
vm_ended payload || rc=$?
((rc != 124)) || { show payload; fail "flipped payload byte: the VM did not stop by itself"; }
console payload | grep -q 'measure-agent: FATAL: starting the workload: exec /app/bin/echo-server: Input/output error' ||
	{ show payload; fail "flipped payload byte: no dm-verity refusal on the console"; }
console payload | grep -q "$MARKER" && fail "the workload ran from a corrupted payload"
echo "  $(console payload | grep -o 'measure-agent: FATAL: .*' | head -1)"
ok "flipped payload byte: exec refused by dm-verity, VM powered off after $(elapsed payload) s"
