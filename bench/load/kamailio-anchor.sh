#!/usr/bin/env bash
# Same-machine SIP anchor: Kamailio 5.6 as a stateful record-routing proxy (tm + rr + dispatcher)
# between a SIPp UAC and a SIPp UAS, with the configuration and scenarios of /work/shared/anchors/kamailio.
# Prints the same fields as sip-load.sh (server = kamailio, all its processes).
#
# usage: bench/load/kamailio-anchor.sh RATE SECONDS [PAUSE_MS]
#   PAUSE_MS (default 0, as the anchor scenario) is the pause between ACK and BYE.
set -euo pipefail
anchor=${ANCHOR_DIR:-/work/shared/anchors/kamailio}
rate=${1:-200}
seconds=${2:-20}
pause=${3:-0}
calls=$((rate * seconds))
run=/tmp/kamailio-anchor
rm -rf "$run"; mkdir -p "$run"; chmod 777 "$run"
echo "1 sip:127.0.0.1:15070" > "$run/dispatcher.list"
sed "s|/tmp/kamailio-anchor/dispatcher.list|$run/dispatcher.list|" "$anchor/kamailio.cfg" > "$run/kamailio.cfg"
sed "s|<pause milliseconds=\"0\"/>|<pause milliseconds=\"$pause\"/>|" "$anchor/uac_rr.xml" > "$run/uac.xml"
cp "$anchor/uas_rr.xml" "$run/uas.xml"
chmod -R a+r "$run"

runuser -u nobody -- kamailio -f "$run/kamailio.cfg" -DD -E -Y "$run" -m 64 -M 8 > "$run/kamailio.log" 2>&1 &
kpid=$!
( cd "$run" && sipp -sf uas.xml -i 127.0.0.1 -p 15070 -t u1 -nostdin -bg > /dev/null 2>&1 ) || true
trap 'kill $kpid 2>/dev/null || true; for p in $(pgrep -f "kamailio -f $run/kamailio.cfg"); do kill $p 2>/dev/null || true; done; [ -n "${uas:-}" ] && kill $uas 2>/dev/null || true' EXIT
sleep 2
uas=$(pgrep -f "sipp -sf uas.xml -i 127.0.0.1 -p 15070" | head -1)
# CPU of every kamailio process of this run (the main one and its forked workers).
kcpu() { local s=0; for p in $(pgrep -f "kamailio -f $run/kamailio.cfg"); do s=$((s + $(awk '{print $14 + $15}' /proc/$p/stat 2>/dev/null || echo 0))); done; echo $s; }
before=$(kcpu)
( cd "$run" && sipp 127.0.0.1:15060 -sf uac.xml -s 5000 -t u1 -i 127.0.0.1 -p 15080 -r "$rate" -m "$calls" -l $((rate * 2)) -nostdin \
    -trace_stat -stf stat.csv -fd 1 -trace_err -error_file errors.log -timeout $((seconds + 60))s > /dev/null 2>&1 ) || true
after=$(kcpu)
ticks=$(getconf CLK_TCK)
awk -F';' -v rate="$rate" -v cpu=$(( after - before )) -v ticks="$ticks" '
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  { last = $0 }
  END {
    split(last, f, ";");
    ok = f[col["SuccessfulCall(C)"]]; failed = f[col["FailedCall(C)"]]; total = ok + failed;
    elapsed = f[col["ElapsedTime(C)"]]; split(elapsed, hms, ":"); secs = hms[1] * 3600 + hms[2] * 60 + hms[3];
    rt = f[col["ResponseTime1(C)"]]; split(rt, r, ":"); rtms = (r[1] * 3600 + r[2] * 60 + r[3]) * 1000 + r[4] / 1000;
    printf "kamailio-udp offered=%d/s calls=%d ok=%d failed=%d failed%%=%.3f achieved=%.0f/s retrans=%d invite_200_avg_ms=%.1f server_cpu_s_per_1000_calls=%.2f server_cpu_pct=%.0f\n",
      rate, total, ok, failed, total ? 100 * failed / total : 0, secs ? ok / secs : 0, f[col["Retransmissions(C)"]], rtms,
      ok ? (cpu / ticks) * 1000 / ok : 0, secs ? 100 * cpu / ticks / secs : 0
  }' "$run/stat.csv"
