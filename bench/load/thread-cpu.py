#!/usr/bin/env python3
"""CPU of a process per thread name over a window: where does the time go?
usage: thread-cpu.py PID SECONDS  → "% of one core" per thread-name class, largest first."""
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
        out[tid] = (re.sub(r"[0-9]+$", "", name).strip() or name, int(fields[11]) + int(fields[12]))
    return out


pid, secs = int(sys.argv[1]), float(sys.argv[2])
a = sample(pid)
time.sleep(secs)
b = sample(pid)
tck = os.sysconf("SC_CLK_TCK")
by = {}
for tid, (name, t) in b.items():
    by.setdefault(name, [0, 0])
    by[name][0] += t - a.get(tid, (name, 0))[1]
    by[name][1] += 1
for name, (t, n) in sorted(by.items(), key=lambda kv: -kv[1][0]):
    if t:
        print("%-24s %3d thr %7.1f %%" % (name, n, 100.0 * t / tck / secs))
