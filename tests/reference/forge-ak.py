#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The F1 forgery: an evidence document whose quote is signed by a P-256 key made on
the spot. Reads a genuine evidence document, makes a new key with the openssl CLI,
puts its TPM2B_PUBLIC (claiming the AK's attributes: restricted, sign, fixedTPM,
fixedParent) into tpm.ak_public and tpm.ak_pem, and re-signs the genuine TPMS_ATTEST
with it (ECDSA/SHA-256), so signature, nonce and PCR digest all still check. Only the
AK binding can tell.

usage: forge-ak.py IN.json OUT.json"""
import json
import os
import subprocess
import sys
import tempfile


def der_ints(der):
    """r and s of a DER ECDSA-Sig-Value."""
    assert der[0] == 0x30
    i, out = 2 if der[1] < 0x80 else 3, []
    for _ in range(2):
        assert der[i] == 0x02
        n = der[i + 1]
        out.append(der[i + 2:i + 2 + n].lstrip(b"\0").rjust(32, b"\0"))
        i += 2 + n
    return out


def main():
    ev = json.load(open(sys.argv[1]))
    with tempfile.TemporaryDirectory() as d:
        key, attest = os.path.join(d, "key.pem"), os.path.join(d, "attest")
        subprocess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key], check=True)
        spki = subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-outform", "DER"], check=True,
                              capture_output=True).stdout
        pem = subprocess.run(["openssl", "pkey", "-in", key, "-pubout"], check=True, capture_output=True).stdout
        open(attest, "wb").write(bytes.fromhex(ev["tpm"]["quote"]["attest"]))
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key, attest], check=True,
                             capture_output=True).stdout
    x, y = spki[-64:-32], spki[-32:]
    # TPMT_PUBLIC: ECC, SHA-256, 0x00050072, no policy, sym NULL, ECDSA/SHA-256, P-256, kdf NULL
    tpmt = bytes.fromhex("0023000b00050072000000100018000b00030010") + b"\0\x20" + x + b"\0\x20" + y
    r, s = der_ints(sig)
    ev["tpm"]["ak_public"] = (len(tpmt).to_bytes(2, "big") + tpmt).hex()
    ev["tpm"]["ak_pem"] = pem.decode()
    ev["tpm"]["quote"]["signature"] = (bytes.fromhex("0018000b0020") + r + b"\0\x20" + s).hex()
    json.dump(ev, open(sys.argv[2], "w"), indent=2)


if __name__ == "__main__":
    main()
