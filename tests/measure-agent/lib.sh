# Shared helpers for the measure-agent tests (sourced). Everything lives in $WORK,
# removed on exit; swtpm instances started here are stopped by pid.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
B=${B:-$TOP/build}
AGENT=$B/bin/measure-agent
PACK=$B/bin/cvm-workload
WORK=$(mktemp -d /tmp/cvm-agent-test.XXXXXX)
SWTPM_PIDS=()
cleanup() {
	for p in "${SWTPM_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

need() {
	for t in "$@"; do command -v "$t" >/dev/null || { echo "$t not installed"; exit 77; }; done
}

[[ -x $AGENT && -x $PACK ]] || fail "build first: make $AGENT $PACK"

# start_swtpm DIR: a fresh TPM 2.0 (sha256 + sha384 banks active) on a free port;
# sets TCTI (for the agent) and TPM2TOOLS_TCTI (for tpm2-tools).
start_swtpm() {
	local dir=$1 port
	mkdir -p "$dir"
	swtpm_setup --tpm2 --tpmstate "$dir" --pcr-banks sha256,sha384 --createek \
		--overwrite >"$dir/setup.log" 2>&1 || { cat "$dir/setup.log"; fail "swtpm_setup"; }
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		port=$((20000 + RANDOM % 20000))
		swtpm socket --tpm2 --tpmstate dir="$dir" --server type=tcp,port=$port \
			--ctrl type=tcp,port=$((port + 1)) --flags not-need-init,startup-clear \
			>"$dir/swtpm.log" 2>&1 &
		local pid=$!
		sleep 0.3
		if kill -0 $pid 2>/dev/null; then
			SWTPM_PIDS+=("$pid")
			export CVM_TCTI="swtpm:host=127.0.0.1,port=$port"
			export TPM2TOOLS_TCTI="$CVM_TCTI"
			return 0
		fi
	done
	fail "swtpm did not start"
}

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

# identity FIELD FILE: one field of `cvm-workload identity`.
identity() { "$PACK" identity "$2" | awk -v f="$1" '$1 == f { print $2 }'; }

pcr() { # pcr BANK INDEX → lowercase hex
	tpm2_pcrread "$1:$2" | awk -v i="$2" '$1 == i && $2 == ":" { print tolower($3) }' | sed 's/^0x//'
}
