#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cvm-reference snp / tdx-mrtd end to end: the published SEV-SNP vectors through the
# command line (virtee/sev-snp-measure tests/test_guest.py; virtee/sev @ 27b4e174
# tests/measurement.rs — see tests/unit/test-snp-digest.c), the snp:ovmf-hash split,
# Debian's AmdSev/IntelTdx firmware, and the documented exit codes for bad input.
. "$(dirname "$0")/../lib.sh"
need_built bin/cvm-reference
fx=$TESTDATA/ovmf_AmdSev_suffix.bin
amd=$FIRMWARE/OVMF.amdsev.fd
tdx=$FIRMWARE/OVMF.inteltdx.ms.fd
for f in "$fx" "$amd" "$tdx"; do
	[[ -e $f ]] || fail "missing $f"
done

# expect NAME WANT_RC WANT_STDOUT ARGS…: cvm-reference ARGS exits WANT_RC and prints
# exactly WANT_STDOUT (nothing on errors, but a message on stderr).
expect() {
	local name=$1 want_rc=$2 want_out=$3
	shift 3
	run "$REF" "$@"
	if [[ $RC != "$want_rc" || $(cat "$WORK/out") != "$want_out" ]]; then
		bad "$name: exit $RC, output '$(cat "$WORK/out")' (want exit $want_rc, '$want_out')"
		show_output
	elif [[ $want_rc != 0 && ! -s $WORK/err ]]; then
		bad "$name: exit $RC without a message"
	else
		pass "$name"
	fi
}

ohash=086e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa16aff8c374c2a55c467a50da6d466b74
cl="console=ttyS0 loglevel=7"
expect "ovmf hash of the fixture" 0 $ohash snp --ovmf "$fx" --print-ovmf-hash
expect "test_snp_default" 0 \
	803f691094946e42068aaa3a8f9e26a5c89f36f7b73ecfb28c653360fe4b3aba7e534442e7e1e17895dfe778d0228977 \
	snp --ovmf "$fx" --kernel /dev/null --initrd /dev/null --cmdline "$cl" --vcpus 1 --vcpu-type EPYC-v4 --guest-features 0x21
expect "test_snp_guest_feature_snp_only (default features)" 0 \
	6d287813eb5222d770f75005c664e34c204f385ce832cc2ce7d0d6f354454362f390ef83a92046c042e706363b4b08fa \
	snp --ovmf "$fx" --kernel /dev/null --initrd /dev/null --append "$cl" --vcpus 1 --vcpu-type EPYC-v4
expect "test_snp_ovmf_hash_gen_default (from hash)" 0 \
	329c8ce0972ae52343b64d34a434a86f245dfd74f5ed7aae15d22efc78fb9683632b9b50e4e1d7fa41179ef98a7ef198 \
	snp --ovmf-hash $ohash --ovmf-metadata "$fx" --kernel /dev/null --vcpus 1 --vcpu-type EPYC-v4 --guest-features 21
expect "test_snp_without_kernel_feature_snp_only" 0 \
	19358ba9a7615534a9a1e2f0dfc29384dcd4dcb7062ff9c6013b26869a5fc6ecabe033c48dd6f6db5d6d76e7c5df632d \
	snp --ovmf "$fx" --vcpus 1 --vcpu-type EPYC-v4 --guest-features 0x1
expect "test_snp_with_multiple_vcpus_default" 0 \
	4953b1fb416fa874980e8442b3706d345926d5f38879134e00813c5d7abcbe78eafe7b422907be0b4698e2414a631942 \
	snp --ovmf "$fx" --kernel /dev/null --vcpus 4 --vcpu-type EPYC-v4 --guest-features 0x21

# --cmdline-file: what `-append "$(cat FILE)"` passes (NUL and trailing newline dropped).
printf '%s\n' "$cl" >"$WORK/cl-nl"; printf '%s\0' "$cl" >"$WORK/cl-nul"; printf 'a\0b' >"$WORK/cl-bad"
for f in cl-nl cl-nul; do
	expect "cmdline file $f" 0 \
		6d287813eb5222d770f75005c664e34c204f385ce832cc2ce7d0d6f354454362f390ef83a92046c042e706363b4b08fa \
		snp --ovmf "$fx" --kernel /dev/null --cmdline-file "$WORK/$f" --vcpus 1 --vcpu-type EPYC-v4
