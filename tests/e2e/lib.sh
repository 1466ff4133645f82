# Shared by the end-to-end tests (sourced, not run): the customer's loop on the real
# image. Build artifacts come from $B (make image, make); everything made here lives in
# $WORK and is removed on exit; VMs started here are stopped by their QEMU pid.
#
#   IMAGE_DIR   where cvm.raw, cvm.efi, cvm.vmlinuz, cvm.initrd, cvm.cmdline are ($B)
#   VM_TIMEOUT  seconds one boot may take before it counts as hung (900: TCG, busy host)
#   E2E_KEEP    keep $WORK (console logs, evidence, documents) for inspection
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$TOP"
B=${B:-build}
IMAGE_DIR=${IMAGE_DIR:-$B}
REF=$B/bin/cvm-reference
PACK=$B/bin/cvm-workload
ECHO_SERVER=$B/examples/echo-server/app/bin/echo-server
TOOLS=${TOOLS_TREE:-/var/cache/cvmforge/tools}
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
VM_TIMEOUT=${VM_TIMEOUT:-900}
ESP_TYPE=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
ROOT_TYPE=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709
MARKER='cvm-example: echo-server ready'
WORK=$(mktemp -d /tmp/cvm-e2e.XXXXXX)
declare -A VM_T0=()

