#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cvm-reference evidence show / verify and eventlog through the command line, on the
# real captured samples (tests/data/evidence, origins in its README):
#  - `evidence show --json` emits the documented keys for SNP, TDX and TPM, values
#    equal to the raw bytes at the spec offsets (read here with xxd);
#  - `evidence verify` exit status: 0 valid (every check ran and passed), 1 invalid
#    (named check) or incomplete (a check skipped), 2 usage, 3 unreadable input;
#    --at makes the expired VLEK chain verify;
#  - `eventlog` replays the CCEL log to the RTMR0..2 that `evidence show` reads from
#    the quote, and the GCE log to the PCRs the quote's pcrDigest covers.
. "$(dirname "$0")/../lib.sh"
need python3 xxd
need_built bin/cvm-reference
E=$TESTDATA/evidence
[[ -d $E ]] || fail "missing $E"

# json_field FILE KEY: one key of `evidence show --json`
json_field() { "$REF" evidence show --json "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)['$2'])"; }
at() { xxd -s "$2" -l "$3" -p "$1" | tr -d '\n'; }
# nonce_of HEX: the nonce a zero-padded REPORT_DATA carries (trailing 00 bytes cut)
nonce_of() { local h=$1; while [[ $h == *00 ]]; do h=${h%00}; done; echo "$h"; }

# --- show: keys and values -------------------------------------------------------
snp_keys="version guest_svn policy vmpl signing_key report_data measurement host_data id_key_digest report_id chip_id reported_tcb"
tdx_keys="version tee_type mrseam td_attributes xfam mrtd mrconfigid mrowner mrownerconfig rtmr0 rtmr1 rtmr2 rtmr3 report_data"
tpm_keys="type qualified_signer extra_data pcr_select pcr_digest"
check_keys() {
	local f=$1 keys=$2
	"$REF" evidence show --json "$f" | python3 -c "
import json,sys
d=json.load(sys.stdin)
missing=[k for k in sys.argv[1].split() if k not in d]
bad=[k for k,v in d.items() if isinstance(v,str) and k not in ('type','signing_key') and v!=v.lower()]
sys.exit(1 if missing or bad else 0)" "$keys" && pass "show --json keys: $f" || bad "show --json keys: $f"
}
for f in "$E"/sev-snp/*/report.bin; do check_keys "$f" "$snp_keys"; done
for f in "$E"/tdx/*/quote.dat; do check_keys "$f" "$tdx_keys"; done
for f in "$E"/tpm/01*/quote_*.attest "$E"/tpm/02*/quote_sha1.attest "$E"/sev-snp/04*/tpm_quote.attest; do check_keys "$f" "$tpm_keys"; done

f=$E/sev-snp/04-azure-genoa-v3-hcl-vtpm/report.bin
[[ $(json_field "$f" measurement) == $(at "$f" 0x90 48) && $(json_field "$f" report_data) == $(at "$f" 0x50 64) &&
   $(json_field "$f" chip_id) == $(at "$f" 0x1a0 64) ]] && pass "SNP values at spec offsets" || bad "SNP values"
[[ $(json_field "$E/sev-snp/03-trustee-milan-v3-vlek/report.bin" signing_key) == vlek ]] && pass "VLEK-signed report" || bad "signing_key"
f=$E/tdx/02-gotdxguest-v5-tdx15/quote.dat   # v5: body at 54
[[ $(json_field "$f" version) == 5 && $(json_field "$f" mrtd) == $(at "$f" 190 48) &&
   $(json_field "$f" rtmr0) == $(at "$f" 382 48) && $(json_field "$f" report_data) == $(at "$f" 574 64) ]] \
	&& pass "TDX v5 values at spec offsets" || bad "TDX v5 values"
f=$E/tdx/04-trustee-v4-fmspc00a06d080000/quote.dat
[[ $(json_field "$f" mrconfigid) == $(at "$f" 232 48) && $(json_field "$f" rtmr3) == $(at "$f" 520 48) ]] \
	&& pass "TDX v4 values at spec offsets" || bad "TDX v4 values"
[[ $(json_field "$E/tpm/01-gce-cos85-vtpm-quotes/quote_sha256.attest" extra_data) == 9009 ]] && pass "TPM nonce 0x9009" || bad "TPM extra_data"

