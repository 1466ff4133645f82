#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks a `measure-agent evidence` document's TPM part the way a verifier does
(measure-agent/EVIDENCE.md), with OpenSSL doing the signature check:
  TPMS_ATTEST magic/type/extraData/selection/pcrDigest, ECDSA signature over the attest
  bytes with ak_pem, and that ak_public (TPM2B_PUBLIC) carries the same point.
usage: check-evidence.py EVIDENCE.json NONCE_HEX [expected PCR8 sha256 hex]
Exit 0 = all checks hold; 1 = a check failed (message on stderr)."""
import hashlib, json, os, struct, subprocess, sys, tempfile

def fail(msg):
    print("evidence check failed: " + msg, file=sys.stderr)
    sys.exit(1)

doc = json.load(open(sys.argv[1]))
nonce = bytes.fromhex(sys.argv[2])
if doc.get("version") != 1 or doc.get("nonce") != nonce.hex():
    fail("version/nonce")
tpm = doc["tpm"]
attest = bytes.fromhex(tpm["quote"]["attest"])
sig = bytes.fromhex(tpm["quote"]["signature"])

# TPMS_ATTEST (TPM 2.0 Part 2 §10.12.12), big-endian
p = 0
def take(n):
    global p
    if p + n > len(attest):
        fail("attest truncated")
    b = attest[p:p + n]; p += n; return b
def u16(): return struct.unpack(">H", take(2))[0]
def u32(): return struct.unpack(">I", take(4))[0]
def tpm2b(): return take(u16())
if u32() != 0xff544347: fail("magic")
if u16() != 0x8018: fail("type is not TPM_ST_ATTEST_QUOTE")
tpm2b()                         # qualifiedSigner
if tpm2b() != nonce: fail("extraData is not the nonce")
take(17)                        # clockInfo
take(8)                         # firmwareVersion
count = u32()
if count != 1: fail("selection count %d" % count)
alg, size = u16(), take(1)[0]
bitmap = take(size)
pcrs = [i for i in range(size * 8) if bitmap[i // 8] >> (i % 8) & 1]
if alg != 0x000B or pcrs != [4, 8, 9, 11, 12]: fail("selection %x %s" % (alg, pcrs))
digest = tpm2b()
vals = tpm["pcrs"]["sha256"]
want = hashlib.sha256(b"".join(bytes.fromhex(vals[str(i)]) for i in pcrs)).digest()
if digest != want: fail("pcrDigest does not match the reported PCR values")
if len(sys.argv) > 3 and vals["8"] != sys.argv[3]: fail("PCR 8 %s != expected %s" % (vals["8"], sys.argv[3]))

# TPMT_SIGNATURE: sigAlg, hash, r TPM2B, s TPM2B → DER ECDSA-Sig-Value
sa, ha = struct.unpack(">HH", sig[:4])
if sa != 0x0018 or ha != 0x000B: fail("signature scheme")
rl = struct.unpack(">H", sig[4:6])[0]; r = sig[6:6 + rl]
sl = struct.unpack(">H", sig[6 + rl:8 + rl])[0]; s = sig[8 + rl:8 + rl + sl]
def der_int(b):
    b = b.lstrip(b"\0") or b"\0"
    if b[0] & 0x80: b = b"\0" + b
    return b"\x02" + bytes([len(b)]) + b
body = der_int(r) + der_int(s)
der = b"\x30" + bytes([len(body)]) + body

# ak_public must carry the PEM's point (TPMT_PUBLIC ECC: unique x, y at the end)
pub = bytes.fromhex(tpm["ak_public"])
if struct.unpack(">H", pub[:2])[0] != len(pub) - 2: fail("ak_public size")
if struct.unpack(">H", pub[2:4])[0] != 0x0023: fail("ak_public is not ECC")
with tempfile.TemporaryDirectory() as d:
    open(os.path.join(d, "ak.pem"), "w").write(tpm["ak_pem"])
    open(os.path.join(d, "attest"), "wb").write(attest)
    open(os.path.join(d, "sig"), "wb").write(der)
    out = subprocess.run(["openssl", "pkey", "-pubin", "-in", os.path.join(d, "ak.pem"), "-outform", "DER"],
                         capture_output=True, check=True).stdout
    point = out[-64:]
    if pub[-(2 + 32 + 2 + 32):] != b"\x00\x20" + point[:32] + b"\x00\x20" + point[32:]:
        fail("ak_public point differs from ak_pem")
    v = subprocess.run(["openssl", "dgst", "-sha256", "-verify", os.path.join(d, "ak.pem"),
                        "-signature", os.path.join(d, "sig"), os.path.join(d, "attest")],
                       capture_output=True, text=True)
    if v.returncode != 0: fail("OpenSSL: signature does not verify: " + v.stdout + v.stderr)
print("evidence ok: quote signature, nonce, PCR digest, AK public")
