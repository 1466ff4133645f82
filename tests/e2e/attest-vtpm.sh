#!/usr/bin/env bash
# The customer loop end to end on the real image: boot build/cvm.raw (OVMF + swtpm,
# scripts/run-vm) with a packed workload disk and an evidence nonce; measure-agent
# measures the workload and prints its evidence document on the console; then
#   cvm-reference verify --reference DOC --evidence EV --workload DISK --nonce N
# must pass on every line, and fail on the right line for a different workload, a
# replayed nonce, a forged quote signature and an extra PCR 8 event in the log.
# DOC is build/cvm.reference.json, or a document made now from build/ (as
# tests/boot/reference-pcrs.sh does). One boot, ~1-3 min under TCG.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=$PWD B=${BUILD_DIR:-build}
ref=$(realpath "${CVM_REFERENCE:-$B/bin/cvm-reference}")
pack=$B/bin/cvm-workload
for t in qemu-system-x86_64 swtpm jq openssl; do command -v $t >/dev/null || { echo "$t missing"; exit 77; }; done
[[ -f /usr/share/OVMF/OVMF_CODE_4M.fd ]] || { echo "no OVMF"; exit 77; }
[[ -x $ref && -x $pack && -f $B/cvm.raw && -f $B/cvm.efi ]] || { echo "need $ref, $pack and $B/cvm.{raw,efi} (make image)"; exit 1; }

WORK=$(mktemp -d /tmp/cvm-e2e.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

if [[ -f $B/cvm.reference.json ]]; then
	doc=$B/cvm.reference.json
	[[ $(jq -r .image.uki.sha256 "$doc") == "$(sha256sum <"$B/cvm.efi" | cut -d' ' -f1)" ]] ||
		fail "$doc is not the document of $B/cvm.efi"
else
	doc=$WORK/ref.json
	phases=${CVMFORGE_PCR11_PHASES-enter-initrd:leave-initrd:sysinit:ready}
	"$ref" image "$B" ${phases:+--pcr11-phases "$phases"} -o "$doc"
fi

# two workloads: the one we boot, and another one (a different identity)
for w in good other; do
	mkdir -p "$WORK/$w/app" "$WORK/$w/dev" "$WORK/$w/proc" "$WORK/$w/tmp"
	cc -static -O2 -o "$WORK/$w/app/marker" tests/measure-agent/workload-marker.c
	"$pack" pack "$WORK/$w" -o "$WORK/$w.img" --name "e2e-$w" --exec /app/marker --arg "$w" \
		--user 1000:1000 >/dev/null
done
nonce=$(openssl rand -hex 32)
printf '%s\n' "$nonce" >"$WORK/nonce"
start=$SECONDS
rc=0
scripts/run-vm --image "$B/cvm.raw" --disk "$WORK/good.img" --fw-cfg "opt/org.cvmforge/evidence-nonce=$WORK/nonce" \
	--log "$WORK/serial.log" --timeout "${VM_TIMEOUT:-900}" >"$WORK/run.out" 2>&1 || rc=$?
tr -d '\r' <"$WORK/serial.log" >"$WORK/serial.txt"
echo "boot: run-vm exit $rc after $((SECONDS - start)) s"
sed -n '/=== cvm-evidence begin ===/{n;p;q}' "$WORK/serial.txt" | sed 's/^[^{]*//' >"$WORK/ev.json"
jq -e '.platforms | index("tpm")' "$WORK/ev.json" >/dev/null ||
	{ tail -n 40 "$WORK/serial.txt"; fail "no TPM evidence document on the console"; }
ok "evidence from the VM ($(jq -r '.platforms | join(",")' "$WORK/ev.json"), $(jq '.event_log | length' "$WORK/ev.json") log records)"

verify() { # WANT_RC ARGS… → $WORK/out
	local want=$1 got=0; shift
	"$ref" verify --reference "$doc" "$@" >"$WORK/out" 2>&1 || got=$?
	[[ $got == "$want" ]] || { cat "$WORK/out"; fail "verify $*: exit $got, expected $want"; }
}
line() { awk -v r="$1" '$1 == r { print $2; exit }' "$WORK/out"; }

verify 0 --evidence "$WORK/ev.json" --workload "$WORK/good.img" --nonce "$nonce"
cat "$WORK/out"
for r in tpm.quote-signature tpm.nonce tpm.pcr-digest PCR4.sha256 PCR9.sha256 PCR11.phases PCR11.sha256 \
	PCR12.sha256 PCR8.sha256 PCR8.sha256.eventlog; do
	[[ $(line "$r") == ok ]] || fail "$r is not ok"
done
ok "verify: every register of the real boot matches the reference and the workload"

verify 1 --evidence "$WORK/ev.json" --workload "$WORK/other.img" --nonce "$nonce"
[[ $(line PCR8.sha256) == FAIL && $(line PCR4.sha256) == ok ]] || { cat "$WORK/out"; fail "other workload"; }
ok "a different workload fails on PCR 8 only"
verify 1 --evidence "$WORK/ev.json" --workload "$WORK/good.img" --nonce "$(openssl rand -hex 32)"
[[ $(line tpm.nonce) == FAIL ]] || fail "replayed nonce not named"
ok "a replayed nonce fails on the nonce"
jq '.tpm.quote.signature |= (.[0:-1] + (if .[-1:] == "0" then "1" else "0" end))' "$WORK/ev.json" >"$WORK/forged.json"
verify 1 --evidence "$WORK/forged.json" --workload "$WORK/good.img" --nonce "$nonce"
[[ $(line tpm.quote-signature) == FAIL ]] || fail "forged signature not named"
ok "a forged quote signature fails on the signature"
jq '.event_log += [.event_log[] | select(.pcr == 8)]' "$WORK/ev.json" >"$WORK/extra.json"
verify 1 --evidence "$WORK/extra.json" --workload "$WORK/good.img" --nonce "$nonce"
[[ $(line PCR8.sha256.eventlog) == FAIL ]] || fail "extra PCR 8 record not named"
ok "an extra PCR 8 record in the log fails on the log replay"
