# SPDX-License-Identifier: Apache-2.0
# The shell test library. Every test script (tests/<area>/*.sh) starts with
#
#     . "$(dirname "$0")/../lib.sh"
#
# and gets: strict mode, the repository as working directory, the build directory $B,
# a private temporary directory $WORK (removed on exit, with every VM and swtpm the
# test started), the assertions and the skip rule, the GPT partition types, and the
# VM, swtpm and measure-agent helpers below. If the script's folder has a lib.sh of
# its own, it is sourced last: helpers that only that area uses. tests/README.md says
# how to run everything, one area or one test.

set -eEuo pipefail
shopt -s inherit_errexit # a failing helper inside $(...) fails the assignment, too

# ---- where things are -----------------------------------------------------------------
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TEST_SCRIPT=$(realpath -- "${BASH_SOURCE[1]:-$0}")
# B: the one build directory, as in make (make test B=out passes it on): programs in
# $B/bin, the image in $B/cvm.*. A relative B is relative to where the test was
# started; without B, the repository's build/. Exported for scripts/run-vm and make.
if [[ -n ${B:-} ]]; then B=$(realpath -m -- "$B"); else B=$TOP/build; fi
export B
cd "$TOP"

REF=$B/bin/cvm-reference
AGENT=$B/bin/measure-agent
PACK=$B/bin/cvm-workload
TOOLS=${CACHE:-/var/cache/cvmforge}/tools               # pinned tools tree (make image)
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd               # Debian's ovmf
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
# The SNP/TDX firmware builds scripts/host-setup unpacks, and the captured reports, quotes
# and logs of tests/data; the unit tests take the same overrides.
FIRMWARE=${CVM_FIRMWARE_DIR:-/var/lib/cvmforge/firmware/root/usr/share/ovmf}
TESTDATA=${CVM_TESTDATA_DIR:-$TOP/tests/data}
LOGDIR=${TEST_LOGDIR:-$B/test-logs}                     # tests/run's logs; kept consoles
VM_TIMEOUT=${VM_TIMEOUT:-900}                           # seconds before a boot counts as hung (TCG, busy host)

# ---- the temporary directory and the exit status -----------------------------------------
# $WORK holds everything a test makes; TEST_KEEP=1 keeps it for a look afterwards. On
# exit every QEMU (by its pidfile) and every pid given to kill_on_exit is stopped.
WORK=$(mktemp -d "/tmp/cvm-test-$(basename "$TEST_SCRIPT" .sh).XXXXXX")
FAILED=0
KILL_ON_EXIT=()
kill_on_exit() { KILL_ON_EXIT+=("$@"); }

