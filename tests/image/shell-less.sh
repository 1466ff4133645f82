#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The built root must hold no shell, interpreter, login or remote-access program, no
# unit that offers a console login or an emergency/debug shell, and none of the
# documentation, locales or package-manager state nothing reads at run time.
# Checked in the erofs extracted from build/cvm.raw, not in the mkosi configuration.
. "$(dirname "$0")/../lib.sh"
need sfdisk jq fsck.erofs
need_built cvm.raw
disk=$B/cvm.raw
root=$WORK/root
extract_root "$disk" "$root"

forbid() { # forbid WHAT FIND-ARGS...
	local what=$1 hits; shift
	hits=$(cd "$root" && find . "$@" 2>/dev/null | sort)
	if [[ -n $hits ]]; then
		bad "forbidden $what:"; sed 's/^/  /' <<<"$hits"
	fi
}

# Programs, by name, anywhere in the root (files and symlinks, dangling or not).
forbid "shells" \( -name sh -o -name bash -o -name dash -o -name rbash -o -name busybox \
	-o -name zsh -o -name ksh -o -name mksh -o -name csh -o -name tcsh -o -name fish \) ! -type d
forbid "interpreters" \( -name 'perl' -o -name 'perl5*' -o -name 'python*' -o -name awk -o -name mawk \
	-o -name gawk -o -name nawk -o -name lua -o -name 'lua5*' -o -name tclsh -o -name ruby \) ! -type d
forbid "logins" \( -name login -o -name agetty -o -name getty -o -name sulogin -o -name su \
	-o -name sshd -o -name ssh -o -name dropbear -o -name telnetd -o -name runuser \) ! -type d
forbid "login/shell units" \( -name 'getty@.service' -o -name 'serial-getty@.service' \
	-o -name 'console-getty.service' -o -name 'container-getty@.service' -o -name 'autovt@.service' \
	-o -name 'getty-static.service' -o -name 'emergency.service' -o -name 'rescue.service' \
	-o -name 'debug-shell.service' -o -name 'systemd-getty-generator' -o -name 'systemd-debug-generator' \
	-o -name 'sshd*.service' -o -name 'ssh.service' -o -name 'ssh.socket' \)
forbid "documentation and locales" \( -path ./usr/share/doc -o -path ./usr/share/man -o -path ./usr/share/info \
	-o -path ./usr/share/locale -o -path ./usr/share/lintian \) -prune
forbid "package-manager state" \( -path ./var/lib/dpkg -o -path ./var/lib/apt -o -path ./var/cache/apt \
	-o -name dpkg -o -name apt-get -o -name apt \) -prune
forbid "kernel modules in the root (the initrd loads what boot needs)" -path "./usr/lib/modules/*" -prune

# The emergency and rescue targets must power off instead of offering a shell.
for t in emergency rescue; do
	grep -q '^Wants=poweroff.target' "$root/usr/lib/systemd/system/$t.target" ||
		bad "forbidden: $t.target does not power off"
done
# What must be there: PID 1, networkd with DHCP, the volatile /var, the boot report.
for f in usr/lib/systemd/systemd usr/lib/systemd/network/80-cvm-ethernet.network \
	usr/lib/systemd/system/var.mount usr/lib/cvmforge/cvm-boot-report usr/bin/measure-agent; do
	[[ -e $root/$f ]] || bad "missing: /$f"
done
((FAILED)) || echo "root of $disk: shell-less, $(cd "$root" && find . ! -type d | wc -l) files, $(du -sh "$root" | cut -f1) extracted"
