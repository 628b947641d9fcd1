#!/usr/bin/env python3
"""CPU of a process per thread name over a window: where does the time go?
usage: thread-cpu.py PID SECONDS  → "% of one core" per thread-name class (user + kernel), largest first."""
import os
import re
import sys
import time


def sample(pid):
    out = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                s = f.read()
        except OSError:
            continue
        name = s[s.index("(") + 1:s.rindex(")")]
        fields = s[s.rindex(")") + 2:].split()
        out[tid] = (re.sub(r"[0-9]+$", "", name).strip() or name, int(fields[11]), int(fields[12]))
    return out


pid, secs = int(sys.argv[1]), float(sys.argv[2])
a = sample(pid)
time.sleep(secs)
b = sample(pid)
tck = os.sysconf("SC_CLK_TCK")
by = {}
for tid, (name, u, s) in b.items():
    _, u0, s0 = a.get(tid, (name, 0, 0))
    e = by.setdefault(name, [0, 0, 0])
    e[0] += u - u0
    e[1] += s - s0
    e[2] += 1
pct = lambda t: 100.0 * t / tck / secs
tu = sum(e[0] for e in by.values())
ts = sum(e[1] for e in by.values())
print("%-24s %3s     %7s  %7s  %7s" % ("thread", "n", "total", "user", "kernel"))
for name, (u, s, n) in sorted(by.items(), key=lambda kv: -(kv[1][0] + kv[1][1])):
    if u + s:
        print("%-24s %3d thr %6.1f %% %6.1f %% %6.1f %%" % (name, n, pct(u + s), pct(u), pct(s)))
print("%-24s         %6.1f %% %6.1f %% %6.1f %%" % ("(process)", pct(tu + ts), pct(tu), pct(ts)))