lib_on_exit() {
	local rc=$? pids=("${KILL_ON_EXIT[@]}") f
	trap - ERR
	for f in "$WORK"/*.qemu.pid; do [[ -f $f ]] && kill "$(cat "$f")" 2>/dev/null || true; done
	for f in "$WORK"/*.runvm.pid; do [[ -f $f ]] && pids+=("$(cat "$f")"); done
	((${#pids[@]} == 0)) || { kill "${KILL_ON_EXIT[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null; } || true
	if [[ -n ${TEST_KEEP:-} ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
	# A check that failed with bad fails the test, whatever the script did next.
	((FAILED)) && ((rc == 0 || rc == 77)) && rc=1
	exit "$rc"
}
trap lib_on_exit EXIT
# A command that fails outside any check stops the test (set -e); say which one
# (-E: also inside functions).
trap 'echo "FAIL: ${BASH_SOURCE[0]#"$TOP"/}:$LINENO: \"$BASH_COMMAND\" exited $?" >&2' ERR

# ---- assertions -------------------------------------------------------------------------
# One line each: "ok: …" on stdout, "FAIL: …" on stderr. fail stops the test; bad and
# the expect_* helpers report and carry on (one run shows every mismatch), and the
# test fails when it ends. tests/run: exit 0 pass, 77 skip, anything else fail.
pass() { echo "ok: $*"; }
bad() { echo "FAIL: $*" >&2; FAILED=1; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# skip REASON: exit 77 with a one-line reason. Only for a facility that is truly
# absent on this machine and that no set-up can add (TDX or SEV-SNP hardware, say).
# Never for anything scripts/host-setup installs (tools, QEMU, swtpm, OVMF, the SNP/TDX
# firmware: run it; a missing one is a failure) and never for a build product (also a
# failure: the test would pass by checking nothing).
skip() { echo "$*"; exit 77; }

# need TOOL...: every TOOL is installed (a failure if not, see skip).
need() {
	local t
	for t; do command -v "$t" >/dev/null || fail "$t not installed (scripts/host-setup installs it)"; done
}
# need_built FILE...: build products, relative to $B.
need_built() {
	local f
	for f; do [[ -e $B/$f ]] || fail "$B/$f missing (make; make image)"; done
}
# build PROGRAM...: make $B/bin/PROGRAM (for a test run on its own, outside make test).
build() { make -s B="$B" "${@/#/$B/bin/}" >/dev/null; }

# run CMD...: runs CMD, never fails; status in $RC, stdout in $WORK/out, stderr in $WORK/err.
run() {
	RC=0
	"$@" >"$WORK/out" 2>"$WORK/err" || RC=$?
}
show_output() { sed 's/^/    | /' "$WORK/out" "$WORK/err" | tail -n 40; }

# expect_exit WANT WHAT CMD...: CMD exits with status WANT.
expect_exit() {
	local want=$1 what=$2
	shift 2
	run "$@"
	if [[ $RC == "$want" ]]; then pass "$what (exit $RC)"; else bad "$what: exit $RC, expected $want"; show_output; fi
}
# expect_output ERE: a line of the last run's stdout or stderr matches ERE.
expect_output() {
	if grep -Eq -- "$1" "$WORK/out" "$WORK/err"; then pass "  says /$1/"; else bad "  no line matching /$1/"; show_output; fi
}
# expect_eq WHAT GOT WANT
expect_eq() {
	if [[ $2 == "$3" ]]; then pass "$1"; else bad "$1: got '$2', expected '$3'"; fi
}

# ---- cvm-reference verify's report: one line "REGISTER RESULT detail" per check -----------
# expect_lines FILE RESULT REGISTER...: each REGISTER's line in FILE has RESULT (ok, FAIL).
expect_lines() {
	local file=$1 want=$2 reg
	shift 2
	for reg; do
		if awk -v r="$reg" -v w="$want" '$1 == r && $2 == w { found = 1 } END { exit !found }' "$file"; then
			pass "$reg $want"
		else
			cat "$file"; bad "${file##*/}: expected $reg $want"
		fi
	done
}
# failing FILE: the registers that failed, comma-separated (for a report line).
failing() { awk '$2 == "FAIL" && $1 != "verdict:" { printf "%s%s", s, $1; s = "," }' "$1"; }

# ---- disks and partitions ---------------------------------------------------------------
# GPT partition type GUIDs of the image (Discoverable Partitions Specification).
TYPE_ESP=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
TYPE_ROOT=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709           # root-x86-64
TYPE_ROOT_VERITY=2C7357ED-EBD2-46D9-AEC1-23D437EC2BF5    # root-x86-64-verity

