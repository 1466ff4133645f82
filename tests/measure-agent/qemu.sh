#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
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
. "$(dirname "$0")/../lib.sh"
need_vm
need jq python3 openssl
need_built cvm.raw bin/cvm-workload

mkdir -p "$WORK/p/app" "$WORK/p/dev" "$WORK/p/proc" "$WORK/p/tmp"
cc -static -O2 -o "$WORK/p/app/marker" tests/measure-agent/workload-marker.c
"$PACK" pack "$WORK/p" -o "$WORK/good.img" --name marker --exec /app/marker --arg from-manifest \
	--env CVM_TEST=yes --user 1000:1000 --manifest-out "$WORK/m.json" >"$WORK/good.id"

boot() { # boot NAME EXTRA-RUN-VM-ARGS...: to power-off, status in $RC; prints the agent's figure
	local name=$1
	shift
	vm_run "$name" --image "$B/cvm.raw" "$@"
	console "$name" | grep -o 'measure-agent: starting .*' | sed 's/^/  figure: /' || true
}

# 1. good workload + evidence on the console
nonce=$(new_nonce)
printf '%s\n' "$nonce" >"$WORK/nonce"
boot good --disk "$WORK/good.img" --fw-cfg "opt/org.cvmforge/evidence-nonce=$WORK/nonce"
((RC == 0)) || { show good 40; fail "good workload: run-vm exit $RC (124 = timeout: the VM did not power off)"; }
console_has good "cvm-workload-marker-ok uid=1000 gid=1000 nnp=1 env=1 CVM_TEST=yes arg=from-manifest" \
	|| { show good 40; fail "marker line missing or wrong"; }
console_evidence good "$WORK/ev.json" || { show good 40; fail "evidence on the console is not JSON"; }
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
	pass "PCR 8 $bank in the VM = prediction ($want)"
done
python3 tests/measure-agent/check-evidence.py "$WORK/ev.json" "$nonce" \
	"$(awk '$1 == "pcr8_sha256" { print $2 }' "$WORK/good.id")" || fail "quote from the VM"
jq -e '[.event_log[] | select(.pcr == 8)] | length == 1' "$WORK/ev.json" >/dev/null || fail "PCR 8 events in the log"
pass "packed workload ran in the VM (uid 1000, no_new_privs, manifest env), PCR 8 = prediction, quote verified"

# 2. a manifest that is not valid per schema (same length, "version": 9)
cp "$WORK/good.img" "$WORK/badman.img"
replace_in_part "$WORK/badman.img" 1 '"version": 1' '"version": 9'
boot badman --disk "$WORK/badman.img"
vm_refused badman 'measure-agent: FATAL: workload manifest on the workload disk refused: unsupported manifest "version"' \
	cvm-workload-marker-ok
pass "malformed manifest: boot stopped with the reason, VM powered off"

# 3. one flipped byte in the workload binary's first block (its ELF header, e_shoff:
#    harmless to the bytes, not to verity)
cp "$WORK/good.img" "$WORK/flip.img"
elf=$(elf_in_part "$WORK/flip.img" 2)
flip_byte "$WORK/flip.img" $((elf + 40))
boot flip --disk "$WORK/flip.img"
vm_refused flip 'measure-agent: FATAL: starting the workload: exec /app/marker: Input/output error \(payload block failed dm-verity\)' \
	cvm-workload-marker-ok
pass "flipped payload byte: exec failed with the dm-verity I/O error, VM powered off"
