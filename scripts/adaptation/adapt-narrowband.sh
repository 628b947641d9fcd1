#!/usr/bin/env bash
# Re-estimates the telephone-band MLLR transform that narrowband pocketsphinx streams use
# (src/Tolk.Speech/Local/PocketSphinx/Models/narrowband.mllr) from real recorded speech: the first 90 usable prompts
# of Debian's asterisk-core-sounds-en (the rest are held out for measuring it), played through the G.711 µ-law
# call path exactly as calls deliver them. Why and what it gains: src/Tolk.Speech/README.md, "Telephone-band adaptation".
# Usage: bash scripts/adaptation/adapt-narrowband.sh [OUT_FILE]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$root/src/Tolk.Speech/Local/PocketSphinx/Models/narrowband.mllr}"
model=/usr/share/pocketsphinx/model/en-us
train=/usr/lib/sphinxtrain

need=()
[ -x "$train/bw" ] || need+=(sphinxtrain)
command -v sphinx_fe > /dev/null || need+=(sphinxbase-utils)
[ -f /usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz ] || need+=(asterisk-core-sounds-en-wav asterisk-core-sounds-en-g722)
if [ ${#need[@]} -gt 0 ]; then
  apt-get install -y "${need[@]}"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet run -c Release --project "$root/bench/Tolk.Bench" -- recorded-corpus "$work" 0 90

cp -r "$model/en-us" "$work/hmm"
pocketsphinx_mdef_convert -text "$work/hmm/mdef" "$work/hmm/mdef.txt" > /dev/null 2>&1
python3 "$root/scripts/adaptation/sendump_to_mixw.py" "$work/hmm/sendump" "$work/hmm/mixture_weights"
# Features as the decoder computes them for narrowband streams (dithered, fixed seed).
sphinx_fe -argfile "$work/hmm/feat.params" -samprate 16000 -c "$work/corpus.fileids" -di "$work/narrow" -do "$work/narrow" \
  -ei wav -eo mfc -mswav yes -dither yes -seed 1 > "$work/fe.log" 2>&1
mkdir -p "$work/acc"
"$train/bw" -hmmdir "$work/hmm" -moddeffn "$work/hmm/mdef.txt" -ts2cbfn .ptm. -feat 1s_c_d_dd -svspec 0-12/13-25/26-38 \
  -cmn current -agc none -dictfn "$model/cmudict-en-us.dict" -fdictfn "$work/hmm/noisedict" -ctlfn "$work/corpus.fileids" \
  -lsnfn "$work/corpus.transcription" -cepdir "$work/narrow" -accumdir "$work/acc" > "$work/bw.log" 2>&1
"$train/mllr_solve" -meanfn "$work/hmm/means" -varfn "$work/hmm/variances" -outmllrfn "$out" -accumdir "$work/acc" > "$work/mllr.log" 2>&1
echo "wrote $out"
