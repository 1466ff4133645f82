#!/usr/bin/env bash
# cvm-reference authenticode must equal Debian's `pesign -h` (sha256) on the real EFI
# binaries of the image — the UKI, its kernel (Debian-signed: certificate table
# excluded), systemd-stub and systemd-boot 257 from the tools tree — and on copies
# whose size is not a multiple of 8 (trailing data: edk2 hashes it unpadded, pesign
# too). A re-signed kernel must hash like the original.
set -euo pipefail
cd "$(dirname "$0")/../.."
ref=${CVM_REFERENCE:-build/bin/cvm-reference}
build=${BUILD_DIR:-build}
tools=${TOOLS_TREE:-/var/cache/cvmforge/tools}
command -v pesign >/dev/null || { echo "pesign missing (scripts/host-setup installs it)"; exit 1; }
[[ -x $ref && -f $build/cvm.efi && -f $build/cvm.vmlinuz ]] || { echo "need $ref and $build/cvm.{efi,vmlinuz} (make, make image)"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
files=("$build/cvm.efi" "$build/cvm.vmlinuz"
       "$tools/usr/lib/systemd/boot/efi/linuxx64.efi.stub"
       "$tools/usr/lib/systemd/boot/efi/systemd-bootx64.efi")
# Odd sizes: 1, 3 and 5 bytes of trailing data.
for n in 1 3 5; do
	cp "$build/cvm.vmlinuz" "$tmp/vmlinuz+$n"; head -c "$n" /dev/urandom >>"$tmp/vmlinuz+$n"
	cp "${files[2]}" "$tmp/stub+$n"; head -c "$n" /dev/urandom >>"$tmp/stub+$n"
	files+=("$tmp/vmlinuz+$n" "$tmp/stub+$n")
done

fail=0 checked=0
for f in "${files[@]}"; do
	[[ -f $f ]] || { echo "FAIL missing $f"; fail=1; continue; }
	ours=$("$ref" authenticode "$f")
	theirs=$(pesign -h -i "$f" -d sha256 | awk '{print $NF}')
	size=$(stat -c %s "$f")
	if [[ $ours == "$theirs" ]]; then
		echo "ok   $ours  size $size (mod 8 = $((size % 8)))  $f"
	else
		echo "FAIL ours $ours pesign $theirs  $f"; fail=1
	fi
	checked=$((checked + 1))
done

# Trailing data really is hashed: the +1 and +3 copies differ from the original.
[[ $("$ref" authenticode "$tmp/vmlinuz+1") != "$("$ref" authenticode "$build/cvm.vmlinuz")" ]] ||
	{ echo "FAIL trailing byte did not change the digest"; fail=1; }

# Re-signing (osslsigncode replaces the certificate table) keeps the digest.
if command -v osslsigncode >/dev/null; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/k.pem" -out "$tmp/c.pem" -subj /CN=test -days 1 2>/dev/null
	osslsigncode sign -certs "$tmp/c.pem" -key "$tmp/k.pem" -in "$build/cvm.vmlinuz" -out "$tmp/resigned.efi" >/dev/null
	a=$("$ref" authenticode "$tmp/resigned.efi") b=$("$ref" authenticode "$build/cvm.vmlinuz")
	[[ $a == "$b" ]] && echo "ok   re-signed kernel hashes like the original" ||
		{ echo "FAIL re-signed kernel $a != $b"; fail=1; }
else
	echo "note: osslsigncode not installed, re-signing check not run"
fi

# Malformed input is refused with exit 3 and one line naming the file.
head -c 1000 "$build/cvm.vmlinuz" >"$tmp/truncated.efi"
set +e
"$ref" authenticode "$tmp/truncated.efi" 2>"$tmp/err"; rc=$?
set -e
[[ $rc == 3 ]] && grep -q truncated.efi "$tmp/err" && echo "ok   truncated PE refused: $(cat "$tmp/err")" ||
	{ echo "FAIL truncated PE: exit $rc"; fail=1; }
echo "$checked files compared with pesign"
exit $fail