cleanup() {
	local f
	for f in "$WORK"/*.qemu.pid; do [[ -f $f ]] && kill "$(cat "$f")" 2>/dev/null || true; done
	wait 2>/dev/null || true
	if [[ -n ${E2E_KEEP:-} ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

# QEMU, swtpm and OVMF are the "hardware" of these tests: without them, skip. Build
# products missing is a failure (the test would otherwise pass by doing nothing).
need_host() {
	local t
	for t in qemu-system-x86_64 swtpm; do command -v $t >/dev/null || { echo "$t not installed"; exit 77; }; done
	[[ -r $OVMF_CODE ]] || { echo "OVMF not installed"; exit 77; }
	for t in jq sfdisk mcopy openssl; do command -v $t >/dev/null || fail "$t missing (scripts/host-setup)"; done
}
need_build() {
	local f
	for f in cvm.raw cvm.efi cvm.vmlinuz cvm.initrd cvm.cmdline; do
		[[ -r $IMAGE_DIR/$f ]] || fail "$IMAGE_DIR/$f missing (make image)"
	done
	for f in "$REF" "$PACK" "$ECHO_SERVER"; do [[ -x $f ]] || fail "$f missing (make)"; done
}

# PCR 11 phases the image's systemd extends before the workload asks for evidence.
# systemd-pcrphase extends sysinit and ready in the root; with mkosi's systemd initrd
# (INITRD=mkosi) enter-initrd and leave-initrd come first. cvm-init extends nothing.
pcr11_phases() {
	if grep -aq 'cvm-init' "$IMAGE_DIR/cvm.initrd"; then echo sysinit:ready
	else echo enter-initrd:leave-initrd:sysinit:ready; fi
}

# make_reference OUT: the reference document of the image, signed with a fresh Ed25519
# key (OUT.sig, OUT.pub.pem); the signature is checked with the openssl CLI as a
# customer would.
make_reference() {
	local out=$1
	"$REF" image "$IMAGE_DIR" --ovmf "$OVMF_CODE" --pcr11-phases "$(pcr11_phases)" -o "$out" >/dev/null
	openssl genpkey -algorithm ed25519 -out "$WORK/sign.key" 2>/dev/null
	openssl pkey -in "$WORK/sign.key" -pubout -out "$out.pub.pem"
	"$REF" sign --key "$WORK/sign.key" "$out" >/dev/null
	openssl pkeyutl -verify -pubin -inkey "$out.pub.pem" -rawin -in "$out" -sigfile "$out.sig" >/dev/null ||
		fail "reference document: signature does not verify with openssl"
}

# pack_echo OUT [ARGS...]: the example workload as a workload disk (the walkthrough's
# command); extra arguments are appended to the manifest's argv.
pack_echo() {
	local out=$1 dir=$WORK/payload.$RANDOM
	shift
	mkdir -p "$dir/app/bin"
	cp "$ECHO_SERVER" "$dir/app/bin/echo-server"
	local args=(--arg --port --arg 7001)
	local a
	for a in "$@"; do args+=(--arg "$a"); done
	"$PACK" pack "$dir" -o "$out" --name echo-server --exec /app/bin/echo-server "${args[@]}" \
		--user 1000:1000 --manifest-out "$out.manifest.json" >"$out.identity"
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
new_nonce() { openssl rand -hex 32; }

# vm_start NAME RUN-VM-ARGS...: boot in the background; console in $WORK/NAME.log.
vm_start() {
	local name=$1
	shift
	: >"$WORK/$name.log"
	VM_T0[$name]=$(date +%s.%N)
	scripts/run-vm --log "$WORK/$name.log" --timeout "$VM_TIMEOUT" \
		--qemu-arg -pidfile --qemu-arg "$WORK/$name.qemu.pid" "$@" >"$WORK/$name.out" 2>&1 &
	echo $! >"$WORK/$name.runvm.pid"
}

console() { tr -d '\r' <"$WORK/$1.log"; }

# vm_wait NAME ERE: 0 when the console matches, 1 when the VM stopped first, 2 on timeout.
vm_wait() {
	local name=$1 re=$2 pid
	pid=$(cat "$WORK/$name.runvm.pid")
	while :; do
		console "$name" | grep -Eq -- "$re" && return 0
		if ! kill -0 "$pid" 2>/dev/null; then
			console "$name" | grep -Eq -- "$re" && return 0
			return 1
		fi
		(($(date +%s) - ${VM_T0[$name]%.*} > VM_TIMEOUT)) && return 2
		sleep 1
	done
}

# vm_stop NAME: stop QEMU (SIGTERM = the host pulling the plug) and wait for run-vm.
vm_stop() {
	local name=$1
	[[ -f $WORK/$name.qemu.pid ]] && kill "$(cat "$WORK/$name.qemu.pid")" 2>/dev/null || true
	wait "$(cat "$WORK/$name.runvm.pid")" 2>/dev/null || true
	rm -f "$WORK/$name.qemu.pid"
}

# vm_ended NAME: wait for a VM that must stop by itself; returns run-vm's status.
vm_ended() {
	local rc=0
	wait "$(cat "$WORK/$1.runvm.pid")" || rc=$?
	rm -f "$WORK/$1.qemu.pid"
	return $rc
}

elapsed() { echo "$(date +%s.%N) ${VM_T0[$1]}" | awk '{ printf "%.1f", $1 - $2 }'; }

show() { echo "--- console of $1 (last ${2:-30} lines)"; console "$1" | tail -n "${2:-30}"; }

# console_evidence NAME OUT: the evidence document measure-agent printed on the console
# (fw_cfg opt/org.cvmforge/evidence-nonce, measure-agent/EVIDENCE.md), without the
# journal's "measure-agent[pid]: " prefix.
console_evidence() {
	# Other units (the boot report) write to the console at the same time: take the
	# agent's own line between the markers, not simply the next line.
	console "$1" | sed -n '/=== cvm-evidence begin ===/,/=== cvm-evidence end ===/p' |
		grep -m1 -E 'measure-agent\[[0-9]+\]: \{' | sed 's/^[^{]*//' >"$2" || true
	is_evidence "$2"
}

# is_evidence FILE: one version-1 JSON document (jq alone accepts an empty file).
is_evidence() { [[ -s $1 ]] && jq -e '.version == 1' "$1" >/dev/null 2>&1; }

# fetch_evidence PORT NONCE OUT: the evidence endpoint (evidence-service/) over TCP,
# as the walkthrough does it: send the nonce and a newline, read until EOF. Retried
# while the guest's network comes up (QEMU's user network accepts the host side of
# a connection before the guest has an address, then drops it).
fetch_evidence() {
	local port=$1 nonce=$2 out=$3 i fd
	for i in $(seq 60); do
		if exec {fd}<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
			printf '%s\n' "$nonce" >&$fd
			timeout 120 cat <&$fd >"$out" || true
			exec {fd}>&-
			is_evidence "$out" && return 0
		fi
		sleep 2
	done
	return 1
}

