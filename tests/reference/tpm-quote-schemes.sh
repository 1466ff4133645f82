#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `cvm-reference evidence verify` on TPM2 quotes made by a real TPM (swtpm) through
# tpm2-tools — an implementation independent of ours — for every signature scheme
# the verifier accepts: RSASSA and RSA-PSS (RSA-2048 AK) and ECDSA (P-256 AK), with
# the AK given as TPM2B_PUBLIC, the PCR values as tpm2_pcrread text, and the nonce.
# Then a flipped bit in the attest, the signature, a PCR value and the nonce each fail
# on the right check. The AK's object attributes must say restricted signing key,
# fixedTPM, fixedParent: a PEM key (no attributes) and a quote by an ordinary,
# non-restricted signing key of the same TPM (a valid signature) fail tpm.ak-attributes.
. "$(dirname "$0")/../lib.sh"
need swtpm swtpm_setup tpm2_createek tpm2_createak tpm2_quote tpm2_pcrextend tpm2_pcrread python3 openssl \
	tpm2_readpublic tpm2_createprimary tpm2_create tpm2_load
need_built bin/cvm-reference

start_swtpm "$WORK/tpm"
tpm2_pcrextend "4:sha256=$(printf a | sha256sum | cut -c1-64)" \
	"7:sha256=$(printf b | sha256sum | cut -c1-64)"
# swtpm is used without a resource manager: flush transient objects and sessions
# after every tool so the TPM's few object slots do not run out
flush() { tpm2_flushcontext -t; tpm2_flushcontext -s; }
tpm2_createek -c "$WORK/ek.ctx" -G rsa -u "$WORK/ek.pub" >/dev/null
flush
# "N HEX" lines of the sha256 bank, the format --pcrs reads
tpm2_pcrread sha256:0,4,7,23 | awk -F'[: ]+' '/0x/ { print $2, tolower(substr($3, 3)) }' >"$WORK/pcrs.txt"
[[ $(wc -l <"$WORK/pcrs.txt") == 4 ]] || fail "pcrread: $(cat "$WORK/pcrs.txt")"

# expect NAME WANT_RC CHECK ARGS…: evidence verify ARGS exits WANT_RC; CHECK (if any)
# is the tpm.CHECK that fails.
expect() {
	local name=$1 want=$2 check=$3
	shift 3
	expect_exit "$want" "$name" "$REF" evidence verify "$@"
	[[ -z $check ]] || expect_output "^FAIL +tpm\.$check"
}
flip() { # FILE OFFSET → FILE.flip
	cp "$1" "$1.flip"
	flip_byte "$1.flip" $(($2 % $(stat -c %s "$1")))
}

for scheme in rsa:rsassa rsa:rsapss ecc:ecdsa; do
	alg=${scheme%:*} sig=${scheme#*:}
	d=$WORK/$sig
	mkdir -p "$d"
	tpm2_createak -C "$WORK/ek.ctx" -c "$d/ak.ctx" -G "$alg" -g sha256 -s "$sig" \
		-u "$d/ak.pub" -f tss -n "$d/ak.name" >/dev/null
	flush
	tpm2_readpublic -c "$d/ak.ctx" -f pem -o "$d/ak.pem" >/dev/null
	flush
	nonce=$(openssl rand -hex 20)
	tpm2_quote -c "$d/ak.ctx" -l sha256:0,4,7,23 -q "$nonce" -m "$d/attest" -s "$d/sig" -g sha256 --scheme "$sig" >/dev/null
	flush
	expect "$sig: quote verifies (AK as TPM2B_PUBLIC)" 0 "" "$d/attest" --cert "$d/ak.pub" --signature "$d/sig" \
		--nonce "$nonce" --pcrs "$WORK/pcrs.txt"
	expect_output "^ok    tpm.quote-signature: $sig/sha256"
	expect_output "^ok    tpm.ak-attributes"
	expect "$sig: AK as PEM carries no attributes" 1 ak-attributes "$d/attest" --cert "$d/ak.pem" --signature "$d/sig" \
		--nonce "$nonce" --pcrs "$WORK/pcrs.txt"
	expect_output "^ok    tpm.quote-signature"
	flip "$d/attest" 50
	expect "$sig: flipped attest bit" 1 quote-signature "$d/attest.flip" --cert "$d/ak.pub" --signature "$d/sig"
	flip "$d/sig" 40
	expect "$sig: flipped signature bit" 1 quote-signature "$d/attest" --cert "$d/ak.pub" --signature "$d/sig.flip"
	expect "$sig: replayed nonce" 1 nonce "$d/attest" --cert "$d/ak.pub" --signature "$d/sig" --nonce "${nonce%??}00"
	expect "$sig: nonce with a zero byte appended" 1 nonce "$d/attest" --cert "$d/ak.pub" --signature "$d/sig" --nonce "${nonce}00"
	sed '2s/.$/0/; 2s/0$/1/' "$WORK/pcrs.txt" >"$WORK/pcrs.bad"
	cmp -s "$WORK/pcrs.txt" "$WORK/pcrs.bad" && sed -i '2s/1$/2/' "$WORK/pcrs.bad"
	expect "$sig: altered PCR value" 1 pcr-digest "$d/attest" --cert "$d/ak.pub" --signature "$d/sig" --pcrs "$WORK/pcrs.bad"
done
# the AK in TPM2B_PUBLIC form (what measure-agent reports as ak_public)
tpm2_createak -C "$WORK/ek.ctx" -c "$WORK/tss.ctx" -G ecc -g sha256 -s ecdsa -u "$WORK/tss.pub" -f tss >/dev/null
flush
tpm2_quote -c "$WORK/tss.ctx" -l sha256:0,4,7,23 -q 0102 -m "$WORK/tss.attest" -s "$WORK/tss.sig" -g sha256 >/dev/null
expect "ecdsa: AK as TPM2B_PUBLIC" 0 "" "$WORK/tss.attest" --cert "$WORK/tss.pub" --signature "$WORK/tss.sig" \
	--nonce 0102 --pcrs "$WORK/pcrs.txt"
# An ordinary signing key of the same TPM: not restricted, so it would sign any digest
# (a TPMS_ATTEST made up outside the TPM included). Its quote carries a valid
# signature; the verifier refuses the key.
tpm2_createprimary -C o -g sha256 -G ecc -c "$WORK/prim.ctx" >/dev/null
flush
tpm2_create -C "$WORK/prim.ctx" -G ecc:ecdsa-sha256 -a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|sign' \
	-u "$WORK/plain.pub" -r "$WORK/plain.priv" >/dev/null
flush
tpm2_load -C "$WORK/prim.ctx" -u "$WORK/plain.pub" -r "$WORK/plain.priv" -c "$WORK/plain.ctx" >/dev/null
flush
tpm2_quote -c "$WORK/plain.ctx" -l sha256:0,4,7,23 -q 0102 -m "$WORK/plain.attest" -s "$WORK/plain.sig" -g sha256 >/dev/null
flush
expect "non-restricted signing key refused" 1 ak-attributes "$WORK/plain.attest" --cert "$WORK/plain.pub" \
	--signature "$WORK/plain.sig" --nonce 0102 --pcrs "$WORK/pcrs.txt"
expect_output "^ok    tpm.quote-signature" # the signature itself is valid
