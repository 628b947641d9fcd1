#!/usr/bin/env python3
"""Conference media load generator for `tolk serve` (Python 3 stdlib; Opus through libopus.so.0 via ctypes).

Places M participants into one room of a running Tolk server with SIP over UDP (INVITE offering only
PCMU or only Opus, ACK, and BYE at the end), sends 20 ms RTP frames (a distinct steady tone per
participant, or silence), receives every participant's personal mix and counts packets, sequence gaps
and silent frames. After a warm-up it measures, over a fixed window:

  * the server's CPU (utime+stime from /proc/PID/stat) → % of one core, and per participant;
  * the server's VmRSS before the calls and during the window → memory per participant;
  * the generator's own CPU and its send lateness (to tell when the generator, not the server, limits);
  * whole-machine busy from /proc/stat and loopback UDP errors from /proc/net/snmp;
  * the server's late mixer ticks, counted from its log when --server-log is given and the server
    logs the mixer clock at Debug (TOLK_Logging__LogLevel__Tolk.Media.Mixing.MixerClock=Debug).

--probe N turns N of the participants into delay probes: they send silence and, in turn, a loud
60 ms tone burst starting at a random sample of a frame; one listener decodes everything it receives
and finds the burst onset. Server-added delay = arrival time of the received frame + onset offset in
it − (send time of the burst frame + onset offset in it) − the client codec's own delay (Opus
encoder+decoder, calibrated locally). The sender's 20 ms packetisation is not counted (any bridge
has it). Everything else (jitter buffer, mixer tick wait, resampling, encode) is.

Usage (server on 127.0.0.1:5060, PID from its start):
  media-load.py --sip 127.0.0.1:5060 --pid PID --codec pcmu --participants 10 --csv out.csv
"""
import argparse
import array
import ctypes
import ctypes.util
import hashlib
import math
import os
import random
import re
import selectors
import socket
import struct
import sys
import time

FRAME = 0.020
CLK_TCK = os.sysconf("SC_CLK_TCK")
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)


# ---------------------------------------------------------------- codecs
def _ulaw_encode_sample(x):
    # ITU-T G.711 µ-law: bias 0x84, 8 segments, bits inverted.
    sign = 0x80 if x < 0 else 0
    if x < 0:
        x = -x
    x = min(x, 32635) + 0x84
    exp = 7
    mask = 0x4000
    while exp > 0 and not (x & mask):
        exp -= 1
        mask >>= 1
    mant = (x >> (exp + 3)) & 0x0F
    return (~(sign | (exp << 4) | mant)) & 0xFF


def _ulaw_decode_byte(b):
    b = ~b & 0xFF
    t = (((b & 0x0F) << 3) + 0x84) << ((b & 0x70) >> 4)
    return (0x84 - t) if (b & 0x80) else (t - 0x84)


ULAW_DEC = [_ulaw_decode_byte(b) for b in range(256)]
# µ-law codes whose magnitude is below ~ -60 dBFS count as silence.
ULAW_QUIET = bytes(b for b in range(256) if abs(ULAW_DEC[b]) < 32)


class Opus:
    """Minimal libopus binding (encoder and decoder at 16 kHz mono)."""

    def __init__(self):
        name = ctypes.util.find_library("opus") or "libopus.so.0"
        self.lib = ctypes.CDLL(name)
        L = self.lib
        L.opus_encoder_create.restype = ctypes.c_void_p
        L.opus_encoder_create.argtypes = [ctypes.c_int32, ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.c_int)]
        L.opus_encode.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_int32]
        L.opus_encoder_destroy.argtypes = [ctypes.c_void_p]
        L.opus_decoder_create.restype = ctypes.c_void_p
        L.opus_decoder_create.argtypes = [ctypes.c_int32, ctypes.c_int, ctypes.POINTER(ctypes.c_int)]
        L.opus_decode.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int32, ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
        L.opus_decoder_destroy.argtypes = [ctypes.c_void_p]

    def encoder(self):
        err = ctypes.c_int()
        enc = self.lib.opus_encoder_create(16000, 1, 2048, ctypes.byref(err))  # OPUS_APPLICATION_VOIP
        if err.value != 0:
            raise RuntimeError("opus_encoder_create failed %d" % err.value)
        return enc

    def encode(self, enc, pcm16):
        buf = (ctypes.c_short * len(pcm16))(*pcm16)
        out = ctypes.create_string_buffer(1500)
        n = self.lib.opus_encode(enc, buf, len(pcm16), out, 1500)
        if n < 0:
            raise RuntimeError("opus_encode failed %d" % n)
        return out.raw[:n]

    def decoder(self):
        err = ctypes.c_int()
        dec = self.lib.opus_decoder_create(16000, 1, ctypes.byref(err))
        if err.value != 0:
            raise RuntimeError("opus_decoder_create failed %d" % err.value)
        return dec

    def decode(self, dec, payload, out):
        n = self.lib.opus_decode(dec, payload, len(payload), out, 960, 0)
        return max(n, 0)


