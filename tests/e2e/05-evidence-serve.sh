#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cvm-evidence-serve's request handling on the host (seconds; the real service is
# exercised in the VM by 10-loop.sh): the program is built with /bin/echo in place of
# measure-agent, so a valid request shows the exact argv it would exec, and every
# malformed request must get the error line and exit 3 (EXIT_INPUT) without exec.
. "$(dirname "$0")/../lib.sh"
cc -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -Ilib '-DMEASURE_AGENT="/bin/echo"' \
	"-DWORKLOAD_MEASURED=\"$WORK/measured\"" -o "$WORK/serve" evidence-service/cvm-evidence-serve.c lib/util/io.c
serve() { # serve INPUT → stdout in $out, status in $rc
	rc=0
	out=$(printf '%b' "$1" | "$WORK/serve" 2>/dev/null) || rc=$?
}
good=$(openssl rand -hex 64) # 128 hex digits: the maximum (64-byte REPORT_DATA)
# Before measure-agent has measured the workload (no mark), evidence is refused.
serve "0a\n"
[[ $rc == 4 && $out == "cvm-evidence: error: the workload is not measured yet" ]] ||
	fail "request before the measurement: exit $rc, '$out'"
pass "evidence refused (exit 4) until the workload is measured"
: >"$WORK/measured"
for req in "0a" "$good" "ABCDEF0123" ; do
	serve "$req\n"
	[[ $rc == 0 && $out == "evidence --nonce $req" ]] || fail "valid nonce '$req': exit $rc, '$out'"
done
serve "abcd\r\n"
[[ $rc == 0 && $out == "evidence --nonce abcd" ]] || fail "CRLF request: exit $rc, '$out'"
pass "valid requests exec 'measure-agent evidence --nonce HEX' with the nonce unchanged"

for req in "\n" "a\n" "abc\n" "zz\n" "ab cd\n" "--help\n" "ab\0cd\n" "${good}00\n" "$(printf 'a%.0s' {1..400})\n"; do
	serve "$req"
	[[ $rc == 3 && $out == "cvm-evidence: error: "* ]] || fail "request '${req:0:40}': exit $rc, '$out'"
done
pass "malformed requests (empty, odd, non-hex, option-like, NUL, 130 and 400 digits) refused with an error line"

cred=$(openssl rand -hex 1024) # 2048 hex digits: measure-agent's largest credential
for c in "00" "$cred"; do
	serve "activate $c\n"
	[[ $rc == 0 && $out == "activate --credential $c" ]] || fail "activate ${c:0:16}…: exit $rc, '${out:0:80}'"
done
for req in "activate\n" "activate \n" "activate 0\n" "activate zz\n" "activate ab cd\n" "activate --help\n" \
	"activate ab\0cd\n" "activate ${cred}00\n" "Activate 00\n"; do
	serve "$req"
	[[ $rc == 3 && $out == "cvm-evidence: error: "* ]] || fail "request '${req:0:40}': exit $rc, '${out:0:80}'"
done
pass "'activate HEX' execs 'measure-agent activate --credential HEX'; malformed or 2050-digit credentials refused"

serve "abcd" # no newline before EOF: nobody to answer
[[ $rc == 3 && -z $out ]] || fail "request without newline: exit $rc, '$out'"
start=$SECONDS
rc=0
mkfifo "$WORK/fifo"
exec {hold}<>"$WORK/fifo" # a writer that never writes: the client stays connected, silent
out=$("$WORK/serve" <"$WORK/fifo" 2>/dev/null) || rc=$?
exec {hold}>&-
[[ $rc == 3 && $out == "cvm-evidence: error: no request within 10 s" && $((SECONDS - start)) -lt 12 ]] ||
	fail "silent client: exit $rc, '$out' after $((SECONDS - start)) s"
pass "a client that closes early gets nothing; a silent one is dropped after 10 s"
