#!/usr/bin/env bash
# The Tolk media matrix: one fresh `tolk serve`, then idle, PCMU and Opus rooms of M participants
# (all talking, and one talker), delay probes, and idle again after the calls. Results append to OUT.
# usage: bench/load/run-media.sh OUT.csv [M values...]      (default M: 3 10 50 100 200 400)
set -u
cd "$(dirname "$0")/../.."
out=${1:?csv}; shift
sizes=${*:-3 10 50 100 200 400}
work=$(mktemp -d)
start() { pid=$(bench/load/start-tolk.sh 27000 "$work/$1") || exit 1; log="$work/$1/server.log"; }
start s1
trap 'kill $pid 2>/dev/null; echo "server logs kept in $work" >&2' EXIT
restarts=0
gen() {
  if ! kill -0 "$pid" 2>/dev/null; then
    # The previous run's teardown killed the server: record it and go on with a fresh one.
    restarts=$((restarts + 1)); echo "SERVER DIED (during the previous run's teardown); last lines:"; tail -3 "$log"
    echo "server_died_before,$*" >> "$out.crashes"
    start s$((restarts + 1)); sleep 3
  fi
  python3 bench/load/media-load.py --sip 127.0.0.1:27000 --pid "$pid" --server-log "$log" --csv "$out" --warmup ${WARMUP:-6} --window ${WINDOW:-20} "$@" 2>&1 | grep -v '^setup: [0-9]* calls'; sleep 2
}
sleep 5
gen --idle --label idle_fresh
# Warm the JIT and the pools once (not recorded), so that RSS deltas are per participant, not first-use.
gen --participants 20 --codec opus --warmup 2 --window 3 --label warm_opus
gen --participants 20 --codec pcmu --warmup 2 --window 3 --label warm_pcmu
sleep 3
gen --idle --label idle_after_warm
# Rooms nobody talks in: 100 participants sending silence; 100 participants sending nothing.
gen --codec pcmu --participants 100 --talkers 0 --label silent_room
gen --codec pcmu --participants 100 --no-rtp --label no_rtp_room
for codec in pcmu opus; do
  for m in $sizes; do gen --codec $codec --participants $m --label all_talk; done
  gen --codec $codec --participants 100 --talkers 1 --label one_talker
  gen --codec $codec --participants 12 --talkers 0 --probe 4 --label delay_probe
  # Delay under load: probes in room 5001 (digest) while 100 participants talk in room 5000 (same mixer clock).
  python3 bench/load/media-load.py --sip 127.0.0.1:27000 --pid "$pid" --codec $codec --participants ${LOAD_M:-100} \
      --warmup 4 --window $(( ${WINDOW:-20} + ${WARMUP:-6} + 2 )) --label load_for_probe --csv "$out" > /dev/null 2>&1 &
  bg=$!
  sleep 3
  gen --codec $codec --ext 5001 --user alice --password x --participants 12 --talkers 0 --probe 4 --base-port 24000 --label delay_probe_under_load
  wait $bg
  if [ $codec = pcmu ]; then sleep 3; gen --idle --label idle_after_pcmu_calls; fi
done
sleep 3
gen --idle --label idle_after_calls
kill -0 "$pid" 2>/dev/null || echo "SERVER DIED at the last teardown"
echo "server restarts after a crash: $restarts"
cat "$work"/s*/server.log | grep -c "late by" | sed 's/^/server late-tick lines in whole run: /'
cat "$work"/s*/server.log | grep -E " (warn|fail|crit):|Fatal" | sed -E 's/^[0-9:.]+ //; s/[0-9]+ ticks/N ticks/g' | cut -c1-160 | sort | uniq -c | sort -rn | head -8
