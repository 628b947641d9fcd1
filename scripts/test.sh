#!/usr/bin/env bash
# Sets up a Debian 12 machine and runs every test: unit, conformance, and end-to-end with real peers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Tolk.slnx -c Release -warnaserror
dotnet test Tolk.slnx -c Release --no-build --logger "console;verbosity=normal" -- RunConfiguration.TestSessionTimeout=2400000