# --- verify: exit codes ----------------------------------------------------------
S=$E/sev-snp
expect_exit 0 "SNP Milan VCEK valid" "$REF" evidence verify "$S/01-gosevguest-milan-v2/report.bin" --cert "$S/01-gosevguest-milan-v2/vcek.der" --chain "$S/01-gosevguest-milan-v2/ask_ark_milan.pem" --nonce 0102030405
# REPORT_DATA is 0102030405 zero-padded: the padding cannot bind 0102030405 00
expect_exit 1 "SNP nonce with a zero byte appended" "$REF" evidence verify "$S/01-gosevguest-milan-v2/report.bin" --cert "$S/01-gosevguest-milan-v2/vcek.der" --chain "$S/01-gosevguest-milan-v2/ask_ark_milan.pem" --nonce 010203040500
expect_output '^FAIL  snp.nonce'
expect_exit 1 "SNP debug policy refused" "$REF" evidence verify "$S/01-gosevguest-milan-v2/report.bin" --cert "$S/01-gosevguest-milan-v2/vcek.der" --chain "$S/01-gosevguest-milan-v2/ask_ark_milan.pem" --no-debug
expect_output '^FAIL  snp.policy-debug'
expect_exit 1 "SNP VLEK expired today" "$REF" evidence verify "$S/03-trustee-milan-v3-vlek/report.bin" --cert "$S/03-trustee-milan-v3-vlek/vlek.der" --chain "$S/03-trustee-milan-v3-vlek/asvk_ark_milan.pem"
expect_output '^FAIL  snp.cert-chain: certificate has expired'
expect_exit 0 "SNP VLEK --at 2025-06-01" "$REF" evidence verify "$S/03-trustee-milan-v3-vlek/report.bin" --cert "$S/03-trustee-milan-v3-vlek/vlek.der" --chain "$S/03-trustee-milan-v3-vlek/asvk_ark_milan.pem" --at 2025-06-01 \
	--nonce "$(nonce_of "$(json_field "$S/03-trustee-milan-v3-vlek/report.bin" report_data)")"
expect_exit 1 "SNP Genoa with a Milan chain" "$REF" evidence verify "$S/04-azure-genoa-v3-hcl-vtpm/report.bin" --cert "$S/04-azure-genoa-v3-hcl-vtpm/vcek.pem" --chain "$S/01-gosevguest-milan-v2/ask_ark_milan.pem"
expect_output '^FAIL  snp.cert-chain'
# pinning: the chain's own ARK is not trusted when --root names another anchor
expect_exit 1 "SNP root pinned to the Genoa ARK" "$REF" evidence verify "$S/01-gosevguest-milan-v2/report.bin" --cert "$S/01-gosevguest-milan-v2/vcek.der" --chain "$S/01-gosevguest-milan-v2/ask_ark_milan.pem" --root "$S/04-azure-genoa-v3-hcl-vtpm/ask_ark_genoa.pem"
T=$E/tdx
expect_exit 1 "TDX v4 with collateral (TCB level: none matches, as computed)" "$REF" evidence verify "$T/01-gotdxguest-spr-v4/quote.dat" --collateral "$T/01-gotdxguest-spr-v4/collateral" --chain "$T/common/intel_tcb_signing_chain.pem" --at 2023-06-20
[[ $(grep -c '^FAIL' "$WORK/out") == 1 ]] && grep -q '^FAIL  tdx.tcb-status' "$WORK/out" && grep -q '^ok    tdx.crl' "$WORK/out" \
	&& pass "only tcb-status fails, CRLs checked" || bad "TDX 01 outcome"
# F5: without the PCK issuer's CRL (only the root's), the PCK certificate is not
# checked for revocation, so the chain must fail (it used to pass)
mkdir "$WORK/rootcrl-only"
cp "$T/01-gotdxguest-spr-v4/collateral/"{tcbinfo_fmspc50806f000000.json,qe_identity.json,rootcrl.der} "$WORK/rootcrl-only/"
expect_exit 1 "TDX v4, the PCK issuer's CRL left out" "$REF" evidence verify "$T/01-gotdxguest-spr-v4/quote.dat" \
	--collateral "$WORK/rootcrl-only" --chain "$T/common/intel_tcb_signing_chain.pem" --at 2023-06-20
expect_output '^FAIL  tdx.pck-chain: unable to get certificate CRL'
expect_output '^ok    tdx.tcb-signing-chain'
# Without collateral (QE identity, TCB status, CRLs) those checks are skipped, and a
# skip vouches for nothing: the quote is INCOMPLETE, exit 1 (it was "valid", exit 0).
expect_exit 1 "TDX v4 GCP quote without collateral" "$REF" evidence verify "$T/03-gotdxguest-gcp-cos113-ccel/quote.dat" \
	--expect "report_data=$(xxd -p "$T/03-gotdxguest-gcp-cos113-ccel/nonce.bin" | tr -d '\n')"
[[ $(grep -c '^FAIL' "$WORK/out") == 0 ]] && grep -q '^skip  tdx.tcb-status' "$WORK/out" &&
	grep -q '^tdx: INCOMPLETE' "$WORK/out" && pass "skipped collateral checks: INCOMPLETE, not valid" || bad "TDX 03 outcome"