# part_extent DISK TYPE|N: "start size" in 512-byte sectors of the (first) partition
# of type TYPE, or of partition number N.
part_extent() {
	local sel
	if [[ $2 =~ ^[0-9]+$ ]]; then sel='(.node | test("[^0-9]p?" + $t + "$"))'; else sel='.type == $t'; fi
	sfdisk -J "$1" | jq -r --arg t "$2" "[.partitiontable.partitions[] | select($sel)][0] // empty |
		\"\(.start) \(.size)\""
}
# part_bytes DISK TYPE|N: "offset size" of that partition in bytes (a failure if none:
# these helpers stop the test, also from inside $(...)).
part_bytes() {
	local start size
	read -r start size < <(part_extent "$1" "$2") || true
	[[ -n ${start:-} ]] || fail "$1: no partition $2"
	echo $((start * 512)) $((size * 512))
}
part_offset() { local b; b=$(part_bytes "$@") || exit 1; echo "${b% *}"; }
# part_copy DISK TYPE|N OUT: the partition's bytes in OUT.
part_copy() {
	local b
	b=$(part_bytes "$1" "$2") || exit 1
	dd if="$1" of="$3" bs=512 skip=$((${b% *} / 512)) count=$((${b#* } / 512)) status=none
}
# flip_byte FILE OFFSET: XOR the byte at OFFSET with 0x01, in place.
flip_byte() {
	python3 - "$1" "$2" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2])); b = f.read(1)
    if len(b) != 1: sys.exit("flip_byte: offset beyond the end of " + sys.argv[1])
    f.seek(int(sys.argv[2])); f.write(bytes([b[0] ^ 1]))
PY
}
# replace_in_part DISK N OLD NEW: the first OLD in partition N becomes NEW (same length,
# so the disk stays well-formed).
replace_in_part() {
	local b
	b=$(part_bytes "$1" "$2") || exit 1
	python3 - "$1" $b "$3" "$4" <<'PY'
import sys
p, off, size, old, new = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].encode(), sys.argv[5].encode()
assert len(old) == len(new)
b = bytearray(open(p, "rb").read())
i = b.find(old, off, off + size)
if i < 0: sys.exit("%r not found in partition at %d of %s" % (old, off, p))
b[i:i + len(old)] = new
open(p, "wb").write(b)
PY
}
# elf_in_part DISK N: byte offset on DISK of the first ELF header in partition N (erofs
# keeps file data block-aligned: a 4 KiB block that starts with the ELF magic).
elf_in_part() {
	local b
	b=$(part_bytes "$1" "$2") || exit 1
	python3 - "$1" $b <<'PY'
import sys
b, off, size = open(sys.argv[1], "rb").read(), int(sys.argv[2]), int(sys.argv[3])
for blk in range(off, off + size, 4096):
    if b[blk:blk + 4] == b"\x7fELF":
        print(blk); break
else:
    sys.exit("no ELF header in " + sys.argv[1])
PY
}
# root_file_offset DISK PATH: byte offset on DISK of the first byte of PATH in the
# erofs root partition (dump.erofs -e: "0: logical..logical | length : physical..physical").
root_file_offset() {
	local phys root
	root=$(part_offset "$1" "$TYPE_ROOT") || exit 1
	part_copy "$1" "$TYPE_ROOT" "$WORK/root.erofs"
	# (awk reads to the end: leaving early would fail the pipe with SIGPIPE)
	phys=$(dump.erofs -e --path="$2" "$WORK/root.erofs" | awk '$1 == "0:" && !n++ { sub(/\.\..*/, "", $7); print $7 }')
	rm -f "$WORK/root.erofs"
	[[ $phys =~ ^[0-9]+$ ]] || fail "cannot locate $2 in the erofs root of $1"
	echo $((root + phys))
}
# extract_root DISK DIR: the erofs root partition of DISK, extracted into DIR.
extract_root() {
	part_copy "$1" "$TYPE_ROOT" "$WORK/root.erofs"
	rm -rf "$2"
	fsck.erofs --extract="$2" "$WORK/root.erofs" >/dev/null
	rm -f "$WORK/root.erofs"
}
# image_cmdline: the built image's kernel command line (from the UKI), without NULs.
image_cmdline() { tr -d '\0\n' <"$B/cvm.cmdline"; }

# ---- VMs: scripts/run-vm (QEMU + OVMF + swtpm, KVM when it works, else TCG) -------------
# need_vm: QEMU, swtpm and OVMF (scripts/host-setup installs them).
need_vm() {
	need qemu-system-x86_64 swtpm
	[[ -r $OVMF_CODE ]] || fail "OVMF not installed (scripts/host-setup installs it)"
}

