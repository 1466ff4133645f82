#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Bounded fuzz run of every harness (FUZZ_SECONDS each, default 10): any crash fails.
. "$(dirname "$0")/../lib.sh"
shopt -s nullglob
fuzzers=("$B"/tests/fuzz/fuzz-*)
((${#fuzzers[@]})) || fail "no fuzzers built in $B/tests/fuzz (make fuzz)"
tests/fuzz/run-all "${FUZZ_SECONDS:-10}" "${fuzzers[@]}"
