#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The customer's appraisal policy in `cvm-reference verify` (reference/POLICY.md), on
# genuine captured evidence (tests/data/evidence):
#  - SNP report 01 is AMD-signed and was launched with POLICY.DEBUG=1. Against a
#    reference that lists its launch digest (a copy of tests/fuzz/corpus/fuzz-refdoc/
#    full.json with that one value replaced, unsigned) it used to PASS; the strict
#    default now FAILs it on snp.policy-debug, and only an explicit --relax passes it,
#    named in the verdict. Everything else about that report verifies, so the debug
#    policy is the check isolated here.
#  - a missing TCB floor fails unless relaxed; --platform is required; a required
#    platform without evidence fails; the evidence's own "platforms" list chooses
#    nothing; an unsigned reference fails without --unsigned-reference; the verdict
#    prints the reference's SHA-256 and what was relaxed; the policy file means the
#    same as the options.
#  - a TD quote with DEBUG set and a non-Intel QE vendor ID (bits flipped in the
#    captured quote 04, which also breaks its signature: the test checks that
#    td-debug and qe-vendor are named, not only the signature).
. "$(dirname "$0")/../lib.sh"
need python3 openssl
need_built bin/cvm-reference
E=$TESTDATA/evidence
DOC=tests/fuzz/corpus/fuzz-refdoc/full.json
[[ -d $E ]] || fail "missing $E"

# verify_rc NAME WANT-RC ARGS…: cvm-reference verify ARGS, report in $WORK/out
verify_rc() {
	local name=$1 want=$2
	shift 2
	expect_exit "$want" "$name" "$REF" verify "$@"
}
field() { "$REF" evidence show --json "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)['$2'])"; }
# the nonce a zero-padded REPORT_DATA carries (trailing 00 bytes cut)
nonce_of() { local h=$1; while [[ $h == *00 ]]; do h=${h%00}; done; echo "$h"; }

# --- SNP report 01: genuine, DEBUG allowed ------------------------------------------
S=$E/sev-snp/01-gosevguest-milan-v2
rd=$(nonce_of "$(field "$S/report.bin" report_data)")
python3 - "$DOC" "$(field "$S/report.bin" measurement)" "$WORK/ref.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["snp"]["measurements"][0]["value"] = sys.argv[2]
json.dump(d, open(sys.argv[3], "w"), indent=2)
PY
printf '{"version":1,"nonce":"%s","platforms":["snp"],"event_log":[],"snp":{"provider":"sev_guest","report":"%s"}}\n' \
	"$rd" "$(base64 -w0 "$S/report.bin")" >"$WORK/snp.json"
common=(--reference "$WORK/ref.json" --evidence "$WORK/snp.json" --nonce "$rd" --identity "$(field "$S/report.bin" host_data)"
	--cert "$S/vcek.der" --chain "$S/ask_ark_milan.pem")
floors=(--snp-min-tcb "$(field "$S/report.bin" reported_tcb)" --snp-min-abi 1.49)

verify_rc "SNP DEBUG report fails by default" 1 --platform snp --unsigned-reference "${floors[@]}" "${common[@]}"
expect_output '^FAIL +snp\.policy-debug: POLICY 0xb0000, DEBUG allowed'
expect_output '^ok +snp\.report-signature'
expect_output '^MEASUREMENT +ok .*HOST_DATA|^HOST_DATA +ok'
expect_eq "  only the debug policy fails" "$(grep -c '^FAIL' "$WORK/out" || true)" 1
verify_rc "SNP DEBUG report with --relax snp-debug" 0 --platform snp --unsigned-reference --relax snp-debug "${floors[@]}" "${common[@]}"
expect_output '^relaxed: unsigned-reference \(.*\), snp-debug \(SNP POLICY.DEBUG may be set\)$'
expect_output "^reference: .* sha256 $(sha256sum <"$WORK/ref.json" | cut -c1-64)\$"

verify_rc "no TCB floor: FAIL, not any TCB" 1 --platform snp --unsigned-reference --relax snp-debug --snp-min-abi 1.49 "${common[@]}"
expect_output '^FAIL +snp\.min-tcb: no TCB floor'
verify_rc "a floor above the report" 1 --platform snp --unsigned-reference --relax snp-debug --snp-min-abi 1.49 \
	--snp-min-tcb 0200000000000644 "${common[@]}"
expect_output '^FAIL +snp\.min-tcb: REPORTED_TCB .*minimum .*snp=6'
verify_rc "no floor, relaxed explicitly" 0 --platform snp --unsigned-reference --relax snp-debug --relax snp-tcb-floor \
	--relax snp-min-abi "${common[@]}"
expect_output '^relaxed: .*snp-tcb-floor \(any SNP REPORTED_TCB\), snp-min-abi'

# --- the platforms are the customer's -----------------------------------------------
verify_rc "--platform is required" 2 --unsigned-reference "${floors[@]}" "${common[@]}"
verify_rc "a required platform without evidence" 1 --platform snp --platform tdx --unsigned-reference --relax snp-debug \
	"${floors[@]}" "${common[@]}"
