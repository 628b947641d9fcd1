#!/usr/bin/env bash
# TLS call setup through tls-load against a fresh Release `tolk serve`, with CPU per 1,000 calls of
# the server and of the driver, and the server's CPU per thread class over the middle of the run.
# usage: bench/load/sip-tls-load.sh SECONDS [tls-load args...]   e.g. 20 --concurrency 20 --reconnect
# env: BASEPORT (28000), KEEP=1 keeps the work directory, WARMUP=SECONDS runs the same load first,
#      unmeasured (a fresh server spends its first minute JIT-compiling tier-1 code), PERF=1 profiles.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:?seconds}; shift
port=${BASEPORT:-28000}
work=$(mktemp -d)
pid=$(bench/load/start-tolk.sh "$port" "$work")
trap 'kill $pid 2>/dev/null || true; [ "${KEEP:-0}" = 1 ] && echo "work: $work" || rm -rf "$work"' EXIT
pin=$(grep -o "fingerprint: .*" "$work/server.log" | cut -d' ' -f2)
tck=$(getconf CLK_TCK)
if [ "${WARMUP:-0}" -gt 0 ]; then
  dotnet bench/Tolk.Bench/bin/Release/net10.0/Tolk.Bench.dll tls-load --target 127.0.0.1:$((port + 1)) --pin "$pin" \
    --uri sip:5000@demo.tolk.test --duration "$WARMUP" "$@" > "$work/warmup.log" 2>&1 || true
  sleep 2
fi
s0=$(awk '{print $14 + $15}' /proc/$pid/stat)
dotnet bench/Tolk.Bench/bin/Release/net10.0/Tolk.Bench.dll tls-load --target 127.0.0.1:$((port + 1)) --pin "$pin" \
  --uri sip:5000@demo.tolk.test --duration "$secs" "$@" > "$work/driver.log" 2>&1 &
dpid=$!
sleep $((secs / 4))
if [ "${PERF:-0}" = 1 ]; then
  # Start the server with DOTNET_PerfMapEnabled=1 so perf can name JIT-compiled frames.
  perf record -q -e cpu-clock -F 499 -g -p "$pid" -o "$work/perf.data" -- sleep $((secs / 2)) > /dev/null 2>&1 || true
  perf report -i "$work/perf.data" --no-children --sort dso,sym --stdio -g none > "$work/perf.txt" 2>/dev/null || true
  cp "$work/perf.data" "${PERF_OUT:-/tmp/sip-tls-perf.data}"
  grep '%' "$work/perf.txt" | head -60 > "${PERF_OUT:-/tmp/sip-tls-perf}.txt" || true
else
  python3 bench/load/thread-cpu.py "$pid" $((secs / 2)) > "$work/threads.txt" || true
fi
# The driver's CPU is read from /proc just before it exits (its last line is printed at the end).
d=0
while kill -0 $dpid 2>/dev/null; do x=$(awk '{print $14 + $15}' /proc/$dpid/stat 2>/dev/null) && d=${x:-$d}; sleep 0.2; done
wait $dpid || true
s1=$(awk '{print $14 + $15}' /proc/$pid/stat)
line=$(tail -1 "$work/driver.log")
calls=$(echo "$line" | sed -n 's/^calls completed \([0-9]*\).*/\1/p')
calls=${calls:-0}
echo "# $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg) | tls-load $*"
echo "$line"
awk -v s=$((s1 - s0)) -v d=$d -v t=$tck -v c=$calls -v secs=$secs 'BEGIN {
  printf "server_cpu_s=%.2f (%.0f %% of a core) driver_cpu_s=%.2f (%.0f %%) server_cpu_s_per_1000=%.2f driver_cpu_s_per_1000=%.2f\n",
    s/t, 100*s/t/secs, d/t, 100*d/t/secs, c ? 1000*s/t/c : 0, c ? 1000*d/t/c : 0 }'
[ -s "$work/threads.txt" ] && { echo "server threads (middle half):"; head -8 "$work/threads.txt"; } || true
