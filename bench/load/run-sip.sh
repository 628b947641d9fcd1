#!/usr/bin/env bash
# The SIP matrix: Tolk over UDP and TCP at increasing rates (SIPp), TLS (tls-load driver, with and
# without a new TLS connection per call), then the Kamailio anchor at the same rates.
# usage: bench/load/run-sip.sh OUT.txt [RATES...]     (default rates: 200 500 1000 1500; 20 s each)
set -u
cd "$(dirname "$0")/../.."
out=${1:?out}; shift
rates=${*:-200 500 1000 1500}
secs=${SECONDS_PER_RATE:-20}
log() { echo "$*" | tee -a "$out"; }
log "# $(date -u +%FT%TZ) $(uptime)"
for t in udp tcp; do
  for r in $rates; do
    log "tolk pause_ms=500 $(SKIP_BUILD=1 bench/load/sip-load.sh $t $r $secs 2>/dev/null | tail -1)"
    sleep 2
  done
done
# As the Kamailio anchor's scenario: BYE right after ACK (few calls up at once).
for r in $rates; do
  log "tolk pause_ms=0 $(PAUSE_MS=0 SKIP_BUILD=1 bench/load/sip-load.sh udp $r $secs 2>/dev/null | tail -1)"
  sleep 2
done
work=$(mktemp -d)
# Translation off, as sip-load.sh: every join would otherwise load a pocketsphinx decoder (~0.4 s CPU).
pid=$(TOLK_Translation__Enabled=false bench/load/start-tolk.sh 28000 "$work") || exit 1
pin=$(grep -o "fingerprint: .*" "$work/server.log" | cut -d' ' -f2)
tls() {
  local c0=$(awk '{print $14 + $15}' /proc/$pid/stat)
  local line=$(dotnet bench/Tolk.Bench/bin/Release/net10.0/Tolk.Bench.dll tls-load --target 127.0.0.1:28001 --pin "$pin" \
      --uri sip:5000@demo.tolk.test --server-name demo.tolk.test --duration $secs "$@" 2>&1 | tail -1)
  local c1=$(awk '{print $14 + $15}' /proc/$pid/stat)
  log "${TAG:-}tolk tls $* | $line | server_cpu_pct=$(( (c1 - c0) * 100 / $(getconf CLK_TCK) / secs ))"
  sleep 2
}
# A fresh server JIT-compiles for its first minute: warm it up before the rows.
TAG="warm-up, not a result: " tls --concurrency 20
tls --concurrency 20
tls --concurrency 50
tls --concurrency 20 --reconnect
tls --concurrency 50 --reconnect
kill $pid
for r in $rates; do log "$(bench/load/kamailio-anchor.sh $r $secs 0 2>/dev/null | tail -1)"; sleep 2; done
