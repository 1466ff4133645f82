#!/usr/bin/env bash
# Document signatures interoperate with the plain openssl command line in both
# directions, for Ed25519 and ECDSA P-384; a changed byte, a wrong key, a truncated
# signature and other key types (RSA, P-256) are refused.
set -euo pipefail
cd "$(dirname "$0")/../.."
ref=$(realpath "${CVM_REFERENCE:-build/bin/cvm-reference}")
[[ -x $ref ]] || { echo "need $ref"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pass() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }
expect() { # RC WHAT CMD...
	local want=$1 what=$2 rc; shift 2
	set +e; "$@" >"$tmp/out" 2>&1; rc=$?; set -e
	[[ $rc == "$want" ]] && pass "$what (exit $rc)" || { bad "$what: exit $rc, want $want"; cat "$tmp/out"; }
}

doc=$tmp/doc.json
printf '{\n  "version": 1,\n  "kind": "cvmforge-reference-values"\n}\n' >"$doc"

openssl genpkey -algorithm ED25519 -out "$tmp/ed.key"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$tmp/p384.key"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/p256.key"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/rsa.key" 2>/dev/null
for k in ed p384 p256 rsa; do openssl pkey -in "$tmp/$k.key" -pubout -out "$tmp/$k.pub"; done

# Ed25519: ours -> openssl, openssl -> ours.
expect 0 "sign with Ed25519" "$ref" sign --key "$tmp/ed.key" "$doc"
[[ $(stat -c %s "$doc.sig") == 64 ]] && pass "Ed25519 signature is 64 raw bytes" || bad "Ed25519 signature size"
expect 0 "openssl pkeyutl verifies our Ed25519 signature" \
	openssl pkeyutl -verify -pubin -inkey "$tmp/ed.pub" -rawin -in "$doc" -sigfile "$doc.sig"
expect 0 "verify-signature accepts it" "$ref" verify-signature --pubkey "$tmp/ed.pub" "$doc"
openssl pkeyutl -sign -inkey "$tmp/ed.key" -rawin -in "$doc" -out "$tmp/ossl-ed.sig"
expect 0 "verify-signature accepts openssl's Ed25519 signature" "$ref" verify-signature --pubkey "$tmp/ed.pub" "$doc" "$tmp/ossl-ed.sig"
# Deterministic (RFC 8032): same bytes, same signature.
cmp -s "$doc.sig" "$tmp/ossl-ed.sig" && pass "Ed25519 signatures identical to openssl's" || bad "Ed25519 signatures differ"

# ECDSA P-384 over SHA-384, DER.
expect 0 "sign with P-384 via CVMFORGE_SIGNING_KEY" env CVMFORGE_SIGNING_KEY="$tmp/p384.key" "$ref" sign -o "$tmp/p384.sig" "$doc"
expect 0 "openssl dgst -sha384 verifies our P-384 signature" \
	openssl dgst -sha384 -verify "$tmp/p384.pub" -signature "$tmp/p384.sig" "$doc"
openssl dgst -sha384 -sign "$tmp/p384.key" -out "$tmp/ossl-p384.sig" "$doc"
expect 0 "verify-signature accepts openssl's P-384 signature" "$ref" verify-signature --pubkey "$tmp/p384.pub" "$doc" "$tmp/ossl-p384.sig"

# Refusals.
cp "$doc" "$tmp/tampered.json"; sed -i 's/"version": 1/"version": 2/' "$tmp/tampered.json"
expect 1 "a changed document fails (Ed25519)" "$ref" verify-signature --pubkey "$tmp/ed.pub" "$tmp/tampered.json" "$doc.sig"
expect 1 "a changed document fails (P-384)" "$ref" verify-signature --pubkey "$tmp/p384.pub" "$tmp/tampered.json" "$tmp/p384.sig"
expect 1 "a signature by another key fails" "$ref" verify-signature --pubkey "$tmp/p384.pub" "$doc" "$tmp/ossl-ed.sig"
head -c 63 "$doc.sig" >"$tmp/short.sig"
expect 1 "a truncated signature fails" "$ref" verify-signature --pubkey "$tmp/ed.pub" "$doc" "$tmp/short.sig"
expect 3 "a P-256 key is refused for signing" "$ref" sign --key "$tmp/p256.key" -o "$tmp/x.sig" "$doc"
expect 3 "an RSA key is refused for signing" "$ref" sign --key "$tmp/rsa.key" -o "$tmp/x.sig" "$doc"
[[ ! -e $tmp/x.sig ]] && pass "no signature file left behind" || bad "signature file written for a refused key"
openssl dgst -sha256 -sign "$tmp/rsa.key" -out "$tmp/rsa.sig" "$doc"
expect 3 "an RSA public key is refused for verifying" "$ref" verify-signature --pubkey "$tmp/rsa.pub" "$doc" "$tmp/rsa.sig"
expect 3 "a missing signature file" "$ref" verify-signature --pubkey "$tmp/ed.pub" "$doc" "$tmp/none.sig"
expect 2 "sign without a key" env -u CVMFORGE_SIGNING_KEY "$ref" sign "$doc"

# `image` signs what it writes when a key is configured (as make image does).
build=${BUILD_DIR:-build}
if [[ -f $build/cvm.efi && -f $build/cvm.raw ]]; then
	mkdir "$tmp/img"; ln -s "$(realpath "$build/cvm.efi")" "$(realpath "$build/cvm.raw")" "$tmp/img/"
	expect 0 "image with CVMFORGE_SIGNING_KEY" env CVMFORGE_SIGNING_KEY="$tmp/p384.key" "$ref" image "$tmp/img" -o "$tmp/ref.json"
	expect 0 "openssl verifies the image document's signature" \
		openssl dgst -sha384 -verify "$tmp/p384.pub" -signature "$tmp/ref.json.sig" "$tmp/ref.json"
else
	echo "note: no $build/cvm.{efi,raw}, image signing not checked"
fi
exit $fail
