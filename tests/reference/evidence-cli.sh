#!/usr/bin/env bash
# cvm-reference evidence show / verify and eventlog through the command line, on the
# real captured samples (tests/data/evidence, origins in its README):
#  - `evidence show --json` emits the documented keys for SNP, TDX and TPM, values
#    equal to the raw bytes at the spec offsets (read here with xxd);
#  - `evidence verify` exit status: 0 valid, 1 invalid (named check), 2 usage,
#    3 unreadable input; --at makes the expired VLEK chain verify;
#  - `eventlog` replays the CCEL log to the RTMR0..2 that `evidence show` reads from
#    the quote, and the GCE log to the PCRs the quote's pcrDigest covers.
# Env: CVM_REFERENCE (binary), CVM_EVIDENCE_DIR.
set -uo pipefail

ref=${CVM_REFERENCE:-build/bin/cvm-reference}
E=${CVM_EVIDENCE_DIR:-tests/data/evidence}
fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in "$ref" "$E" python3 xxd; do
	[[ -e $t ]] || command -v "$t" >/dev/null || { echo "missing $t"; exit 1; }
done

bad() { echo "FAIL $*"; fail=1; }
good() { echo "ok   $*"; }

# rc NAME WANT ARGS…: exit status of cvm-reference ARGS (stdout kept in $work/out)
rc() {
	local name=$1 want=$2 got
	shift 2
	"$ref" "$@" >"$work/out" 2>"$work/err"
	got=$?
	if [[ $got == "$want" ]]; then good "$name (exit $got)"; else bad "$name: exit $got, want $want"; cat "$work/out" "$work/err"; fi
}

# json_field FILE KEY: one key of `evidence show --json`
json_field() { "$ref" evidence show --json "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)['$2'])"; }
at() { xxd -s "$2" -l "$3" -p "$1" | tr -d '\n'; }

# --- show: keys and values -------------------------------------------------------
snp_keys="version guest_svn policy vmpl signing_key report_data measurement host_data id_key_digest report_id chip_id reported_tcb"
tdx_keys="version tee_type mrseam td_attributes xfam mrtd mrconfigid mrowner mrownerconfig rtmr0 rtmr1 rtmr2 rtmr3 report_data"
tpm_keys="type qualified_signer extra_data pcr_select pcr_digest"
check_keys() {
	local f=$1 keys=$2
	"$ref" evidence show --json "$f" | python3 -c "
import json,sys
d=json.load(sys.stdin)
missing=[k for k in sys.argv[1].split() if k not in d]
bad=[k for k,v in d.items() if isinstance(v,str) and k not in ('type','signing_key') and v!=v.lower()]
sys.exit(1 if missing or bad else 0)" "$keys" && good "show --json keys: $f" || bad "show --json keys: $f"
}
for f in "$E"/sev-snp/*/report.bin; do check_keys "$f" "$snp_keys"; done
for f in "$E"/tdx/*/quote.dat; do check_keys "$f" "$tdx_keys"; done
for f in "$E"/tpm/01*/quote_*.attest "$E"/tpm/02*/quote_sha1.attest "$E"/sev-snp/04*/tpm_quote.attest; do check_keys "$f" "$tpm_keys"; done

f=$E/sev-snp/04-azure-genoa-v3-hcl-vtpm/report.bin
[[ $(json_field "$f" measurement) == $(at "$f" 0x90 48) && $(json_field "$f" report_data) == $(at "$f" 0x50 64) &&
   $(json_field "$f" chip_id) == $(at "$f" 0x1a0 64) ]] && good "SNP values at spec offsets" || bad "SNP values"
[[ $(json_field "$E/sev-snp/03-trustee-milan-v3-vlek/report.bin" signing_key) == vlek ]] && good "VLEK-signed report" || bad "signing_key"
f=$E/tdx/02-gotdxguest-v5-tdx15/quote.dat   # v5: body at 54
[[ $(json_field "$f" version) == 5 && $(json_field "$f" mrtd) == $(at "$f" 190 48) &&
   $(json_field "$f" rtmr0) == $(at "$f" 382 48) && $(json_field "$f" report_data) == $(at "$f" 574 64) ]] \
	&& good "TDX v5 values at spec offsets" || bad "TDX v5 values"
f=$E/tdx/04-trustee-v4-fmspc00a06d080000/quote.dat
[[ $(json_field "$f" mrconfigid) == $(at "$f" 232 48) && $(json_field "$f" rtmr3) == $(at "$f" 520 48) ]] \
	&& good "TDX v4 values at spec offsets" || bad "TDX v4 values"
[[ $(json_field "$E/tpm/01-gce-cos85-vtpm-quotes/quote_sha256.attest" extra_data) == 9009 ]] && good "TPM nonce 0x9009" || bad "TPM extra_data"

