#!/usr/bin/env bash
# Reproducibility: a second build from scratch, in another directory, must give the
# same bytes for every artifact of the build under test (build/).
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${B:-build}
[[ -f $B/SHA256SUMS ]] || { echo "no $B/SHA256SUMS: run make image first"; exit 1; }
# Rebuild the very commit the build under test was made from.
src=$(cat "$B/mkosi.out/cvm.source" 2>/dev/null)
[[ $src =~ ^[0-9a-f]{40}$ ]] ||
	{ echo "$B was built from '$src', not from a commit: rebuild it with make image"; exit 1; }
REPRO_REUSE_A=1 IMAGE_SRC=$src B=$B image/repro-check "$B" "$B/repro/b"