def tone_frames(freq, amp, rate, frames):
    """`frames` frames of a tone at integer Hz: loops seamlessly when frames*20 ms is a whole second."""
    n = int(rate * FRAME)
    w = 2 * math.pi * freq / rate
    return [[int(amp * math.sin(w * (k * n + i))) for i in range(n)] for k in range(frames)]


# ---------------------------------------------------------------- SIP (UDP, just enough for a UAC)
class Sip:
    def __init__(self, server, local_ip, domain, ext, user=None, password=None):
        self.server = server
        self.domain = domain
        self.ext = ext
        self.user = user
        self.password = password
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((local_ip, 0))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.local = self.sock.getsockname()
        self.tag = "%08x" % random.getrandbits(32)

    def _via(self):
        return "SIP/2.0/UDP %s:%d;rport;branch=z9hG4bK%016x" % (self.local[0], self.local[1], random.getrandbits(64))

    def invite_text(self, call, sdp, cseq, auth=None):
        lines = [
            "INVITE sip:%s@%s SIP/2.0" % (self.ext, self.domain),
            "Via: " + self._via(),
            "Max-Forwards: 70",
            "From: <sip:load%d@%s>;tag=%s" % (call["n"], self.domain, call["ftag"]),
            "To: <sip:%s@%s>" % (self.ext, self.domain),
            "Call-ID: " + call["id"],
            "CSeq: %d INVITE" % cseq,
            "Contact: <sip:load%d@%s:%d>" % (call["n"], self.local[0], self.local[1]),
            "Content-Type: application/sdp",
        ]
        if auth:
            lines.append(auth)
        lines.append("Content-Length: %d" % len(sdp))
        return ("\r\n".join(lines) + "\r\n\r\n" + sdp).encode()

    def in_dialog(self, call, method, cseq):
        lines = [
            "%s %s SIP/2.0" % (method, call.get("contact") or "sip:%s@%s" % (self.ext, self.domain)),
            "Via: " + self._via(),
            "Max-Forwards: 70",
            "From: <sip:load%d@%s>;tag=%s" % (call["n"], self.domain, call["ftag"]),
            "To: <sip:%s@%s>;tag=%s" % (self.ext, self.domain, call["ttag"]),
            "Call-ID: " + call["id"],
            "CSeq: %d %s" % (cseq, method),
            "Content-Length: 0",
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def digest(self, challenge, method, uri):
        params = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge))
        ha1 = hashlib.md5(("%s:%s:%s" % (self.user, params["realm"], self.password)).encode()).hexdigest()
        ha2 = hashlib.md5(("%s:%s" % (method, uri)).encode()).hexdigest()
        nc, cnonce = "00000001", "%08x" % random.getrandbits(32)
        if "qop" in params:
            resp = hashlib.md5(("%s:%s:%s:%s:auth:%s" % (ha1, params["nonce"], nc, cnonce, ha2)).encode()).hexdigest()
            return ('Authorization: Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", '
                    'algorithm=MD5, qop=auth, nc=%s, cnonce="%s"%s') % (
                self.user, params["realm"], params["nonce"], uri, resp, nc, cnonce,
                (', opaque="%s"' % params["opaque"]) if "opaque" in params else "")
        resp = hashlib.md5(("%s:%s:%s" % (ha1, params["nonce"], ha2)).encode()).hexdigest()
        return 'Authorization: Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s"' % (
            self.user, params["realm"], params["nonce"], uri, resp)


