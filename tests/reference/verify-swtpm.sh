#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cvm-reference verify, end to end on a real TPM (swtpm) and the real measure-agent:
#  1. the firmware part of a boot is replayed into a fresh swtpm from the events of a
#     real reference document (tests/fuzz/corpus/fuzz-refdoc/full.json, written by
#     `cvm-reference image` for the image built on 2026-11-23 and kept in step with
#     reference/FORMAT.md), so PCR 4/9/11/12 hold what it predicts, and three systemd
#     boot phases are extended into PCR 11 and logged the way systemd-pcrphase does;
#  2. measure-agent measures a workload manifest into PCR 8 and produces evidence;
#     the AK is bound to swtpm's EK certificate (a local CA made here) by credential
#     activation: cvm-reference challenge → measure-agent activate;
#  3. verify passes — and fails on the right line for a wrong workload, a forged quote
#     signature, a replayed nonce, a tampered event log, a tampered PCR value and a
#     quote re-signed by a key made on the spot (F1), or without the AK binding.
# (More forgeries of the AK binding: tests/reference/ak-binding-swtpm.sh.)
. "$(dirname "$0")/../lib.sh"
need swtpm swtpm_setup tpm2_pcrextend tpm2_pcrread jq openssl
need_built bin/cvm-reference bin/measure-agent bin/cvm-workload
DOC=tests/fuzz/corpus/fuzz-refdoc/full.json

# verify_expect NAME RC LINE-REGEX ARGS…: verify exits RC and its report has a line
# matching LINE-REGEX.
# POLICY: the appraisal policy options (reference/POLICY.md) of the next verify_expect.
POLICY=(--platform vtpm --unsigned-reference)
verify_expect() {
	local what=$1 want_rc=$2 pattern=$3
	shift 3
	expect_exit "$want_rc" "$what" "$REF" verify "${POLICY[@]}" "${BIND[@]}" --reference "$DOC" "$@"
	expect_output "$pattern"
}

