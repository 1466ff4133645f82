#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make bench: cvmforge (cvm-init initrd) against the baseline (the same image with
# mkosi's systemd initrd, `make image INITRD=mkosi`), measured in one run, side by side:
#   build    cold (fresh output directory, warm package cache) and warm (again, unchanged)
#   sizes    root (erofs), verity, UKI, initrd, disk (apparent and allocated), packages
#   boot     QEMU start → workload start (the example workload's marker), split into
#            firmware (host clock: QEMU start → OVMF starts the UKI), loader (stub +
#            kernel decompression), kernel → agent start (guest clock), split into
#            kernel + initrd (to switch_root) and systemd where the initrd reports its
#            switch (cvm-init does, mkosi's initrd is silent at loglevel 4), and agent
#            (measure, bind, verity-mount, exec); console logs kept in $BENCH_DIR
#   reference  time of `cvm-reference image` (full document: vTPM, SNP, TDX) and of
#            `cvm-reference verify` on the boot's evidence
# Prints a table with the ratio cvmforge/baseline per row (the machines are noisy;
# ratios travel better than seconds) and writes it as JSON to $BENCH_DIR/bench.json.
#
#   B            build directory of the programs (build)
#   BENCH_DIR    where the two images are built ($B/bench: ours/, baseline/)
#   BENCH_BUILD  1: build both images (4 image builds, ~10 min on 2 cores); 0: reuse
#                what is in $BENCH_DIR (with the build times recorded when they were
#                built); ours or baseline: rebuild only that one
#   BENCH_BOOTS  boots per image (1); the median is reported
#   VM_TIMEOUT   seconds per boot (900)
set -euo pipefail
cd "$(dirname "$0")/.."
B=${B:-build}
BENCH_DIR=${BENCH_DIR:-$B/bench}
BENCH_BUILD=${BENCH_BUILD:-1}
BENCH_BOOTS=${BENCH_BOOTS:-1}
VM_TIMEOUT=${VM_TIMEOUT:-900}
REF=$B/bin/cvm-reference
PACK=$B/bin/cvm-workload
FW=/var/lib/cvmforge/firmware/root/usr/share/ovmf
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
mkdir -p "$BENCH_DIR"
WORK=$(mktemp -d /tmp/cvm-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
for t in qemu-system-x86_64 swtpm jq python3; do command -v $t >/dev/null || { echo "bench: $t missing" >&2; exit 1; }; done
make -s B="$B" "$REF" "$PACK" "$B/examples/echo-server/app/bin/echo-server" >/dev/null

# One image build at a time on this machine: wait for any other to finish.
wait_for_builds() {
	local i
	for i in $(seq 180); do pgrep -f build-image >/dev/null || return 0; sleep 5; done
	echo "bench: another image build is still running after 15 min" >&2; exit 1
}

# build VARIANT INITRD: cold and warm build times in $WORK/VARIANT.build
build() {
	local v=$1 initrd=$2 dir=$BENCH_DIR/$1 t0 cold warm
	wait_for_builds
	rm -rf "$dir"
	t0=$(date +%s.%N)
	nice -n 10 make -s image B="$dir" INITRD="$initrd" >"$WORK/$v.cold.log" 2>&1 || { tail -20 "$WORK/$v.cold.log"; exit 1; }
	cold=$(echo "$(date +%s.%N) $t0" | awk '{ printf "%.1f", $1 - $2 }')
	wait_for_builds
	t0=$(date +%s.%N)
	nice -n 10 make -s image B="$dir" INITRD="$initrd" >"$WORK/$v.warm.log" 2>&1 || { tail -20 "$WORK/$v.warm.log"; exit 1; }
	warm=$(echo "$(date +%s.%N) $t0" | awk '{ printf "%.1f", $1 - $2 }')
	echo "$cold $warm" >"$BENCH_DIR/$v.build-times"
	echo "bench: $v built: cold $cold s, warm $warm s" >&2
}

case $BENCH_BUILD in
1) build ours cvm-init; build baseline mkosi ;;
ours) build ours cvm-init ;;
baseline) build baseline mkosi ;;
0) ;;
*) echo "bench: BENCH_BUILD must be 1, 0, ours or baseline" >&2; exit 2 ;;
esac
for v in ours baseline; do
	[[ -f $BENCH_DIR/$v/cvm.raw ]] || { echo "bench: $BENCH_DIR/$v/cvm.raw missing (BENCH_BUILD=1)" >&2; exit 1; }
