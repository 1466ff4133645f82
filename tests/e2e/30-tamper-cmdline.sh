#!/usr/bin/env bash
# Tamper case: the kernel command line changed. The command line lives in the UKI, so
# changing it means booting another UKI (here: the image's own kernel, initrd and
# os-release rebuilt by the tools tree's ukify with one word more on the command line,
# `cvmforge.e2e=tampered`, which nothing in the image reads — the boot succeeds). The
# evidence from that boot must fail exactly where the command line is measured:
#   PCR 4  (Authenticode of the UKI), PCR 9 (LoadOptions = the command line, by the
#   kernel's EFI stub), PCR 11 (the UKI's .cmdline section, by systemd-stub);
# while the quote, nonce, PCR 12 (no override) and the workload (PCR 8) stay valid.
# One boot, stopped by the host once the evidence is on the console.
source "$(dirname "$0")/lib.sh"
need_host
need_build

make_reference "$WORK/ref.json"
pack_echo "$WORK/echo.img"
ukify_build "$WORK/cmdline.efi" --cmdline "$(tr -d '\0\n' <"$IMAGE_DIR/cvm.cmdline") cvmforge.e2e=tampered"
cp --sparse=always "$IMAGE_DIR/cvm.raw" "$WORK/cmdline.raw"
esp_with_uki "$WORK/cmdline.raw" "$WORK/cmdline.efi"

nonce=$(new_nonce)
printf '%s\n' "$nonce" >"$WORK/nonce"
vm_start cmdline --image "$WORK/cmdline.raw" --disk "$WORK/echo.img" --fw-cfg "opt/org.cvmforge/evidence-nonce=$WORK/nonce"
rc=0
vm_wait cmdline '=== cvm-evidence end ===' || rc=$?
((rc == 0)) || { show cmdline 40; fail "no evidence on the console (vm_wait $rc)"; }
t=$(elapsed cmdline)
vm_stop cmdline
console_evidence cmdline "$WORK/ev.json" || fail "evidence on the console is not JSON"

rc=0; verify cmdline "$WORK/ev.json" "$nonce" "$WORK/echo.img" || rc=$?
cat "$WORK/cmdline.verify"
((rc == 1)) || fail "changed command line: verify exit $rc, expected 1"
expect_lines cmdline FAIL PCR4.sha256 PCR9.sha256 PCR11.sha256
expect_lines cmdline ok tpm.quote-signature tpm.nonce tpm.pcr-digest PCR8.sha256 PCR12.sha256
ok "changed kernel command line refused at: $(failing cmdline) (evidence after $t s)"
