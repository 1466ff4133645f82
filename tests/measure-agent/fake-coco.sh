#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# measure-agent's TDX and SEV-SNP backends against a tree that reproduces the kernel
# ABI (fake-coco.py: tsm-mr sysfs with its single 48-byte write, configfs-tsm with its
# generation protocol and 64-byte inblob, real captured report/quote layouts), since
# there is no TDX/SNP hardware here. Checks: RTMR3 = cvm-workload's prediction and the
# CEL record; MRCONFIGID binding (zero ok, equal ok, other refused before extending);
# SNP HOST_DATA binding (equal ok, zero refused unless development image, other
# refused); evidence carries the quote/report with the nonce in REPORT_DATA.
. "$(dirname "$0")/../lib.sh"
need python3 jq openssl xxd
need_built bin/measure-agent bin/cvm-workload
unset CVM_TCTI
FAKE=tests/measure-agent/fake-coco.py
SNP_T=$TESTDATA/evidence/sev-snp/01-gosevguest-milan-v2/report.bin
TDX_T=$TESTDATA/evidence/tdx/01-gotdxguest-spr-v4/quote.dat
[[ -r $SNP_T && -r $TDX_T ]] || fail "captured report fixtures missing under $TESTDATA/evidence"

uid=$(id -u) gid=$(id -g)
"$PACK" manifest -o "$WORK/m.json" --name coco --exec /bin/echo --arg cvm-marker-ok \
	--user "$uid:$gid" >/dev/null
rtmr3=$(identity rtmr3 "$WORK/m.json")
sha384=$(identity manifest_sha384 "$WORK/m.json")
host_data=$(identity host_data "$WORK/m.json")

