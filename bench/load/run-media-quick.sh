#!/usr/bin/env bash
# A short subset of the media matrix (run-media.sh) for before/after comparisons of one change:
# idle, PCMU and Opus rooms of 100 and 200 talking, 100 silent PCMU, 100 Opus with one talker,
# 400 Opus talking, and the delay probes. One fresh server; results append to OUT.
# usage: bench/load/run-media-quick.sh OUT.csv [BASEPORT]     (WINDOW=15 WARMUP=5 by default)
set -u
cd "$(dirname "$0")/../.."
# Media only: the speech pipelines of a bilingual room would dominate and are measured elsewhere.
export TOLK_Translation__Enabled=${TOLK_Translation__Enabled:-false}
out=${1:?csv}
port=${2:-27300}
work=$(mktemp -d)
pid=$(bench/load/start-tolk.sh "$port" "$work/s1") || exit 1
log="$work/s1/server.log"
trap 'kill $pid 2>/dev/null; echo "server log kept in $work" >&2' EXIT
gen() {
  kill -0 "$pid" 2>/dev/null || { echo "SERVER DIED; last lines:"; tail -3 "$log"; exit 1; }
  python3 bench/load/media-load.py --sip 127.0.0.1:$port --pid "$pid" --server-log "$log" --csv "$out" \
      --base-port $((port - 7000)) --warmup ${WARMUP:-5} --window ${WINDOW:-15} "$@" 2>&1 | grep -v '^setup: [0-9]* calls'
  sleep 2
}
sleep 3
gen --idle --label idle_fresh
gen --participants 20 --codec opus --warmup 2 --window 3 --label warm_opus
gen --participants 20 --codec pcmu --warmup 2 --window 3 --label warm_pcmu
gen --codec pcmu --participants 100 --talkers 0 --label silent_room
for codec in pcmu opus; do
  for m in ${SIZES:-100 200}; do gen --codec $codec --participants $m --label all_talk; done
  gen --codec $codec --participants 100 --talkers 1 --label one_talker
  gen --codec $codec --participants 12 --talkers 0 --probe 4 --label delay_probe
done
gen --codec opus --participants 400 --talkers 1 --label one_talker
gen --codec opus --participants 400 --label all_talk
gen --idle --label idle_after_calls
