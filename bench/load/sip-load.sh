#!/usr/bin/env bash
# Drives SIPp (Debian sip-tester) against a real `tolk serve` and reports sustained call setups.
# Each call is INVITE → 100 → 200 (SDP answer, RTP port, mixer participant) → ACK → 0.5 s → BYE → 200.
#
# usage: bench/load/sip-load.sh TRANSPORT RATE SECONDS     (TRANSPORT = udp | tcp)
# prints: transport, offered rate, calls attempted, successful, failed, failure %, achieved rate,
#         server CPU seconds per 1000 calls, server peak RSS.
set -euo pipefail
cd "$(dirname "$0")/../.."
transport=${1:-udp}
rate=${2:-200}
seconds=${3:-20}
calls=$((rate * seconds))
work=$(mktemp -d)
# WARMUP=SECONDS runs the same load first, unmeasured. KEEP=1 keeps the work directory (server.log, SIPp stat.csv and error log) and prints its path.
trap 'kill $server 2>/dev/null || true; if [ -n "${KEEP:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi' EXIT

[ -n "${SKIP_BUILD:-}" ] || dotnet build src/Tolk.Server -c Release -v q -nologo >/dev/null
port=$((25000 + RANDOM % 5000))
TOLK_Translation__Enabled=false TOLK_Sip__RateLimitEnabled=false TOLK_Demo__Passwords__alice=x TOLK_Demo__Passwords__bob=x TOLK_Demo__Passwords__carol=x \
  dotnet src/Tolk.Server/bin/Release/net10.0/tolk.dll serve \
  --sip-udp 127.0.0.1:$port --sip-tcp 127.0.0.1:$port --http 127.0.0.1:$((port + 1)) --data "$work/data" \
  > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q "Application started" "$work/server.log" 2>/dev/null && break; sleep 0.2; done

t=u1; [ "$transport" = tcp ] && t=t1
sed -e "s|<pause milliseconds=\"500\"/>|<pause milliseconds=\"${PAUSE_MS:-500}\"/>|" -e "s|{{DOMAIN}}|demo.tolk.test|g" tests/Tolk.EndToEnd/Scenarios/invite_ack_bye.xml > "$work/scenario.xml"
if [ "${WARMUP:-0}" -gt 0 ]; then
  # A fresh server spends its first seconds JIT-compiling: warm it with the same load, unmeasured.
  ( cd "$work" && sipp 127.0.0.1:$port -sf scenario.xml -s 5000 -t $t -i 127.0.0.1 -p $((port + 3)) -r "$rate" -m $((rate * WARMUP)) \
      -l $((rate * 2)) -nostdin -timeout $((WARMUP + 30))s >/dev/null 2>&1 ) || true
  sleep 2
fi
cpu_before=$(awk '{print $14 + $15}' /proc/$server/stat)
# PAUSE_MS (default 500, as the scenario) is the time between ACK and BYE: with 500 ms about
# RATE/2 calls (RTP ports, mixer participants) are up at any moment; 0 matches the Kamailio anchor.
( cd "$work" && sipp 127.0.0.1:$port -sf scenario.xml -s 5000 \
    -t $t -i 127.0.0.1 -p $((port + 2)) -r "$rate" -m "$calls" -l $((rate * 2)) -nostdin \
    -trace_stat -stf stat.csv -fd 1 -trace_err -error_file errors.log -timeout $((seconds + 60))s >/dev/null 2>&1 ) || true
if ! kill -0 $server 2>/dev/null; then
  wait $server; rc=$?
  echo "$transport offered=$rate/s SERVER DIED (exit status $rc) during the run; log: $work/server.log" 
  KEEP=1; exit 1
fi
cpu_after=$(awk '{print $14 + $15}' /proc/$server/stat)
ticks=$(getconf CLK_TCK)
rss=$(awk '/VmHWM/ {print $2}' /proc/$server/status)
warnings=$(grep -cE " (warn|fail|crit):" "$work/server.log" || true)
echo "server log: $warnings warning/error lines" >&2

awk -F';' -v tr="$transport" -v rate="$rate" -v cpu=$(( cpu_after - cpu_before )) -v ticks="$ticks" -v rss="$rss" '
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  { last = $0 }
  END {
    split(last, f, ";");
    ok = f[col["SuccessfulCall(C)"]]; failed = f[col["FailedCall(C)"]]; total = ok + failed;
    elapsed = f[col["ElapsedTime(C)"]]; split(elapsed, hms, ":"); secs = hms[1] * 3600 + hms[2] * 60 + hms[3] + (hms[4] ? hms[4] / 1000 : 0);
    rt = f[col["ResponseTime1(C)"]]; split(rt, r, ":"); rtms = (r[1] * 3600 + r[2] * 60 + r[3]) * 1000 + r[4] / 1000;
    printf "%s offered=%d/s calls=%d ok=%d failed=%d failed%%=%.3f achieved=%.0f/s retrans=%d invite_200_avg_ms=%.1f server_cpu_s_per_1000_calls=%.2f server_cpu_pct=%.0f server_peak_rss_mb=%.0f\n",
      tr, rate, total, ok, failed, total ? 100 * failed / total : 0, secs ? ok / secs : 0, f[col["Retransmissions(C)"]], rtms,
      ok ? (cpu / ticks) * 1000 / ok : 0, secs ? 100 * cpu / ticks / secs : 0, rss / 1024
  }' "$work/stat.csv"
