#!/usr/bin/env bash
# The Janus AudioBridge anchor (harness in /work/shared/anchors/janus), a subset of its matrix
# comparable with run-media.sh. Starts and stops its own Janus. usage: bench/load/run-janus.sh OUT.csv
set -u
anchor=${ANCHOR_DIR:-/work/shared/anchors/janus}
out=${1:?csv}
command -v janus > /dev/null || { echo "janus is not installed: apt-get install -y janus janus-tools" >&2; exit 1; }
rm -rf /tmp/janus-cfg && cp -r "$anchor/janus-cfg" /tmp/janus-cfg
janus -F /tmp/janus-cfg -C /tmp/janus-cfg/janus.jcfg -o > /tmp/janus.log 2>&1 &
jp=$!
trap 'kill $jp 2>/dev/null' EXIT
sleep 4
run() { python3 -W ignore "$anchor/bench.py" --janus-pid $jp --window 20 --warmup 6 --base-port 52000 --csv "$out" "$@" 2>&1 | grep -v '^setup' | grep -v '^{' ; sleep 2; }
run --label baseline_no_rooms --rooms 0 --per-room 0
run --label idle_rooms --rooms 10 --per-room 0
for codec in pcmu opus; do
  run --label $codec --codec $codec --rooms 1 --per-room 3
  run --label $codec --codec $codec --rooms 1 --per-room 10
  run --label $codec --codec $codec --rooms 10 --per-room 10
done
