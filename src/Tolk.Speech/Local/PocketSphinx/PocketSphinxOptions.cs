namespace Tolk.Speech.Local.PocketSphinx;

/// <summary>Settings of <see cref="PocketSphinxRecognizer"/>.</summary>
public sealed class PocketSphinxOptions
{
    /// <summary>Debian's US English model directory.</summary>
    public const string DefaultModelDirectory = "/usr/share/pocketsphinx/model/en-us";

    /// <summary>Acoustic model directory.</summary>
    public string AcousticModel { get; set; } = Path.Combine(DefaultModelDirectory, "en-us");

    /// <summary>Language model (binary ARPA).</summary>
    public string LanguageModel { get; set; } = Path.Combine(DefaultModelDirectory, "en-us.lm.bin");

    /// <summary>Pronunciation dictionary.</summary>
    public string Dictionary { get; set; } = Path.Combine(DefaultModelDirectory, "cmudict-en-us.dict");

    /// <summary>
    /// How many words the decoder searches: the language model's most probable words that the dictionary has
    /// (0, the default = all ≈ 72,000). Fewer words, less search CPU but more words that cannot be recognised: at
    /// 20,000, recognition CPU falls by about a quarter, WER on everyday sentences stays put, but on office-call
    /// sentences with words such as "invoices", "procurement" or "reschedule" it rises from 24 % to 39 %
    /// (docs/benchmarks.md). Only for operators whose rooms name their own vocabulary: room hint phrases and
    /// <see cref="CustomWords"/> add words back, with the full dictionary's pronunciation.
    /// </summary>
    public int VocabularySize { get; set; }

    /// <summary>
    /// Extra decoder arguments as name/value pairs (e.g. <c>["-beam", "1e-60"]</c>); they are appended after
    /// <see cref="TunedArguments"/> and override them.
    /// </summary>
    public IList<string> ExtraArguments { get; } = [];

    /// <summary>
    /// Arguments chosen from measurements on the synthetic corpus: <c>-remove_noise no</c> lowered telephone-band
    /// WER (81 % → 76 %) without changing wideband WER (7 %); <c>-pl_window 10</c> cut decode time at no WER cost;
    /// search pruning <c>-maxhmmpf 3000 -maxwpf 10</c> halves decoding CPU at the same WER (<c>bench asr-tuning</c>,
    /// 50 flite clips — wideband: 0.27 → 0.14 CPU-s per second of audio, 12.1 % both, end of audio → final result
    /// p50 145 → 85 ms; through G.711: 0.34 → 0.15 CPU-s, 22.9 % → 22.1 %). (<c>-upperf</c>/<c>-lowerf</c> are fixed by
    /// the model's feat.params.)
    /// </summary>
    public static IReadOnlyList<string> TunedArguments { get; } = ["-remove_noise", "no", "-pl_window", "10", "-maxhmmpf", "3000", "-maxwpf", "10"];

    /// <summary>Which acoustic set-up a stream uses: detected from the audio (default), or fixed.</summary>
    public AudioBandwidth Bandwidth { get; set; } = AudioBandwidth.Auto;

    /// <summary>
    /// Audio buffered at the start of a stream (auto bandwidth) before the decoder is chosen: enough loud frames to
    /// tell the band; a flush decides with what it has.
    /// </summary>
    public int DetectionLoudFrames { get; set; } = 15;

    /// <summary>
    /// Cepstral-mean prior for telephone-band audio: the mean pocketsphinx's live CMN converged to on G.711 µ-law
    /// speech resampled to 16 kHz (flite slt/rms corpus, 20 utterances). The model's own prior is wideband.
    /// </summary>
    public IReadOnlyList<double> NarrowbandCmnInit { get; set; } = [47.0, 28.0, -25.0, 55.0, -14.5, 3.5, 18.0, -28.0, 17.0, -12.0, 3.0, 16.5, -9.0];

