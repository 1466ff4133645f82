#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# test-table
# Tamper cases on the real image: one boot each (QEMU + OVMF + swtpm, ~1-4 min under
# TCG), one row each in the table below. tests/run runs every row as its own test;
# alone: tests/e2e/tamper.sh ROW (or no ROW: every row in turn; --rows lists them).
#
# Every row boots the example workload disk (or a tampered copy) and then expects one
# of two outcomes:
#  - refused (verify columns "-"): the guest stops by itself (dm-verity, or the agent
#    powering off), its console shows the row's line, no workload starts and no
#    evidence is printed;
#  - detected: the workload starts, the console shows the row's line, and the evidence
#    printed with the customer's fresh nonce fails `cvm-reference verify` against the
#    image's signed reference document exactly at the "FAIL at" registers while the
#    "ok at" registers still pass. When the workload disk itself was swapped, the same
#    evidence must verify against the disk that really ran (it is consistent, it just
#    is not what the customer expects) — all but tpm.ak-binding: these boots do no AK
#    enrolment round trip (10-loop.sh does; verify without it never says PASS).
. "$(dirname "$0")/../lib.sh"

# name    | tamper with       | console shows (ERE)                                                     | verify: FAIL at                      | verify: ok at
TABLE='
root      | flip_root_byte    | device-mapper: verity: .*(data|metadata) block [0-9]+ is corrupted       | -                                    | -
cmdline   | cmdline_word      | === cvm-evidence end ===                                                | PCR4.sha256 PCR9.sha256 PCR11.sha256 | tpm.quote-signature tpm.nonce tpm.pcr-digest PCR8.sha256 PCR12.sha256
uki       | osrel_line        | === cvm-evidence end ===                                                | PCR4.sha256 PCR11.sha256             | tpm.quote-signature tpm.nonce PCR8.sha256 PCR12.sha256
manifest  | manifest_port     | cvm-example: echo-server ready port=7002                                | PCR8.sha256                          | tpm.quote-signature tpm.nonce PCR4.sha256 PCR9.sha256 PCR11.sha256 PCR12.sha256
payload   | flip_payload_byte | measure-agent: FATAL: starting the workload: exec /app/bin/echo-server: Input/output error | - | -
'

# The tamper functions: each changes one thing and leaves in $image and $disk what
# boots (default: the built image and the customer's workload disk); nonce=no when
# the guest must not be asked for evidence.

# One flipped byte in the root partition, in the first block of /usr/bin/measure-agent
# (at ELF e_entry: the bytes still look like an ELF file). The root is erofs under
# dm-verity with the root hash inside the measured UKI command line, so the first read
# of that block is an I/O error and dm-verity stops the VM (panic_on_corruption).
flip_root_byte() {
	local off
	image=$WORK/root.raw
	cp --sparse=always "$B/cvm.raw" "$image"
	off=$(root_file_offset "$image" /usr/bin/measure-agent)
	off=$((off + 24))
	flip_byte "$image" "$off"
	echo "  flipped disk byte $off (/usr/bin/measure-agent)"
}

# The kernel command line lives in the UKI: boot another UKI, the image's own kernel,
# initrd and os-release rebuilt by the tools tree's ukify with one word more on the
# command line, which nothing in the image reads. Measured in PCR 4 (Authenticode of
# the UKI), PCR 9 (LoadOptions, by the kernel's EFI stub), PCR 11 (.cmdline section).
cmdline_word() {
	image=$WORK/cmdline.raw
	ukify_build "$WORK/cmdline.efi" --cmdline "$(image_cmdline) cvmforge.e2e=tampered"
	cp --sparse=always "$B/cvm.raw" "$image"
	esp_with_uki "$image" "$WORK/cmdline.efi"
}

# A different UKI with the same kernel, initrd and command line: only its os-release
# has one line more. PCR 4 and PCR 11 (.osrel section) change; PCR 9 too, because
# systemd-stub hands os-release to the kernel in an initrd cpio that Linux measures.
osrel_line() {
	image=$WORK/uki.raw
	ukify_build "$WORK/other.efi" --osrel-extra 'IMAGE_VERSION=e2e-other'
	cp --sparse=always "$B/cvm.raw" "$image"
	esp_with_uki "$image" "$WORK/other.efi"
}

