#!/usr/bin/env python3
"""Live translation latency through real calls (issue 4).

Starts `tolk serve`, joins a Spanish listener (baresip, account bob, TLS + SRTP, PCMA) to demo room 5000 and
then N English speakers (baresip over UDP, G.711 PCMU by default), each playing the same WAV of >= 50 flite
phrases separated by pauses. Reads the server's per-phrase log lines (EventId 4104 stage latencies, 4107
speech end -> first translated frame in the mix) and the server's CPU time (itself and every descendant, live or reaped).

usage: run_latency.py --tolk PATH/tolk.dll [--speakers 1 2 4] [--codec PCMU] [--phrases 50] [--out results.json]
"""
import argparse, json, os, re, shutil, signal, socket, statistics, subprocess, sys, tempfile, threading, time

PHRASES = [
    "the weather is nice today", "i would like to book a meeting for tomorrow morning",
    "please send me the report by friday", "we need to discuss the budget for next year",
    "can you hear me clearly", "thank you very much for your help", "the project is running late",
    "let us start the meeting now", "i will call you back in ten minutes", "the price of the product has gone up",
    "good morning everyone", "where is the train station", "the meeting starts at nine",
    "please open the window", "i need a new phone", "my car is in the garage", "the office is closed on sunday",
    "we will travel to madrid next week", "the children are playing in the park", "i like to read books",
    "the coffee is very hot", "can you help me please", "the door is open", "we have a problem with the network",
    "the team won the game", "i am going home now", "the book is on the table", "please call me tomorrow",
    "the water is cold", "my brother lives in london", "the shop opens at ten", "i want to buy a ticket",
    "the dog is sleeping", "we need more time", "the computer is very slow", "she works in a hospital",
    "the sun is shining", "i forgot my password", "the bus is late again", "please speak more slowly",
    "the house has three rooms", "we are ready to start", "the music is too loud", "i have a question",
    "the food was very good", "the city is very beautiful", "he is my best friend", "the letter arrived today",
    "we will meet at the hotel", "the answer is correct",
]

