#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cvm-mkinitrd on a small modules tree: the archive is byte-identical across runs and
# input mtimes, GNU cpio reads it back with the expected entries, owners, modes and
# clamped mtimes, the load-order file follows modules.dep/softdep, and bad inputs
# (unknown module, malformed list, missing modules.dep) fail with exit 3 and leave no
# output behind.
. "$(dirname "$0")/../lib.sh"
need cpio
build cvm-mkinitrd
tool=$B/bin/cvm-mkinitrd
m=$WORK/lib/modules/6.1.0-test
mkdir -p "$m/kernel/a" "$m/kernel/b"
for f in a/base.ko.xz a/mid-mod.ko.xz b/top.ko.xz b/pre.ko b/unused.ko.xz; do
	printf 'module %s\n' "$f" > "$m/kernel/$f"
done
cat > "$m/modules.dep" <<'DEP'
kernel/a/base.ko.xz:
kernel/a/mid-mod.ko.xz: kernel/a/base.ko.xz
kernel/b/top.ko.xz: kernel/a/mid-mod.ko.xz kernel/a/base.ko.xz
kernel/b/pre.ko:
kernel/b/unused.ko.xz:
DEP
printf 'softdep top pre: pre\n' > "$m/modules.softdep"
printf 'kernel/x/builtin_one.ko\n' > "$m/modules.builtin"
printf '# test\ntop\nbuiltin-one\nmid_mod optional\n' > "$WORK/list"
printf '#!/bin/false\n' > "$WORK/init"

epoch=1767225600
mkinitrd() { "$tool" --modules-dir "$m" --modules-list "$WORK/list" --init "$WORK/init" --epoch "$epoch" -o "$1"; }
touch -d @2000000000 "$WORK/init" "$m/kernel/b/top.ko.xz"   # newer than epoch: clamped
touch -d @1000000000 "$m/kernel/a/base.ko.xz"              # older: kept
mkinitrd "$WORK/one.cpio"
touch "$WORK/init"
mkinitrd "$WORK/two.cpio"
cmp "$WORK/one.cpio" "$WORK/two.cpio" || fail "two runs differ"

listing=$(cd "$WORK" && cpio -itv --quiet < one.cpio)
echo "$listing"
expect_entry() { grep -Eq "$1" <<<"$listing" || fail "no entry matching /$1/"; }
expect_entry '^crw------- +1 root +root +5, +1 .* dev/console$'
expect_entry '^-rwxr-xr-x +1 root +root .* init$'
expect_entry '^-rw-r--r-- +1 root +root .* lib/modules/6.1.0-test/kernel/b/top.ko.xz$'
! grep -q unused <<<"$listing" || fail "a module nobody needs was packed"
[[ $(grep -c 'ko' <<<"$listing") -eq 4 ]] || fail "expected exactly 4 modules"
# Entries are sorted bytewise.
names=$(cd "$WORK" && cpio -it --quiet < one.cpio)
[[ $names == "$(LC_ALL=C sort <<<"$names")" ]] || fail "entries not sorted"

mkdir "$WORK/x" && (cd "$WORK/x" && cpio -idm --quiet --no-absolute-filenames < ../one.cpio 2>/dev/null) || true
order=$(cat "$WORK/x/etc/cvm-init/modules")
expected="required /lib/modules/6.1.0-test/kernel/b/pre.ko
required /lib/modules/6.1.0-test/kernel/a/base.ko.xz
optional /lib/modules/6.1.0-test/kernel/a/mid-mod.ko.xz
required /lib/modules/6.1.0-test/kernel/b/top.ko.xz"
[[ $order == "$expected" ]] || fail "load order: got
$order"
[[ $(stat -c %Y "$WORK/x/lib/modules/6.1.0-test/kernel/b/top.ko.xz") == "$epoch" ]] || fail "mtime not clamped"
[[ $(stat -c %Y "$WORK/x/lib/modules/6.1.0-test/kernel/a/base.ko.xz") == 1000000000 ]] || fail "older mtime changed"

refused() { # EXPECTED-EXIT MESSAGE-ERE ARGS...
	local want=$1 pat=$2
	shift 2
	expect_exit "$want" "refused: $pat" "$tool" "$@" -o "$WORK/bad.cpio"
	expect_output "$pat"
	[[ ! -e $WORK/bad.cpio && ! -e $WORK/bad.cpio.tmp ]] || bad "output left behind"
}
printf 'top\nnosuch\n' > "$WORK/list2"
refused 3 'module nosuch: not in modules.dep' --modules-dir "$m" --modules-list "$WORK/list2" --init "$WORK/init" --epoch 1
printf 'top extra words\n' > "$WORK/list3"
refused 3 'line 1: expected' --modules-dir "$m" --modules-list "$WORK/list3" --init "$WORK/init" --epoch 1
refused 3 'modules.dep: No such file' --modules-dir "$WORK/lib/modules/none" --modules-list "$WORK/list" --init "$WORK/init" --epoch 1
refused 2 'epoch' --modules-dir "$m" --modules-list "$WORK/list" --init "$WORK/init" --epoch 12x
printf '%s\n' 'kernel/b/top.ko.xz: kernel/a/base.ko.xz' 'kernel/a/base.ko.xz: kernel/b/top.ko.xz' \
	'kernel/b/pre.ko:' 'kernel/a/mid-mod.ko.xz:' > "$m/modules.dep"
refused 3 'cannot order' --modules-dir "$m" --modules-list "$WORK/list" --init "$WORK/init" --epoch 1
echo "PASS: cvm-mkinitrd is reproducible and strict"
