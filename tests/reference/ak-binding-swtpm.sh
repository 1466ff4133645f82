#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The vTPM attestation key is trusted only when bound to a pinned EK certificate by
# credential activation (TPM 2.0 Part 1 §24), never because the evidence carries it.
# On swtpm with EK certificates from a local CA made here:
#   - interop: cvm-reference challenge's software MakeCredential is accepted by
#     tpm2_activatecredential, and tpm2_makecredential's by measure-agent activate;
#     for an ECC P-256 EK (ECDH + KDFe) too;
#   - evidence → challenge → activate → verify: tpm.ak-binding ok;
#   - forgeries, each FAIL at tpm.ak-binding (exit 1, never PASS): the quote re-signed
#     by a P-256 key made on the spot (F1, tests/reference/forge-ak.py) and an AK from
#     another TPM, each presented with the node's real EK certificate (the node cannot activate, and
#     a made-up answer is refused); an EK certificate from another CA; no --ek-ca; a
#     wrong answer; a challenge made for another AK; an AK without the attributes of
#     an attestation key.
. "$(dirname "$0")/../lib.sh"
need swtpm swtpm_setup swtpm_localca tpm2_makecredential tpm2_activatecredential jq openssl python3 xxd
need_built bin/cvm-reference bin/measure-agent bin/cvm-workload
DOC=tests/fuzz/corpus/fuzz-refdoc/full.json

# binding NAME RC RESULT EVIDENCE NONCE ARGS…: verify (the reference PCRs are not
# replayed here, so only the tpm.ak-binding line and the exit status are asserted).
binding() {
	local what=$1 want_rc=$2 want=$3 ev=$4 nonce=$5 rc=0
	shift 5
	"$REF" verify --platform vtpm --unsigned-reference --reference "$DOC" --evidence "$ev" --nonce "$nonce" --manifest "$WORK/m.json" "$@" \
		>"$WORK/out" 2>&1 || rc=$?
	[[ $rc == "$want_rc" ]] || { cat "$WORK/out"; fail "$what: exit $rc, expected $want_rc"; }
	grep -Eq "^tpm.ak-binding +$want " "$WORK/out" || { cat "$WORK/out"; fail "$what: tpm.ak-binding not $want"; }
	grep -q '^verdict: PASS' "$WORK/out" && [[ $want == FAIL ]] && fail "$what: PASS with an unbound AK"
	pass "$what: tpm.ak-binding $want —$(grep -E '^tpm.ak-binding' "$WORK/out" | sed 's/^tpm.ak-binding *[A-Za-z]* *AK in a TPM with a pinned EK//')"
}

# evidence ROOT NONCE OUT: the agent's evidence from the TPM CVM_TCTI points at.
evidence() { CVM_SYSROOT=$1 "$AGENT" evidence --nonce "$2" >"$3" || fail "measure-agent evidence"; }
# challenge EVIDENCE CA PREFIX: PREFIX.challenge (kept) and PREFIX.request (sent).
challenge() { "$REF" challenge --evidence "$1" --ek-ca "$2" -o "$3.challenge" --request "$3.request" >/dev/null; }
credential() { cut -d' ' -f2 "$1.request"; }

uid=$(id -u) gid=$(id -g)
"$PACK" manifest -o "$WORK/m.json" --name ak-test --exec /bin/true --user "$uid:$gid" >/dev/null
root=$(new_root node)

# The attacker's TPM first (its own EK certificate from another CA), then the node's.
start_swtpm "$WORK/tpm-other" "$WORK/ca2"
OTHER_TCTI=$CVM_TCTI
nonce=$(openssl rand -hex 32)
evidence "$root" "$nonce" "$WORK/other.json"
start_swtpm "$WORK/tpm-node" "$WORK/ca"
NODE_TCTI=$CVM_TCTI
evidence "$root" "$nonce" "$WORK/ev.json"
[[ $(jq -r .tpm.ek_certificate "$WORK/ev.json" | base64 -d | openssl x509 -inform der -noout -ext extendedKeyUsage) == *2.23.133.8.1* ]] ||
	fail "evidence: no EK certificate (tcg-kp-EKCertificate) from TPM NV"
pass "evidence carries the EK certificate from NV 0x01c00002"

# 1. Interop with tpm2-tools on the node's TPM.
challenge "$WORK/ev.json" "$WORK/ca/ek-ca.pem" "$WORK/t" || fail "challenge"
# (no resource manager in front of swtpm: transient objects are flushed by hand)
flush() { tpm2_flushcontext -t >/dev/null 2>&1 || true; tpm2_flushcontext -s >/dev/null 2>&1 || true; }
tpm2_createek -c "$WORK/ek.ctx" -G rsa >/dev/null; flush
tpm2_createprimary -C e -G ecc256:ecdsa-sha256:null -g sha256 -c "$WORK/ak.ctx" \
	-a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign' >/dev/null; flush
