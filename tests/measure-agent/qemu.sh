#!/usr/bin/env bash
# The real image in QEMU (OVMF + swtpm, TCG or KVM) with packed workload disks:
#  1. a workload runs chrooted in its dm-verity payload as the manifest's user with
#     no_new_privs and prints its marker; the VM powers off when it exits;
#     PCR 8 in the VM (from the evidence printed on the console) equals what
#     cvm-workload predicted, in every bank, and the quote verifies with OpenSSL;
#  2. a manifest that is not valid per schema stops the boot with the reason, and the
#     VM powers off without starting anything;
#  3. a payload with one flipped byte (in the workload binary) stops the boot at exec
#     with the dm-verity I/O error.
# Figures: the agent's own "ms after agent start" line is printed per case.
source "$(dirname "$0")/lib.sh"
need qemu-system-x86_64 swtpm jq python3 openssl
IMAGE=${IMAGE:-$B/cvm.raw}
[[ -r $IMAGE ]] || fail "$IMAGE not built (make image)"
RUNVM=$TOP/scripts/run-vm
TIMEOUT=${VM_TIMEOUT:-900}

mkdir -p "$WORK/p/app" "$WORK/p/dev" "$WORK/p/proc" "$WORK/p/tmp"
cc -static -O2 -o "$WORK/p/app/marker" "$TOP/tests/measure-agent/workload-marker.c"
"$PACK" pack "$WORK/p" -o "$WORK/good.img" --name marker --exec /app/marker --arg from-manifest \
	--env CVM_TEST=yes --user 1000:1000 --manifest-out "$WORK/m.json" >"$WORK/good.id"

boot() { # boot NAME EXTRA-RUN-VM-ARGS... → $WORK/NAME.log, status in $rc
	local name=$1; shift
	rc=0
	(cd "$TOP" && "$RUNVM" --image "$IMAGE" --log "$WORK/$name.log" --timeout "$TIMEOUT" "$@") \
		>"$WORK/$name.out" 2>&1 || rc=$?
	tr -d '\r' <"$WORK/$name.log" >"$WORK/$name.txt"
	grep -o 'measure-agent: starting .*' "$WORK/$name.txt" | sed 's/^/  figure: /' || true
}
show() { echo "--- run-vm output of $1"; cat "$WORK/$1.out"; echo "--- console of $1 (last 40 lines)"; tail -n 40 "$WORK/$1.txt"; }

# 1. good workload + evidence on the console
nonce=$(openssl rand -hex 32)
printf '%s\n' "$nonce" >"$WORK/nonce"
boot good --disk "$WORK/good.img" --fw-cfg "opt/org.cvmforge/evidence-nonce=$WORK/nonce"
((rc == 0)) || { show good; fail "good workload: run-vm exit $rc (124 = timeout: the VM did not power off)"; }
grep -q "cvm-workload-marker-ok uid=1000 gid=1000 nnp=1 env=1 CVM_TEST=yes arg=from-manifest" "$WORK/good.txt" \
	|| { show good; fail "marker line missing or wrong"; }
# The agent's own line between the markers (other units may write to the console at the
# same time), without the journal's "[t] measure-agent[pid]: " prefix.
sed -n '/=== cvm-evidence begin ===/,/=== cvm-evidence end ===/p' "$WORK/good.txt" |
	grep -m1 -E 'measure-agent\[[0-9]+\]: \{' | sed 's/^[^{]*//' >"$WORK/ev.json"
jq -e . "$WORK/ev.json" >/dev/null || { show good; fail "evidence on the console is not JSON"; }
for bank in $(jq -r '.tpm.pcrs | keys[]' "$WORK/ev.json"); do
	want=$(awk -v k="pcr8_$bank" '$1 == k { print $2 }' "$WORK/good.id")
	[[ -z $want ]] && { python3 - "$bank" "$WORK/m.json" >"$WORK/want" <<'PY'
import hashlib, sys
h = getattr(hashlib, sys.argv[1]); m = open(sys.argv[2], "rb").read()
print(h(bytes(h().digest_size) + h(m).digest()).hexdigest())
PY
		want=$(cat "$WORK/want"); }
	got=$(jq -r --arg b "$bank" '.tpm.pcrs[$b]["8"]' "$WORK/ev.json")
	[[ $got == "$want" ]] || fail "PCR 8 $bank in the VM $got != predicted $want"
	echo "ok: PCR 8 $bank in the VM = prediction ($want)"
done
python3 "$TOP/tests/measure-agent/check-evidence.py" "$WORK/ev.json" "$nonce" \
	"$(awk '$1 == "pcr8_sha256" { print $2 }' "$WORK/good.id")" || fail "quote from the VM"
jq -e '[.event_log[] | select(.pcr == 8)] | length == 1' "$WORK/ev.json" >/dev/null || fail "PCR 8 events in the log"
ok "packed workload ran in the VM (uid 1000, no_new_privs, manifest env), PCR 8 = prediction, quote verified"

# 2. a manifest that is not valid per schema (same length, "version": 9)
cp "$WORK/good.img" "$WORK/badman.img"
off=$(( $(sfdisk -d "$WORK/good.img" | awk -v p="$WORK/good.img1" '$1 == p { gsub(/,/, ""); print $4 }') * 512 ))
python3 - "$WORK/badman.img" "$off" <<'PY'
import sys
p, off = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read())
i = b.index(b'"version": 1', off)
b[i + 11] = ord("9")
open(p, "wb").write(b)
PY
boot badman --disk "$WORK/badman.img"
grep -q 'measure-agent: FATAL: workload manifest on the workload disk refused: unsupported manifest "version"' "$WORK/badman.txt" \
	|| { show badman; fail "malformed manifest: reason not on the console"; }
grep -q cvm-workload-marker-ok "$WORK/badman.txt" && fail "workload ran with a malformed manifest"
((rc != 124)) || { show badman; fail "VM did not power off after the refusal"; }
ok "malformed manifest: boot stopped with the reason, VM powered off"

# 3. one flipped byte in the workload binary's first block (its ELF header)
cp "$WORK/good.img" "$WORK/flip.img"
read -r s2 n2 < <(sfdisk -d "$WORK/good.img" | awk -v p="$WORK/good.img2" '$1 == p { gsub(/,/, ""); print $4, $6 }')
python3 - "$WORK/flip.img" $((s2 * 512)) $((n2 * 512)) <<'PY'
import sys
p, off, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
b = bytearray(open(p, "rb").read())
for blk in range(off, off + size, 4096):          # erofs keeps file data block-aligned
    if b[blk:blk + 4] == b"\x7fELF":
        b[blk + 40] ^= 0x01                       # e_shoff: harmless to the bytes, not to verity
        break
else:
    sys.exit("ELF header not found in the payload")
open(p, "wb").write(b)
PY
boot flip --disk "$WORK/flip.img"
grep -q 'measure-agent: FATAL: starting the workload: exec /app/marker: Input/output error (payload block failed dm-verity)' "$WORK/flip.txt" \
	|| { show flip; fail "flipped payload byte: reason not on the console"; }
grep -q cvm-workload-marker-ok "$WORK/flip.txt" && fail "workload ran from a corrupted payload"
((rc != 124)) || { show flip; fail "VM did not power off after the refusal"; }
ok "flipped payload byte: exec failed with the dm-verity I/O error, VM powered off"