def parse_sip(data):
    text = data.decode("utf-8", "replace")
    head, _, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs.setdefault(k.strip().lower(), []).append(v.strip())
    return lines[0], hdrs, body


def hdr(hdrs, *names):
    for n in names:
        if n in hdrs:
            return hdrs[n][0]
    return ""


def sdp_offer(ip, port, codec):
    sid = random.getrandbits(31)
    if codec == "opus":
        media = "m=audio %d RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 useinbandfec=1\r\n" % port
    else:
        media = "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n" % port
    return ("v=0\r\no=load %d 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n%sa=ptime:20\r\na=sendrecv\r\n"
            % (sid, ip, ip, media))


def place_calls(sip, calls, codec, ip, concurrency=16, timeout=10.0):
    """INVITE each call (a few at a time), ACK the 2xx; fills call['rtp_remote'], ['ttag'], ['contact']."""
    pending = list(calls)
    inflight = {}
    deadline = time.monotonic() + timeout + len(calls) * 0.05
    sip.sock.settimeout(0.05)
    while (pending or inflight) and time.monotonic() < deadline:
        while pending and len(inflight) < concurrency:
            c = pending.pop(0)
            c["cseq"] = 1
            c["sdp"] = sdp_offer(ip, c["port"], codec)
            c["msg"] = sip.invite_text(c, c["sdp"], 1)
            c["sent"] = time.monotonic()
            c["tries"] = 1
            sip.sock.sendto(c["msg"], sip.server)
            inflight[c["id"]] = c
        try:
            data, _ = sip.sock.recvfrom(65535)
        except socket.timeout:
            data = None
        now = time.monotonic()
        if data:
            start, hdrs, body = parse_sip(data)
            cid = hdr(hdrs, "call-id", "i")
            c = inflight.get(cid)
            if start.startswith("SIP/2.0 ") and c is not None:
                code = int(start.split()[1])
                cseq_method = hdr(hdrs, "cseq").split()[-1]
                if cseq_method != "INVITE":
                    continue
                if code < 200:
                    c["tries"] = 99  # provisional: stop retransmitting
                    continue
                to = hdr(hdrs, "to", "t")
                m = re.search(r";\s*tag=([^;>\s]+)", to)
                c["ttag"] = m.group(1) if m else ""
                if code in (401, 407) and sip.user and c["cseq"] == 1:
                    ack = sip.in_dialog(c, "ACK", 1)
                    sip.sock.sendto(ack, sip.server)
                    chal = hdr(hdrs, "www-authenticate" if code == 401 else "proxy-authenticate")
                    auth = sip.digest(chal, "INVITE", "sip:%s@%s" % (sip.ext, sip.domain))
                    if code == 407:
                        auth = auth.replace("Authorization:", "Proxy-Authorization:")
                    c["cseq"] = 2
                    c["msg"] = sip.invite_text(c, c["sdp"], 2, auth)
                    c["sent"], c["tries"] = now, 1
                    sip.sock.sendto(c["msg"], sip.server)
                    continue
                if code >= 300:
                    c["error"] = start
                    inflight.pop(cid)
                    continue
                cm = re.search(r"<([^>]+)>", hdr(hdrs, "contact", "m"))
                c["contact"] = cm.group(1) if cm else None
                mp = re.search(r"m=audio (\d+)", body)
                ci = re.search(r"c=IN IP4 (\S+)", body)
                c["rtp_remote"] = (ci.group(1) if ci else sip.server[0], int(mp.group(1)))
                sip.sock.sendto(sip.in_dialog(c, "ACK", c["cseq"]), sip.server)
                inflight.pop(cid)
        for c in list(inflight.values()):
            if c["tries"] < 7 and now - c["sent"] > 0.5 * (2 ** (c["tries"] - 1)):
                sip.sock.sendto(c["msg"], sip.server)
                c["sent"], c["tries"] = now, c["tries"] + 1
    for c in inflight.values():
        c["error"] = "timeout"
    sip.sock.settimeout(None)


