#!/usr/bin/env bash
# Tamper case: a different UKI with the same kernel, initrd and command line — only
# its os-release differs (one line more, as a rebuilt or vendor-modified UKI would).
# The evidence must fail at PCR 4 (Authenticode of the UKI) and PCR 11 (the .osrel
# section, measured by systemd-stub); PCR 9 changes too, because systemd-stub hands
# os-release to the kernel in an initrd cpio that Linux measures. The command line,
# the quote and the workload stay valid. One boot, stopped by the host.
source "$(dirname "$0")/lib.sh"
need_host
need_build

make_reference "$WORK/ref.json"
pack_echo "$WORK/echo.img"
ukify_build "$WORK/other.efi" --osrel-extra 'IMAGE_VERSION=e2e-other'
cp --sparse=always "$IMAGE_DIR/cvm.raw" "$WORK/uki.raw"
esp_with_uki "$WORK/uki.raw" "$WORK/other.efi"

nonce=$(new_nonce)
printf '%s\n' "$nonce" >"$WORK/nonce"
vm_start uki --image "$WORK/uki.raw" --disk "$WORK/echo.img" --fw-cfg "opt/org.cvmforge/evidence-nonce=$WORK/nonce"
rc=0
vm_wait uki '=== cvm-evidence end ===' || rc=$?
((rc == 0)) || { show uki 40; fail "no evidence on the console (vm_wait $rc)"; }
t=$(elapsed uki)
vm_stop uki
console_evidence uki "$WORK/ev.json" || fail "evidence on the console is not JSON"

rc=0; verify uki "$WORK/ev.json" "$nonce" "$WORK/echo.img" || rc=$?
cat "$WORK/uki.verify"
((rc == 1)) || fail "different UKI: verify exit $rc, expected 1"
expect_lines uki FAIL PCR4.sha256 PCR11.sha256
expect_lines uki ok tpm.quote-signature tpm.nonce PCR8.sha256 PCR12.sha256
ok "different UKI refused at: $(failing uki) (evidence after $t s)"
