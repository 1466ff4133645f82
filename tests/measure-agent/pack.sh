#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cvm-workload pack: reproducible bytes (same directory; a copy made in another order
# with other mtimes), a valid GPT with the three named partitions, an erofs payload
# that fsck.erofs accepts, a verity tree that veritysetup verifies with the geometry
# from the manifest (and rejects after a flipped payload byte), the identity equal to
# cvm-reference's, and bad options refused with nothing written.
. "$(dirname "$0")/../lib.sh"
need sfdisk veritysetup fsck.erofs jq
need_built bin/cvm-workload

src=$WORK/src
mkdir -p "$src/app/bin" "$src/app/share" "$src/dev" "$src/proc" "$src/tmp"
cp /bin/true "$src/app/bin/x"
for i in $(seq 1 40); do head -c $((i * 997)) /dev/urandom >"$src/app/share/f$i"; done
ln -s bin/x "$src/app/link"
pack() { "$PACK" pack "$@" --exec /app/bin/x --arg -v --env A=1 --env B=two --user 1000:1000 --name demo; }

pack "$src" -o "$WORK/a.img" >"$WORK/a.id"
pack "$src" -o "$WORK/b.img" --manifest-out "$WORK/m.json" >/dev/null
cmp -s "$WORK/a.img" "$WORK/b.img" || fail "two packs of the same directory differ"
# the same tree copied in reverse order with other mtimes and owner
cp2=$WORK/copy
mkdir -p "$cp2"
(cd "$src" && find . -depth -print | tac) | while read -r p; do
	if [[ -d $src/$p ]]; then mkdir -p "$cp2/$p"; elif [[ -L $src/$p ]]; then cp -P "$src/$p" "$cp2/$p"; else cp "$src/$p" "$cp2/$p"; fi
done
find "$cp2" -exec touch -h -d 2011-11-11 {} +
pack "$cp2" -o "$WORK/c.img" >/dev/null
cmp -s "$WORK/a.img" "$WORK/c.img" || fail "a copy of the directory packs to different bytes"
pass "reproducible: $(sha256sum <"$WORK/a.img" | cut -c1-16)… for both packs and the reordered copy"

# GPT and partitions
sfdisk -d "$WORK/a.img" >"$WORK/pt" 2>&1 || fail "sfdisk: $(cat "$WORK/pt")"
for n in cvm-manifest cvm-payload cvm-payload-verity; do grep -q "name=\"$n\"" "$WORK/pt" || fail "partition $n missing"; done
for n in 1 2 3; do part_copy "$WORK/a.img" $n "$WORK/p$n"; done
p2_bytes=$(stat -c %s "$WORK/p2")
[[ $(head -c 8 "$WORK/p1") == CVMMANI1 ]] || fail "manifest record magic"
len=$(od -An -tu4 -j8 -N4 "$WORK/p1" | tr -d ' ')
dd if="$WORK/p1" of="$WORK/p1.m" iflag=skip_bytes,count_bytes skip=16 count="$len" status=none
cmp -s "$WORK/p1.m" "$WORK/m.json" || fail "record != --manifest-out"
fsck.erofs "$WORK/p2" >/dev/null 2>&1 || fail "fsck.erofs"
pass "GPT with cvm-manifest/cvm-payload/cvm-payload-verity; record holds M exactly; erofs valid"

v() { jq -r ".payload.verity.$1" "$WORK/m.json"; }
[[ $(v data_blocks) -eq $((p2_bytes / 4096)) ]] || fail "data_blocks $(v data_blocks) vs partition"
vs() { veritysetup verify --no-superblock --hash=sha256 --data-block-size="$(v data_block_size)" \
	--hash-block-size="$(v hash_block_size)" --data-blocks="$(v data_blocks)" --salt="$(v salt)" \
	"$1" "$WORK/p3" "$(v root_hash)" >/dev/null 2>&1; }
vs "$WORK/p2" || fail "veritysetup verify with the manifest's geometry"
cp "$WORK/p2" "$WORK/p2bad"
printf '\x5a' | dd of="$WORK/p2bad" bs=1 seek=$((p2_bytes / 2 + 123)) conv=notrunc status=none
vs "$WORK/p2bad" && fail "veritysetup accepted a flipped payload byte"
pass "verity tree: veritysetup verifies it with the manifest's root hash, rejects a flipped byte"

# identity: pack's output = identity of the disk = cvm-reference of the manifest
"$PACK" identity "$WORK/a.img" >"$WORK/a.id2"
diff <(grep -v payload_root_hash "$WORK/a.id") <(grep -v payload_root_hash "$WORK/a.id2") >/dev/null || fail "identity of the disk != pack output"
if [[ -x $B/bin/cvm-reference ]]; then
	"$B/bin/cvm-reference" workload --manifest "$WORK/m.json" --json >"$WORK/ref.json"
	for k in manifest_sha256 manifest_sha384 pcr8_sha256 pcr8_sha384 rtmr3 host_data mrconfigid; do
		[[ $(jq -r ".$k" "$WORK/ref.json") == $(awk -v k=$k '$1 == k { print $2 }' "$WORK/a.id") ]] || fail "$k differs from cvm-reference"
	done
	pass "identity = cvm-reference workload (lib/measure/workload_identity on both sides)"
fi
[[ $(awk '$1 == "host_data_base64" { print $2 }' "$WORK/a.id" | base64 -d | od -An -v -tx1 | tr -d ' \n') == \
   $(awk '$1 == "host_data" { print $2 }' "$WORK/a.id") ]] || fail "host_data_base64"
pass "host_data_base64 decodes to host_data (QEMU sev-snp-guest,host-data=)"

# refusals: clear message, exit code, nothing written
refused() { # refused CODE MESSAGE CMD...
	expect_exit "$1" "${*:3}" "${@:3}"
	expect_output "$2"
}
refused 3 "No such file" "$PACK" pack "$WORK/nope" -o "$WORK/x.img" --exec /x
refused 2 "expected KEY=VALUE" "$PACK" pack "$src" -o "$WORK/x.img" --exec /x --env NOEQUALS
refused 2 "not a valid variable name" "$PACK" pack "$src" -o "$WORK/x.img" --exec /x --env 1A=b
refused 2 "given twice" "$PACK" pack "$src" -o "$WORK/x.img" --exec /x --env A=1 --env A=2
refused 2 "UID:GID" "$PACK" pack "$src" -o "$WORK/x.img" --exec /x --user 1000
refused 2 "not a number" "$PACK" pack "$src" -o "$WORK/x.img" --exec /x --user -1:0
refused 3 "absolute path" "$PACK" pack "$src" -o "$WORK/x.img" --exec relative
refused 2 "needs -o FILE and --exec" "$PACK" pack "$src" --exec /x
[[ ! -e $WORK/x.img ]] && ! ls "$WORK"/x.img.tmp-* >/dev/null 2>&1 || fail "a refused pack left files"
refused 3 "manifest refused" "$PACK" identity "$WORK/p3"
printf "X" | dd of="$WORK/b.img" bs=1 seek=$((512 + 20)) conv=notrunc status=none   # GPT header CRC
refused 3 "not a valid workload disk" "$PACK" identity "$WORK/b.img"
pass "bad options refused with exit 2/3, nothing written"