tpm2_readpublic -c "$WORK/ak.ctx" -n "$WORK/ak.name" >/dev/null; flush
[[ $(xxd -p "$WORK/ak.name" | tr -d '\n') == $(jq -r .ak_name "$WORK/t.challenge") ]] ||
	fail "the challenge's AK name differs from the AK tpm2-tools derives from the same template"
{ printf '\xba\xdc\xc0\xde\x00\x00\x00\x01'; credential "$WORK/t" | xxd -r -p; } >"$WORK/t.cred"
tpm2_startauthsession --policy-session -S "$WORK/s.ctx" >/dev/null
tpm2_policysecret -S "$WORK/s.ctx" -c e >/dev/null
tpm2_activatecredential -c "$WORK/ak.ctx" -C "$WORK/ek.ctx" -i "$WORK/t.cred" -o "$WORK/t.secret" \
	-P "session:$WORK/s.ctx" >/dev/null 2>"$WORK/t.err" ||
	{ cat "$WORK/t.err"; fail "tpm2_activatecredential refused cvm-reference's credential"; }
flush
[[ $(xxd -p "$WORK/t.secret" | tr -d '\n') == $(jq -r .secret "$WORK/t.challenge") ]] || fail "tpm2-tools recovered another secret"
pass "cvm-reference's MakeCredential activated by tpm2_activatecredential on swtpm"
tpm2_readpublic -c "$WORK/ek.ctx" -o "$WORK/ek.pub" >/dev/null; flush
head -c 32 /dev/urandom >"$WORK/s2"
tpm2_makecredential -T none -u "$WORK/ek.pub" -s "$WORK/s2" -n "$(xxd -p "$WORK/ak.name" | tr -d '\n')" \
	-o "$WORK/t2.cred" >/dev/null 2>&1 || fail "tpm2_makecredential"
got=$(CVM_SYSROOT=$root "$AGENT" activate --credential "$(tail -c +9 "$WORK/t2.cred" | xxd -p | tr -d '\n')") ||
	fail "measure-agent activate refused tpm2_makecredential's credential"
[[ $got == $(xxd -p "$WORK/s2" | tr -d '\n') ]] || fail "measure-agent activate: another secret"
pass "tpm2_makecredential's credential activated by measure-agent activate"

# 2. The honest round trip.
challenge "$WORK/ev.json" "$WORK/ca/ek-ca.pem" "$WORK/good" || fail "challenge"
[[ $(stat -c %a "$WORK/good.challenge") == 600 ]] || fail "the challenge record (it holds the secret) is not 0600"
! grep -q "$(jq -r .secret "$WORK/good.challenge")" "$WORK/good.request" || fail "the request carries the secret"
CVM_SYSROOT=$root "$AGENT" activate --credential "$(credential "$WORK/good")" >"$WORK/good.answer" || fail "activate"
GOOD=(--ek-ca "$WORK/ca/ek-ca.pem" --challenge "$WORK/good.challenge" --activation "$WORK/good.answer")
binding "EK certificate chains, the node's TPM activated" 1 ok "$WORK/ev.json" "$nonce" "${GOOD[@]}"
grep -Eq '^tpm.quote-signature +ok ' "$WORK/out" || fail "quote signature"

# 2b. The same request through the evidence endpoint's program, as systemd runs it per
#     connection (request on stdin, answer on stdout), with this build's agent.
cc -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -Ilib "-DMEASURE_AGENT=\"$AGENT\"" \
	-o "$WORK/serve" evidence-service/cvm-evidence-serve.c lib/util/io.c
challenge "$WORK/ev.json" "$WORK/ca/ek-ca.pem" "$WORK/ep" || fail "challenge"
CVM_SYSROOT=$root "$WORK/serve" <"$WORK/ep.request" >"$WORK/ep.answer" 2>"$WORK/ep.err" ||
	{ cat "$WORK/ep.err"; fail "cvm-evidence-serve: activate request"; }
[[ $(cat "$WORK/ep.answer") == $(jq -r .secret "$WORK/ep.challenge") ]] || fail "endpoint answer: $(cat "$WORK/ep.answer")"
pass "'activate HEX' on the evidence endpoint answers with the credential's secret"

# 3. No --ek-ca (and no challenge): never PASS.
binding "no --ek-ca" 1 FAIL "$WORK/ev.json" "$nonce"
binding "challenge and answer but no --ek-ca" 1 FAIL "$WORK/ev.json" "$nonce" \
	--challenge "$WORK/good.challenge" --activation "$WORK/good.answer"

