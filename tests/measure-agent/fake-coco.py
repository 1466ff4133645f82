#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A directory tree that behaves like the kernel's TDX / SEV-SNP guest ABI, for
measure-agent tests on a host without that hardware (docs/guest-interfaces.md §1–3).

  setup ROOT tdx|snp       create the sysfs/configfs/dev files (FIFOs where the kernel
                           acts on a write or generates on a read) and the kernel's
                           platform state (cpuinfo flag tdx_guest, sysfs cpu/sev)
  serve-rtmr ROOT OUT [START_HEX]
                           serve ONE open of measurements/rtmr3:sha384 like tsm-mr's
                           tm_digest_write: exactly one write() of exactly 48 bytes at
                           offset 0, else EINVAL (recorded in OUT); OUT gets the new
                           RTMR3 = SHA-384(START || data) as hex (START: 0^48 unless
                           given), then one read returns the new raw 48 bytes
  serve-tsm ROOT PROVIDER TEMPLATE [HOST_DATA_HEX] OUT
                           serve ONE report request on the configfs-tsm instance
                           cvmforge-measure-agent the way report.c does: generation
                           bumps when inblob is committed (on close), inblob must be
                           exactly 64 bytes, outblob = TEMPLATE with REPORT_DATA (SNP @0x50,
                           TDX quote v4 @568) = inblob and, for SNP, HOST_DATA @0xC0;
                           OUT says whether the event log was locked while the
                           report was being made (log-locked / log-unlocked / no-log)
The real kernel files are replaced by FIFOs only where the kernel acts; layouts,
names and sizes are the kernel's. Every serve step blocks until the agent opens the
file, so a test also sees *whether* the agent touched it (the caller kills leftovers)."""
import fcntl, hashlib, os, sys

TDX = "sys/devices/virtual/misc/tdx_guest"
TSM = "sys/kernel/config/tsm/report/cvmforge-measure-agent"

def kernel_state(root, kind):
    """What the kernel of a TDX / SNP guest shows about the platform (measure-agent
    platform.c): the CPU flag tdx_guest, or the sev directory in sysfs."""
    flags = "fpu vme de pse tsc msr pae mce cx8 apic hypervisor"
    if kind == "tdx":
        flags += " tdx_guest"
    else:
        d = os.path.join(root, "sys/devices/system/cpu/sev")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "vmpl"), "w") as f:
            f.write("0\n")
    os.makedirs(os.path.join(root, "proc"), exist_ok=True)
    with open(os.path.join(root, "proc/cpuinfo"), "w") as f:
        f.write("processor\t: 0\nflags\t\t: %s\n\n" % flags)

def setup(root, kind):
    kernel_state(root, kind)
    if kind == "tdx":
        m = os.path.join(root, TDX, "measurements")
        os.makedirs(m, exist_ok=True)
        for r in range(4):
            p = os.path.join(m, "rtmr%d:sha384" % r)
            if not os.path.exists(p):
                os.mkfifo(p, 0o644)
        for name in ("mrconfigid", "mrowner", "mrownerconfig", "mrtd:sha384"):
            with open(os.path.join(m, name), "wb") as f:
                f.write(bytes(48))
        provider = "tdx_guest"
    else:
        os.makedirs(os.path.join(root, "dev"), exist_ok=True)
        open(os.path.join(root, "dev/sev-guest"), "wb").close()
        provider = "sev_guest"
    d = os.path.join(root, TSM)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "provider"), "w") as f:
        f.write(provider + "\n")
    for name in ("generation", "inblob", "outblob"):
        p = os.path.join(d, name)
        if not os.path.exists(p):
            os.mkfifo(p, 0o600)

def serve_text(path, text):
    fd = os.open(path, os.O_WRONLY)        # blocks until the agent opens it to read
    os.write(fd, text.encode())
    os.close(fd)

def read_one_write(path):
    """Returns the list of chunks read until EOF from one opener."""
    fd = os.open(path, os.O_RDONLY)        # blocks until the agent opens it to write
    chunks = []
    while True:
        b = os.read(fd, 4096)
        if not b:
            break
        chunks.append(b)
    os.close(fd)
    return chunks

def serve_rtmr(root, out, start_hex=None):
    path = os.path.join(root, TDX, "measurements/rtmr3:sha384")
    old = bytes.fromhex(start_hex) if start_hex else bytes(48)
    chunks = read_one_write(path)
    with open(out, "w") as f:
        if len(chunks) != 1 or len(chunks[0]) != 48:
            f.write("EINVAL %s\n" % [len(c) for c in chunks])   # what tm_digest_write returns
            return
        new = hashlib.sha384(old + chunks[0]).digest()
        f.write(new.hex() + "\n")
    # a LIVE register reads back its new value (raw 48 bytes)
    fd = os.open(path, os.O_WRONLY)
    os.write(fd, new)
    os.close(fd)

def log_lock_state(root):
    """"log-locked" when a writer could not take the event log now (a reader holds
    systemd's flock), "log-unlocked" when it could, "no-log" without a log."""
    try:
        fd = os.open(os.path.join(root, "run/log/systemd/tpm2-measure.log"), os.O_RDONLY)
    except FileNotFoundError:
        return "no-log"
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return "log-unlocked"
    except BlockingIOError:
        return "log-locked"
    finally:
        os.close(fd)

def serve_tsm(root, provider, template, host_data, out):
    d = os.path.join(root, TSM)
    gen = 0
    serve_text(os.path.join(d, "generation"), "%d\n" % gen)
    chunks = read_one_write(os.path.join(d, "inblob"))
    inblob = b"".join(chunks)
    if len(inblob) > 64:                 # write() fails EFBIG at write time
        open(out, "w").write("EFBIG\n"); return
    gen += 1                             # committed on release: generation bumps
    serve_text(os.path.join(d, "generation"), "%d\n" % gen)
    rep = bytearray(open(template, "rb").read())
    if provider == "sev_guest":
        rep = rep[:0x4A0]
        if len(inblob) == 64:
            rep[0x50:0x90] = inblob
        if host_data:
            rep[0xC0:0xE0] = bytes.fromhex(host_data)
    else:
        # a v4 quote ends after its signature data (u32 length @632); fixtures may
        # carry trailing bytes, the kernel's outblob does not
        rep = rep[:636 + int.from_bytes(rep[632:636], "little")]
        if len(inblob) == 64:
            rep[568:632] = inblob
    fd = os.open(os.path.join(d, "outblob"), os.O_WRONLY)
    lock = log_lock_state(root)          # while the agent waits for the report
    if len(inblob) != 64:                # providers require exactly 64 bytes: EINVAL on read
        os.close(fd); open(out, "w").write("EINVAL inblob %d bytes\n" % len(inblob)); return
    os.write(fd, bytes(rep))
    os.close(fd)
    open(out, "w").write("ok %s %s\n" % (inblob.hex(), lock))   # before the agent's last read
    serve_text(os.path.join(d, "generation"), "%d\n" % gen)

cmd = sys.argv[1]
if cmd == "setup":
    setup(sys.argv[2], sys.argv[3])
elif cmd == "serve-rtmr":
    serve_rtmr(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
elif cmd == "serve-tsm":
    if len(sys.argv) == 7:
        serve_tsm(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6])
    else:
        serve_tsm(sys.argv[2], sys.argv[3], sys.argv[4], None, sys.argv[5])
else:
    sys.exit("unknown command")
