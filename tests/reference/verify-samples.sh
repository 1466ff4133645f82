#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cvm-reference verify on TDX and SNP evidence documents built from the real captured
# quote/report samples (tests/data/evidence): the hardware evidence is
# genuine, the reference document is another image's (tests/fuzz/corpus/fuzz-refdoc/
# full.json), so the firmware registers must FAIL while the quote, the nonce
# and the workload bindings are judged on their own. Exercises every TDX/SNP line.
# The policy (reference/POLICY.md) gives each sample's own TD attributes, XFAM and
# SNP TCB/ABI floors; the TDX quote has no usable collateral here, so it is FAIL
# ("incomplete": the required collateral checks were skipped).
. "$(dirname "$0")/../lib.sh"
need python3
need_built bin/cvm-reference
E=$TESTDATA/evidence
DOC=tests/fuzz/corpus/fuzz-refdoc/full.json
[[ -d $E ]] || fail "missing $E"

# results REGISTER=RESULT...: each REGISTER's line in the last verify report has RESULT.
results() {
	local pair
	for pair; do expect_lines "$WORK/out" "${pair#*=}" "${pair%=*}"; done
}

# --- TDX: quote 04 (non-zero MRCONFIGID) ------------------------------------------
T=$E/tdx/04-trustee-v4-fmspc00a06d080000
q64=$(head -c 4936 "$T/quote.dat" | base64 -w0)
# the nonce is REPORTDATA without its zero padding (a nonce ending in a zero byte
# cannot be bound by zero-padded REPORTDATA and is refused)
rd=$("$REF" evidence show --json "$T/quote.dat" | python3 -c 'import json,sys; print(json.load(sys.stdin)["report_data"])' | sed -E 's/(00)+$//')
cfg=$("$REF" evidence show --json "$T/quote.dat" | python3 -c 'import json,sys; print(json.load(sys.stdin)["mrconfigid"])')
pol=($("$REF" evidence show --json "$T/quote.dat" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("--tdx-attributes", d["td_attributes"], "--tdx-xfam", d["xfam"])')
	--platform tdx --unsigned-reference)
printf '{"version":1,"nonce":"%s","platforms":["tdx"],"event_log":[],"tdx":{"provider":"tdx_guest","quote":"%s"}}\n' \
	"$rd" "$q64" >"$WORK/tdx.json"
expect_exit 1 "TDX: verdict FAIL (foreign reference)" "$REF" verify "${pol[@]}" --reference "$DOC" --evidence "$WORK/tdx.json" --nonce "$rd" --identity "$cfg"
results tdx.quote=FAIL MRTD=FAIL RTMR1=FAIL RTMR2=FAIL RTMR3=FAIL RTMR3.eventlog=ok MRCONFIGID=ok
expect_output '^ok +tdx.nonce: report data equals the nonce'
# no collateral: QE identity, TCB status and CRLs are skipped, and that fails the quote
# (it was tdx.quote ok); no check of the quote itself fails
expect_output '^tdx\.quote +FAIL +valid +incomplete'
expect_eq "TDX: no tdx.* check FAILs" "$(grep -cE '^FAIL +tdx\.' "$WORK/out" || true)" 0
# a different workload: MRCONFIGID must now fail; a replayed nonce fails the quote
run "$REF" verify "${pol[@]}" --reference "$DOC" --evidence "$WORK/tdx.json" --nonce "$rd" --identity "${cfg%?}0"
results MRCONFIGID=FAIL
run "$REF" verify "${pol[@]}" --reference "$DOC" --evidence "$WORK/tdx.json" --nonce 00 --identity "$cfg"
results tdx.quote=FAIL
expect_output '^FAIL +tdx.nonce'
# the same nonce with a zero byte appended: REPORTDATA is identical, the nonce is not
run "$REF" verify "${pol[@]}" --reference "$DOC" --evidence "$WORK/tdx.json" --nonce "${rd}00" --identity "$cfg"
results tdx.quote=FAIL
expect_output '^FAIL +tdx.nonce'
# an RTMR3 record in the log that the quote does not reflect
printf '{"version":1,"nonce":"%s","platforms":["tdx"],"event_log":[{"rtmr":3,"digests":[{"hashAlg":"sha384","digest":"%s"}],"content_type":"systemd"}],"tdx":{"provider":"tdx_guest","quote":"%s"}}\n' \
	"$rd" "$cfg" "$q64" >"$WORK/tdx-log.json"
run "$REF" verify "${pol[@]}" --reference "$DOC" --evidence "$WORK/tdx-log.json" --nonce "$rd" --identity "$cfg"
results RTMR3.eventlog=FAIL

# --- SNP: report 02 (HOST_DATA zero) ------------------------------------------------
S=$E/sev-snp/02-trustee-milan-v2-idblock
r64=$(base64 -w0 "$S/report.bin")
rd=$("$REF" evidence show --json "$S/report.bin" | python3 -c 'import json,sys; print(json.load(sys.stdin)["report_data"])' | sed -E 's/(00)+$//')
printf '{"version":1,"nonce":"%s","platforms":["snp"],"event_log":[],"snp":{"provider":"sev_guest","report":"%s"}}\n' \
	"$rd" "$r64" >"$WORK/snp.json"
zero=$(printf '%064d' 0)
pol=(--platform snp --unsigned-reference --snp-min-abi 1.52
	--snp-min-tcb "$("$REF" evidence show --json "$S/report.bin" | python3 -c 'import json,sys; print(json.load(sys.stdin)["reported_tcb"])')")
expect_exit 1 "SNP: verdict FAIL (foreign reference)" "$REF" verify "${pol[@]}" --reference "$DOC" --evidence "$WORK/snp.json" --nonce "$rd" --identity "$zero" \
	--cert "$S/vcek.der" --chain "$S/ask_ark_milan.pem"
results snp.report=ok MEASUREMENT=FAIL HOST_DATA=ok
run "$REF" verify "${pol[@]}" --reference "$DOC" --evidence "$WORK/snp.json" --nonce "$rd" --identity "${zero%?}1" \
	--cert "$S/vcek.der" --chain "$S/ask_ark_milan.pem"
results HOST_DATA=FAIL snp.report=ok
run "$REF" verify "${pol[@]}" --reference "$DOC" --evidence "$WORK/snp.json" --nonce "$rd" --identity "$zero"
results snp.report=FAIL
# the host's certificate table (auxblob) in the evidence replaces --cert/--chain:
# built here from the sample's real VCEK, ASK and ARK (GUIDs: GHCB spec 56421)
cert_table() { # VCEK_DER ASK_ARK_PEM → base64 table
	python3 - "$@" <<'PY'
import base64, struct, subprocess, sys, uuid
vcek = open(sys.argv[1], 'rb').read()
pem = open(sys.argv[2]).read()
blocks = [b + '-----END CERTIFICATE-----\n' for b in pem.split('-----END CERTIFICATE-----\n') if 'BEGIN' in b]
ask, ark = [subprocess.run(['openssl', 'x509', '-outform', 'der'], input=b.encode(), capture_output=True,
                           check=True).stdout for b in blocks]
ents = [('63da758d-e664-4564-adc5-f4b93be8accd', vcek), ('4ab7b379-bbac-4fe4-a02f-05aef327c782', ask),
        ('c0b406a4-a803-4952-9743-3fb6014cd0ae', ark)]
off, table, data = 24 * (len(ents) + 1), b'', b''
for g, d in ents:
    table += uuid.UUID(g).bytes + struct.pack('<II', off + len(data), len(d))
    data += d
print(base64.b64encode(table + bytes(24) + data).decode())
PY
}
for case in "02:ok" "01:FAIL"; do
	src=${case%:*} want=${case#*:}
	certs=$(cert_table "$E/sev-snp/$src"-*/vcek.der "$S/ask_ark_milan.pem")
	printf '{"version":1,"nonce":"%s","platforms":["snp"],"snp":{"provider":"sev_guest","report":"%s","certs":"%s"}}\n' \
		"$rd" "$r64" "$certs" >"$WORK/snp-certs.json"
	run "$REF" verify "${pol[@]}" --reference "$DOC" --evidence "$WORK/snp-certs.json" --nonce "$rd" --identity "$zero"
	results snp.report=$want HOST_DATA=ok
done

# evidence of an unknown version is refused as input
sed 's/"version":1/"version":2/' "$WORK/snp.json" >"$WORK/v2.json"
expect_exit 3 "evidence version 2 refused" "$REF" verify "${pol[@]}" --reference "$DOC" --evidence "$WORK/v2.json" --nonce "$rd" --identity "$zero"