# 4. Wrong answer.
openssl rand -hex 32 >"$WORK/wrong.answer"
binding "a wrong answer" 1 FAIL "$WORK/ev.json" "$nonce" --ek-ca "$WORK/ca/ek-ca.pem" \
	--challenge "$WORK/good.challenge" --activation "$WORK/wrong.answer"

# 5. Forged: an AK from another TPM (the attacker's quote, signed by a key the node's
#    TPM does not hold) with the node's real EK certificate.
jq --arg ek "$(jq -r .tpm.ek_certificate "$WORK/ev.json")" '.tpm.ek_certificate = $ek' "$WORK/other.json" >"$WORK/forged.json"
challenge "$WORK/forged.json" "$WORK/ca/ek-ca.pem" "$WORK/forged" || fail "challenge (forged AK): the EK certificate is real"
if CVM_SYSROOT=$root "$AGENT" activate --credential "$(credential "$WORK/forged")" >"$WORK/forged.answer" 2>"$WORK/forged.err"; then
	fail "the node's TPM activated a credential for an AK it does not hold"
fi
pass "node's TPM refuses the credential for the foreign AK: $(cat "$WORK/forged.err")"
export CVM_TCTI=$OTHER_TCTI
if CVM_SYSROOT=$root "$AGENT" activate --credential "$(credential "$WORK/forged")" >/dev/null 2>&1; then
	fail "the attacker's TPM activated a credential made for the node's EK"
fi
export CVM_TCTI=$NODE_TCTI
pass "the attacker's own TPM cannot activate it either (the seed is sealed to the node's EK)"
binding "foreign AK with the node's EK certificate, no valid answer" 1 FAIL "$WORK/forged.json" "$nonce" \
	--ek-ca "$WORK/ca/ek-ca.pem" --challenge "$WORK/forged.challenge" --activation "$WORK/wrong.answer"
binding "foreign AK with the node's EK certificate and the node's honest answer to another challenge" 1 FAIL \
	"$WORK/forged.json" "$nonce" --ek-ca "$WORK/ca/ek-ca.pem" --challenge "$WORK/forged.challenge" \
	--activation "$WORK/good.answer"
binding "foreign AK presented with the honest challenge and answer" 1 FAIL "$WORK/forged.json" "$nonce" "${GOOD[@]}"

# 5b. The F1 forgery itself: the node's genuine quote re-signed by a P-256 key made
#     on the spot, the node's real EK certificate kept. The node cannot activate a
#     credential for that key.
python3 "tests/reference/forge-ak.py" "$WORK/ev.json" "$WORK/f1.json" || fail "forge-ak.py"
challenge "$WORK/f1.json" "$WORK/ca/ek-ca.pem" "$WORK/f1" || fail "challenge (F1)"
if CVM_SYSROOT=$root "$AGENT" activate --credential "$(credential "$WORK/f1")" >/dev/null 2>&1; then
	fail "the node's TPM activated a credential for a key made outside it"
fi
binding "F1: AK made on the spot, node's EK certificate" 1 FAIL "$WORK/f1.json" "$nonce" \
	--ek-ca "$WORK/ca/ek-ca.pem" --challenge "$WORK/f1.challenge" --activation "$WORK/wrong.answer"
grep -Eq '^tpm.quote-signature +ok ' "$WORK/out" || fail "F1: the re-signed quote should verify by itself"

# 6. EK certificate from another CA (the attacker's own TPM, honestly described).
rc=0; challenge "$WORK/other.json" "$WORK/ca/ek-ca.pem" "$WORK/o" 2>"$WORK/o.err" || rc=$?
[[ $rc == 1 ]] || fail "challenge with an EK certificate from another CA: exit $rc, expected 1"
grep -q "does not chain" "$WORK/o.err" || fail "challenge: $(cat "$WORK/o.err")"
pass "challenge refuses an EK certificate from another CA"
export CVM_TCTI=$OTHER_TCTI
challenge "$WORK/other.json" "$WORK/ca2/ek-ca.pem" "$WORK/o2" || fail "challenge under the other CA"
CVM_SYSROOT=$root "$AGENT" activate --credential "$(credential "$WORK/o2")" >"$WORK/o2.answer" || fail "activate (other TPM)"
export CVM_TCTI=$NODE_TCTI
binding "EK certificate from another CA than the pinned one" 1 FAIL "$WORK/other.json" "$nonce" \
	--ek-ca "$WORK/ca/ek-ca.pem" --challenge "$WORK/o2.challenge" --activation "$WORK/o2.answer"
binding "the same, pinned to its own CA (control)" 1 ok "$WORK/other.json" "$nonce" \
	--ek-ca "$WORK/ca2/ek-ca.pem" --challenge "$WORK/o2.challenge" --activation "$WORK/o2.answer"