    /// <summary>
    /// Extra decoder arguments for narrowband streams (after <see cref="TunedArguments"/>, before
    /// <see cref="ExtraArguments"/>). <c>-dither yes</c>: G.711 silence decodes to exact zeros and the 4–8 kHz band is
    /// empty, so log filterbank energies hit the floor; ±1 LSB dither keeps them finite (G.711 call-path corpus,
    /// fresh stream per clip: 17.9 % → 15.0 % WER, and "the weather is nice today" exact instead of "… at night …").
    /// <c>-seed 1</c> makes the dither (and so the transcript) reproducible: with a random seed the conformance clips'
    /// WER moved between 15 % and 22 % from run to run. <c>-fwdflat no</c> skips the second search pass, which on
    /// telephone audio costs CPU and end-of-phrase time without helping (<c>bench asr-tuning</c>, 50 clips through
    /// G.711: WER 22.6 % → 22.9 %, end of audio → final result p50 187 → 92 ms, p95 425 → 168 ms).
    /// </summary>
    public IList<string> NarrowbandArguments { get; } = ["-dither", "yes", "-seed", "1", "-fwdflat", "no"];

    /// <summary>Where the telephone-band transform ships: next to the assembly (<c>pocketsphinx/narrowband.mllr</c>).</summary>
    public static string DefaultNarrowbandMllr { get; } = Path.Combine(AppContext.BaseDirectory, "pocketsphinx", "narrowband.mllr");

    /// <summary>
    /// An MLLR transform of the acoustic model's means applied to narrowband streams (null or empty: none). The
    /// default is estimated with SphinxTrain from real recorded telephone-band speech through the G.711 call path
    /// (<c>scripts/adaptation/adapt-narrowband.sh</c>): the wideband model's means moved toward what 300–3400 Hz
    /// audio looks like. On held-out real prompts it cut narrowband WER from 57.8 % to 33.4 %, on flite voices
    /// the transform never heard from 22.4 % to 19.4 % (everyday sentences) and 48.8 % to 31.1 % (office
    /// sentences); the same procedure on the wideband recordings gained nothing (30.2 % → 30.6 %), so what it
    /// learns is the channel, not the one speaker (src/Tolk.Speech/README.md, "Real recorded speech and telephone-band adaptation"). A
    /// configured file that does not exist is an error when the decoder starts.
    /// </summary>
    public string? NarrowbandMllr { get; set; } = DefaultNarrowbandMllr;

    /// <summary>Custom vocabulary: word → CMU phone string (e.g. "tolk" → "T OW L K"), added to each decoder.</summary>
    public IDictionary<string, string> CustomWords { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// How much audio (in 20 ms frames) is handed to the decoder at once; the rest of a block is decoded when the
    /// utterance ends. A call delivers a frame every 20 ms, and decoding each on arrival costs about twice the CPU of
    /// decoding in blocks: between frames the model's tables leave the cache (<c>bench asr-tuning --paced</c>, 40
    /// clips through G.711 in real time: 1 frame 0.27–0.28 CPU-s per second of audio, 3 frames 0.20–0.21, 5 frames
    /// 0.16–0.18, 10 frames 0.15–0.16; WER 26.9–28.7 %, end of audio → final p50 22–32 ms either way). Through real
    /// calls the saving measured smaller: −24 % of a translated speaker's CPU in steady state (docs/benchmarks.md). 1 decodes every
    /// frame as it comes.
    /// </summary>
    public int DecodeBlockFrames { get; set; } = 10;

    /// <summary>How often (in 20 ms frames) a partial hypothesis is read for interim results.</summary>
    public int InterimEveryFrames { get; set; } = 10;
}

/// <summary>The audio band a recognition stream is set up for.</summary>
public enum AudioBandwidth
{
    /// <summary>Detected from the first loud frames of the stream (<see cref="Audio.BandwidthDetector"/>).</summary>
    Auto,

    /// <summary>16 kHz wideband (G.722, Opus, wideband recordings).</summary>
    Wideband,

    /// <summary>Telephone band (G.711 and other 8 kHz codecs, resampled to 16 kHz).</summary>
    Narrowband,
}