start_swtpm "$WORK/tpm" "$WORK/ca"
# firmware, stub and kernel events straight into the TPM (no log needed for them:
# the reference predicts their PCR values)
n=$(jq '[.vtpm.events.sha256[] | select(.type != "systemd-pcrphase")] | length' "$DOC")
[[ $n -gt 0 ]] || fail "reference events"
for ((i = 0; i < n; i++)); do
	read -r pcr d256 d384 < <(jq -r --argjson i "$i" '[.vtpm.events.sha256, .vtpm.events.sha384]
		| map(map(select(.type != "systemd-pcrphase"))) | [.[0][$i].pcr, .[0][$i].digest, .[1][$i].digest] | @tsv' "$DOC")
	tpm2_pcrextend "$pcr:sha256=$d256,sha384=$d384"
done
for p in 4 9 12; do
	got=$(tpm2_pcrread "sha256:$p" | awk -F'0x' 'NF == 2 { print tolower($2) }')
	[[ $got == $(jq -r ".vtpm.pcrs.sha256[\"$p\"]" "$DOC") ]] || fail "replayed PCR $p: $got"
done
pass "firmware events of the reference replayed into swtpm ($n extends)"

# systemd-pcrphase, as systemd does it: extend PCR 11 with H(word) in every bank and
# append its CEL-JSON record to the log the agent appends to afterwards
root=$(new_root r1)
mkdir -p "$root/run/log/systemd"
phase() { # ROOT WORD
	local h256 h384
	h256=$(printf %s "$2" | sha256sum | cut -c1-64)
	h384=$(printf %s "$2" | sha384sum | cut -c1-96)
	tpm2_pcrextend "11:sha256=$h256,sha384=$h384"
	printf '\x1e{"pcr":11,"digests":[{"hashAlg":"sha256","digest":"%s"},{"hashAlg":"sha384","digest":"%s"}],"content_type":"systemd","content":{"string":"%s","eventType":"phase"}}\n' \
		"$h256" "$h384" "$2" >>"$1/run/log/systemd/tpm2-measure.log"
}
for w in enter-initrd leave-initrd sysinit; do phase "$root" "$w"; done
chmod 600 "$root/run/log/systemd/tpm2-measure.log"
got=$(tpm2_pcrread sha256:11 | awk -F'0x' 'NF == 2 { print tolower($2) }')
[[ $got == $(jq -r '.vtpm.pcr11_phases[] | select(.phases == "enter-initrd:leave-initrd:sysinit") | .sha256' "$DOC") ]] \
	|| fail "PCR 11 after three phases: $got"
pass "systemd boot phases enter-initrd, leave-initrd, sysinit in PCR 11 and the log"

uid=$(id -u) gid=$(id -g)
"$PACK" manifest -o "$WORK/m.json" --name verify-test --exec /bin/true --user "$uid:$gid" >/dev/null
"$PACK" manifest -o "$WORK/other.json" --name other-workload --exec /bin/true --user "$uid:$gid" >/dev/null
fwcfg_manifest "$root" "$WORK/m.json"
CVM_SYSROOT=$root "$AGENT" >/dev/null 2>&1 || fail "measure-agent launch"
nonce=$(openssl rand -hex 32)
CVM_SYSROOT=$root "$AGENT" evidence --nonce "$nonce" >"$WORK/ev.json" || fail "measure-agent evidence"
"$REF" challenge --evidence "$WORK/ev.json" --ek-ca "$WORK/ca/ek-ca.pem" -o "$WORK/challenge" \
	--request "$WORK/request" >/dev/null || fail "cvm-reference challenge"
CVM_SYSROOT=$root "$AGENT" activate --credential "$(cut -d' ' -f2 "$WORK/request")" >"$WORK/answer" ||
	fail "measure-agent activate"
BIND=(--ek-ca "$WORK/ca/ek-ca.pem" --challenge "$WORK/challenge" --activation "$WORK/answer")
pass "AK enrolled: challenge under the EK certificate, activated by the TPM"

verify_expect "valid evidence passes" 0 '^verdict: PASS' --evidence "$WORK/ev.json" --manifest "$WORK/m.json" --nonce "$nonce"
expect_lines "$WORK/out" ok tpm.quote-signature tpm.nonce tpm.pcr-digest PCR4.sha256 PCR9.sha256 PCR11.phases \
	PCR11.sha256 PCR12.sha256 PCR8.sha256 PCR8.sha256.eventlog
sha256=$(identity manifest_sha256 "$WORK/m.json")
verify_expect "identity digest instead of the manifest" 0 '^PCR8.sha256 +ok ' \
	--evidence "$WORK/ev.json" --identity "$sha256" --nonce "$nonce"

verify_expect "wrong workload fails on PCR 8" 1 '^PCR8.sha256 +FAIL ' \
	--evidence "$WORK/ev.json" --manifest "$WORK/other.json" --nonce "$nonce"
expect_lines "$WORK/out" ok PCR8.sha256.eventlog # the log itself is fine

verify_expect "replayed nonce fails on the nonce" 1 '^tpm.nonce +FAIL ' \
	--evidence "$WORK/ev.json" --manifest "$WORK/m.json" --nonce "$(openssl rand -hex 32)"

# last_digit_changed JQ-PATH OUT: the evidence with the last hex digit at JQ-PATH changed
last_digit_changed() {
	jq "$1"' |= (.[0:-1] + (if .[-1:] == "0" then "1" else "0" end))' "$WORK/ev.json" >"$2"
}
# flip one bit in the last byte of the signature's s
last_digit_changed .tpm.quote.signature "$WORK/forged.json"
verify_expect "forged signature fails on the signature" 1 '^tpm.quote-signature +FAIL ' \
	--evidence "$WORK/forged.json" --manifest "$WORK/m.json" --nonce "$nonce"

last_digit_changed '.event_log[-1].digests[0].digest' "$WORK/log.json"
verify_expect "tampered event log fails on the log replay" 1 '^PCR8.sha256.eventlog +FAIL ' \
	--evidence "$WORK/log.json" --manifest "$WORK/m.json" --nonce "$nonce"

last_digit_changed '.tpm.pcrs.sha256["4"]' "$WORK/pcr.json"
verify_expect "tampered PCR value fails on the quote digest" 1 '^tpm.pcr-digest +FAIL ' \
	--evidence "$WORK/pcr.json" --manifest "$WORK/m.json" --nonce "$nonce"

# an extra PCR 11 record the reference does not list (a phase out of order)
jq '.event_log |= [.[0], .[2], .[1]] + .[3:]' "$WORK/ev.json" >"$WORK/phases.json"
verify_expect "phase records out of order fail on PCR 11" 1 '^PCR11.phases +FAIL ' \
	--evidence "$WORK/phases.json" --manifest "$WORK/m.json" --nonce "$nonce"

# F1: the quote re-signed by a P-256 key made on the spot (claiming the AK's
# attributes). Signature, nonce, PCRs and workload all check; only the binding fails,
# with the node's honest challenge and answer as with none at all.
python3 tests/reference/forge-ak.py "$WORK/ev.json" "$WORK/f1.json" || fail "forge-ak.py"
only_binding_fails() {
	expect_eq "$1: only tpm.ak-binding fails" "$(failing "$WORK/out")" tpm.ak-binding
	expect_lines "$WORK/out" ok tpm.quote-signature
}
verify_expect "F1 forgery (self-made AK) with the honest challenge and answer" 1 '^tpm.ak-binding +FAIL ' \
	--evidence "$WORK/f1.json" --manifest "$WORK/m.json" --nonce "$nonce"
only_binding_fails "F1 forgery"
good_bind=("${BIND[@]}")
BIND=()
verify_expect "F1 forgery without any binding" 1 '^tpm.ak-binding +FAIL ' \
	--evidence "$WORK/f1.json" --manifest "$WORK/m.json" --nonce "$nonce"
only_binding_fails "F1 forgery, unbound"
verify_expect "no --ek-ca: the AK is unbound, never PASS" 1 '^tpm.ak-binding +FAIL ' \
	--evidence "$WORK/ev.json" --manifest "$WORK/m.json" --nonce "$nonce"
only_binding_fails "genuine evidence, unbound"
BIND=("${good_bind[@]}")

# F1: the customer requires SNP; a TPM-only document (it passes as vTPM evidence
# above, and used to PASS against this TDX+SNP reference with no platform named)
# must fail, naming the missing platform
POLICY=(--platform snp --unsigned-reference)
verify_expect "TPM-only evidence, SNP required" 1 '^platform\.snp +FAIL +required, no SNP evidence' \
	--evidence "$WORK/ev.json" --manifest "$WORK/m.json" --nonce "$nonce"
expect_output '^platform\.vtpm +- +not required'
expect_output '^verdict: FAIL'
POLICY=(--platform vtpm)
verify_expect "unsigned reference without --unsigned-reference" 1 '^reference-signature +FAIL ' \
	--evidence "$WORK/ev.json" --manifest "$WORK/m.json" --nonce "$nonce"

# the reference document's detached signature (cvm-reference sign, Ed25519)
openssl genpkey -algorithm ed25519 -out "$WORK/sign.key" 2>/dev/null
openssl pkey -in "$WORK/sign.key" -pubout -out "$WORK/sign.pub" 2>/dev/null
openssl genpkey -algorithm ed25519 -out "$WORK/other.key" 2>/dev/null
openssl pkey -in "$WORK/other.key" -pubout -out "$WORK/other.pub" 2>/dev/null
cp "$DOC" "$WORK/ref.json"
"$REF" sign --key "$WORK/sign.key" "$WORK/ref.json" >/dev/null || fail "sign"
DOC=$WORK/ref.json
verify_expect "signed reference document" 0 '^reference-signature +ok ' \
	--evidence "$WORK/ev.json" --manifest "$WORK/m.json" --nonce "$nonce" --reference-key "$WORK/sign.pub"
verify_expect "reference document signed by another key" 1 '^reference-signature +FAIL ' \
	--evidence "$WORK/ev.json" --manifest "$WORK/m.json" --nonce "$nonce" --reference-key "$WORK/other.pub"

expect_exit 2 "verify refuses to run without a nonce" "$REF" verify --platform vtpm --reference "$DOC" --evidence "$WORK/ev.json" --manifest "$WORK/m.json"
expect_exit 2 "verify refuses to run without the platforms the customer requires" "$REF" verify --reference "$DOC" \
	--reference-key "$WORK/sign.pub" --evidence "$WORK/ev.json" --manifest "$WORK/m.json" --nonce "$nonce"
