#!/usr/bin/env bash
# cvm-kconfig-check as a program, on the committed Debian cloud kernel config
# (kernel-config/testdata/): every requirement reported, exit 0 while all hard
# requirements hold; exit 1 naming the option when one is removed or only a module
# where built-in is required; exit 3 on a malformed .config or fragment; --all-hard
# --monolithic (the minimal kernel's survival check) fails on this modular kernel.
set -euo pipefail
cd "$(dirname "$0")/../.."
make -s build/bin/cvm-kconfig-check
chk=build/bin/cvm-kconfig-check
fixture=kernel-config/testdata/config-7.3.4+deb13-cloud-amd64
frags=(kernel-config/fragments/*.config)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. The shipped kernel: passes, one line per requirement plus the summary.
"$chk" "$fixture" "${frags[@]}" > "$tmp/out" || fail "Debian config fails a hard requirement: $(grep -E '^(missing|wrong|forbidden).* hard ' "$tmp/out")"
nreq=$(grep -c -E '^# \[' "${frags[@]}" | awk -F: '{ s += $2 } END { print s }')
[[ $(($(wc -l < "$tmp/out") - 1)) -eq $nreq ]] || fail "expected $nreq requirement lines"
grep -q -E '^ok +hard CONFIG_DM_VERITY=y\|m +m ' "$tmp/out" || fail "DM_VERITY=m not accepted as a module"
grep -q -E '^forbidden present +rec +# CONFIG_KEXEC is not set +y ' "$tmp/out" || fail "KEXEC=y not reported"
grep -q -E '^missing +rec +CONFIG_LOCK_DOWN_KERNEL_FORCE_CONFIDENTIALITY=y +not set ' "$tmp/out" || fail "lockdown not reported"

# 2. A hard requirement removed: exit 1, named, with its reason.
grep -v '^CONFIG_DM_VERITY=' "$fixture" > "$tmp/no-verity"
rc=0; "$chk" "$tmp/no-verity" "${frags[@]}" > "$tmp/out" || rc=$?
[[ $rc -eq 1 ]] || fail "missing DM_VERITY: exit $rc, expected 1"
grep -q -E '^missing +hard +CONFIG_DM_VERITY=y\|m +absent +dm-verity' "$tmp/out" || fail "DM_VERITY not named"
grep -q '1 hard requirement(s) failed' "$tmp/out" || fail "summary does not count it"

# 3. Built-in-only requirement given as a module: wrong value.
sed 's/^CONFIG_EFI_STUB=y$/CONFIG_EFI_STUB=m/' "$fixture" > "$tmp/stub-m"
rc=0; "$chk" "$tmp/stub-m" "${frags[@]}" > "$tmp/out" || rc=$?
[[ $rc -eq 1 ]] && grep -q -E '^wrong value +hard +CONFIG_EFI_STUB=y +m ' "$tmp/out" || fail "EFI_STUB=m accepted"

# 4. Monolithic survival mode: a modular kernel fails.
rc=0; "$chk" --all-hard --monolithic --quiet "$fixture" "${frags[@]}" > "$tmp/out" || rc=$?
[[ $rc -eq 1 ]] && grep -q -E '^wrong value +hard +CONFIG_EROFS_FS=y\|m +m ' "$tmp/out" || fail "--monolithic accepted =m"

# 5. Malformed inputs: exit 3 with file:line, nothing printed on stdout.
{ head -n 20 "$fixture"; echo 'CONFIG_DM_VERITY=yes'; } > "$tmp/bad"
rc=0; "$chk" "$tmp/bad" "${frags[@]}" > "$tmp/out" 2> "$tmp/err" || rc=$?
[[ $rc -eq 3 && ! -s $tmp/out ]] && grep -q "bad:21: value is not" "$tmp/err" || fail "malformed config: exit $rc, $(cat "$tmp/err")"
printf '# [hard] Reason.\n\nCONFIG_A=y\n' > "$tmp/bad.config"
rc=0; "$chk" "$fixture" "$tmp/bad.config" > "$tmp/out" 2> "$tmp/err" || rc=$?
[[ $rc -eq 3 ]] && grep -q "bad.config:2: reason not followed" "$tmp/err" || fail "malformed fragment: exit $rc"
rc=0; "$chk" "$tmp/absent" "${frags[@]}" > /dev/null 2> "$tmp/err" || rc=$?
[[ $rc -eq 3 ]] && grep -q "absent: No such file" "$tmp/err" || fail "unreadable config: exit $rc"
rc=0; "$chk" "$fixture" > /dev/null 2>&1 || rc=$?
[[ $rc -eq 2 ]] || fail "no fragments: exit $rc, expected 2"
echo "kconfig-check-cli: ok"
