#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The customer's loop, end to end, on the real image (the README walkthrough):
#   reference values computed and signed (signature checked with openssl) →
#   the example workload packed → the image booted with the workload disk under
#   QEMU + OVMF + swtpm (EK certificate from a local CA: run-vm --tpm-ek-ca) →
#   evidence with a fresh nonce, over both channels:
#     console  (fw_cfg opt/org.cvmforge/evidence-nonce, printed by measure-agent)
#     TCP 7000 (evidence-service/, forwarded to the host's loopback)
#   → the AK bound by credential activation (cvm-reference challenge → "activate HEX"
#   on port 7000 → the answer) → `cvm-reference verify` PASS for both.
# Then, from the same boot (no further VM needed), the cases that must fail in the
# verifier, each at its own line:
#   stale nonce               → tpm.nonce FAIL
#   quote signature altered   → tpm.quote-signature FAIL
#   PCR values altered        → tpm.pcr-digest FAIL
#   a different workload than the one the customer expects → PCR8.sha256 FAIL
#   unbound AK: the genuine evidence without the binding, and the quote re-signed by
#   a key made on the spot (F1) whose credential the node cannot activate
#                             → tpm.ak-binding FAIL (and nothing else)
# One boot (~1.5-4 min under TCG).
. "$(dirname "$0")/../lib.sh"
need_e2e

make_reference "$WORK/ref.json"
"$REF" verify-signature --pubkey "$WORK/ref.json.pub.pem" "$WORK/ref.json" >/dev/null ||
	fail "cvm-reference verify-signature rejects the document it signed"
pass "reference document $(jq -r '.image.uki.sha256[:16]' "$WORK/ref.json")… signed, signature checked (openssl, cvm-reference)"

pack_echo "$WORK/echo.img"
pass "workload echo-server packed: sha256 $(awk '$1 == "manifest_sha256" { print $2 }' "$WORK/echo.img.identity")"

n1=$(new_nonce)
printf '%s\n' "$n1" >"$WORK/nonce1"
evport=$(free_port)
echoport=$(free_port)
vm_start good --image "$B/cvm.raw" --disk "$WORK/echo.img" --tpm-ek-ca "$EK_CA" \
	--fw-cfg "opt/org.cvmforge/evidence-nonce=$WORK/nonce1" --hostfwd "$evport:7000" --hostfwd "$echoport:7001"
rc=0
vm_wait good "$MARKER" || rc=$?
((rc == 0)) || { show good 40; fail "workload did not start (vm_wait $rc: 1 = VM stopped, 2 = timeout)"; }
t_workload=$(elapsed good)
console_has good "$MARKER port=7001 uid=1000 gid=1000 nnp=1" || { show good; fail "marker: wrong user or no_new_privs"; }
pass "workload started ${t_workload} s after QEMU start (uid 1000, no_new_privs)"

# 1. Console channel.
console_evidence good "$WORK/ev1.json" || { show good; fail "no evidence document on the console"; }
jq -e '.tpm.ek_certificate' "$WORK/ev1.json" >/dev/null || fail "the evidence carries no EK certificate"
t0=$(date +%s.%N)
bind_ak "$evport" "$WORK/ev1.json" ak1 || { show good; cat "$WORK/ak1.answer"; fail "AK enrolment: no activation answer"; }
t_bind=$(echo "$(date +%s.%N) $t0" | awk '{ printf "%.1f", $1 - $2 }')
pass "AK enrolled: EK certificate chains to the local CA, the node activated the credential (${t_bind} s)"
verify good1 "$WORK/ev1.json" "$n1" "$WORK/echo.img" || { cat "$WORK/good1.verify"; fail "verify (console evidence) did not pass"; }
grep -q '^verdict: PASS' "$WORK/good1.verify" || fail "no PASS verdict"
expect_lines "$WORK/good1.verify" ok tpm.quote-signature tpm.ak-binding tpm.nonce tpm.pcr-digest PCR4.sha256 PCR8.sha256 PCR9.sha256 PCR11.sha256 PCR12.sha256
cat "$WORK/good1.verify"
pass "console evidence verified: $(tail -1 "$WORK/good1.verify")"

# 2. The workload serves (the network the evidence endpoint uses, too).
exec {fd}<>"/dev/tcp/127.0.0.1/$echoport"
printf 'hello cvmforge\n' >&$fd
read -r -t 60 line <&$fd || true
exec {fd}>&-
[[ $line == "hello cvmforge" ]] || fail "echo-server over TCP: got '${line:-nothing}'"
pass "echo-server answers over TCP"

# 3. TCP evidence endpoint with a second fresh nonce.
n2=$(new_nonce)
t0=$(date +%s.%N)
fetch_evidence "$evport" "$n2" "$WORK/ev2.json" || { show good; cat "$WORK/ev2.json"; fail "no evidence from the TCP endpoint"; }
t_fetch=$(echo "$(date +%s.%N) $t0" | awk '{ printf "%.1f", $1 - $2 }')
verify good2 "$WORK/ev2.json" "$n2" "$WORK/echo.img" || { cat "$WORK/good2.verify"; fail "verify (TCP evidence) did not pass"; }
[[ $(jq -r .nonce "$WORK/ev2.json") == "$n2" ]] || fail "TCP evidence carries another nonce"
pass "TCP evidence (port 7000) verified in ${t_fetch} s: $(tail -1 "$WORK/good2.verify")"

