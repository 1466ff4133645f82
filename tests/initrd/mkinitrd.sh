#!/usr/bin/env bash
# cvm-mkinitrd on a small modules tree: the archive is byte-identical across runs and
# input mtimes, GNU cpio reads it back with the expected entries, owners, modes and
# clamped mtimes, the load-order file follows modules.dep/softdep, and bad inputs
# (unknown module, malformed list, missing modules.dep) fail with exit 3 and leave no
# output behind.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${B:-build}
make -s "$B/bin/cvm-mkinitrd" >/dev/null
tool=$B/bin/cvm-mkinitrd
command -v cpio >/dev/null || { echo "cpio(1) not installed"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
m=$work/lib/modules/6.1.0-test
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
printf '# test\ntop\nbuiltin-one\nmid_mod optional\n' > "$work/list"
printf '#!/bin/false\n' > "$work/init"

epoch=1767225600
run() { "$tool" --modules-dir "$m" --modules-list "$work/list" --init "$work/init" --epoch "$epoch" -o "$1"; }
touch -d @2000000000 "$work/init" "$m/kernel/b/top.ko.xz"   # newer than epoch: clamped
touch -d @1000000000 "$m/kernel/a/base.ko.xz"              # older: kept
run "$work/one.cpio"
touch "$work/init"
run "$work/two.cpio"
cmp "$work/one.cpio" "$work/two.cpio" || fail "two runs differ"

listing=$(cd "$work" && cpio -itv --quiet < one.cpio)
echo "$listing"
expect_entry() { grep -Eq "$1" <<<"$listing" || fail "no entry matching /$1/"; }
expect_entry '^crw------- +1 root +root +5, +1 .* dev/console$'
expect_entry '^-rwxr-xr-x +1 root +root .* init$'
expect_entry '^-rw-r--r-- +1 root +root .* lib/modules/6.1.0-test/kernel/b/top.ko.xz$'
! grep -q unused <<<"$listing" || fail "a module nobody needs was packed"
[[ $(grep -c 'ko' <<<"$listing") -eq 4 ]] || fail "expected exactly 4 modules"
# Entries are sorted bytewise.
names=$(cd "$work" && cpio -it --quiet < one.cpio)
[[ $names == "$(LC_ALL=C sort <<<"$names")" ]] || fail "entries not sorted"

mkdir "$work/x" && (cd "$work/x" && cpio -idm --quiet --no-absolute-filenames < ../one.cpio 2>/dev/null) || true
order=$(cat "$work/x/etc/cvm-init/modules")
expected="required /lib/modules/6.1.0-test/kernel/b/pre.ko
required /lib/modules/6.1.0-test/kernel/a/base.ko.xz
optional /lib/modules/6.1.0-test/kernel/a/mid-mod.ko.xz
required /lib/modules/6.1.0-test/kernel/b/top.ko.xz"
[[ $order == "$expected" ]] || fail "load order: got
$order"
[[ $(stat -c %Y "$work/x/lib/modules/6.1.0-test/kernel/b/top.ko.xz") == "$epoch" ]] || fail "mtime not clamped"
[[ $(stat -c %Y "$work/x/lib/modules/6.1.0-test/kernel/a/base.ko.xz") == 1000000000 ]] || fail "older mtime changed"

bad() { # EXPECTED-EXIT MESSAGE-PATTERN ARGS...
	local want=$1 pat=$2 rc=0 out
	shift 2
	out=$("$tool" "$@" -o "$work/bad.cpio" 2>&1) || rc=$?
	[[ $rc == "$want" ]] || fail "exit $rc, expected $want: $out"
	grep -q "$pat" <<<"$out" || fail "message '$out' lacks '$pat'"
	[[ ! -e $work/bad.cpio && ! -e $work/bad.cpio.tmp ]] || fail "output left behind"
}
printf 'top\nnosuch\n' > "$work/list2"
bad 3 'module nosuch: not in modules.dep' --modules-dir "$m" --modules-list "$work/list2" --init "$work/init" --epoch 1
printf 'top extra words\n' > "$work/list3"
bad 3 'line 1: expected' --modules-dir "$m" --modules-list "$work/list3" --init "$work/init" --epoch 1
bad 3 'modules.dep: No such file' --modules-dir "$work/lib/modules/none" --modules-list "$work/list" --init "$work/init" --epoch 1
bad 2 'epoch' --modules-dir "$m" --modules-list "$work/list" --init "$work/init" --epoch 12x
printf '%s\n' 'kernel/b/top.ko.xz: kernel/a/base.ko.xz' 'kernel/a/base.ko.xz: kernel/b/top.ko.xz' \
	'kernel/b/pre.ko:' 'kernel/a/mid-mod.ko.xz:' > "$m/modules.dep"
bad 3 'cannot order' --modules-dir "$m" --modules-list "$work/list" --init "$work/init" --epoch 1
echo "PASS: cvm-mkinitrd is reproducible and strict"
