#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Document signatures interoperate with the plain openssl command line in both
# directions, for Ed25519 and ECDSA P-384; a changed byte, a wrong key, a truncated
# signature and other key types (RSA, P-256) are refused.
. "$(dirname "$0")/../lib.sh"
need openssl
need_built bin/cvm-reference

doc=$WORK/doc.json
printf '{\n  "version": 1,\n  "kind": "cvmforge-reference-values"\n}\n' >"$doc"

openssl genpkey -algorithm ED25519 -out "$WORK/ed.key"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$WORK/p384.key"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/p256.key"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/rsa.key" 2>/dev/null
for k in ed p384 p256 rsa; do openssl pkey -in "$WORK/$k.key" -pubout -out "$WORK/$k.pub"; done

# Ed25519: ours -> openssl, openssl -> ours.
expect_exit 0 "sign with Ed25519" "$REF" sign --key "$WORK/ed.key" "$doc"
[[ $(stat -c %s "$doc.sig") == 64 ]] && pass "Ed25519 signature is 64 raw bytes" || bad "Ed25519 signature size"
expect_exit 0 "openssl pkeyutl verifies our Ed25519 signature" \
	openssl pkeyutl -verify -pubin -inkey "$WORK/ed.pub" -rawin -in "$doc" -sigfile "$doc.sig"
expect_exit 0 "verify-signature accepts it" "$REF" verify-signature --pubkey "$WORK/ed.pub" "$doc"
openssl pkeyutl -sign -inkey "$WORK/ed.key" -rawin -in "$doc" -out "$WORK/ossl-ed.sig"
expect_exit 0 "verify-signature accepts openssl's Ed25519 signature" "$REF" verify-signature --pubkey "$WORK/ed.pub" "$doc" "$WORK/ossl-ed.sig"
# Deterministic (RFC 8032): same bytes, same signature.
cmp -s "$doc.sig" "$WORK/ossl-ed.sig" && pass "Ed25519 signatures identical to openssl's" || bad "Ed25519 signatures differ"

# ECDSA P-384 over SHA-384, DER.
expect_exit 0 "sign with P-384 via CVMFORGE_SIGNING_KEY" env CVMFORGE_SIGNING_KEY="$WORK/p384.key" "$REF" sign -o "$WORK/p384.sig" "$doc"
expect_exit 0 "openssl dgst -sha384 verifies our P-384 signature" \
	openssl dgst -sha384 -verify "$WORK/p384.pub" -signature "$WORK/p384.sig" "$doc"
openssl dgst -sha384 -sign "$WORK/p384.key" -out "$WORK/ossl-p384.sig" "$doc"
expect_exit 0 "verify-signature accepts openssl's P-384 signature" "$REF" verify-signature --pubkey "$WORK/p384.pub" "$doc" "$WORK/ossl-p384.sig"

# Refusals.
cp "$doc" "$WORK/tampered.json"; sed -i 's/"version": 1/"version": 2/' "$WORK/tampered.json"
expect_exit 1 "a changed document fails (Ed25519)" "$REF" verify-signature --pubkey "$WORK/ed.pub" "$WORK/tampered.json" "$doc.sig"
expect_exit 1 "a changed document fails (P-384)" "$REF" verify-signature --pubkey "$WORK/p384.pub" "$WORK/tampered.json" "$WORK/p384.sig"
expect_exit 1 "a signature by another key fails" "$REF" verify-signature --pubkey "$WORK/p384.pub" "$doc" "$WORK/ossl-ed.sig"
head -c 63 "$doc.sig" >"$WORK/short.sig"
expect_exit 1 "a truncated signature fails" "$REF" verify-signature --pubkey "$WORK/ed.pub" "$doc" "$WORK/short.sig"
expect_exit 3 "a P-256 key is refused for signing" "$REF" sign --key "$WORK/p256.key" -o "$WORK/x.sig" "$doc"
expect_exit 3 "an RSA key is refused for signing" "$REF" sign --key "$WORK/rsa.key" -o "$WORK/x.sig" "$doc"
[[ ! -e $WORK/x.sig ]] && pass "no signature file left behind" || bad "signature file written for a refused key"
openssl dgst -sha256 -sign "$WORK/rsa.key" -out "$WORK/rsa.sig" "$doc"
expect_exit 3 "an RSA public key is refused for verifying" "$REF" verify-signature --pubkey "$WORK/rsa.pub" "$doc" "$WORK/rsa.sig"
expect_exit 3 "a missing signature file" "$REF" verify-signature --pubkey "$WORK/ed.pub" "$doc" "$WORK/none.sig"
expect_exit 2 "sign without a key" env -u CVMFORGE_SIGNING_KEY "$REF" sign "$doc"

# `image` signs what it writes when a key is configured (as make image does).
if [[ -f $B/cvm.efi && -f $B/cvm.raw ]]; then
	mkdir "$WORK/img"; ln -s "$(realpath "$B/cvm.efi")" "$(realpath "$B/cvm.raw")" "$WORK/img/"
	expect_exit 0 "image with CVMFORGE_SIGNING_KEY" env CVMFORGE_SIGNING_KEY="$WORK/p384.key" "$REF" image "$WORK/img" -o "$WORK/ref.json"
	expect_exit 0 "openssl verifies the image document's signature" \
		openssl dgst -sha384 -verify "$WORK/p384.pub" -signature "$WORK/ref.json.sig" "$WORK/ref.json"
else
	echo "note: no $B/cvm.{efi,raw}, image signing not checked"
fi
