#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every source, build, script and configuration file of the project carries an SPDX
# licence line in its first five lines (LICENSE: Apache-2.0). Exempt: documents
# (Markdown), data (JSON, fuzz corpora, golden files, tests/data) and third-party test
# data. --list prints the files the rule covers.
. "$(dirname "$0")/../lib.sh"

covered() {
	local f
	git ls-files | while read -r f; do
		case $f in
		*.md | LICENSE | *.json | *.txt | */corpus/* | */testdata/* | tests/data/* | */golden/*) continue ;;
		esac
		[[ -f $f && ! -L $f ]] || continue
		grep -Iq . "$f" || continue # binary
		printf '%s\n' "$f"
	done
}

if [[ ${1:-} == --list ]]; then covered; exit 0; fi
n=0
while read -r f; do
	n=$((n + 1))
	head -n5 "$f" | grep -q 'SPDX-License-Identifier: Apache-2.0' ||
		bad "$f: no SPDX-License-Identifier line"
done < <(covered)
pass "spdx: $n files checked"
