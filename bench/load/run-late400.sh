#!/usr/bin/env bash
# Late mixer ticks with 400 Opus callers and one talker, two server settings alternating on fresh servers
# (the host's stalls drift over minutes, so A and B take turns rather than running one after the other).
# usage: bench/load/run-late400.sh OUT_PREFIX PAIRS "A_ENV" "B_ENV"   → OUT_PREFIX-a.csv, OUT_PREFIX-b.csv
#   e.g. bench/load/run-late400.sh bench/load/results/late400-rt 6 "" "TOLK_Media__RealtimePriority=10"
#   Each run: 40 callers for 3 s to warm the server, then 400 callers, 5 s warm-up and 15 s measured.
set -u
cd "$(dirname "$0")/../.."
export TOLK_Translation__Enabled=${TOLK_Translation__Enabled:-false}
out=${1:?output prefix}; pairs=${2:-6}; a_env=${3:-}; b_env=${4:-}
one() { # side env run
  local work; work=$(mktemp -d)
  local pid; pid=$(env $2 bench/load/start-tolk.sh 27700 "$work") || return 1
  sleep 2
  python3 bench/load/media-load.py --sip 127.0.0.1:27700 --pid "$pid" --server-log "$work/server.log" --csv /dev/null \
      --base-port 20700 --codec opus --participants 40 --talkers 1 --warmup 1 --window 2 --label warm > /dev/null 2>&1
  sleep 2
  python3 bench/load/media-load.py --sip 127.0.0.1:27700 --pid "$pid" --server-log "$work/server.log" --csv "$out-$1.csv" \
      --base-port 20700 --codec opus --participants 400 --talkers 1 --warmup 5 --window 15 --label "one_talker_$3" 2>&1 |
    grep '^label' | sed -E "s/^/$1 /; s/(server_late_ticks=[0-9]+ server_skipped_ticks=[0-9]+ server_worst_late_ms=[0-9.]+).*/\1/" |
    sed -E 's/setup_failed.*pct_per_participant/pct_per_participant/; s/rss_idle.*machine_busy/machine_busy/'
  kill "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  sleep 2
}
for i in $(seq "$pairs"); do
  one a "$a_env" "$i"
  one b "$b_env" "$i"
done