# The workload's manifest changed on the disk (port 7001 -> 7002, same length, so the
# disk stays well-formed): the agent measures what it got and the workload runs.
manifest_port() {
	disk=$WORK/manifest.img
	cp "$WORK/echo.img" "$disk"
	replace_in_part "$disk" 1 '"7001"' '"7002"'
}

# One flipped byte in the payload (ELF e_entry of the workload binary): the manifest
# and PCR 8 are unchanged, but dm-verity refuses the block at exec; the agent says so
# and the VM powers off.
flip_payload_byte() {
	local elf
	disk=$WORK/payload.img
	cp "$WORK/echo.img" "$disk"
	elf=$(elf_in_part "$disk" 2)
	flip_byte "$disk" $((elf + 24))
	nonce=no
}

# ---- one skeleton for every row -------------------------------------------------------------
tamper_row() {
	local name=$1 col tamper shows fails oks image disk nonce=yes n vm_args rc t
	# Columns are separated by " | " (a "|" inside an ERE has no spaces around it).
	mapfile -t col < <(awk -F' +[|] +' -v r="$name" '$1 == r { for (i = 2; i <= NF; i++) print $i }' <<<"$TABLE")
	((${#col[@]} == 4)) || fail "no row '$name' in the table (rows: $(rows | xargs))"
	tamper=${col[0]} shows=${col[1]} fails=${col[2]} oks=${col[3]}
	echo "--- $name: $tamper"
	[[ -f $WORK/echo.img ]] || pack_echo "$WORK/echo.img"
	image=$B/cvm.raw disk=$WORK/echo.img
	"$tamper"
	vm_args=(--image "$image" --disk "$disk")
	if [[ $nonce == yes ]]; then
		n=$(new_nonce)
		printf '%s\n' "$n" >"$WORK/$name.nonce"
		vm_args+=(--fw-cfg "opt/org.cvmforge/evidence-nonce=$WORK/$name.nonce")
	fi
	vm_start "$name" "${vm_args[@]}"

	if [[ $fails == - ]]; then
		vm_refused "$name" "$shows" "$MARKER" '=== cvm-evidence begin ==='
		pass "$name: boot refused after $(elapsed "$name") s, no workload, no evidence"
		return
	fi
	rc=0
	vm_wait "$name" "$MARKER" || rc=$?
	((rc == 0)) || { show "$name" 40; fail "$name: workload did not start (vm_wait $rc: 1 = VM stopped, 2 = timeout)"; }
	t=$(elapsed "$name")
	vm_stop "$name"
	console_has "$name" "$shows" || { show "$name" 40; fail "$name: the console lacks /$shows/"; }
	console_evidence "$name" "$WORK/$name.json" || fail "$name: evidence on the console is not JSON"
	[[ -f $WORK/ref.json ]] || make_reference "$WORK/ref.json"
	verify_fails "$name" "$WORK/$name.json" "$n" "$WORK/echo.img" "$fails" "$oks"
	cat "$WORK/$name.verify"
	if [[ $disk != "$WORK/echo.img" ]]; then
		# every line but the AK binding, which needs the activation round trip
		# 10-loop.sh does (these boots answer no requests)
		verify "$name-ran" "$WORK/$name.json" "$n" "$disk" || true
		[[ $(failing "$WORK/$name-ran.verify") == tpm.ak-binding ]] ||
			{ cat "$WORK/$name-ran.verify"; fail "$name: evidence does not verify against the disk that ran"; }
	fi
	pass "$name: refused at $(failing "$WORK/$name.verify") (workload start after $t s)"
}

rows() { awk -F' +[|] +' 'NF > 1 { print $1 }' <<<"$TABLE"; }

case ${1:-} in
--rows) rows; exit 0 ;;
esac
need_e2e
need dump.erofs
for row in ${1:-$(rows)}; do tamper_row "$row"; done