# --- verify: exit codes ----------------------------------------------------------
S=$E/sev-snp
rc "SNP Milan VCEK valid" 0 evidence verify "$S/01-gosevguest-milan-v2/report.bin" --cert "$S/01-gosevguest-milan-v2/vcek.der" --chain "$S/01-gosevguest-milan-v2/ask_ark_milan.pem" --nonce 0102030405
rc "SNP debug policy refused" 1 evidence verify "$S/01-gosevguest-milan-v2/report.bin" --cert "$S/01-gosevguest-milan-v2/vcek.der" --chain "$S/01-gosevguest-milan-v2/ask_ark_milan.pem" --no-debug
grep -q '^FAIL  snp.policy-debug' "$work/out" || bad "policy-debug not named"
rc "SNP VLEK expired today" 1 evidence verify "$S/03-trustee-milan-v3-vlek/report.bin" --cert "$S/03-trustee-milan-v3-vlek/vlek.der" --chain "$S/03-trustee-milan-v3-vlek/asvk_ark_milan.pem"
grep -q '^FAIL  snp.cert-chain: certificate has expired' "$work/out" || bad "expiry not named"
rc "SNP VLEK --at 2025-06-01" 0 evidence verify "$S/03-trustee-milan-v3-vlek/report.bin" --cert "$S/03-trustee-milan-v3-vlek/vlek.der" --chain "$S/03-trustee-milan-v3-vlek/asvk_ark_milan.pem" --at 2025-06-01
rc "SNP Genoa with a Milan chain" 1 evidence verify "$S/04-azure-genoa-v3-hcl-vtpm/report.bin" --cert "$S/04-azure-genoa-v3-hcl-vtpm/vcek.pem" --chain "$S/01-gosevguest-milan-v2/ask_ark_milan.pem"
grep -q '^FAIL  snp.cert-chain' "$work/out" || bad "wrong chain not named"
# pinning: the chain's own ARK is not trusted when --root names another anchor
rc "SNP root pinned to the Genoa ARK" 1 evidence verify "$S/01-gosevguest-milan-v2/report.bin" --cert "$S/01-gosevguest-milan-v2/vcek.der" --chain "$S/01-gosevguest-milan-v2/ask_ark_milan.pem" --root "$S/04-azure-genoa-v3-hcl-vtpm/ask_ark_genoa.pem"
T=$E/tdx
rc "TDX v4 with collateral (TCB level: none matches, as computed)" 1 evidence verify "$T/01-gotdxguest-spr-v4/quote.dat" --collateral "$T/01-gotdxguest-spr-v4/collateral" --chain "$T/common/intel_tcb_signing_chain.pem" --at 2023-06-20
[[ $(grep -c '^FAIL' "$work/out") == 1 ]] && grep -q '^FAIL  tdx.tcb-status' "$work/out" && grep -q '^ok    tdx.crl' "$work/out" \
	&& good "only tcb-status fails, CRLs checked" || bad "TDX 01 outcome"
rc "TDX v4 GCP quote" 0 evidence verify "$T/03-gotdxguest-gcp-cos113-ccel/quote.dat" --expect "report_data=$(xxd -p "$T/03-gotdxguest-gcp-cos113-ccel/nonce.bin" | tr -d '\n')"
# Sample 04's collateral (Oct 2025) is newer than the only TCB signing certificate in
# the samples (expired 2025-05-21): that check fails whatever --at; the status is
# OutOfDate, which fails by default and passes with --allow-tcb.
for allow in "" "--allow-tcb=UpToDate,OutOfDate"; do
	rc "TDX 04 collateral ${allow:-default policy}" 1 evidence verify "$T/04-trustee-v4-fmspc00a06d080000/quote.dat" \
		--collateral "$T/04-trustee-v4-fmspc00a06d080000/collateral" --root "$T/common/intel_sgx_root_ca.pem" \
		--chain "$T/common/intel_tcb_signing_chain.pem" --at 2025-11-01 $allow
	want="tdx.tcb-signing-chain"
	[[ -z $allow ]] && want="$want tdx.tcb-status"
	[[ $(grep '^FAIL' "$work/out" | awk '{print $2}' | tr -d : | xargs) == "$want" ]] \
		&& grep -q 'OutOfDate' "$work/out" && good "TDX 04 fails exactly on: $want" || { bad "TDX 04 failures"; cat "$work/out"; }
