# SPDX-License-Identifier: Apache-2.0
# The customer's loop on the real image, for the end-to-end tests (sourced by
# tests/lib.sh for the scripts of this folder): the reference document, the example
# workload disk, cvm-reference verify of evidence from the VM, and UKIs rebuilt with
# one input changed.

ECHO_SERVER=$B/examples/echo-server/app/bin/echo-server
MARKER='cvm-example: echo-server ready'

# need_e2e: QEMU, swtpm, OVMF and the tools the loop uses; the image and the programs.
need_e2e() {
	need_vm
	need jq sfdisk mcopy openssl python3
	need_built cvm.raw cvm.efi cvm.vmlinuz cvm.initrd cvm.cmdline \
		bin/cvm-reference bin/cvm-workload examples/echo-server/app/bin/echo-server
}

# PCR 11 phases the image's systemd extends before the workload asks for evidence.
# systemd-pcrphase extends sysinit and ready in the root; with mkosi's systemd initrd
# (INITRD=mkosi) enter-initrd and leave-initrd come first. cvm-init extends nothing.
pcr11_phases() {
	if grep -aq 'cvm-init' "$B/cvm.initrd"; then echo sysinit:ready
	else echo enter-initrd:leave-initrd:sysinit:ready; fi
}

# make_reference OUT: the reference document of the image, signed with a fresh Ed25519
# key (OUT.sig, OUT.pub.pem); the signature is checked with the openssl CLI as a
# customer would.
make_reference() {
	local out=$1
	"$REF" image "$B" --ovmf "$OVMF_CODE" --pcr11-phases "$(pcr11_phases)" -o "$out" >/dev/null
	openssl genpkey -algorithm ed25519 -out "$WORK/sign.key" 2>/dev/null
	openssl pkey -in "$WORK/sign.key" -pubout -out "$out.pub.pem"
	"$REF" sign --key "$WORK/sign.key" "$out" >/dev/null
	openssl pkeyutl -verify -pubin -inkey "$out.pub.pem" -rawin -in "$out" -sigfile "$out.sig" >/dev/null ||
		fail "reference document: signature does not verify with openssl"
}

# pack_echo OUT [ARGS...]: the example workload as a workload disk (the walkthrough's
# command); extra arguments are appended to the manifest's argv.
pack_echo() {
	local out=$1 dir=$WORK/payload.$RANDOM a args=(--arg --port --arg 7001)
	shift
	mkdir -p "$dir/app/bin"
	cp "$ECHO_SERVER" "$dir/app/bin/echo-server"
	for a; do args+=(--arg "$a"); done
	"$PACK" pack "$dir" -o "$out" --name echo-server --exec /app/bin/echo-server "${args[@]}" \
		--user 1000:1000 --manifest-out "$out.manifest.json" >"$out.identity"
}

# tcp_request PORT LINE OUT CHECK: send LINE and a newline to the evidence endpoint
# (evidence-service/) over TCP, as the walkthrough does, read until EOF into OUT; done
# when CHECK OUT holds. Retried while the guest's network comes up (QEMU's user
# network accepts the host side of a connection before the guest has an address, then
# drops it).
tcp_request() {
	local port=$1 req=$2 out=$3 check=$4 fd
	for _ in $(seq 60); do
		if exec {fd}<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
			printf '%s\n' "$req" >&$fd
			timeout 120 cat <&$fd >"$out" || true
			exec {fd}>&-
			"$check" "$out" && return 0
		fi
		sleep 2
	done
	return 1
}
# fetch_evidence PORT NONCE OUT: the evidence document for NONCE.
fetch_evidence() { tcp_request "$1" "$2" "$3" is_evidence; }
# is_answer FILE: an activation answer, one line of hex.
is_answer() { grep -Eqx '[0-9a-f]{2,128}' "$1" 2>/dev/null; }

# The vTPM's EK certificate comes from a local CA (run-vm --tpm-ek-ca "$EK_CA");
# $EK_CA/ek-ca.pem is what the customer pins. verify passes BIND, which bind_ak fills.
EK_CA=$WORK/ek-ca
BIND=()