# verify NAME EVIDENCE NONCE WORKLOAD-DISK [REFERENCE]: cvm-reference verify, output in
# $WORK/NAME.verify; returns its exit status.
verify() {
	local rc=0
	"$REF" verify --reference "${5:-$WORK/ref.json}" --evidence "$2" --nonce "$3" --workload "$4" \
		>"$WORK/$1.verify" 2>&1 || rc=$?
	return $rc
}

# expect_lines NAME RESULT REGISTER...: each REGISTER's line in NAME.verify has RESULT.
expect_lines() {
	local name=$1 want=$2 reg
	shift 2
	for reg in "$@"; do
		awk -v r="$reg" -v w="$want" '$1 == r && $2 == w { found = 1 } END { exit !found }' "$WORK/$name.verify" ||
			{ cat "$WORK/$name.verify"; fail "$name: expected $reg $want"; }
	done
}

# failing NAME: the registers that failed, comma-separated (for the report line).
failing() { awk '$2 == "FAIL" && $1 != "verdict:" { printf "%s%s", s, $1; s = "," }' "$WORK/$1.verify"; }

# esp_with_uki DISK UKI: replace \EFI\BOOT\BOOTX64.EFI on DISK's ESP (in place).
esp_with_uki() {
	local start
	start=$(sfdisk -d "$1" | awk -v t="$ESP_TYPE" 'index($0, "type=" t) { sub(/.*start= */, ""); sub(/,.*/, ""); print; exit }')
	[[ -n $start ]] || fail "$1: no ESP"
	MTOOLS_SKIP_CHECK=1 mcopy -o -i "$1@@$((start * 512))" "$2" ::/EFI/BOOT/BOOTX64.EFI
}

# ukify_build OUT [--cmdline TEXT] [--osrel-extra LINE]: a UKI from the image's own
# kernel, initrd, command line, os-release and uname, rebuilt with the pinned tools
# tree's ukify and systemd stub (the ones the image build uses), with one input changed.
ukify_build() {
	local out=$1 cmdline osextra= d rel
	cmdline=$(tr -d '\0\n' <"$IMAGE_DIR/cvm.cmdline")
	shift
	while (($#)); do
		case $1 in
		--cmdline) cmdline=$2; shift ;;
		--osrel-extra) osextra=$2; shift ;;
		esac
		shift
	done
	[[ -x $TOOLS/usr/bin/ukify ]] || fail "ukify not in the tools tree $TOOLS (make tools-tree)"
	d=$(mktemp -d "$TOOLS/var/tmp/cvm-e2e-uki.XXXXXX")
	rel=/var/tmp/${d##*/}
	cp "$IMAGE_DIR/cvm.vmlinuz" "$IMAGE_DIR/cvm.initrd" "$d/"
	objcopy -O binary --only-section=.osrel "$IMAGE_DIR/cvm.efi" "$d/osrel"
	[[ -n $osextra ]] && printf '%s\n' "$osextra" >>"$d/osrel"
	printf '%s' "$cmdline" >"$d/cmdline"
	objcopy -O binary --only-section=.uname "$IMAGE_DIR/cvm.efi" "$d/uname"
	chroot "$TOOLS" ukify build --linux="$rel/cvm.vmlinuz" --initrd="$rel/cvm.initrd" \
		--cmdline="@$rel/cmdline" --os-release="@$rel/osrel" --uname="$(tr -d '\0\n' <"$d/uname")" \
		--output="$rel/out.efi" >"$WORK/ukify.log" 2>&1 || { cat "$WORK/ukify.log"; rm -rf "$d"; fail "ukify"; }
	cp "$d/out.efi" "$out"
	rm -rf "$d"
}