# The fake kernel's helpers run in the background until the agent has opened their files.
HELPERS=()
bg() { "$@" & HELPERS+=($!); kill_on_exit $!; }
reap() { sleep 0.2; for p in "${HELPERS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; HELPERS=(); }

run_agent() { # run_agent ROOT → output; exit status in $rc
	rc=0
	out=$(CVM_SYSROOT=$1 timeout 20 "$AGENT" 2>&1) || rc=$?
}

# --- TDX ---------------------------------------------------------------------------
r=$(new_root tdx); python3 "$FAKE" setup "$r" tdx; fwcfg_manifest "$r" "$WORK/m.json"
bg python3 "$FAKE" serve-rtmr "$r" "$WORK/rtmr.out"
run_agent "$r"; reap
((rc == 0)) || fail "TDX: $out"
grep -qx cvm-marker-ok <<<"$out" && grep -q "measured: RTMR3" <<<"$out" || fail "TDX: $out"
[[ $(cat "$WORK/rtmr.out") == "$rtmr3" ]] || fail "RTMR3 $(cat "$WORK/rtmr.out") != predicted $rtmr3"
jq --seq -s -e --arg d "$sha384" 'length == 1 and .[0].rtmr == 3 and .[0].digests == [{"hashAlg":"sha384","digest":$d}]' \
	<"$r/run/log/systemd/tpm2-measure.log" >/dev/null || fail "RTMR3 CEL record"
pass "TDX: one 48-byte write to rtmr3:sha384, RTMR3 = prediction (also read back), CEL record"

# evidence: TD quote from configfs-tsm with REPORTDATA = nonce, zero-padded to 64
nonce=$(openssl rand -hex 20)
bg python3 "$FAKE" serve-tsm "$r" tdx_guest "$TDX_T" "$WORK/tsm.out"
CVM_SYSROOT=$r timeout 20 "$AGENT" evidence --nonce "$nonce" >"$WORK/ev-tdx.json" || fail "TDX evidence"
reap
jq -e '.platforms == ["tdx"] and (.event_log | length) == 1 and .tdx.provider == "tdx_guest"' "$WORK/ev-tdx.json" >/dev/null || fail "TDX evidence doc"
jq -r .tdx.quote "$WORK/ev-tdx.json" | base64 -d >"$WORK/quote.bin"
got=$(od -An -v -tx1 -j 568 -N 64 "$WORK/quote.bin" | tr -d ' \n')
[[ $got == "$nonce$(printf '%0*d' $((128 - ${#nonce})) 0)" ]] || fail "TDX REPORTDATA $got"
grep -q "^ok $nonce" "$WORK/tsm.out" || fail "configfs-tsm exchange: $(cat "$WORK/tsm.out")"
grep -q " log-locked$" "$WORK/tsm.out" || fail "TD quote taken without the event log's lock: $(cat "$WORK/tsm.out")"
pass "TDX evidence: quote via configfs-tsm under the log's lock, REPORTDATA = nonce || 0…"

# RTMR3 already extended by someone else: the read-back after our extend shows it
r=$(new_root tdx-pre); python3 "$FAKE" setup "$r" tdx; fwcfg_manifest "$r" "$WORK/m.json"
bg python3 "$FAKE" serve-rtmr "$r" "$WORK/rtmr-pre.out" "$(openssl rand -hex 48)"
run_agent "$r"; reap
((rc == 1)) && grep -q "FATAL: RTMR3 read-back: RTMR3 holds [0-9a-f]*, not SHA-384(0 || SHA-384(manifest))" <<<"$out" \
	|| fail "pre-extended RTMR3: $out"
grep -q cvm-marker-ok <<<"$out" && fail "workload ran"
pass "TDX: RTMR3 extended before the agent is detected by the read-back"

# MRCONFIGID = SHA-384(M): accepted
r=$(new_root tdx-bound); python3 "$FAKE" setup "$r" tdx; fwcfg_manifest "$r" "$WORK/m.json"
printf '%s' "$sha384" | xxd -r -p >"$r/sys/devices/virtual/misc/tdx_guest/measurements/mrconfigid"
bg python3 "$FAKE" serve-rtmr "$r" "$WORK/rtmr2.out"
run_agent "$r"; reap
((rc == 0)) && [[ $(cat "$WORK/rtmr2.out") == "$rtmr3" ]] || fail "TDX bound: $out"
pass "TDX: MRCONFIGID = SHA-384(manifest) accepted"

# MRCONFIGID of another workload: refused, and RTMR3 never written
r=$(new_root tdx-wrong); python3 "$FAKE" setup "$r" tdx; fwcfg_manifest "$r" "$WORK/m.json"
head -c 48 /dev/urandom >"$r/sys/devices/virtual/misc/tdx_guest/measurements/mrconfigid"
rm -f "$WORK/rtmr3.out"; bg python3 "$FAKE" serve-rtmr "$r" "$WORK/rtmr3.out"
run_agent "$r"; reap
((rc == 1)) && grep -q "FATAL: TDX binding: MRCONFIGID [0-9a-f]* is not SHA-384(manifest)" <<<"$out" || fail "TDX wrong MRCONFIGID: $out"
[[ ! -e $WORK/rtmr3.out ]] || fail "RTMR3 was extended despite the binding failure"
grep -q cvm-marker-ok <<<"$out" && fail "workload ran"
pass "TDX: foreign MRCONFIGID refused before any extend: ${out#measure-agent: }"

# --- SEV-SNP ------------------------------------------------------------------------
snp_case() { # snp_case NAME HOST_DATA_HEX CMDLINE
	r=$(new_root "$1"); python3 "$FAKE" setup "$r" snp; fwcfg_manifest "$r" "$WORK/m.json"
	echo "$3" >"$r/proc/cmdline"
	bg python3 "$FAKE" serve-tsm "$r" sev_guest "$SNP_T" "$2" "$WORK/$1.tsm"
	run_agent "$r"; reap
}
snp_case snp-bound "$host_data" "console=ttyS0"
((rc == 0)) && grep -qx cvm-marker-ok <<<"$out" && grep -q "HOST_DATA checked" <<<"$out" || fail "SNP bound: $out"
grep -q "^ok 0\{128\} " "$WORK/snp-bound.tsm" || fail "SNP inblob: $(cat "$WORK/snp-bound.tsm")"
pass "SNP: HOST_DATA = SHA-256(manifest) accepted (configfs-tsm, 64-byte inblob)"

snp_case snp-zero "$(printf '%064d' 0)" "console=ttyS0"
((rc == 1)) && grep -q "FATAL: SEV-SNP binding: HOST_DATA is all zero" <<<"$out" || fail "SNP zero: $out"
pass "SNP: zero HOST_DATA refused"
snp_case snp-zero-dev "$(printf '%064d' 0)" "console=ttyS0 cvmforge.allow_unbound=1"
((rc == 0)) && grep -q "HOST_DATA is zero (development image)" <<<"$out" || fail "SNP zero dev: $out"
pass "SNP: zero HOST_DATA accepted on a development image (cvmforge.allow_unbound=1)"

snp_case snp-wrong "$(openssl rand -hex 32)" "console=ttyS0"
((rc == 1)) && grep -q "FATAL: SEV-SNP binding: HOST_DATA [0-9a-f]* is not SHA-256(manifest)" <<<"$out" || fail "SNP wrong: $out"
grep -q cvm-marker-ok <<<"$out" && fail "workload ran"
[[ ! -s $r/run/log/systemd/tpm2-measure.log ]] || fail "log written despite refusal"
pass "SNP: foreign HOST_DATA refused: ${out#measure-agent: }"

# evidence: SNP report with REPORT_DATA = nonce
r=$WORK/snp-bound
nonce=$(openssl rand -hex 64)
bg python3 "$FAKE" serve-tsm "$r" sev_guest "$SNP_T" "$host_data" "$WORK/ev.tsm"
CVM_SYSROOT=$r timeout 20 "$AGENT" evidence --nonce "$nonce" >"$WORK/ev-snp.json" || fail "SNP evidence"
reap
jq -e '.platforms == ["snp"] and .snp.provider == "sev_guest"' "$WORK/ev-snp.json" >/dev/null || fail "SNP evidence doc"
jq -r .snp.report "$WORK/ev-snp.json" | base64 -d >"$WORK/report.bin"
[[ $(stat -c %s "$WORK/report.bin") == 1184 ]] || fail "SNP report size"
[[ $(od -An -v -tx1 -j $((0x50)) -N 64 "$WORK/report.bin" | tr -d ' \n') == "$nonce" ]] || fail "REPORT_DATA != nonce"
[[ $(od -An -v -tx1 -j $((0xC0)) -N 32 "$WORK/report.bin" | tr -d ' \n') == "$host_data" ]] || fail "HOST_DATA in evidence"
grep -q " log-unlocked$" "$WORK/ev.tsm" && fail "SNP report taken without the event log's lock"
pass "SNP evidence: 1184-byte report, REPORT_DATA = nonce, HOST_DATA = SHA-256(manifest)"