done
P=$E/tpm/01-gce-cos85-vtpm-quotes
rc "TPM quote with PCRs and event log" 0 evidence verify "$P/quote_sha384.attest" --cert "$P/ak_pub.tpmt" --signature "$P/quote_sha384.sig" --nonce 9009 --pcrs "$P/pcrs_sha384.txt" --eventlog "$P/binary_bios_measurements"
rc "TPM quote, replayed (wrong) nonce" 1 evidence verify "$P/quote_sha256.attest" --cert "$P/ak_pub.pem" --signature "$P/quote_sha256.sig" --nonce 9008
grep -q '^FAIL  tpm.nonce' "$work/out" || bad "nonce not named"
rc "TPM quote, signature of another quote" 1 evidence verify "$P/quote_sha256.attest" --cert "$P/ak_pub.pem" --signature "$P/quote_sha1.sig"
grep -q '^FAIL  tpm.quote-signature' "$work/out" || bad "signature not named"
W=$E/tpm/02-gce-windows-vtpm-sha1
rc "TPM quote explained by the firmware log alone" 0 evidence verify "$W/quote_sha1.attest" --cert "$W/ak_pub.tpmt" --signature "$W/quote_sha1.sig" --eventlog "$W/binary_bios_measurements"
# the GCE quote also covers PCR 10 (IMA), which the firmware log does not explain
rc "TPM quote not explained by the firmware log" 1 evidence verify "$P/quote_sha1.attest" --cert "$P/ak_pub.tpmt" --signature "$P/quote_sha1.sig" --eventlog "$P/binary_bios_measurements"
grep -q '^FAIL  tpm.pcr-digest' "$work/out" || bad "pcr-digest not named"
# Azure (sample 04): the SNP report binds the paravisor's runtime data (REPORT_DATA =
# SHA-256(runtime data) || 0^32), whose HCLAkPub is the key that signs the vTPM quote
A=$E/sev-snp/04-azure-genoa-v3-hcl-vtpm
rc "Azure: SNP report binds the HCL runtime data" 0 evidence verify "$A/report.bin" --cert "$A/vcek.pem" \
	--chain "$A/ask_ark_genoa.pem" --expect "report_data=$(sha256sum <"$A/hcl_runtime_data.json" | cut -c1-64)$(printf '%064d' 0)"
python3 - "$A/hcl_runtime_data.json" "$A/hcl_ak_pub.pem" <<'PY' && good "Azure: runtime data's HCLAkPub is the quote's AK" || bad "Azure AK"
import base64, json, subprocess, sys
k = next(k for k in json.load(open(sys.argv[1]))["keys"] if k["kid"] == "HCLAkPub")
n = int.from_bytes(base64.urlsafe_b64decode(k["n"] + "=="), "big")
mod = subprocess.run(["openssl", "rsa", "-pubin", "-in", sys.argv[2], "-noout", "-modulus"],
                     capture_output=True, text=True, check=True).stdout.split("=")[1].strip()
assert int(mod, 16) == n
PY
rc "Azure: vTPM quote by that AK" 0 evidence verify "$A/tpm_quote.attest" --cert "$A/hcl_ak_pub.pem" \
	--signature "$A/tpm_quote.rsassa_sha256.sig" --pcrs "$A/pcrs_sha256_0-23.bin"
rc "usage: no file" 2 evidence verify
rc "usage: bad --at" 2 evidence verify "$P/quote_sha256.attest" --at yesterday
rc "unreadable evidence" 3 evidence verify "$work/nonexistent"
head -c 100 "$P/quote_sha256.attest" >"$work/short"
rc "truncated TPM quote is invalid" 1 evidence verify "$work/short"
printf 'hello' >"$work/junk"
rc "unknown evidence" 3 evidence show "$work/junk"

# --- eventlog ----------------------------------------------------------------------
q=$T/03-gotdxguest-gcp-cos113-ccel/quote.dat
"$ref" eventlog --json "$T/03-gotdxguest-gcp-cos113-ccel/ccel_eventlog.bin" >"$work/ccel.json" || bad "eventlog ccel"
for i in 0 1 2; do
	[[ $(python3 -c "import json; print(json.load(open('$work/ccel.json'))['registers']['sha384']['rtmr$i'])") == $(json_field "$q" rtmr$i) ]] \
		&& good "CCEL replays to the quote's RTMR$i" || bad "CCEL RTMR$i"
done
"$ref" eventlog --json "$P/binary_bios_measurements" >"$work/gce.json" || bad "eventlog gce"
python3 - "$work/gce.json" "$P/pcrs_sha256.txt" <<'PY' && good "GCE log replays to the quoted sha256 PCRs" || bad "GCE replay"
import json, sys
regs = json.load(open(sys.argv[1]))["registers"]["sha256"]
want = dict(l.split() for l in open(sys.argv[2]))
assert regs and all(want[k] == v for k, v in regs.items()), regs
PY
"$ref" eventlog "$E/tpm/02-gce-windows-vtpm-sha1/binary_bios_measurements" | grep -q '^format tcg-sha1' && good "legacy SHA-1 log" || bad "sha1 log"
for f in "$E"/tpm/03-eventlogs-physical-hosts/*.bin; do
	"$ref" eventlog --json "$f" | python3 -c 'import json,sys; json.load(sys.stdin)' && good "physical log $(basename "$f")" || bad "$f"
done
head -c 3000 "$P/binary_bios_measurements" >"$work/cut.bin"
rc "truncated event log" 3 eventlog "$work/cut.bin"

exit $fail
