# Shared by the reference boot tests (sourced): compare what a booted guest reported
# (cvm-boot-report lines on its serial console) with a reference document.
#   check_boot_report SERIAL_LOG DOC  -> prints ok/FAIL lines, sets fail=1 on mismatch
# Needs $ref (cvm-reference) and jq.

report_pcr() { # LOG BANK N
	sed -n "s/.*cvm-boot-report: pcr-$2 $3 \([0-9a-fA-F]*\).*/\1/p" "$1" | tr -d '\r' | tr 'A-F' 'a-f' | head -1
}

check_boot_report() {
	local log=$1 doc=$2 dir bank p want got
	dir=$(mktemp -d)
	# 1. The PCRs the guest read from its vTPM (sysfs) equal the document.
	for bank in sha256 sha384; do
		for p in 4 5 9 11 12; do
			want=$(jq -r ".vtpm.pcrs.$bank[\"$p\"]" "$doc")
			got=$(report_pcr "$log" "$bank" "$p")
			# PCR 11 moves on with systemd's boot phases; the report may come before
			# the last one. It must equal the value after some prefix of the phases.
			if [[ $p == 11 && -n $got && $got != "$want" ]]; then
				phase=$(jq -r ".vtpm.pcr11_phases[] | select(.$bank == \"$got\") | .phases" "$doc" | head -1)
				[[ -n $phase ]] || phase=$(jq -r ".vtpm.pcr11_phases[] | select(.$bank == \"$got\") | \"<none>\"" "$doc" | head -1)
				[[ -n $phase ]] && want=$got && echo "     (PCR 11 $bank after boot phases ${phase})"
			fi
			if [[ -n $got && $got == "$want" ]]; then
				echo "ok   PCR $p $bank $got"
			else
				echo "FAIL PCR $p $bank: guest ${got:-<none>}, document $want"; fail=1
			fi
		done
	done
	# 2. The firmware event log replays to those PCRs, and its events for PCR 4, 5, 9,
	#    11, 12 are exactly the document's firmware events, in order, digest by digest.
	#    (The document's systemd-pcrphase events are not in the firmware log.)
	sed -n 's/.*cvm-boot-report: eventlog-b64 \([A-Za-z0-9+/=]*\).*/\1/p; s/.*cvm-boot-report: eventlog \([A-Za-z0-9+/=]*\).*/\1/p' "$log" |
		tr -d '\r\n' | base64 -d >"$dir/eventlog.bin"
	if ! "$ref" eventlog --json "$dir/eventlog.bin" >"$dir/log.json"; then
		echo "FAIL the firmware event log does not parse"; fail=1; rm -rf "$dir"; return
	fi
	for bank in sha256 sha384; do
		jq -r ".events[] | select(.type != \"EV_NO_ACTION\") | select(.pcr == 4 or .pcr == 5 or .pcr == 9 or .pcr == 11 or .pcr == 12) | \"\(.pcr) \(.digests.$bank)\"" \
			"$dir/log.json" >"$dir/log.$bank"
		jq -r ".vtpm.events.$bank[] | select(.type != \"systemd-pcrphase\") | \"\(.pcr) \(.digest)\"" "$doc" >"$dir/doc.$bank"
		if cmp -s "$dir/log.$bank" "$dir/doc.$bank"; then
			echo "ok   event log $bank: $(wc -l <"$dir/log.$bank") events for PCR 4/5/9/11/12 equal the document's"
		else
			echo "FAIL event log $bank differs from the document (< log, > document):"; fail=1
			diff "$dir/log.$bank" "$dir/doc.$bank" | head -20
		fi
		for p in 4 5 9 12; do
			got=$(jq -r ".registers.$bank[\"$p\"] // empty" "$dir/log.json")
			# Never extended: the register is still all zero.
			[[ -n $got ]] || got=$(report_pcr "$log" "$bank" "$p" | tr '1-9a-f' '0')
			[[ $got == "$(report_pcr "$log" "$bank" "$p")" ]] && echo "ok   event log replays to PCR $p $bank" ||
				{ echo "FAIL event log replay of PCR $p $bank $got differs from the guest's"; fail=1; }
		done
	done
	rm -rf "$dir"
}
