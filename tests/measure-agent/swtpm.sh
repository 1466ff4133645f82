#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# measure-agent against a real swtpm (vTPM backend through tpm2-tss): PCR 8 equals
# what `cvm-workload` predicted in both banks; the CEL-JSON record is written and
# readable with jq --seq; a second run in the same boot refuses (exactly once);
# malformed, oversized and ambiguous manifests stop before anything is measured;
# `evidence` returns a quote whose signature OpenSSL verifies against the AK.
. "$(dirname "$0")/../lib.sh"
need swtpm swtpm_setup tpm2_pcrread jq openssl python3
need_built bin/measure-agent bin/cvm-workload

uid=$(id -u) gid=$(id -g)
"$PACK" manifest -o "$WORK/m.json" --name marker --exec /bin/echo --arg cvm-marker-ok \
	--env LANG=C --user "$uid:$gid" >/dev/null
want256=$(identity pcr8_sha256 "$WORK/m.json")
want384=$(identity pcr8_sha384 "$WORK/m.json")
sha256=$(identity manifest_sha256 "$WORK/m.json")

# 1. fw_cfg manifest, vTPM: measure, log, exec
start_swtpm "$WORK/tpm1"
root=$(new_root r1)
fwcfg_manifest "$root" "$WORK/m.json"
out=$(CVM_SYSROOT=$root "$AGENT" 2>&1) || fail "agent failed: $out"
grep -qx cvm-marker-ok <<<"$out" || fail "workload did not run: $out"
grep -q "measured: PCR 8" <<<"$out" || fail "no measurement line: $out"
[[ $(pcr sha256 8) == "$want256" ]] || fail "PCR 8 sha256 $(pcr sha256 8) != $want256"
[[ $(pcr sha384 8) == "$want384" ]] || fail "PCR 8 sha384 $(pcr sha384 8) != $want384"
pass "PCR 8 (sha256, sha384) = cvm-workload prediction"

log=$root/run/log/systemd/tpm2-measure.log
[[ $(stat -c %a "$log") == 600 ]] || fail "log mode $(stat -c %a "$log") (sticky bit left set?)"
jq --seq -s -e --arg d "$sha256" 'length == 1 and .[0].pcr == 8 and
	(.[0].digests | map(.hashAlg)) == ["sha256","sha384"] and .[0].digests[0].digest == $d and
	.[0].content.eventType == "cvm-workload" and .[0].content.source == "fw_cfg"' <"$log" >/dev/null \
	|| fail "CEL record: $(cat -v "$log")"
pass "one CEL-JSON record, readable by jq --seq"
[[ -f $root/run/cvm-workload/complete ]] || fail "no /run/cvm-workload/complete: the evidence endpoint stays closed"

# 2. exactly once per boot
if out=$(CVM_SYSROOT=$root "$AGENT" 2>&1); then fail "second run succeeded"; fi
grep -q "already measured in this boot" <<<"$out" || fail "second run: $out"
[[ $(pcr sha256 8) == "$want256" ]] || fail "PCR 8 changed by the refused second run"
pass "second run refused, PCR 8 unchanged"

# 3. evidence: quote over 4,8,9,11,12 verified with OpenSSL, nonce bound
nonce=$(openssl rand -hex 32)
CVM_SYSROOT=$root "$AGENT" evidence --nonce "$nonce" >"$WORK/ev.json" || fail "evidence failed"
jq -e --arg s "$sha256" '.platforms == ["tpm"] and .workload.manifest_sha256 == $s and
	(.event_log | length) == 1 and .tpm.pcrs.sha384["8"] != null' "$WORK/ev.json" >/dev/null \
	|| fail "evidence document: $(head -c 600 "$WORK/ev.json")"
python3 tests/measure-agent/check-evidence.py "$WORK/ev.json" "$nonce" "$want256" || fail "quote check"
# the same TPM derives the same AK (endorsement hierarchy, fixed template)
CVM_SYSROOT=$root "$AGENT" evidence --nonce 00 >"$WORK/ev2.json"
[[ $(jq -r .tpm.ak_pem "$WORK/ev.json") == $(jq -r .tpm.ak_pem "$WORK/ev2.json") ]] || fail "AK not deterministic"
# a forged nonce or a flipped attest byte must not verify
if python3 tests/measure-agent/check-evidence.py "$WORK/ev.json" "${nonce%??}00" 2>/dev/null; then fail "wrong nonce accepted"; fi
jq '.tpm.quote.attest |= (.[0:-2] + (if .[-2:] == "00" then "01" else "00" end))' "$WORK/ev.json" >"$WORK/forged.json"
if python3 tests/measure-agent/check-evidence.py "$WORK/forged.json" "$nonce" 2>/dev/null; then fail "forged attest accepted"; fi
if CVM_SYSROOT=$root "$AGENT" evidence --nonce "$(openssl rand -hex 65)" 2>/dev/null; then fail "65-byte nonce accepted"; fi
pass "evidence: quote verifies with OpenSSL, deterministic AK, forgeries refused"

