#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The image built with the minimal-kernel option (make image-minimal -> build/img-minimal)
# ships exactly the kernel of make kernel, its exported config passes the survival check
# (every requirement built in), its initrd carries no module, and it boots from its
# ESP (OVMF -> UKI -> cvm-init -> verity root -> systemd) to the boot marker, TCG.
. "$(dirname "$0")/../lib.sh"
need_vm
need cpio
need_built img-minimal/cvm.raw img-minimal/cvm.vmlinuz img-minimal/cvm.initrd img-minimal/cvm.kernel-config kernel/vmlinuz
img=$B/img-minimal
build cvm-kconfig-check
cmp -s "$img/cvm.vmlinuz" "$B/kernel/vmlinuz" || fail "$img ships another kernel than $B/kernel/vmlinuz"
"$B/bin/cvm-kconfig-check" --all-hard --monolithic --quiet "$img/cvm.kernel-config" \
	kernel-config/fragments/*.config kernel-config/minimal/*.config
! grep -q '\.ko' < <(cpio -it --quiet < "$img/cvm.initrd") || fail "$img/cvm.initrd carries kernel modules"
vm_run minimal --accel tcg --boot-test --image "$img/cvm.raw"
console_has minimal 'cvm-boot: ready boottime-ms' || { show minimal 40; fail "no boot marker"; }
pass "boot-minimal-image: $(console minimal | grep -a -o 'cvm-boot: ready boottime-ms [0-9]*' | sed -n 1p)," \
	"power-off after $(elapsed minimal) s wall"
