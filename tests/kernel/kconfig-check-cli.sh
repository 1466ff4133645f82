#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cvm-kconfig-check as a program, on the committed Debian cloud kernel config
# (kernel-config/testdata/): every requirement reported, exit 0 while all hard
# requirements hold; exit 1 naming the option when one is removed or only a module
# where built-in is required; exit 3 on a malformed .config or fragment; --all-hard
# --monolithic (the minimal kernel's survival check) fails on this modular kernel.
. "$(dirname "$0")/../lib.sh"
build cvm-kconfig-check
chk=$B/bin/cvm-kconfig-check
fixture=kernel-config/testdata/config-7.3.4+deb13-cloud-amd64
frags=(kernel-config/fragments/*.config)

# 1. The shipped kernel: passes, one line per requirement plus the summary.
"$chk" "$fixture" "${frags[@]}" > "$WORK/out" || fail "Debian config fails a hard requirement: $(grep -E '^(missing|wrong|forbidden).* hard ' "$WORK/out")"
nreq=$(grep -c -E '^# \[' "${frags[@]}" | awk -F: '{ s += $2 } END { print s }')
[[ $(($(wc -l < "$WORK/out") - 1)) -eq $nreq ]] || fail "expected $nreq requirement lines"
grep -q -E '^ok +hard CONFIG_DM_VERITY=y\|m +m ' "$WORK/out" || fail "DM_VERITY=m not accepted as a module"
grep -q -E '^forbidden present +rec +# CONFIG_KEXEC is not set +y ' "$WORK/out" || fail "KEXEC=y not reported"
grep -q -E '^missing +rec +CONFIG_LOCK_DOWN_KERNEL_FORCE_CONFIDENTIALITY=y +not set ' "$WORK/out" || fail "lockdown not reported"

# 2. A hard requirement removed: exit 1, named, with its reason.
grep -v '^CONFIG_DM_VERITY=' "$fixture" > "$WORK/no-verity"
expect_exit 1 "missing DM_VERITY" "$chk" "$WORK/no-verity" "${frags[@]}"
expect_output '^missing +hard +CONFIG_DM_VERITY=y\|m +absent +dm-verity'
expect_output '1 hard requirement\(s\) failed'

# 3. Built-in-only requirement given as a module: wrong value.
sed 's/^CONFIG_EFI_STUB=y$/CONFIG_EFI_STUB=m/' "$fixture" > "$WORK/stub-m"
expect_exit 1 "EFI_STUB=m refused" "$chk" "$WORK/stub-m" "${frags[@]}"
expect_output '^wrong value +hard +CONFIG_EFI_STUB=y +m '

# 4. Monolithic survival mode: a modular kernel fails.
expect_exit 1 "--monolithic refuses =m" "$chk" --all-hard --monolithic --quiet "$fixture" "${frags[@]}"
expect_output '^wrong value +hard +CONFIG_EROFS_FS=y\|m +m '

# 5. Malformed inputs: exit 3 with file:line, nothing printed on stdout.
{ head -n 20 "$fixture"; echo 'CONFIG_DM_VERITY=yes'; } > "$WORK/bad"
expect_exit 3 "malformed config" "$chk" "$WORK/bad" "${frags[@]}"
[[ ! -s $WORK/out ]] || bad "malformed config: output on stdout"
expect_output "bad:21: value is not"
printf '# [hard] Reason.\n\nCONFIG_A=y\n' > "$WORK/bad.config"
expect_exit 3 "malformed fragment" "$chk" "$fixture" "$WORK/bad.config"
expect_output "bad.config:2: reason not followed"
expect_exit 3 "unreadable config" "$chk" "$WORK/absent" "${frags[@]}"
expect_output "absent: No such file"
expect_exit 2 "no fragments" "$chk" "$fixture"