def sip_pump(sip, calls_by_id):
    """Answer what the server sends mid-call: re-ACK retransmitted 2xx, 200 to in-dialog requests."""
    while True:
        try:
            data, addr = sip.sock.recvfrom(65535)
        except (BlockingIOError, socket.timeout):
            return
        start, hdrs, _ = parse_sip(data)
        cid = hdr(hdrs, "call-id", "i")
        c = calls_by_id.get(cid)
        if start.startswith("SIP/2.0 "):
            if c is not None and hdr(hdrs, "cseq").endswith("INVITE") and start.split()[1].startswith("2"):
                sip.sock.sendto(sip.in_dialog(c, "ACK", c["cseq"]), sip.server)
            continue
        lines = ["SIP/2.0 200 OK"]
        for k in ("via", "from", "to", "call-id", "cseq"):
            for v in hdrs.get(k, []) or hdrs.get({"via": "v", "from": "f", "to": "t", "call-id": "i"}.get(k, k), []):
                lines.append("%s: %s" % (k.title(), v))
        lines.append("Content-Length: 0")
        sip.sock.sendto(("\r\n".join(lines) + "\r\n\r\n").encode(), addr)
        if start.startswith("BYE") and c is not None:
            c["bye_by_server"] = True


def hang_up(sip, calls, timeout=5.0):
    live = {c["id"]: c for c in calls if "rtp_remote" in c and not c.get("bye_by_server")}
    for c in live.values():
        c["cseq"] += 1
        c["bye"] = sip.in_dialog(c, "BYE", c["cseq"])
        sip.sock.sendto(c["bye"], sip.server)
    sip.sock.settimeout(0.2)
    end = time.monotonic() + timeout
    last = time.monotonic()
    while live and time.monotonic() < end:
        try:
            data, _ = sip.sock.recvfrom(65535)
        except socket.timeout:
            if time.monotonic() - last > 1.0:
                for c in live.values():
                    sip.sock.sendto(c["bye"], sip.server)
                last = time.monotonic()
            continue
        start, hdrs, _ = parse_sip(data)
        if start.startswith("SIP/2.0 2") and hdr(hdrs, "cseq").endswith("BYE"):
            live.pop(hdr(hdrs, "call-id", "i"), None)
    return len(live)


# ---------------------------------------------------------------- /proc readers
def proc_cpu(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def machine_busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v) - idle, sum(v)


def udp_errors():
    with open("/proc/net/snmp") as f:
        rows = [l.split() for l in f if l.startswith("Udp:")]
    d = dict(zip(rows[0][1:], (int(x) for x in rows[1][1:])))
    return d.get("RcvbufErrors", 0) + d.get("InErrors", 0)


def count_late_ticks(log_path, offset):
    if not log_path or not os.path.exists(log_path):
        return None, offset, 0.0
    with open(log_path, "rb") as f:
        f.seek(offset)
        data = f.read()
    late, worst = 0, 0.0
    for m in re.finditer(rb"late by ([0-9.]+) ms", data):
        late += 1
        worst = max(worst, float(m.group(1)))
    skipped = sum(int(x) for x in re.findall(rb"skipped (\d+) ticks", data))
    return (late, skipped), offset + len(data), worst


def sum_receive_quality(log_path, offset, calls, wait_s=3.0):
    """Sums the server's per-call "media ended" lines (whole calls, warm-up included) written after the hang-up."""
    keys = ("received", "lost", "late", "concealed", "concealed_at_end", "inserted", "dropped")
    totals = dict.fromkeys(keys, 0)
    if not log_path or not calls:
        return {"jb_calls": "", **{"jb_" + k: "" for k in keys}}
    pattern = re.compile(rb"(\d+) packets received, (\d+) lost, (\d+) late; frames concealed (\d+) \((\d+) after the last packet\), inserted (\d+), dropped (\d+)")
    deadline, found = time.monotonic() + wait_s, []
    while time.monotonic() < deadline:
        with open(log_path, "rb") as f:
            f.seek(offset)
            found = pattern.findall(f.read())
        if len(found) >= calls:
            break
        time.sleep(0.2)
    for groups in found:
        for k, v in zip(keys, groups):
            totals[k] += int(v)
    return {"jb_calls": len(found), **{"jb_" + k: v for k, v in totals.items()}}


