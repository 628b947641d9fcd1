#!/usr/bin/env bash
# Starts a Release `tolk serve` on loopback for the load drivers and waits until it listens.
# usage: bench/load/start-tolk.sh BASEPORT WORKDIR   → prints the server PID; log in WORKDIR/server.log
#   SIP UDP+TCP on BASEPORT, TLS on BASEPORT+1, HTTP on BASEPORT+2; data in WORKDIR/data.
#   The mixer clock logs late ticks at Debug so media-load.py --server-log can count them.
set -euo pipefail
cd "$(dirname "$0")/../.."
port=${1:?base port}
work=${2:?work dir}
mkdir -p "$work"
env TOLK_Sip__RateLimitEnabled=false TOLK_Demo__Passwords__alice=x TOLK_Demo__Passwords__bob=x TOLK_Demo__Passwords__carol=x \
  TOLK_Logging__LogLevel__Tolk.Media.Mixing.MixerClock=Debug \
  dotnet src/Tolk.Server/bin/Release/net10.0/tolk.dll serve \
  --sip-udp 127.0.0.1:$port --sip-tcp 127.0.0.1:$port --sip-tls 127.0.0.1:$((port + 1)) --http 127.0.0.1:$((port + 2)) \
  --data "$work/data" > "$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 300); do
  grep -q "Application started" "$work/server.log" 2>/dev/null && break
  kill -0 $pid 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.2
done
echo $pid