done
# A baseline that is cvm-init again would make every ratio 1.0 and mean nothing.
if grep -aq 'cvm-init: ' "$BENCH_DIR/baseline/cvm.initrd"; then
	echo "bench: $BENCH_DIR/baseline/cvm.initrd is cvm-init, not mkosi's initrd (INITRD=mkosi not honoured)" >&2
	exit 1
fi

# The example workload, packed once; both images boot the same disk.
mkdir -p "$WORK/payload/app/bin"
cp "$B/examples/echo-server/app/bin/echo-server" "$WORK/payload/app/bin/"
"$PACK" pack "$WORK/payload" -o "$WORK/echo.img" --name echo-server --exec /app/bin/echo-server \
	--arg --port --arg 7001 --user 1000:1000 >/dev/null

# boot VARIANT N: one boot, console timestamps by the host as lines appear (QEMU start
# = 0), the guest's own kernel timestamps from the journal's "[  t]" prefix; JSON out.
boot() {
	local v=$1 n=$2 nonce
	nonce=$(openssl rand -hex 32)
	printf '%s\n' "$nonce" >"$WORK/nonce"
	python3 - "$BENCH_DIR/$v" "$WORK/echo.img" "$WORK/nonce" "$WORK/$v.$n" "$VM_TIMEOUT" <<'PY'
import json, os, re, signal, subprocess, sys, time
img, disk, nonce, out, timeout = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
log, pidf = out + ".log", out + ".qemu.pid"
open(log, "w").close()
t0 = time.monotonic()
p = subprocess.Popen(["scripts/run-vm", "--image", img + "/cvm.raw", "--disk", disk, "--log", log,
                      "--fw-cfg", "opt/org.cvmforge/evidence-nonce=" + nonce, "--timeout", str(int(timeout)),
                      "--qemu-arg", "-pidfile", "--qemu-arg", pidf],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
seen, pos, buf = [], 0, b""
marker = b"cvm-example: echo-server ready"
while True:
    with open(log, "rb") as f:
        f.seek(pos); chunk = f.read(); pos += len(chunk)
    now = time.monotonic() - t0
    buf += chunk
    *lines, buf = buf.split(b"\n")
    for l in lines:
        seen.append((now, l.replace(b"\r", b"").decode("utf-8", "replace")))
    if any(marker.decode() in l for _, l in seen) or p.poll() is not None or now > timeout:
        break
    time.sleep(0.02)
try:
    os.kill(int(open(pidf).read()), signal.SIGTERM)
except Exception:
    pass
p.wait()
open(out + ".txt", "w").write("\n".join("%.3f %s" % s for s in seen) + "\n")
open(os.path.join(img, "..", os.path.basename(out) + ".console.txt"), "w").write(open(out + ".txt").read())

def host(pat):
    for t, l in seen:
        if re.search(pat, l): return t
def guest(pat):
    for t, l in seen:
        if re.search(pat, l):
            m = re.search(r"\[\s*(\d+\.\d+)\]", l)
            return float(m.group(1)) if m else None
def num(pat):
    for t, l in seen:
        m = re.search(pat, l)
        if m: return float(m.group(1))

r = {}
total = host(re.escape(marker.decode()))
wl_guest = guest(re.escape(marker.decode()))
fw = host(r"BdsDxe: starting")
# Root systemd's first console line (it has no kernel modules, so it warns about
# autofs4 in both variants); cvm-init states the switch_root time itself.
switch = num(r"cvm-init: .*switching root at (\d+\.\d+) s") or guest(r"systemd\[1\]: .*autofs4")
initrd_start = num(r"cvm-init: .*started at (\d+\.\d+) s")
agent_ms = num(r"measure-agent: starting .*, (\d+) ms after agent start")
agent_start = guest(r"measure-agent: starting .* ms after agent start")
if agent_start is not None and agent_ms is not None: agent_start -= agent_ms / 1000
if None in (total, wl_guest, fw, agent_start):
    r["error"] = "markers missing (console in %s.console.txt)" % os.path.basename(out)
else:
    kstart = total - wl_guest             # host time of the guest's clock zero
    r["firmware_s"] = round(fw, 2)
    r["loader_s"] = round(kstart - fw, 2)
    # mkosi's systemd initrd prints nothing at loglevel 4 and show_status=error, so
    # its switch_root is not visible: kernel + initrd + systemd is the common figure.
    r["kernel_to_agent_s"] = round(agent_start, 2)
    if switch is not None:
        r["kernel_initrd_s"] = round(switch, 2)
        r["systemd_s"] = round(agent_start - switch, 2)
    if initrd_start is not None and switch is not None:
        r["kernel_s"] = round(initrd_start, 2)
        r["initrd_s"] = round(switch - initrd_start, 2)
    r["agent_s"] = round(wl_guest - agent_start, 2)
    r["total_s"] = round(total, 2)
json.dump(r, open(out + ".json", "w"))
PY
	# The evidence this boot printed, verified against the image's reference document.
	sed -n '/=== cvm-evidence begin ===/,/=== cvm-evidence end ===/p' "$WORK/$v.$n.txt" |
		grep -m1 -E 'measure-agent\[[0-9]+\]: \{' | sed 's/^[^{]*//' >"$WORK/$v.ev.json" || true
}

for v in ours baseline; do
	for n in $(seq "$BENCH_BOOTS"); do
		echo "bench: booting $v ($n/$BENCH_BOOTS)" >&2
		boot "$v" "$n"
	done
done

# Reference document (everything make image computes) and verification of the evidence.
reftime() { # VARIANT → seconds for cvm-reference image, then verify
	local v=$1 t0 a b=null
	t0=$(date +%s.%N)
	"$REF" image "$BENCH_DIR/$v" --ovmf "$OVMF_CODE" --ovmf-snp "$FW/OVMF.amdsev.fd" --ovmf-tdx "$FW/OVMF.inteltdx.ms.fd" \
		--vcpus 1,2,4,8,16,32,64 --cpu-types EPYC-v4,EPYC-Milan,EPYC-Genoa,EPYC \
		--pcr11-phases "$([[ $v == ours ]] && echo sysinit:ready || echo enter-initrd:leave-initrd:sysinit:ready)" \
		-o "$WORK/$v.ref.json" >/dev/null
	a=$(echo "$(date +%s.%N) $t0" | awk '{ printf "%.3f", $1 - $2 }')
	if [[ -s $WORK/$v.ev.json ]]; then
		t0=$(date +%s.%N)
		"$REF" verify --platform vtpm --unsigned-reference --reference "$WORK/$v.ref.json" --evidence "$WORK/$v.ev.json" \
			--nonce "$(jq -r .nonce "$WORK/$v.ev.json")" --workload "$WORK/echo.img" >"$WORK/$v.verify" 2>&1 &&
			b=$(echo "$(date +%s.%N) $t0" | awk '{ printf "%.3f", $1 - $2 }') ||
			echo "bench: $v: evidence did not verify: $(tail -1 "$WORK/$v.verify")" >&2
	fi
	echo "$a $b"
}

python3 - "$BENCH_DIR" "$WORK" "$BENCH_BOOTS" "$(reftime ours)" "$(reftime baseline)" <<'PY'
import json, os, statistics, subprocess, sys
bd, work, boots = sys.argv[1], sys.argv[2], int(sys.argv[3])
reft = {"ours": sys.argv[4].split(), "baseline": sys.argv[5].split()}

def size(p):
    return os.path.getsize(p) if os.path.exists(p) else None
def alloc(p):
    return os.stat(p).st_blocks * 512 if os.path.exists(p) else None
def lines(p):
    return sum(1 for _ in open(p)) if os.path.exists(p) else None
def num(s):
    return None if s in (None, "null") else float(s)

res = {}
for v in ("ours", "baseline"):
    d = os.path.join(bd, v); m = os.path.join(d, "mkosi.out")
    r = {}
    b = os.path.join(bd, v + ".build-times")
    cold, warm = (open(b).read().split() if os.path.exists(b) else (None, None))
    r["build_cold_s"], r["build_warm_s"] = num(cold), num(warm)
    r["root_bytes"] = size(os.path.join(m, "cvm.root-x86-64.raw"))
    r["verity_bytes"] = size(os.path.join(m, "cvm.root-x86-64-verity.raw"))
    r["uki_bytes"] = size(os.path.join(d, "cvm.efi"))
    r["initrd_bytes"] = size(os.path.join(d, "cvm.initrd"))
    r["disk_bytes"] = size(os.path.join(d, "cvm.raw"))
    r["disk_allocated_bytes"] = alloc(os.path.join(d, "cvm.raw"))
    r["packages"] = lines(os.path.join(d, "cvm.packages"))
    runs = [json.load(open(os.path.join(work, "%s.%d.json" % (v, n)))) for n in range(1, boots + 1)]
    for k in ("firmware_s", "loader_s", "kernel_s", "initrd_s", "kernel_initrd_s", "systemd_s", "kernel_to_agent_s",
              "agent_s", "total_s"):
        vals = [x[k] for x in runs if k in x]
        r["boot_" + k] = round(statistics.median(vals), 2) if vals else None
    errs = [x["error"] for x in runs if "error" in x]
    if errs: r["boot_error"] = errs[0]
    r["reference_image_s"], r["reference_verify_s"] = num(reft[v][0]), num(reft[v][1])
    res[v] = r

ratio = {}
for k, a in res["ours"].items():
    b = res["baseline"].get(k)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b:
        ratio[k] = round(a / b, 3)
probe = [p for p in os.listdir("/tmp") if p.startswith("cvmforge-kvm-probe.")]
accel = os.environ.get("CVMFORGE_ACCEL") or (open("/tmp/" + probe[0]).read().strip() if probe else "unknown")
host = {"cpus": os.cpu_count(), "loadavg": os.getloadavg()[0], "accel": accel}
doc = {"version": 1, "boots_per_image": boots, "host": host, "ours": res["ours"], "baseline": res["baseline"],
       "ratio_ours_to_baseline": ratio}
json.dump(doc, open(os.path.join(bd, "bench.json"), "w"), indent=2)

def fmt(k, x):
    if x is None: return "-"
    if k.endswith("_bytes"): return "%.1f MiB" % (x / 1048576)
    if k.endswith("_s"): return "%.2f s" % x
    return str(x)
print("%-26s %14s %14s %8s" % ("metric", "cvmforge", "baseline", "ratio"))
for k in res["ours"]:
    if k == "boot_error": continue
    print("%-26s %14s %14s %8s" % (k, fmt(k, res["ours"][k]), fmt(k, res["baseline"].get(k)),
                                   ("%.2f" % ratio[k]) if k in ratio else "-"))
for v in ("ours", "baseline"):
    if "boot_error" in res[v]: print("note: %s boot: %s" % (v, res[v]["boot_error"]))
print("host: %d CPUs, load %.1f, accel %s; JSON: %s" % (host["cpus"], host["loadavg"], host["accel"],
                                                       os.path.join(bd, "bench.json")))
PY