# ---------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sip", default="127.0.0.1:5060", help="server SIP UDP host:port")
    ap.add_argument("--pid", type=int, required=True, help="server process id (for /proc)")
    ap.add_argument("--server-log", help="server log to count 'late by' / 'skipped' mixer clock lines")
    ap.add_argument("--domain", default="demo.tolk.test")
    ap.add_argument("--ext", default="5000")
    ap.add_argument("--user"), ap.add_argument("--password")
    ap.add_argument("--codec", choices=["pcmu", "opus"], default="pcmu")
    ap.add_argument("--participants", type=int, default=3)
    ap.add_argument("--talkers", default="all", help="'all', or how many participants send a tone (the rest send silence)")
    ap.add_argument("--probe", type=int, default=0, help="delay probes: N senders of silence + bursts (and one decoding listener)")
    ap.add_argument("--warmup", type=float, default=6.0)
    ap.add_argument("--window", type=float, default=20.0)
    ap.add_argument("--idle", action="store_true", help="no calls: measure the idle server over the window")
    ap.add_argument("--no-rtp", action="store_true", help="participants join but send no RTP (a room nobody talks in; < 30 s RTP timeout)")
    ap.add_argument("--rtcp-interval", type=float, default=5.0,
                    help="each participant sends an RTCP receiver report (RFC 3550, fraction lost from its sequence gaps) this often, as phones do; 0 = never")
    ap.add_argument("--local-ip", default="127.0.0.1")
    ap.add_argument("--base-port", type=int, default=20000)
    ap.add_argument("--label", default="")
    ap.add_argument("--csv")
    a = ap.parse_args()
    host, port = a.sip.rsplit(":", 1)
    server = (host, int(port))
    random.seed(a.participants * 7919 + (1 if a.codec == "opus" else 0))

    rss0 = proc_rss_kb(a.pid)
    log_off = os.path.getsize(a.server_log) if a.server_log and os.path.exists(a.server_log) else 0
    M = 0 if a.idle else a.participants
    opus = Opus() if a.codec == "opus" or a.probe else None
    rate = 16000 if a.codec == "opus" else 8000
    n_samp = int(rate * FRAME)
    talkers = M if a.talkers == "all" else min(M, int(a.talkers))

    # Payload loops: 50 frames (1 s) of a distinct integer-Hz tone per participant (up to 48 distinct).
    loops = {}
    def payload_loop(idx):
        if idx in loops:
            return loops[idx]
        frames = tone_frames(310 + 53 * idx, 6000, rate, 50)
        if a.codec == "pcmu":
            loop = [bytes(_ulaw_encode_sample(x) for x in f) for f in frames]
        else:
            enc = opus.encoder()
            loop = [opus.encode(enc, f) for f in frames * 2][50:]  # second pass: encoder state settled
        loops[idx] = loop
        return loop
    silence_enc = opus.encoder() if a.codec == "opus" else None
    silence = bytes([0xFF]) * 160 if a.codec == "pcmu" else None
    if a.codec == "opus":
        silence = [opus.encode(silence_enc, [0] * n_samp) for _ in range(5)][-1]

    # Probe bursts: 60 ms of 1 kHz at -6 dBFS; frames precomputed per onset offset on the fly.
    probes = list(range(talkers, talkers + a.probe)) if a.probe else []
    probe_listener = (talkers + a.probe) if a.probe else None
    if a.probe and M < talkers + a.probe + 1:
        M = talkers + a.probe + 1
    codec_delay = 0.0
    if a.probe and a.codec == "opus":
        # Calibrate the client's own Opus encode→decode delay with a fresh encoder/decoder pair.
        enc, dec = opus.encoder(), opus.decoder()
        pcm = [0] * (n_samp * 10) + [int(16000 * math.sin(2 * math.pi * 1000 * i / rate)) for i in range(n_samp * 3)] + [0] * (n_samp * 5)
        out = (ctypes.c_short * 960)()
        decoded = []
        for k in range(len(pcm) // n_samp):
            n = opus.decode(dec, opus.encode(enc, pcm[k * n_samp:(k + 1) * n_samp]), out)
            decoded.extend(out[:n])
        onset = next(i for i, x in enumerate(decoded) if abs(x) > 4000)
        codec_delay = (onset - n_samp * 10) / rate

    sip = Sip(server, a.local_ip, a.domain, a.ext, a.user, a.password)
    calls = []
    socks = []
    for i in range(M):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        port = a.base_port + 2 * i
        s.bind((a.local_ip, port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 18)
        s.setblocking(False)
        if i == probe_listener:
            s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        socks.append(s)
        calls.append({"n": i, "id": "load-%d-%08x@%s" % (i, random.getrandbits(32), a.local_ip),
                      "ftag": "%08x" % random.getrandbits(32), "port": port})

    t_setup = time.monotonic()
    if M:
        place_calls(sip, calls, a.codec, a.local_ip)
    setup_s = time.monotonic() - t_setup
    failed = [c for c in calls if "rtp_remote" not in c]
    if failed:
        print("setup: %d of %d calls failed (%s)" % (len(failed), M, failed[0].get("error")), file=sys.stderr)
    live = [c for c in calls if "rtp_remote" in c]
    print("setup: %d calls in %.1f s" % (len(live), setup_s), file=sys.stderr)
    sip.sock.setblocking(False)
    calls_by_id = {c["id"]: c for c in calls}

    sel = selectors.EpollSelector()
    for c in live:
        sel.register(socks[c["n"]], selectors.EVENT_READ, c)
        c.update(seq=random.getrandbits(16), ts=random.getrandbits(32), ssrc=random.getrandbits(32), frame=0,
                 rx=0, rx_rtcp=0, rx_gap=0, rx_last=None, rx_loud=0, rx_checked=0,
                 rx_ssrc=None, rr_next=time.monotonic() + random.uniform(1.0, 3.0), rr_rx=0, rr_gap=0)
        if c["n"] < talkers:
            c["loop"] = payload_loop(c["n"] % 48)
        c["slot"] = c["n"] % 4  # spread sends over 4 × 5 ms slots
    sel.register(sip.sock, selectors.EVENT_READ, None)
    by_slot = [[c for c in live if c["slot"] == k] for k in range(4)]

    ts_step = 960 if a.codec == "opus" else 160
    pt = 111 if a.codec == "opus" else 0
    listener_dec = opus.decoder() if (a.probe and a.codec == "opus") else None
    dec_out = (ctypes.c_short * 960)()
    bursts = []          # (send_time + onset offset) of each burst onset
    delays = []
    burst_state = {"next": time.monotonic() + a.warmup / 2, "who": 0, "left": 0, "offset": 0}
    listener_state = {"armed_after": 0.0}
    burst_amp = 16000

    def burst_payload(frame_idx, offset):
        # Frame frame_idx (0..3) of a burst that starts at sample `offset` of frame 0.
        pcm = []
        for i in range(n_samp):
            k = frame_idx * n_samp + i - offset
            pcm.append(int(burst_amp * math.sin(2 * math.pi * 1000 * k / rate)) if 0 <= k < int(0.060 * rate) else 0)
        if a.codec == "pcmu":
            return bytes(_ulaw_encode_sample(x) for x in pcm)
        return opus.encode(burst_state["enc"], pcm)

    if a.probe and a.codec == "opus":
        burst_state["enc"] = opus.encoder()

    start = time.monotonic()
    t_warm_end = start + a.warmup
    t_end = t_warm_end + a.window
    measuring = False
    m0 = {}
    late_sends, late_max, lates = 0, 0.0, []
    slot = 0
    next_slot = start
    gen_times0 = None

    def send_receiver_report(c):
        # RR (PT 201) with one report block about the server's stream; the server's RTCP port is RTP + 1 (no mux).
        got, gaps = c["rx"] - c["rr_rx"], c["rx_gap"] - c["rr_gap"]
        c["rr_rx"], c["rr_gap"] = c["rx"], c["rx_gap"]
        fraction = min(255, (gaps * 256) // (got + gaps)) if got + gaps else 0
        block = struct.pack("!IIIIII", c["rx_ssrc"], (fraction << 24) | (c["rx_gap"] & 0xFFFFFF),
                            c["rx_last"] or 0, 0, 0, 0)
        rr = struct.pack("!BBHI", 0x81, 201, 7, c["ssrc"]) + block
        host, port = c["rtp_remote"]
        try:
            socks[c["n"]].sendto(rr, (host, port + 1))
        except BlockingIOError:
            pass

    def on_rtp(c, data, now):
        if len(data) < 12:
            return
        if 200 <= data[1] <= 204:
            c["rx_rtcp"] += 1
            return
        seq = (data[2] << 8) | data[3]
        last = c["rx_last"]
        if last is not None:
            d = (seq - last) & 0xFFFF
            if 1 < d < 1000:
                c["rx_gap"] += d - 1
        c["rx_last"] = seq
        c["rx"] += 1
        c["rx_ssrc"] = struct.unpack_from("!I", data, 8)[0]
        cc = data[0] & 0x0F
        payload = data[12 + 4 * cc:]
        if a.codec == "pcmu":
            if payload.translate(None, ULAW_QUIET):
                c["rx_loud"] += 1
            c["rx_checked"] += 1
            if c["n"] == probe_listener:
                samples = [ULAW_DEC[b] for b in payload]
                probe_listen(samples, now)
        elif c["n"] == probe_listener or c["n"] < 2:
            n = opus.decode(c.setdefault("dec", opus.decoder()), payload, dec_out)
            samples = dec_out[:n]
            c["rx_checked"] += 1
            if max(samples, default=0) > 100 or -min(samples, default=0) > 100:
                c["rx_loud"] += 1
            if c["n"] == probe_listener:
                probe_listen(samples, now)

    def probe_listen(samples, now):
        if now < listener_state["armed_after"] or not bursts:
            return
        for k, x in enumerate(samples):
            if x > 4000 or x < -4000:
                onset = now + k / rate
                sent = bursts[-1]
                if 0 <= onset - sent < 0.5:
                    delays.append(onset - sent - codec_delay)
                listener_state["armed_after"] = now + 0.2
                return

    while True:
        now = time.monotonic()
        if now >= next_slot:
            lateness = now - next_slot
            if lateness > 0.005:
                late_sends += 1
            late_max = max(late_max, lateness)
            if measuring:
                lates.append(lateness)
            for c in (by_slot[slot] if not a.no_rtp else ()):
                c["seq"] = (c["seq"] + 1) & 0xFFFF
                c["ts"] = (c["ts"] + ts_step) & 0xFFFFFFFF
                marker = 0
                if "loop" in c:
                    payload = c["loop"][c["frame"] % 50]
                elif c["n"] in probes and burst_state["left"] and burst_state["who"] == c["n"]:
                    fi = 4 - burst_state["left"]
                    payload = burst_payload(fi, burst_state["offset"])
                    if fi == 0:
                        bursts.append(time.time() + burst_state["offset"] / rate)
                    burst_state["left"] -= 1
                    if not burst_state["left"]:
                        burst_state["next"] = now + 0.25
                else:
                    payload = silence
                c["frame"] += 1
                hdr_ = struct.pack("!BBHII", 0x80, marker | pt, c["seq"], c["ts"], c["ssrc"])
                try:
                    socks[c["n"]].sendto(hdr_ + payload, c["rtp_remote"])
                except BlockingIOError:
                    pass
                if a.rtcp_interval > 0 and now >= c["rr_next"] and c["rx_ssrc"] is not None:
                    send_receiver_report(c)
                    c["rr_next"] = now + a.rtcp_interval
            if probes and not burst_state["left"] and now >= burst_state["next"]:
                burst_state["who"] = probes[len(bursts) % len(probes)]
                burst_state["offset"] = random.randrange(n_samp)
                burst_state["left"] = 4
            slot = (slot + 1) % 4
            next_slot += FRAME / 4
            if now - next_slot > 0.2:  # hopelessly behind: resynchronise, count it
                next_slot = now
            if not measuring and now >= t_warm_end:
                measuring = True
                m0 = dict(cpu=proc_cpu(a.pid), gen=os.times(), busy=machine_busy(), udp=udp_errors(), t=now,
                          rx=sum(c["rx"] for c in live), gap=sum(c["rx_gap"] for c in live),
                          loud=sum(c["rx_loud"] for c in live), chk=sum(c["rx_checked"] for c in live),
                          late_sends=late_sends)
                _, log_off, _ = count_late_ticks(a.server_log, log_off)
                rss_warm = proc_rss_kb(a.pid)
            if measuring and now >= t_end:
                break
        timeout = max(0.0, next_slot - time.monotonic())
        for key, _ in sel.select(timeout):
            c = key.data
            if c is None:
                sip_pump(sip, calls_by_id)
                continue
            s = key.fileobj
            rnow = time.time()
            stamped = c["n"] == probe_listener
            while True:
                try:
                    if stamped:
                        # Kernel receive time (SO_TIMESTAMPNS, CLOCK_REALTIME): the generator's own
                        # scheduling delay does not count as server delay.
                        data, anc, _, _ = s.recvmsg(2048, 64)
                        for level, kind, value in anc:
                            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                                sec, nsec = struct.unpack("qq", value[:16])
                                rnow = sec + nsec / 1e9
                    else:
                        data = s.recv(2048)
                except BlockingIOError:
                    break
                on_rtp(c, data, rnow)

    now = time.monotonic()
    cpu1, gen1, busy1, udp1 = proc_cpu(a.pid), os.times(), machine_busy(), udp_errors()
    rss_end = proc_rss_kb(a.pid)
    late_info, _, late_worst = count_late_ticks(a.server_log, log_off)
    win = now - m0["t"]
    srv_pct = 100 * (cpu1 - m0["cpu"]) / win
    gen_pct = 100 * ((gen1.user + gen1.system) - (m0["gen"].user + m0["gen"].system)) / win
    busy_pct = 100 * CLK_TCK * 0 + 100 * (busy1[0] - m0["busy"][0]) / max(1, busy1[1] - m0["busy"][1]) * os.cpu_count()
    n_live = len(live)
    rx = sum(c["rx"] for c in live) - m0["rx"]
    gaps = sum(c["rx_gap"] for c in live) - m0["gap"]
    loud = sum(c["rx_loud"] for c in live) - m0["loud"]
    chk = sum(c["rx_checked"] for c in live) - m0["chk"]
    lates.sort()
    gen_p99 = lates[int(0.99 * (len(lates) - 1))] * 1000 if lates else 0.0
    left = hang_up(sip, live) if live else 0
    receive_quality = sum_receive_quality(a.server_log, log_off, n_live)

    row = {
        "label": a.label, "codec": a.codec if M else "-", "participants": n_live, "talkers": min(talkers, n_live),
        "setup_failed": len(failed), "window_s": round(win, 2),
        "server_cpu_pct": round(srv_pct, 2),
        "pct_per_participant": round(srv_pct / n_live, 4) if n_live else "",
        "rss_idle_mb": round(rss0 / 1024, 1), "rss_mb": round(rss_end / 1024, 1),
        "rss_kb_per_participant": round((rss_end - rss0) / n_live, 1) if n_live else "",
        "rx_pps_per_participant": round(rx / win / n_live, 2) if n_live else "",
        "rx_seq_gaps": gaps, "nonsilent_frac": round(loud / chk, 3) if chk else "",
        "gen_cpu_pct": round(gen_pct, 1), "gen_late_sends": late_sends - m0["late_sends"],
        "gen_late_p99_ms": round(gen_p99, 2), "gen_late_max_ms": round(late_max * 1000, 1),
        "machine_busy_pct_of_200": round(busy_pct, 1), "udp_errors": udp1 - m0["udp"],
        "server_late_ticks": late_info[0] if late_info else "", "server_skipped_ticks": late_info[1] if late_info else "",
        "server_worst_late_ms": round(late_worst, 1) if late_info else "",
        "delay_n": len(delays),
        "delay_p50_ms": round(sorted(delays)[len(delays) // 2] * 1000, 1) if delays else "",
        "delay_p95_ms": round(sorted(delays)[int(0.95 * (len(delays) - 1))] * 1000, 1) if delays else "",
        "delay_max_ms": round(max(delays) * 1000, 1) if delays else "",
        "client_codec_delay_ms": round(codec_delay * 1000, 2),
        "byes_unanswered": left,
        **receive_quality,
    }
    print(" ".join("%s=%s" % kv for kv in row.items()))
    if a.csv:
        new = not os.path.exists(a.csv)
        with open(a.csv, "a") as f:
            if new:
                f.write(",".join(row) + "\n")
            f.write(",".join(str(v) for v in row.values()) + "\n")


if __name__ == "__main__":
    main()
