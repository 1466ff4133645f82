#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cvm-reference authenticode must equal Debian's `pesign -h` (sha256) on the real EFI
# binaries of the image — the UKI, its kernel (Debian-signed: certificate table
# excluded), systemd-stub and systemd-boot 257 from the tools tree — and on copies
# whose size is not a multiple of 8 (trailing data: edk2 hashes it unpadded, pesign
# too). A re-signed kernel must hash like the original.
. "$(dirname "$0")/../lib.sh"
need pesign
need_built bin/cvm-reference cvm.efi cvm.vmlinuz

files=("$B/cvm.efi" "$B/cvm.vmlinuz"
       "$TOOLS/usr/lib/systemd/boot/efi/linuxx64.efi.stub"
       "$TOOLS/usr/lib/systemd/boot/efi/systemd-bootx64.efi")
# Odd sizes: 1, 3 and 5 bytes of trailing data.
for n in 1 3 5; do
	cp "$B/cvm.vmlinuz" "$WORK/vmlinuz+$n"; head -c "$n" /dev/urandom >>"$WORK/vmlinuz+$n"
	cp "${files[2]}" "$WORK/stub+$n"; head -c "$n" /dev/urandom >>"$WORK/stub+$n"
	files+=("$WORK/vmlinuz+$n" "$WORK/stub+$n")
done

checked=0
for f in "${files[@]}"; do
	[[ -f $f ]] || { bad "missing $f"; continue; }
	ours=$("$REF" authenticode "$f")
	size=$(stat -c %s "$f")
	expect_eq "$ours = pesign's, size $size (mod 8 = $((size % 8))), $f" \
		"$ours" "$(pesign -h -i "$f" -d sha256 | awk '{print $NF}')"
	checked=$((checked + 1))
done

# Trailing data really is hashed: the +1 copy differs from the original.
[[ $("$REF" authenticode "$WORK/vmlinuz+1") != "$("$REF" authenticode "$B/cvm.vmlinuz")" ]] ||
	bad "trailing byte did not change the digest"

# Re-signing (osslsigncode replaces the certificate table) keeps the digest.
if command -v osslsigncode >/dev/null; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/k.pem" -out "$WORK/c.pem" -subj /CN=test -days 1 2>/dev/null
	osslsigncode sign -certs "$WORK/c.pem" -key "$WORK/k.pem" -in "$B/cvm.vmlinuz" -out "$WORK/resigned.efi" >/dev/null
	expect_eq "re-signed kernel hashes like the original" \
		"$("$REF" authenticode "$WORK/resigned.efi")" "$("$REF" authenticode "$B/cvm.vmlinuz")"
else
	echo "note: osslsigncode not installed, re-signing check not run"
fi

# Malformed input is refused with exit 3 and one line naming the file.
head -c 1000 "$B/cvm.vmlinuz" >"$WORK/truncated.efi"
expect_exit 3 "truncated PE refused" "$REF" authenticode "$WORK/truncated.efi"
expect_output truncated.efi
echo "$checked files compared with pesign"