# 4. refusals before any measurement (fresh TPM, PCR 8 must stay zero)
start_swtpm "$WORK/tpm2"
zero=$(printf '%064d' 0)
mkdir -p "$WORK/wl/app"; cp /bin/true "$WORK/wl/app/x"
"$PACK" pack "$WORK/wl" -o "$WORK/disk.img" --exec /app/x >/dev/null
refuse() { # refuse NAME EXPECTED-MESSAGE ROOT
	local o
	if o=$(CVM_SYSROOT=$3 "$AGENT" 2>&1); then fail "$1: agent succeeded"; fi
	grep -q "FATAL: .*$2" <<<"$o" || fail "$1: message: $o"
	[[ $(wc -l <<<"$o") == 1 ]] || fail "$1: more than one line: $o"
	[[ $(pcr sha256 8) == "$zero" ]] || fail "$1: PCR 8 changed"
	pass "$1 refused: ${o#measure-agent: }"
}
r=$(new_root bad-json); printf '{"version":1,"name":"x"' >"$WORK/bad.json"; fwcfg_manifest "$r" "$WORK/bad.json"
refuse "malformed manifest" "refused: manifest is not valid JSON" "$r"
r=$(new_root bad-version); sed 's/"version": 1/"version": 2/' "$WORK/m.json" >"$WORK/v2.json"; fwcfg_manifest "$r" "$WORK/v2.json"
refuse "unknown version" "unsupported manifest \"version\"" "$r"
r=$(new_root dup); sed 's/"version": 1,/"version": 1, "version": 1,/' "$WORK/m.json" >"$WORK/dup.json"; fwcfg_manifest "$r" "$WORK/dup.json"
refuse "duplicate key" "duplicate keys" "$r"
r=$(new_root big); { cat "$WORK/m.json"; head -c 65536 /dev/zero | tr '\0' ' '; } >"$WORK/big.json"; fwcfg_manifest "$r" "$WORK/big.json"
refuse "oversized manifest" "larger than 64 KiB" "$r"
r=$(new_root fwpayload); "$PACK" identity "$WORK/disk.img" >/dev/null
dd if="$WORK/disk.img" of="$WORK/with-payload.json" iflag=skip_bytes,count_bytes status=none \
	skip=$((40 * 512 + 16)) count="$(od -An -tu4 -j$((40 * 512 + 8)) -N4 "$WORK/disk.img" | tr -d ' ')"
fwcfg_manifest "$r" "$WORK/with-payload.json"
refuse "fw_cfg manifest naming a payload" "cannot name a payload" "$r"
r=$(new_root none)
refuse "no manifest" "no workload disk" "$r"
r=$(new_root both); fwcfg_manifest "$r" "$WORK/m.json"; attach_disk "$r" vdb "$WORK/disk.img"
refuse "disk and fw_cfg" "both on disk vdb and in fw_cfg" "$r"
r=$(new_root two); attach_disk "$r" vdb "$WORK/disk.img"; attach_disk "$r" vdc "$WORK/disk.img"
refuse "two workload disks" "a second workload disk" "$r"
r=$(new_root crc); attach_disk "$r" vdb "$WORK/disk.img"
printf 'X' | dd of="$r/dev/vdb" bs=1 seek=$((1024 + 60)) conv=notrunc status=none   # inside entry 0
refuse "GPT entry CRC" "broken workload disk" "$r"
r=$(new_root rec); attach_disk "$r" vdb "$WORK/disk.img"
printf '\1' | dd of="$r/dev/vdb" bs=1 seek=$((40 * 512 + 4000)) conv=notrunc status=none   # after M
refuse "garbage after the manifest" "not a valid manifest record" "$r"
# no backend at all: refused, unless the (measured) command line says development image
unset CVM_TCTI
r=$(new_root nobackend); fwcfg_manifest "$r" "$WORK/m.json"
if o=$(CVM_SYSROOT=$r "$AGENT" 2>&1); then fail "no backend accepted"; fi
grep -q "FATAL: no measurement backend" <<<"$o" || fail "no backend: $o"
echo "console=ttyS0 cvmforge.allow_unbound=1" >"$r/proc/cmdline"
o=$(CVM_SYSROOT=$r "$AGENT" 2>&1) || fail "development image refused: $o"
grep -qx cvm-marker-ok <<<"$o" || fail "development image: $o"
pass "no backend: refused; allowed only with cvmforge.allow_unbound=1"

# 5. workload disk: found by GPT type+name through sysfs, measured; PCR 8 = pack's
#    prediction. (Mounting needs device-mapper, which only works in the guest: the
#    run must stop at the payload step, after the measurement.)
start_swtpm "$WORK/tpm3"
r=$(new_root disk); attach_disk "$r" vdb "$WORK/disk.img"
mkdir -p "$r/sys/class/block/vda"; head -c 1048576 /dev/zero >"$r/dev/vda"   # a non-workload disk
o=$(CVM_SYSROOT=$r "$AGENT" 2>&1) && fail "payload mounted on the host?"
grep -q "measured: PCR 8" <<<"$o" || fail "disk manifest not measured: $o"
grep -q "FATAL: payload" <<<"$o" || fail "expected the payload step to fail on the host: $o"
[[ $(pcr sha256 8) == $(identity pcr8_sha256 "$WORK/disk.img") ]] || fail "PCR 8 != pack prediction (disk)"
jq --seq -s -e '.[0].content.source == "disk"' <"$r/run/log/systemd/tpm2-measure.log" >/dev/null || fail "source"
pass "workload disk found without udev, PCR 8 = cvm-workload prediction"
