#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Reproducibility: a second build from scratch, in another directory, must give the
# same bytes for every artifact of the build under test (build/).
. "$(dirname "$0")/../lib.sh"
need_built SHA256SUMS
# Rebuild the very commit the build under test was made from.
src=$(cat "$B/mkosi.out/cvm.source" 2>/dev/null || true)
[[ $src =~ ^[0-9a-f]{40}$ ]] || fail "$B was built from '$src', not from a commit: rebuild it with make image"
REPRO_REUSE_A=1 IMAGE_SRC=$src B=$B image/repro-check "$B" "$B/repro/b"