# 7. Only the root pinned, the intermediate missing: no chain.
binding "EK CA file without the intermediate" 1 FAIL "$WORK/ev.json" "$nonce" \
	--ek-ca "$WORK/ca/swtpm-localca-rootca-cert.pem" --challenge "$WORK/good.challenge" --activation "$WORK/good.answer"

# 7b. The CA's own intermediate certificate in place of the EK certificate.
jq --arg c "$(openssl x509 -in "$WORK/ca/issuercert.pem" -outform DER | base64 -w0)" '.tpm.ek_certificate = $c' \
	"$WORK/ev.json" >"$WORK/ca-as-ek.json"
rc=0; challenge "$WORK/ca-as-ek.json" "$WORK/ca/ek-ca.pem" "$WORK/cae" 2>"$WORK/cae.err" || rc=$?
[[ $rc == 1 ]] && grep -q "CA certificate" "$WORK/cae.err" || fail "CA certificate as EK certificate: exit $rc, $(cat "$WORK/cae.err")"
pass "challenge refuses a CA certificate in place of the EK certificate"

# 8. An AK whose attributes do not make it an attestation key (restricted cleared in
#    ak_public; the key and hence the challenge's Name change with it).
# (TPM2B_PUBLIC: size, type, nameAlg, then objectAttributes 0x00050072 at hex 12..19)
jq '.tpm.ak_public |= (.[0:15] + "4" + .[16:])' "$WORK/ev.json" >"$WORK/unrestricted.json"
[[ $(jq -r .tpm.ak_public "$WORK/unrestricted.json" | cut -c13-20) == 00040072 ]] || fail "test setup: attributes"
rc=0; challenge "$WORK/unrestricted.json" "$WORK/ca/ek-ca.pem" "$WORK/u" 2>"$WORK/u.err" || rc=$?
[[ $rc == 1 ]] && grep -q "not restricted" "$WORK/u.err" || fail "challenge for an unrestricted AK: exit $rc, $(cat "$WORK/u.err")"
binding "AK without restricted" 1 FAIL "$WORK/unrestricted.json" "$nonce" "${GOOD[@]}"
# 9. An ECC NIST P-256 EK (template L-2, certificate at NV 0x01c0000a; swtpm_setup makes
#    only RSA 2048 and P-384 certificates, so the certificate is made here with openssl
#    and written by tpm2-tools): seed by ECDH + KDFe instead of RSA-OAEP.
start_swtpm "$WORK/tpm-ecc"
tpm2_createek -c "$WORK/ekecc.ctx" -G ecc -u "$WORK/ekecc.pem" -f pem >/dev/null; flush
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/ecc-ca.key" \
	-out "$WORK/ecc-ca.pem" -subj /CN=ecc-ek-ca -days 30 2>/dev/null
openssl x509 -new -force_pubkey "$WORK/ekecc.pem" -subj /CN=ecc-ek -CA "$WORK/ecc-ca.pem" -CAkey "$WORK/ecc-ca.key" \
	-days 30 -outform DER -out "$WORK/ekecc.der" \
	-extfile <(printf 'keyUsage=critical,keyAgreement\nbasicConstraints=critical,CA:FALSE\n') 2>/dev/null
tpm2_nvdefine 0x01c0000a -C o -s "$(stat -c %s "$WORK/ekecc.der")" -a "ownerread|ownerwrite|authread|no_da" >/dev/null
tpm2_nvwrite 0x01c0000a -C o -i "$WORK/ekecc.der"
evidence "$root" "$nonce" "$WORK/ecc.json"
jq -r .tpm.ek_certificate "$WORK/ecc.json" | base64 -d | cmp -s - "$WORK/ekecc.der" || fail "ECC EK certificate not read from 0x01c0000a"
challenge "$WORK/ecc.json" "$WORK/ecc-ca.pem" "$WORK/ecc" || fail "challenge (ECC EK)"
[[ $(cut -d' ' -f2 "$WORK/ecc.request" | cut -c$((2 * 70 + 1))-$((2 * 70 + 8))) == 00440020 ]] ||
	fail "ECC EK: the encrypted secret is not a P-256 point (TPMS_ECC_POINT, 2 x 32 bytes)"
CVM_SYSROOT=$root "$AGENT" activate --credential "$(credential "$WORK/ecc")" >"$WORK/ecc.answer" ||
	fail "measure-agent activate (ECC EK) refused cvm-reference's credential"
binding "ECC P-256 EK: ECDH + KDFe credential activated by swtpm" 1 ok "$WORK/ecc.json" "$nonce" \
	--ek-ca "$WORK/ecc-ca.pem" --challenge "$WORK/ecc.challenge" --activation "$WORK/ecc.answer"
echo "PASS: AK binding by credential activation and its forgeries"