declare -A VM_T0=()
# vm_start NAME RUN-VM-ARGS...: boot in the background; console in $WORK/NAME.log.
# run-vm stops QEMU after VM_TIMEOUT seconds (a --timeout among the arguments wins).
vm_start() {
	local name=$1
	shift
	: >"$WORK/$name.log"
	rm -f "$WORK/$name.rc"
	VM_T0[$name]=$(date +%s.%N)
	scripts/run-vm --log "$WORK/$name.log" --timeout "$VM_TIMEOUT" \
		--qemu-arg -pidfile --qemu-arg "$WORK/$name.qemu.pid" "$@" >"$WORK/$name.out" 2>&1 &
	echo $! >"$WORK/$name.runvm.pid"
}
# vm_ended NAME: wait until the VM stops; returns run-vm's status (0: the guest powered
# off, 124: it was still running at the timeout), also when asked again.
vm_ended() {
	local rc=0
	if [[ ! -f $WORK/$1.rc ]]; then
		wait "$(cat "$WORK/$1.runvm.pid")" || rc=$?
		echo "$rc" >"$WORK/$1.rc"
		rm -f "$WORK/$1.qemu.pid" "$WORK/$1.runvm.pid"
	fi
	return "$(cat "$WORK/$1.rc")"
}
# vm_run NAME RUN-VM-ARGS...: boot and wait until the VM stops; run-vm's status in $RC.
vm_run() {
	vm_start "$@"
	RC=0
	vm_ended "$1" || RC=$?
}
# vm_wait NAME ERE: 0 once the console matches ERE, 1 when the VM stopped first, 2 when
# VM_TIMEOUT passed.
vm_wait() {
	local name=$1 re=$2 pid
	pid=$(cat "$WORK/$name.runvm.pid")
	while :; do
		console_has "$name" "$re" && return 0
		if ! kill -0 "$pid" 2>/dev/null; then
			console_has "$name" "$re" && return 0
			return 1
		fi
		(($(date +%s) - ${VM_T0[$name]%.*} > VM_TIMEOUT)) && return 2
		sleep 0.2
	done
}
# vm_stop NAME: stop QEMU (SIGTERM: the host pulling the plug) and wait for run-vm.
vm_stop() {
	[[ -f $WORK/$1.qemu.pid ]] && kill "$(cat "$WORK/$1.qemu.pid")" 2>/dev/null || true
	vm_ended "$1" || true
}
# vm_refused NAME ERE [NEVER-ERE...]: the VM must stop by itself (not at the timeout),
# its console must show ERE and none of NEVER-ERE. Prints the first matching line.
vm_refused() {
	local name=$1 re=$2 never rc=0
	shift 2
	vm_ended "$name" || rc=$?
	((rc != 124)) || { show "$name"; fail "$name: the VM did not stop by itself (timeout)"; }
	console_has "$name" "$re" || { show "$name"; fail "$name: the console lacks /$re/"; }
	for never; do
		! console_has "$name" "$never" || { show "$name"; fail "$name: the console shows /$never/"; }
	done
	echo "  $(grep -aEo -- "$re.*" <(console "$name") | sed -n 1p)"
}

console() { tr -d '\r' <"$WORK/$1.log"; }
# console_has NAME ERE (read whole: a grep -q ending a pipe early would fail pipefail)
console_has() { grep -aEq -- "$2" <(console "$1"); }
# show NAME [N]: what went wrong: run-vm's own output, the console's last N lines (30).
show() {
	[[ ! -s $WORK/$1.out ]] || { echo "--- run-vm output of $1"; cat "$WORK/$1.out"; }
	echo "--- console of $1 (last ${2:-30} lines)"
	console "$1" | tail -n "${2:-30}"
}
elapsed() { echo "$(date +%s.%N) ${VM_T0[$1]}" | awk '{ printf "%.1f", $1 - $2 }'; }

