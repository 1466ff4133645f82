# SPDX-License-Identifier: Apache-2.0
# Boot tests (sourced by tests/lib.sh for the scripts of this folder).

# Seconds a boot that must be refused may take before it counts as hung.
FAIL_TIMEOUT=${FAIL_TIMEOUT:-300}

# check_boot_report SERIAL_LOG DOC: what a booted guest reported (cvm-boot-report lines
# on its serial console) equals the reference document DOC; one ok/FAIL line a check.
report_pcr() { # LOG BANK N
	sed -n "s/.*cvm-boot-report: pcr-$2 $3 \([0-9a-fA-F]*\).*/\1/p" "$1" | tr -d '\r' | tr 'A-F' 'a-f' | sed -n 1p
}

check_boot_report() {
	local log=$1 doc=$2 dir=$WORK/boot-report bank p want got phase
	mkdir -p "$dir"
	# 1. The PCRs the guest read from its vTPM (sysfs) equal the document.
	for bank in sha256 sha384; do
		for p in 4 5 9 11 12; do
			want=$(jq -r ".vtpm.pcrs.$bank[\"$p\"]" "$doc")
			got=$(report_pcr "$log" "$bank" "$p")
			# PCR 11 moves on with systemd's boot phases; the report may come before
			# the last one. It must equal the value after some prefix of the phases.
			if [[ $p == 11 && -n $got && $got != "$want" ]]; then
				phase=$(jq -r ".vtpm.pcr11_phases[] | select(.$bank == \"$got\") | .phases" "$doc" | sed -n 1p)
				[[ -n $phase ]] || phase=$(jq -r ".vtpm.pcr11_phases[] | select(.$bank == \"$got\") | \"<none>\"" "$doc" | sed -n 1p)
				[[ -n $phase ]] && want=$got && echo "     (PCR 11 $bank after boot phases ${phase})"
			fi
			expect_eq "PCR $p $bank: the guest's = the document's" "${got:-<none>}" "$want"
		done
	done
	# 2. The firmware event log replays to those PCRs, and its events for PCR 4, 5, 9,
	#    11, 12 are exactly the document's firmware events, in order, digest by digest.
	#    (The document's systemd-pcrphase events are not in the firmware log.)
	sed -n 's/.*cvm-boot-report: eventlog-b64 \([A-Za-z0-9+/=]*\).*/\1/p; s/.*cvm-boot-report: eventlog \([A-Za-z0-9+/=]*\).*/\1/p' "$log" |
		tr -d '\r\n' | base64 -d >"$dir/eventlog.bin"
	"$REF" eventlog --json "$dir/eventlog.bin" >"$dir/log.json" || { bad "the firmware event log does not parse"; return; }
	for bank in sha256 sha384; do
		jq -r ".events[] | select(.type != \"EV_NO_ACTION\") | select(.pcr == 4 or .pcr == 5 or .pcr == 9 or .pcr == 11 or .pcr == 12) | \"\(.pcr) \(.digests.$bank)\"" \
			"$dir/log.json" >"$dir/log.$bank"
		jq -r ".vtpm.events.$bank[] | select(.type != \"systemd-pcrphase\") | \"\(.pcr) \(.digest)\"" "$doc" >"$dir/doc.$bank"
		if cmp -s "$dir/log.$bank" "$dir/doc.$bank"; then
			pass "event log $bank: $(wc -l <"$dir/log.$bank") events for PCR 4/5/9/11/12 equal the document's"
		else
			bad "event log $bank differs from the document (< log, > document):"
			diff "$dir/log.$bank" "$dir/doc.$bank" | head -20 || true
		fi
		for p in 4 5 9 12; do
			got=$(jq -r ".registers.$bank[\"$p\"] // empty" "$dir/log.json")
			# Never extended: the register is still all zero.
			[[ -n $got ]] || got=$(report_pcr "$log" "$bank" "$p" | tr '1-9a-f' '0')
			expect_eq "event log replays to PCR $p $bank" "$got" "$(report_pcr "$log" "$bank" "$p")"
		done
	done
}