expect_output '^platform\.tdx +FAIL +required, no TDX evidence'
expect_output '^snp\.report +ok'
sed 's/"platforms":\["snp"\]/"platforms":["tpm"]/' "$WORK/snp.json" >"$WORK/snp-says-tpm.json"
verify_rc "the evidence's platforms list chooses nothing" 0 --platform snp --unsigned-reference --relax snp-debug "${floors[@]}" \
	"${common[@]}" --evidence "$WORK/snp-says-tpm.json"
expect_output '^snp\.report +ok'
verify_rc "vTPM required, SNP evidence only" 1 --platform vtpm --unsigned-reference "${common[@]}"
expect_output '^platform\.vtpm +FAIL +required, no vTPM evidence'
expect_output '^platform\.snp +- +not required'
expect_eq "  nothing of the SNP report counted" "$(grep -c '^ok' "$WORK/out" || true)" 0

# --- the reference document's origin -------------------------------------------------
verify_rc "unsigned reference without --unsigned-reference" 1 --platform snp --relax snp-debug "${floors[@]}" "${common[@]}"
expect_output '^reference-signature +FAIL +signed \(--reference-key'
openssl genpkey -algorithm ed25519 -out "$WORK/sign.key" 2>/dev/null
openssl pkey -in "$WORK/sign.key" -pubout -out "$WORK/sign.pub" 2>/dev/null
"$REF" sign --key "$WORK/sign.key" "$WORK/ref.json" >/dev/null
verify_rc "signed reference" 0 --platform snp --reference-key "$WORK/sign.pub" --relax snp-debug "${floors[@]}" "${common[@]}"
expect_output '^reference-signature +ok '
expect_output '^relaxed: snp-debug \(SNP POLICY.DEBUG may be set\)$'
verify_rc "a key given: --unsigned-reference relaxes nothing" 0 --platform snp --reference-key "$WORK/sign.pub" \
	--unsigned-reference --relax snp-debug "${floors[@]}" "${common[@]}"
expect_output '^reference-signature +ok '
expect_output '^relaxed: snp-debug \(SNP POLICY.DEBUG may be set\)$'

# --- the policy file -------------------------------------------------------------------
cat >"$WORK/policy.json" <<EOF
{ "version": 1, "platforms": ["snp"], "relax": ["snp-debug"],
  "snp": { "min_tcb": "$(field "$S/report.bin" reported_tcb)", "min_abi": "1.49", "vmpl": 0, "smt": "allow" } }
EOF
verify_rc "policy file" 0 --policy "$WORK/policy.json" --reference-key "$WORK/sign.pub" "${common[@]}"
expect_output '^relaxed: snp-debug'
sed 's/"allow"/"forbid"/' "$WORK/policy.json" >"$WORK/policy-smt.json"
verify_rc "policy file forbids SMT" 1 --policy "$WORK/policy-smt.json" --reference-key "$WORK/sign.pub" "${common[@]}"
expect_output '^FAIL +snp\.policy-smt'
sed 's/"vmpl"/"vmpl_level"/' "$WORK/policy.json" >"$WORK/policy-typo.json"
verify_rc "unknown policy setting" 2 --policy "$WORK/policy-typo.json" --reference-key "$WORK/sign.pub" "${common[@]}"
verify_rc "unknown relaxation" 2 --platform snp --relax everything --reference-key "$WORK/sign.pub" "${common[@]}"

# --- TDX: a debug TD whose quote names another QE vendor ---------------------------------
T=$E/tdx/04-trustee-v4-fmspc00a06d080000
head -c 4936 "$T/quote.dat" >"$WORK/q.dat"
printf '\x11' | dd of="$WORK/q.dat" bs=1 seek=168 conv=notrunc status=none # TD_ATTRIBUTES: DEBUG | 0x10
printf '\x92' | dd of="$WORK/q.dat" bs=1 seek=12 conv=notrunc status=none  # QE vendor ID byte 0
trd=$(nonce_of "$(field "$WORK/q.dat" report_data)")
printf '{"version":1,"nonce":"%s","platforms":["tdx"],"event_log":[],"tdx":{"provider":"tdx_guest","quote":"%s"}}\n' \
	"$trd" "$(base64 -w0 "$WORK/q.dat")" >"$WORK/tdx.json"
verify_rc "debug TD, non-Intel QE" 1 --platform tdx --unsigned-reference --reference "$DOC" --evidence "$WORK/tdx.json" \
	--nonce "$trd" --identity "$(field "$WORK/q.dat" mrconfigid)" --tdx-attributes 0000001000000000 --tdx-xfam "$(field "$WORK/q.dat" xfam)"
expect_output '^FAIL +tdx\.td-debug: .*DEBUG set'
expect_output '^FAIL +tdx\.qe-vendor'
expect_output '^FAIL +tdx\.td-attributes'
expect_output '^tdx\.quote +FAIL'
