#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# lib/'s layering rule (lib/README.md): a module includes lib headers only by their layer
# path and only from its own layer or a lower one; the libc-only layers include no
# library headers beyond libc and the kernel's UAPI.
. "$(dirname "$0")/../lib.sh"

layers=$(sed -n 's/^LIB_LAYERS *:= *//p' Makefile)
libc_layers=$(sed -n 's/^LIBC_LAYERS *:= *//p' Makefile)
rank() { local i=0 l; for l in $layers; do [[ $l == "$1" ]] && { echo $i; return; }; i=$((i + 1)); done; echo -1; }

checked=0
for f in lib/*/*.[ch]; do
	own=${f#lib/}; own=${own%%/*}
	own_rank=$(rank "$own")
	if ((own_rank < 0)); then bad "$f: folder lib/$own is not in LIB_LAYERS"; continue; fi
	while IFS= read -r inc; do
		checked=$((checked + 1))
		case $inc in
		*/*) l=${inc%%/*}; r=$(rank "$l")
		     if ((r < 0)); then bad "$f: includes \"$inc\", not a lib layer"
		     elif ((r > own_rank)); then bad "$f: layer $own includes \"$inc\" from the higher layer $l"; fi ;;
		*)   if compgen -G "lib/*/$inc" >/dev/null; then bad "$f: includes \"$inc\" without its layer path"
		     else bad "$f: includes \"$inc\", which is not in lib/"; fi ;;
		esac
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
	for l in $libc_layers; do
		[[ $own == "$l" ]] || continue
		if grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<(openssl|tss2|curl|microhttpd)/' "$f"; then
			bad "$f: layer $own is libc-only"
		fi
	done
done
# Outside lib/, lib headers are named by layer too (a bare name would mean a second copy).
while IFS=: read -r f inc; do
	base=$(basename "$inc")
	if compgen -G "lib/*/$base" >/dev/null && [[ ! -f $(dirname "$f")/$inc ]]; then
		bad "$f: includes \"$inc\" without its lib layer path"
	fi
done < <(git ls-files '*.c' '*.h' | grep -v '^lib/' | xargs grep -H -o '#include "[^"/]*"' | sed 's/#include "\(.*\)"/\1/')
echo "layers: $layers (libc-only: $libc_layers); $checked includes checked"
