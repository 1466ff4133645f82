#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The repository stands alone: every file of this repository that a comment or document
# cites exists, Markdown links resolve, and nothing points at a path only one machine has
# (a checkout's parent folder, a home or work directory). Upstream sources are cited by
# project and path ("systemd src/boot/efi/stub.c", "Linux lib/cmdline.c"): a path whose
# folder this tree does not have, or that follows a project name on its line or the line
# before, is not checked against this tree.
. "$(dirname "$0")/../lib.sh"

# Text files only: fixtures under tests/data and the fuzz corpora are data, not citations;
# this script names the patterns it looks for.
mapfile -t files < <(git ls-files | grep -vE '^(tests/data|tests/fuzz/corpus|kernel-config/testdata)/' |
	grep -vxF tests/tree/standalone.sh |
	grep -vE '\.(bin|raw|der|pem|dat|attest|sig|pb|tpmt)$')
tops=$(git ls-files | sed -n 's|^\([^./][^/]*\)/.*|\1|p' | sort -u | paste -sd'|')
upstream='systemd|uapi|UAPI|Linux|kernel|edk2|cryptsetup|mkosi|erofs-utils|dosfstools|QEMU|qemu|trustee|virtee|sev-snp-measure|dstack|go-sev-guest|go-tdx-guest|DCAP|Intel|AMD'

checked=0

# 1. Paths a fresh clone on another machine would not have.
while IFS= read -r hit; do
	bad "$hit: machine-specific path"
done < <(grep -nHE '(^|[^A-Za-z0-9_.-])(/work/|/home/[a-z]|\.\./shared\b|/tmp/b[0-9-])' "${files[@]}" || true)

# 2. Documents that never were in this repository.
while IFS= read -r hit; do
	bad "$hit: cites a document outside the repository"
done < <(grep -nHwE 'DESIGN\.md|STYLE\.md|notes/[a-z-]+\.md' "${files[@]}" || true)

# resolves FILE TOKEN: TOKEN names a file or a module (X.c/X.h) relative to the repository
# root or to FILE's folder.
resolves() {
	local dir p
	dir=$(dirname "$1")
	for p in "$2" "$dir/$2"; do
		[[ -e $p || -e $p.c || -e $p.h ]] && return 0
	done
	return 1
}

# 3. Repository paths with a file name (tests/unit/test-gpt.c, docs/algorithms.md,
#    lib/disk/gpt) and bare document names (FORMAT.md) must resolve.
while IFS=: read -r f n tok; do
	case $tok in *'{'* | *'*'* | *'<'* | *NAME* | */[A-Z].* | */[A-Z]) continue ;; esac
	checked=$((checked + 1))
	resolves "$f" "$tok" && continue
	[[ $tok == */* && ! -d $(dirname "$tok") ]] && continue
	sed -n "$((n > 1 ? n - 1 : 1)),${n}p" "$f" | grep -qE "($upstream)" && continue
	bad "$f:$n: cites $tok, which is not in the repository"
done < <(grep -noE "(^|[^A-Za-z0-9_./-])(($tops)/[A-Za-z0-9_./-]*[A-Za-z0-9_]|[A-Za-z0-9_-]+\.md)([^A-Za-z0-9_]|$)" "${files[@]}" |
	sed -E 's/^([^:]*:[0-9]+:)[^A-Za-z0-9_]?/\1/; s/[^A-Za-z0-9_]$//' |
	awk -F: '$3 ~ /\.[a-z]+$/ || $3 ~ /^lib\/[a-z]+\/[a-z_]+$/')

# 4. Relative Markdown links.
while IFS=: read -r f n link; do
	link=${link%%#*}
	[[ -z $link || $link == http* || $link == mailto:* ]] && continue
	checked=$((checked + 1))
	[[ -e $(dirname "$f")/$link ]] || bad "$f:$n: link to $link does not resolve"
done < <(git ls-files '*.md' | grep -v '^tests/data/' | xargs grep -noE '\]\([^) ]+\)' |
	sed -E 's/\]\(([^)]*)\)$/\1/')

echo "standalone: $checked citations checked in ${#files[@]} files"