done
expect "cmdline file with data after NUL" 3 "" \
	snp --ovmf "$fx" --kernel /dev/null --cmdline-file "$WORK/cl-bad" --vcpus 1 --vcpu-type EPYC-v4
expect "cmdline and cmdline file" 2 "" \
	snp --ovmf "$fx" --kernel /dev/null --cmdline x --cmdline-file "$WORK/cl-nl" --vcpus 1 --vcpu-type EPYC-v4

# A file kernel/initrd is hashed like QEMU does (regression, see test-snp-digest.c).
printf 'kernel-bytes' >"$WORK/k"; printf 'initrd-bytes' >"$WORK/i"
expect "Debian AmdSev, direct boot, 4 x EPYC-Milan" 0 \
	2f2a609964518abf42f806410ba35839b86a5d8c67eabb00089c3655d56d34853ba20e80962c358277f78f685b634a8f \
	snp --ovmf "$amd" --kernel "$WORK/k" --initrd "$WORK/i" --cmdline "console=ttyS0 root=/dev/vda" --vcpus 4 --vcpu-type EPYC-Milan
expect "Debian AmdSev, disk boot, 2 x EPYC-Genoa" 0 \
	237d08f6443ab3f7310ffd20b6cc30ec3c0356324a052ca682c16c8c8dcc223865c5c1b7eabb26b63f315e28c5cc6614 \
	snp --ovmf "$amd" --vcpus 2 --vcpu-type EPYC-Genoa
expect "Debian IntelTdx MRTD per-page" 0 \
	a7a1f751abc454f9cbab198ca8d2edb2821935df525c74182b5e776cb0929e8c59aefecce725b0d08a5e9d3d3183bd08 \
	tdx-mrtd --ovmf "$tdx"
expect "Debian IntelTdx MRTD two-pass" 0 \
	b90b236113eb4c0d4df4ef590568c14e6028a3a31d7e8ac63dee9845df5008d3ebf82d4f5974e933798f65d7a279b9a9 \
	tdx-mrtd --ovmf "$tdx" --page-order two-pass

# Refusals: 2 usage, 3 bad input.
expect "no kernel-hashes section" 3 "" snp --ovmf "$tdx" --kernel /dev/null --vcpus 1 --vcpu-type EPYC
expect "no SEV metadata" 3 "" snp --ovmf "$OVMF_CODE" --vcpus 1 --vcpu-type EPYC
expect "no TDVF metadata" 3 "" tdx-mrtd --ovmf "$OVMF_CODE"
expect "TDVF BFV outside a 4 KiB suffix" 3 "" tdx-mrtd --ovmf "$fx"
expect "missing firmware" 3 "" snp --ovmf "$WORK/nope" --vcpus 1 --vcpu-type EPYC
head -c 4095 "$fx" >"$WORK/short"
expect "size not a page multiple" 3 "" snp --ovmf "$WORK/short" --vcpus 1 --vcpu-type EPYC
expect "vcpus 0" 2 "" snp --ovmf "$fx" --vcpus 0 --vcpu-type EPYC
expect "vcpus not a number" 2 "" snp --ovmf "$fx" --vcpus 2x --vcpu-type EPYC
expect "vcpus too many" 2 "" snp --ovmf "$fx" --vcpus 4097 --vcpu-type EPYC
expect "unknown CPU model" 2 "" snp --ovmf "$fx" --vcpus 1 --vcpu-type EPYC-Zen9
expect "bad guest features" 2 "" snp --ovmf "$fx" --vcpus 1 --vcpu-type EPYC --guest-features 0xZZ
expect "guest features > 64 bits" 2 "" snp --ovmf "$fx" --vcpus 1 --vcpu-type EPYC --guest-features 0x10000000000000000
expect "cmdline without kernel" 2 "" snp --ovmf "$fx" --vcpus 1 --vcpu-type EPYC --cmdline x
expect "ovmf and ovmf-hash" 2 "" snp --ovmf "$fx" --ovmf-hash $ohash --ovmf-metadata "$fx" --vcpus 1 --vcpu-type EPYC
expect "ovmf-hash without metadata" 2 "" snp --ovmf-hash $ohash --vcpus 1 --vcpu-type EPYC
expect "short ovmf-hash" 2 "" snp --ovmf-hash 086e --ovmf-metadata "$fx" --vcpus 1 --vcpu-type EPYC
expect "bad page order" 2 "" tdx-mrtd --ovmf "$tdx" --page-order single