# Sample 04's collateral (Oct 2025) is newer than the only TCB signing certificate in
# the samples (expired 2025-05-21): that check fails whatever --at; the status is
# OutOfDate, which fails by default and passes with --allow-tcb.
for allow in "" "--allow-tcb=UpToDate,OutOfDate"; do
	expect_exit 1 "TDX 04 collateral ${allow:-default policy}" "$REF" evidence verify "$T/04-trustee-v4-fmspc00a06d080000/quote.dat" \
		--collateral "$T/04-trustee-v4-fmspc00a06d080000/collateral" --root "$T/common/intel_sgx_root_ca.pem" \
		--chain "$T/common/intel_tcb_signing_chain.pem" --at 2025-11-01 $allow
	want="tdx.tcb-signing-chain"
	[[ -z $allow ]] && want="$want tdx.tcb-status"
	[[ $(grep '^FAIL' "$WORK/out" | awk '{print $2}' | tr -d : | xargs) == "$want" ]] \
		&& grep -q 'OutOfDate' "$WORK/out" && pass "TDX 04 fails exactly on: $want" || { bad "TDX 04 failures"; cat "$WORK/out"; }
done
P=$E/tpm/01-gce-cos85-vtpm-quotes
expect_exit 0 "TPM quote with PCRs and event log" "$REF" evidence verify "$P/quote_sha384.attest" --cert "$P/ak_pub.tpmt" --signature "$P/quote_sha384.sig" --nonce 9009 --pcrs "$P/pcrs_sha384.txt" --eventlog "$P/binary_bios_measurements"
expect_exit 1 "TPM quote, replayed (wrong) nonce" "$REF" evidence verify "$P/quote_sha256.attest" --cert "$P/ak_pub.pem" --signature "$P/quote_sha256.sig" --nonce 9008
expect_output '^FAIL  tpm.nonce'
expect_exit 1 "TPM quote, signature of another quote" "$REF" evidence verify "$P/quote_sha256.attest" --cert "$P/ak_pub.pem" --signature "$P/quote_sha1.sig"
expect_output '^FAIL  tpm.quote-signature'
W=$E/tpm/02-gce-windows-vtpm-sha1
# (this quote carries no nonce: the nonce check is skipped, so the quote is INCOMPLETE)
expect_exit 1 "TPM quote explained by the firmware log alone" "$REF" evidence verify "$W/quote_sha1.attest" --cert "$W/ak_pub.tpmt" --signature "$W/quote_sha1.sig" --eventlog "$W/binary_bios_measurements"
[[ $(grep -c '^FAIL' "$WORK/out") == 0 ]] && grep -q '^ok    tpm.pcr-digest' "$WORK/out" && grep -q '^skip  tpm.nonce' "$WORK/out" \
	&& pass "firmware log explains the quote; no nonce: INCOMPLETE" || bad "TPM 02 outcome"
# the GCE quote also covers PCR 10 (IMA), which the firmware log does not explain
expect_exit 1 "TPM quote not explained by the firmware log" "$REF" evidence verify "$P/quote_sha1.attest" --cert "$P/ak_pub.tpmt" --signature "$P/quote_sha1.sig" --eventlog "$P/binary_bios_measurements"
expect_output '^FAIL  tpm.pcr-digest'
# Azure (sample 04): the SNP report binds the paravisor's runtime data (REPORT_DATA =
# SHA-256(runtime data) || 0^32), whose HCLAkPub is the key that signs the vTPM quote
A=$E/sev-snp/04-azure-genoa-v3-hcl-vtpm
expect_exit 0 "Azure: SNP report binds the HCL runtime data" "$REF" evidence verify "$A/report.bin" --cert "$A/vcek.pem" \
	--chain "$A/ask_ark_genoa.pem" --expect "report_data=$(sha256sum <"$A/hcl_runtime_data.json" | cut -c1-64)$(printf '%064d' 0)" \
	--nonce "$(nonce_of "$(sha256sum <"$A/hcl_runtime_data.json" | cut -c1-64)")"
python3 - "$A/hcl_runtime_data.json" "$A/hcl_ak_pub.pem" <<'PY' && pass "Azure: runtime data's HCLAkPub is the quote's AK" || bad "Azure AK"
import base64, json, subprocess, sys
k = next(k for k in json.load(open(sys.argv[1]))["keys"] if k["kid"] == "HCLAkPub")
n = int.from_bytes(base64.urlsafe_b64decode(k["n"] + "=="), "big")
mod = subprocess.run(["openssl", "rsa", "-pubin", "-in", sys.argv[2], "-noout", "-modulus"],
                     capture_output=True, text=True, check=True).stdout.split("=")[1].strip()
