#!/usr/bin/env bash
# Sets up a Debian 12 machine and runs the tolk server with the demo tenant (SQLite, local engines).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet run --project src/Tolk.Server -c Release -- serve --data "$PWD/data" "$@"