# A malformed request gets one error line, never a document.
exec {fd}<>"/dev/tcp/127.0.0.1/$evport"
printf 'not-a-nonce\n' >&$fd
reply=$(timeout 60 cat <&$fd || true)
exec {fd}>&-
[[ $reply == "cvm-evidence: error: "* ]] || fail "malformed request: reply '$reply'"
pass "evidence endpoint refuses a malformed nonce: $reply"

# 8a. Unbound AK, F1: the genuine quote re-signed by a P-256 key made on the spot,
#     the node's real EK certificate kept. The challenge is made (the EK certificate is
#     genuine) but the node's TPM cannot activate it: no answer.
python3 tests/reference/forge-ak.py "$WORK/ev1.json" "$WORK/f1.json" || fail "forge-ak.py"
"$REF" challenge --evidence "$WORK/f1.json" --ek-ca "$EK_CA/ek-ca.pem" -o "$WORK/f1.challenge" \
	--request "$WORK/f1.request" >/dev/null || fail "challenge for the forged AK"
exec {fd}<>"/dev/tcp/127.0.0.1/$evport"
cat "$WORK/f1.request" >&$fd
timeout 120 cat <&$fd >"$WORK/f1.answer" || true
exec {fd}>&-
! is_answer "$WORK/f1.answer" || fail "the node activated a credential for a key made outside its TPM"
pass "the node's TPM refuses to activate a credential for a self-made AK"
vm_stop good

# 4. Stale nonce: yesterday's evidence replayed against today's challenge.
verify_fails stale "$WORK/ev1.json" "$n2" "$WORK/echo.img" tpm.nonce "tpm.quote-signature PCR8.sha256"
pass "stale nonce refused at: $(failing "$WORK/stale.verify")"

# 5. Altered quote signature: one bit of ECDSA r (TPMT_SIGNATURE: alg, hash, size, r…).
jq --arg s "$(jq -r .tpm.quote.signature "$WORK/ev1.json" |
	python3 -c 'import sys; s = bytearray.fromhex(sys.stdin.read().strip()); s[10] ^= 1; print(s.hex())')" \
	'.tpm.quote.signature = $s' "$WORK/ev1.json" >"$WORK/badsig.json"
verify_fails badsig "$WORK/badsig.json" "$n1" "$WORK/echo.img" tpm.quote-signature
pass "altered quote signature refused at: $(failing "$WORK/badsig.verify")"

# 6. Altered PCR values (a host that rewrites the reported PCR 8 to the expected one
#    of another workload): the quoted digest no longer matches.
other=$(printf '%064d' 0)
jq --arg v "$other" '.tpm.pcrs.sha256["8"] = $v' "$WORK/ev1.json" >"$WORK/badpcr.json"
verify_fails badpcr "$WORK/badpcr.json" "$n1" "$WORK/echo.img" tpm.pcr-digest
pass "altered PCR value refused at: $(failing "$WORK/badpcr.verify")"

# 7. The customer expected another workload (same program, other arguments): the VM
#    ran a disk other than the one the customer holds.
pack_echo "$WORK/other.img" --verbose-not-a-flag
verify_fails otherwl "$WORK/ev1.json" "$n1" "$WORK/other.img" PCR8.sha256 "PCR4.sha256 PCR11.sha256 tpm.quote-signature"
pass "different workload refused at: $(failing "$WORK/otherwl.verify")"
# 8b. Unbound AK at the verifier: the F1 evidence with its (unanswered) challenge, and
#     the genuine evidence with no binding at all. Everything else checks; never PASS.
good_bind=("${BIND[@]}")
openssl rand -hex 32 >"$WORK/f1.answer"
BIND=(--ek-ca "$EK_CA/ek-ca.pem" --challenge "$WORK/f1.challenge" --activation "$WORK/f1.answer")
verify_fails f1 "$WORK/f1.json" "$n1" "$WORK/echo.img" tpm.ak-binding "tpm.quote-signature tpm.nonce tpm.pcr-digest PCR8.sha256"
[[ $(failing "$WORK/f1.verify") == tpm.ak-binding ]] || { cat "$WORK/f1.verify"; fail "f1: more than tpm.ak-binding failed"; }
pass "quote re-signed by a self-made AK (F1) refused at: $(failing "$WORK/f1.verify")"
BIND=()
verify_fails unbound "$WORK/ev1.json" "$n1" "$WORK/echo.img" tpm.ak-binding "tpm.quote-signature tpm.nonce PCR8.sha256"
[[ $(failing "$WORK/unbound.verify") == tpm.ak-binding ]] || { cat "$WORK/unbound.verify"; fail "unbound: more than tpm.ak-binding failed"; }
pass "genuine evidence without the AK binding refused at: $(failing "$WORK/unbound.verify")"
BIND=("${good_bind[@]}")
echo "figure: workload start ${t_workload} s after QEMU start; TCP evidence round trip ${t_fetch} s; AK enrolment ${t_bind} s"
echo "PASS: full loop (console and TCP evidence, AK bound by credential activation) and 6 verifier-side tamper cases"
