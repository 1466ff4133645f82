#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Figures (not a pass/fail test): manifest-to-identity time on the host for a 100 MiB
# payload, and — when the image is built — the agent's start-to-exec time in the VM
# for a 1 MiB and a 1 GiB payload (lazy dm-verity: expected flat).
# usage: tests/measure-agent/figures.sh [--vm]
. "$(dirname "$0")/../lib.sh"
need_built bin/cvm-workload
ms() { local s=$EPOCHREALTIME; "$@" >/dev/null; echo $(( (${EPOCHREALTIME/./} - ${s/./}) / 1000 )); }

mkdir -p "$WORK/p100/app"
head -c $((100 << 20)) /dev/urandom >"$WORK/p100/app/blob"
cp /bin/true "$WORK/p100/app/x"
t=$(ms "$PACK" pack "$WORK/p100" -o "$WORK/p100.img" --exec /app/x)
echo "pack 100 MiB payload (mkfs.erofs + salt + verity tree + GPT + identity): $t ms"
t=$(ms "$PACK" identity "$WORK/p100.img")
echo "identity of the packed 100 MiB disk (GPT + record + hashes): $t ms"
echo "disk size: $(stat -c %s "$WORK/p100.img") bytes"

[[ ${1:-} == --vm ]] || exit 0
need_vm
need_built cvm.raw
for size in 1 1024; do
	d=$WORK/v$size
	mkdir -p "$d/app"
	cc -static -O2 -o "$d/app/marker" tests/measure-agent/workload-marker.c
	head -c $((size << 20)) /dev/urandom >"$d/app/blob"
	"$PACK" pack "$d" -o "$WORK/v$size.img" --exec /app/marker --user 1000:1000 >/dev/null
	vm_run "v$size" --image "$B/cvm.raw" --disk "$WORK/v$size.img"
	echo "payload $size MiB: $(console "v$size" | grep -o 'measure-agent: starting .*ms after agent start' || echo 'no agent line')"
done