WARMUP_PHRASES = 10  # overridden by --warmup-phrases
STAGGER = 0.3  # seconds between speakers' starts; overridden by --stagger

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def run(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def make_source(work, count, rate, gap):
    """flite phrases (slt/rms alternating) at `rate`, each followed by `gap` s of silence; returns path, end times."""
    parts, ends, t = [], [], 3.0  # 3 s lead: the call is set up and joined
    lead = os.path.join(work, "lead.wav")
    run("sox", "-n", "-r", str(rate), "-c", "1", "-b", "16", lead, "trim", "0", "3")
    parts.append(lead)
    for i in range(count):
        raw = os.path.join(work, f"p{i}.wav"); cooked = os.path.join(work, f"q{i}.wav")
        run("flite", "-voice", "slt" if i % 2 == 0 else "rms", "-t", PHRASES[i % len(PHRASES)], "-o", raw)
        run("sox", raw, "-r", str(rate), "-c", "1", "-b", "16", cooked, "silence", "1", "0.02", "0.1%", "reverse", "silence", "1", "0.02", "0.1%", "reverse", "pad", "0", str(gap))
        dur = float(subprocess.check_output(["soxi", "-D", cooked]).decode())
        ends.append(t + dur - gap); t += dur; parts.append(cooked)
    out = os.path.join(work, "speaker.wav")
    run("sox", *parts, out)
    return out, t, ends

def baresip(work, name, account, wav, rtp_low, seconds, uri):
    d = os.path.join(work, name); os.makedirs(os.path.join(d, "rec"), exist_ok=True)
    with open(os.path.join(d, "config"), "w") as f:
        f.write("\n".join(["poll_method epoll", f"sip_listen 127.0.0.1:{free_port()}", "net_interface 127.0.0.1",
                           "audio_player aubridge,nowhere", f"audio_source aufile,{wav}", "audio_alert aubridge,nowhere",
                           "module_path /usr/lib/baresip/modules", "module g711.so", "module g722.so", "module srtp.so",
                           "module aufile.so", "module aubridge.so", "module_app account.so", "module_app menu.so",
                           f"rtp_ports {rtp_low}-{rtp_low + 9}", ""]))
    with open(os.path.join(d, "accounts"), "w") as f:
        f.write(account + "\n")
    return subprocess.Popen(["baresip", "-f", d, "-t", str(int(seconds)), "-e", "/dial " + uri], cwd=d,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def _stat(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None  # exited meanwhile: its time is in its parent's cutime/cstime from now on

def _children():
    """Live processes by parent pid."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(entry)) is not None:
            parents.setdefault(int(fields[1]), []).append(int(entry))
    return parents

def cpu_seconds(pid):
    """The server's CPU and its descendants': reaped ones (cutime/cstime) and the resident workers still running
    (Apertium, synthesis processes), which a parent's own counters never include while they live."""
    parents = _children()
    tck = os.sysconf("SC_CLK_TCK")
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        if (fields := _stat(p)) is not None:
            total += sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime
            todo.extend(parents.get(p, []))
    return total / tck

def live_descendants_cpu(pid):
    """CPU seconds of each live descendant by command name (the resident engine workers)."""
    parents = _children()
    tck, out, todo = os.sysconf("SC_CLK_TCK"), {}, list(parents.get(pid, []))
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/comm") as f: name = f.read().strip()
        except OSError:
            continue
        if (fields := _stat(p)) is not None:
            out[name] = out.get(name, 0) + sum(int(fields[i]) for i in (11, 12)) / tck
            todo.extend(parents.get(p, []))
    return out

def pct(values, q):
    if not values: return float("nan")
    v = sorted(values); k = (len(v) - 1) * q; lo = int(k); hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)

def one_run(tolk, speakers, codec, count, gap, work):
    rate = 16000 if codec.startswith("G722") else 8000
    src, total, ends = make_source(work, count, rate, gap)
    udp, tcp, tls, http = free_port(), free_port(), free_port(), free_port()
    env = dict(os.environ, DOTNET_NOLOGO="1", TOLK_ADMIN_EMAIL="ops@provider.test", TOLK_ADMIN_PASSWORD="Provider-Admin-Secret-42",
               TOLK_Demo__Passwords__bob="bob-Secret-2",
               # The clients take RTP ports from 31000 up: keep the server's own range (30000-39999 by default) off
               # them, or a client that loses the race for its port never gets its call up.
               TOLK_Media__RtpPortLow="40000", TOLK_Media__RtpPortHigh="40999")
    data = tempfile.mkdtemp(prefix="tolk-bench-")
    log_path = os.path.join(work, "server.log")
    log = open(log_path, "w")
    server = subprocess.Popen(["dotnet", tolk, "serve", "--sip-udp", f"127.0.0.1:{udp}", "--sip-tcp", f"127.0.0.1:{tcp}",
                               "--sip-tls", f"127.0.0.1:{tls}", "--http", f"127.0.0.1:{http}", "--data", data],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 180
        while "Application started" not in open(log_path).read():
            if time.time() > deadline or server.poll() is not None: raise RuntimeError("server did not start:\n" + open(log_path).read()[-3000:])
            time.sleep(0.5)
        silence = os.path.join(work, "silence.wav")
        run("sox", "-n", "-r", "8000", "-c", "1", "-b", "16", silence, "trim", "0", str(total + 20))
        bob = baresip(work, "bob", f'<sip:bob@demo.tolk.test>;auth_pass=bob-Secret-2;outbound="sip:127.0.0.1:{tls};transport=tls";regint=0;audio_codecs=PCMA;mediaenc=srtp-mand',
                      silence, 31000, total + 25, "sip:5000@demo.tolk.test")
        time.sleep(5)
        idle0, t0 = cpu_seconds(server.pid), time.time(); time.sleep(8)
        idle_rate = (cpu_seconds(server.pid) - idle0) / (time.time() - t0)  # mixer + listener, no speaker
        cpu0, w0 = cpu_seconds(server.pid), time.time()
        procs = []
        for n in range(speakers):
            procs.append(baresip(work, f"spk{n}", f'<sip:speaker{n}@example.org>;outbound="sip:127.0.0.1:{udp};transport=udp";regint=0;audio_codecs={codec}',
                                 src, 31100 + 20 * n, total + 10, "sip:5000@demo.tolk.test"))
            time.sleep(STAGGER)
        # Steady state: CPU from the end of the warm-up phrases (a fresh server JIT-compiles the speech path
        # during its first phrases) to the end of the speech, against the speech said in between.
        warm = min(WARMUP_PHRASES, count - 1)
        time.sleep(max(0.0, w0 + ends[warm - 1] + gap / 2 - time.time()))
        cpu_w, t_w = cpu_seconds(server.pid), time.time()
        for p in procs: p.wait()
        time.sleep(3)
        cpu = cpu_seconds(server.pid) - cpu0; wall = time.time() - w0
        cpu_steady, wall_steady = cpu_seconds(server.pid) - cpu_w, time.time() - t_w
        workers = live_descendants_cpu(server.pid)
        bob.wait(timeout=60)
    finally:
        server.send_signal(signal.SIGINT)
        try: server.wait(timeout=20)
        except subprocess.TimeoutExpired: server.kill()
        log.close(); shutil.rmtree(data, ignore_errors=True)
    starts = [3.0] + [x + gap for x in ends[:-1]]
    durations = [e - s for s, e in zip(starts, ends)]
    speech = sum(durations)
    speech_after = lambda k: sum(durations[k:])
    text = open(log_path).read()
    mix = [float(m.group(1)) for m in re.finditer(r"speech end → first es frame in the mix (\d+) ms", text)]
    stages = {}
    for m in re.finditer(r"phrase \d+ (\w+) (\S+) (\d+) ms", text):
        stages.setdefault(m.group(1), []).append(float(m.group(3)))
    transcripts = re.findall(r'transcript: \S+ \[en\] "([^"]*)"', text)
    joined = len(set(re.findall(r"from sip:(speaker\d+)@\S+ joined room", text)))
    return {"speakers": speakers, "speakers_joined": joined, "codec": codec, "phrases_sent": count * speakers, "phrases_translated": len(mix),
            "transcripts": len(transcripts), "sample_transcripts": transcripts[:8],
            "mix_ms": {"p50": pct(mix, .5), "p95": pct(mix, .95), "n": len(mix)},
            "stages_ms": {k: {"p50": pct(v, .5), "p95": pct(v, .95), "n": len(v)} for k, v in stages.items()},
            "cpu_seconds": cpu, "workers_cpu_seconds": workers, "idle_cpu_per_s": idle_rate, "wall_seconds": wall,
            "speech_seconds_per_speaker": speech,
            "cpu_per_speaker_per_s": (cpu - idle_rate * wall) / (wall * speakers),
            "cpu_per_speech_s": (cpu - idle_rate * wall) / (speakers * speech),
            "warmup_phrases": warm, "stagger_s": STAGGER,
            "cpu_per_speech_s_after_warmup": (cpu_steady - idle_rate * wall_steady) / (speakers * speech_after(warm))}

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tolk", required=True); ap.add_argument("--speakers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--codec", default="PCMU"); ap.add_argument("--phrases", type=int, default=50)
    ap.add_argument("--warmup-phrases", type=int, default=10, help="phrases before the steady-state CPU window starts")
    ap.add_argument("--gap", type=float, default=2.0); ap.add_argument("--out", default="translation-latency.json")
    ap.add_argument("--stagger", type=float, default=0.3,
                    help="seconds between speakers' starts: 0.3 keeps them talking at once; phrase period / speakers spreads them evenly")
    a = ap.parse_args()
    global WARMUP_PHRASES, STAGGER
    WARMUP_PHRASES, STAGGER = a.warmup_phrases, a.stagger
    results = []
    for n in a.speakers:
        work = tempfile.mkdtemp(prefix=f"tolk-latency-{n}-")
        r = one_run(os.path.abspath(a.tolk), n, a.codec, a.phrases, a.gap, work)
        r["work"] = work
        print(json.dumps(r, indent=1), flush=True); results.append(r)
    with open(a.out, "w") as f: json.dump(results, f, indent=1)

if __name__ == "__main__":
    main()