# bind_ak PORT EVIDENCE NAME: the AK enrolment round trip of the walkthrough —
# cvm-reference challenge (EK certificate chain, MakeCredential), "activate HEX" to the
# node's endpoint, the answer kept — and BIND set for verify. Returns 1 when the node
# gives no answer (its TPM refused the credential).
bind_ak() {
	local port=$1 ev=$2 name=$3
	"$REF" challenge --evidence "$ev" --ek-ca "$EK_CA/ek-ca.pem" -o "$WORK/$name.challenge" \
		--request "$WORK/$name.request" >/dev/null || return 2
	BIND=(--ek-ca "$EK_CA/ek-ca.pem" --challenge "$WORK/$name.challenge" --activation "$WORK/$name.answer")
	tcp_request "$port" "$(cat "$WORK/$name.request")" "$WORK/$name.answer" is_answer
}

# verify NAME EVIDENCE NONCE WORKLOAD-DISK [REFERENCE]: cvm-reference verify (with the AK
# binding in BIND), report in $WORK/NAME.verify; returns its exit status.
verify() {
	"$REF" verify --platform vtpm --reference "${5:-$WORK/ref.json}" --reference-key "${5:-$WORK/ref.json}.pub.pem" \
		--evidence "$2" --nonce "$3" --workload "$4" "${BIND[@]}" \
		>"$WORK/$1.verify" 2>&1
}

# verify_fails NAME EVIDENCE NONCE WORKLOAD-DISK "FAIL-REGISTERS" ["OK-REGISTERS"]: verify
# exits 1 (the evidence is refused), each FAIL-REGISTER fails and each OK-REGISTER passes.
verify_fails() {
	local rc=0
	verify "$1" "$2" "$3" "$4" || rc=$?
	((rc == 1)) || { cat "$WORK/$1.verify"; fail "$1: verify exit $rc, expected 1"; }
	expect_lines "$WORK/$1.verify" FAIL $5
	expect_lines "$WORK/$1.verify" ok ${6:-}
}

# esp_with_uki DISK UKI: replace \EFI\BOOT\BOOTX64.EFI on DISK's ESP (in place).
esp_with_uki() {
	local esp
	esp=$(part_offset "$1" "$TYPE_ESP")
	MTOOLS_SKIP_CHECK=1 mcopy -o -i "$1@@$esp" "$2" ::/EFI/BOOT/BOOTX64.EFI
}

# ukify_build OUT [--cmdline TEXT] [--osrel-extra LINE]: a UKI from the image's own
# kernel, initrd, command line, os-release and uname, rebuilt with the pinned tools
# tree's ukify and systemd stub (the ones the image build uses), with one input changed.
ukify_build() {
	local out=$1 cmdline osextra= d rel
	cmdline=$(image_cmdline)
	shift
	while (($#)); do
		case $1 in
		--cmdline) cmdline=$2; shift ;;
		--osrel-extra) osextra=$2; shift ;;
		esac
		shift
	done
	[[ -x $TOOLS/usr/bin/ukify ]] || fail "ukify not in the tools tree $TOOLS (make tools-tree)"
	d=$(mktemp -d "$TOOLS/var/tmp/cvm-e2e-uki.XXXXXX")
	rel=/var/tmp/${d##*/}
	cp "$B/cvm.vmlinuz" "$B/cvm.initrd" "$d/"
	objcopy -O binary --only-section=.osrel "$B/cvm.efi" "$d/osrel"
	[[ -z $osextra ]] || printf '%s\n' "$osextra" >>"$d/osrel"
	printf '%s' "$cmdline" >"$d/cmdline"
	objcopy -O binary --only-section=.uname "$B/cvm.efi" "$d/uname"
	chroot "$TOOLS" ukify build --linux="$rel/cvm.vmlinuz" --initrd="$rel/cvm.initrd" \
		--cmdline="@$rel/cmdline" --os-release="@$rel/osrel" --uname="$(tr -d '\0\n' <"$d/uname")" \
		--output="$rel/out.efi" >"$WORK/ukify.log" 2>&1 || { cat "$WORK/ukify.log"; rm -rf "$d"; fail "ukify"; }
	cp "$d/out.efi" "$out"
	rm -rf "$d"
}