assert int(mod, 16) == n
PY
# The sample ships that AK as PEM only: its signature verifies, but a PEM key carries
# no TPM object attributes, so nothing says it is a restricted key that signs only
# quotes the TPM made — refused on tpm.ak-attributes
expect_exit 1 "Azure: vTPM quote by that AK, attributes unknown" "$REF" evidence verify "$A/tpm_quote.attest" \
	--cert "$A/hcl_ak_pub.pem" --signature "$A/tpm_quote.rsassa_sha256.sig" --pcrs "$A/pcrs_sha256_0-23.bin"
expect_output '^FAIL  tpm.ak-attributes'
expect_output '^ok    tpm.quote-signature'
expect_output '^ok    tpm.pcr-digest'
expect_exit 1 "GCE: AK as PEM, attributes unknown" "$REF" evidence verify "$P/quote_sha256.attest" --cert "$P/ak_pub.pem" \
	--signature "$P/quote_sha256.sig" --nonce 9009 --pcrs "$P/pcrs_sha256.txt"
expect_output '^FAIL  tpm.ak-attributes'
expect_exit 2 "usage: no file" "$REF" evidence verify
expect_exit 2 "usage: bad --at" "$REF" evidence verify "$P/quote_sha256.attest" --at yesterday
expect_exit 3 "unreadable evidence" "$REF" evidence verify "$WORK/nonexistent"
head -c 100 "$P/quote_sha256.attest" >"$WORK/short"
expect_exit 1 "truncated TPM quote is invalid" "$REF" evidence verify "$WORK/short"
printf 'hello' >"$WORK/junk"
expect_exit 3 "unknown evidence" "$REF" evidence show "$WORK/junk"

# --- eventlog ----------------------------------------------------------------------
q=$T/03-gotdxguest-gcp-cos113-ccel/quote.dat
"$REF" eventlog --json "$T/03-gotdxguest-gcp-cos113-ccel/ccel_eventlog.bin" >"$WORK/ccel.json" || bad "eventlog ccel"
for i in 0 1 2; do
	[[ $(python3 -c "import json; print(json.load(open('$WORK/ccel.json'))['registers']['sha384']['rtmr$i'])") == $(json_field "$q" rtmr$i) ]] \
		&& pass "CCEL replays to the quote's RTMR$i" || bad "CCEL RTMR$i"
done
"$REF" eventlog --json "$P/binary_bios_measurements" >"$WORK/gce.json" || bad "eventlog gce"
python3 - "$WORK/gce.json" "$P/pcrs_sha256.txt" <<'PY' && pass "GCE log replays to the quoted sha256 PCRs" || bad "GCE replay"
import json, sys
regs = json.load(open(sys.argv[1]))["registers"]["sha256"]
want = dict(l.split() for l in open(sys.argv[2]))
assert regs and all(want[k] == v for k, v in regs.items()), regs
PY
grep -q '^format tcg-sha1' < <("$REF" eventlog "$E/tpm/02-gce-windows-vtpm-sha1/binary_bios_measurements") && pass "legacy SHA-1 log" || bad "sha1 log"
for f in "$E"/tpm/03-eventlogs-physical-hosts/*.bin; do
	"$REF" eventlog --json "$f" | python3 -c 'import json,sys; json.load(sys.stdin)' && pass "physical log $(basename "$f")" || bad "$f"
done
head -c 3000 "$P/binary_bios_measurements" >"$WORK/cut.bin"
expect_exit 3 "truncated event log" "$REF" eventlog "$WORK/cut.bin"
# StartupLocality sets PCR 0's starting value only before PCR 0's first extend: moved
# behind the first PCR 0 event (which it would then hide from the replay), it is refused
python3 - "$E/tpm/03-eventlogs-physical-hosts/gdc-host.bin" "$WORK/late-locality.bin" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
spec = 32 + struct.unpack_from("<I", b, 28)[0]
n_algs = struct.unpack_from("<I", b, 32 + 24)[0]
sizes = dict(struct.unpack_from("<HH", b, 32 + 28 + 4 * i) for i in range(n_algs))
recs, off = [], spec
while off < len(b) and len(recs) < 3:
    pcr, typ, cnt = struct.unpack_from("<III", b, off)
    o = off + 12
    for _ in range(cnt):
        o += 2 + sizes[struct.unpack_from("<H", b, o)[0]]
    o += 4 + struct.unpack_from("<I", b, o)[0]
    recs.append((pcr, typ, b[off:o])); off = o
assert recs[0][1] == 3 and recs[0][2].find(b"StartupLocality") > 0 and recs[1][0] == 0 and recs[1][1] != 3, recs
end = spec + len(recs[0][2]) + len(recs[1][2])
open(sys.argv[2], "wb").write(b[:spec] + recs[1][2] + recs[0][2] + b[end:])
PY
expect_exit 3 "StartupLocality after a PCR 0 event" "$REF" eventlog "$WORK/late-locality.bin"
expect_output "malformed event log"

