#!/usr/bin/env bash
# Bounded fuzz run of every harness (FUZZ_SECONDS each, default 10): any crash fails.
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${B:-build}
shopt -s nullglob
fuzzers=("$B"/tests/fuzz/fuzz-*)
((${#fuzzers[@]})) || { echo "no fuzzers built"; exit 1; }
tests/fuzz/run-all "${FUZZ_SECONDS:-10}" "${fuzzers[@]}"
