#!/usr/bin/env bash
# A/B media comparison on a shared, busy machine: two servers (A = a baseline checkout, B = this tree)
# take the same load at the same time, so whatever else runs on the machine hits both alike.
# usage: bench/load/run-media-ab.sh A_ROOT OUT_PREFIX      → OUT_PREFIX-a.csv, OUT_PREFIX-b.csv
#   A_ROOT: another checkout with a Release build (src/Tolk.Server/bin/Release). WINDOW=15 WARMUP=5.
#   ONLY="LABEL ..." runs only the rows with those labels (e.g. ONLY=delay_probe).
#   A_ENV: settings for server A only, e.g. A_ENV=TOLK_Media__IoUring=false with A_ROOT=. compares a switch.
set -u
cd "$(dirname "$0")/../.."
export TOLK_Translation__Enabled=${TOLK_Translation__Enabled:-false}
a_root=${1:?baseline checkout}; out=${2:?output prefix}
work=$(mktemp -d)
# Separate RTP port ranges: the two servers must not race for the same ports.
pid_a=$(env ${A_ENV:-} TOLK_Media__RtpPortLow=30000 TOLK_Media__RtpPortHigh=34999 "$a_root"/bench/load/start-tolk.sh 27500 "$work/a") || exit 1
pid_b=$(TOLK_Media__RtpPortLow=35000 TOLK_Media__RtpPortHigh=39999 bench/load/start-tolk.sh 27600 "$work/b") || exit 1
trap 'kill $pid_a $pid_b 2>/dev/null; echo "server logs kept in $work" >&2' EXIT
both() {
  local args="$*"; local label=${args##*--label }; label=${label%% *}
  if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $label "* ]]; then return; fi
  python3 bench/load/media-load.py --sip 127.0.0.1:27500 --pid $pid_a --server-log "$work/a/server.log" --csv "$out-a.csv" \
      --base-port 20000 --warmup ${WARMUP:-5} --window ${WINDOW:-15} "$@" > "$work/a.last" 2>&1 &
  local ja=$!
  python3 bench/load/media-load.py --sip 127.0.0.1:27600 --pid $pid_b --server-log "$work/b/server.log" --csv "$out-b.csv" \
      --base-port 22000 --warmup ${WARMUP:-5} --window ${WINDOW:-15} "$@" > "$work/b.last" 2>&1
  wait $ja
  grep '^label' "$work/a.last" | cut -c1-160 | sed 's/^/A /'; grep '^label' "$work/b.last" | cut -c1-160 | sed 's/^/B /'
  sleep 2
}
sleep 3
both --idle --label idle_fresh
both --participants 20 --codec opus --warmup 2 --window 3 --label warm_opus
both --participants 20 --codec pcmu --warmup 2 --window 3 --label warm_pcmu
both --codec pcmu --participants 100 --talkers 0 --label silent_room
for codec in pcmu opus; do
  for m in ${SIZES:-100}; do both --codec $codec --participants $m --label all_talk; done
  both --codec $codec --participants 100 --talkers 1 --label one_talker
  both --codec $codec --participants 12 --talkers 0 --probe 4 --label delay_probe
done