# console_evidence NAME OUT: the evidence document measure-agent printed on the console
# (fw_cfg opt/org.cvmforge/evidence-nonce, measure-agent/EVIDENCE.md). Other units
# write to the console at the same time: take the agent's own line between the
# markers, without the journal's "measure-agent[pid]: " prefix.
console_evidence() {
	console "$1" | sed -n '/=== cvm-evidence begin ===/,/=== cvm-evidence end ===/p' |
		grep -m1 -E 'measure-agent\[[0-9]+\]: \{' | sed 's/^[^{]*//' >"$2" || true
	is_evidence "$2"
}
# is_evidence FILE: one version-1 JSON document (jq alone accepts an empty file).
is_evidence() { [[ -s $1 ]] && jq -e '.version == 1' "$1" >/dev/null 2>&1; }
new_nonce() { openssl rand -hex 32; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# ---- swtpm on the host (for measure-agent and tpm2-tools) --------------------------------
# start_swtpm DIR [EK-CA-DIR]: a fresh TPM 2.0 (sha256 and sha384 banks) on a free TCP
# port; with EK-CA-DIR, its EK certificate comes from the local CA there and
# EK-CA-DIR/ek-ca.pem is what a verifier pins (scripts/swtpm-ek-ca). Sets CVM_TCTI
# (measure-agent) and TPM2TOOLS_TCTI (tpm2-tools).
start_swtpm() {
	local dir=$1 ca=${2:-} port pid
	need swtpm swtpm_setup
	mkdir -p "$dir"
	if [[ -n $ca ]]; then
		need swtpm_localca
		scripts/swtpm-ek-ca "$ca" "$dir" --pcr-banks sha256,sha384 || fail "swtpm-ek-ca"
	else
		swtpm_setup --tpm2 --tpmstate "$dir" --pcr-banks sha256,sha384 --createek \
			--overwrite >"$dir/setup.log" 2>&1 || { cat "$dir/setup.log"; fail "swtpm_setup"; }
	fi
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		port=$((20000 + RANDOM % 20000))
		swtpm socket --tpm2 --tpmstate dir="$dir" --server type=tcp,port=$port \
			--ctrl type=tcp,port=$((port + 1)) --flags not-need-init,startup-clear \
			>"$dir/swtpm.log" 2>&1 &
		pid=$!
		sleep 0.3
		if kill -0 $pid 2>/dev/null; then
			kill_on_exit "$pid"
			export CVM_TCTI="swtpm:host=127.0.0.1,port=$port"
			export TPM2TOOLS_TCTI="$CVM_TCTI"
			return 0
		fi
	done
	fail "swtpm did not start"
}
# pcr BANK INDEX: the register of the swtpm, lowercase hex.
pcr() {
	tpm2_pcrread "$1:$2" | awk -v i="$2" '$1 == i && $2 == ":" { print tolower($3) }' | sed 's/^0x//'
}

# ---- measure-agent on the host: a machine as a directory (CVM_SYSROOT) -------------------
# new_root NAME: an empty CVM_SYSROOT tree with an empty kernel command line.
new_root() {
	local r=$WORK/$1
	mkdir -p "$r/proc" "$r/run" "$r/sys/class/block" "$r/dev"
	: >"$r/proc/cmdline"
	echo "$r"
}
# fwcfg_manifest ROOT FILE: deliver FILE as the fw_cfg manifest blob.
fwcfg_manifest() {
	local d=$1/sys/firmware/qemu_fw_cfg/by_name/opt/org.cvmforge/manifest
	mkdir -p "$d"
	cp "$2" "$d/raw"
}
# attach_disk ROOT NAME IMAGE: a whole disk NAME in sysfs whose /dev node is IMAGE.
attach_disk() {
	mkdir -p "$1/sys/class/block/$2"
	cp "$3" "$1/dev/$2"
}
# identity FIELD FILE: one field of `cvm-workload identity` (of a manifest or a disk).
identity() { "$PACK" identity "$2" | awk -v f="$1" '$1 == f { print $2 }'; }

# ---- the area's own helpers ---------------------------------------------------------------
AREA_LIB=$(dirname "$TEST_SCRIPT")/lib.sh
if [[ $AREA_LIB != "$TOP/tests/lib.sh" && -r $AREA_LIB ]]; then . "$AREA_LIB"; fi
