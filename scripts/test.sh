#!/usr/bin/env bash
# Sets up a Debian 12 machine and runs every test: unit, conformance, and end-to-end with real peers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Tolk.slnx -c Release -warnaserror
log=$(mktemp)
status=0
# One test assembly at a time (-m:1): the end-to-end calls judge real-time audio (recognised words, mouth-to-ear
# delay), and on two cores a unit-test assembly decoding speech beside them makes the mixer skip ticks.
dotnet test Tolk.slnx -c Release --no-build -m:1 --logger "console;verbosity=minimal" 2>&1 | tee "$log" || status=$?
# One closing line over all test assemblies: "N passed, N failed, N skipped".
sum() { grep -E '^(Passed|Failed)!' "$log" | grep -oE "$1: +[0-9]+" | awk '{ n += $2 } END { print n + 0 }'; }
echo "$(sum Passed) passed, $(sum Failed) failed, $(sum Skipped) skipped"
rm -f "$log"
exit $status
