namespace Tolk.Speech.Local.PocketSphinx;

/// <summary>
/// Local US English recognition with pocketsphinx (Debian's wideband en-us model). Each stream owns its own
/// decoder, so streams of different speakers run in parallel.
/// </summary>
public sealed class PocketSphinxRecognizer : ISpeechRecognizer
{
    private readonly PocketSphinxOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the recogniser.</summary>
    public PocketSphinxRecognizer(PocketSphinxOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new PocketSphinxOptions();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Name => "pocketsphinx";

    /// <inheritdoc />
    public RecognizerCapabilities Capabilities { get; } = new(
        Languages: ["en"],
        Streaming: true,
        InterimResults: true,
        WordTimings: true,
        SampleRates: [SpeechAudio.SampleRate],
        CustomVocabulary: true);

    /// <summary>True when the model files are installed.</summary>
    public bool IsAvailable => File.Exists(_options.LanguageModel) && Directory.Exists(_options.AcousticModel) && File.Exists(_options.Dictionary);

    /// <summary>
    /// Hint words the decoder does not know get the full dictionary's pronunciation (a word left out of a pruned
    /// vocabulary), else a letter-to-sound one, so they can be recognised at all.
    /// </summary>
    private void AddHintWords(PocketSphinxDecoder decoder, IReadOnlyList<string>? hints)
    {
        if (hints is null)
        {
            return;
        }

        foreach (var word in hints.SelectMany(h => h.Split([' ', ',', '.', '-'], StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (decoder.IsKnownWord(word))
            {
                continue;
            }

            var known = Vocabulary.DictionaryPronunciations(_options.Dictionary, word).FirstOrDefault();
            if ((known ?? Pronunciations.Lookup(word)) is { } phones)
            {
                decoder.AddWord(word, phones);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<IRecognitionStream> StartStreamAsync(RecognitionOptions options, SpeechContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        if (!Capabilities.Supports(options.Language))
        {
            throw new UnsupportedLanguageException($"pocketsphinx has no model for '{options.Language}'.");
        }

        if (options.SampleRate != SpeechAudio.SampleRate)
        {
            throw new ArgumentException("pocketsphinx streams take 16 kHz audio.", nameof(options));
        }

        var hints = options.HintPhrases;
        PocketSphinxDecoder Create(bool narrowband)
        {
            var decoder = new PocketSphinxDecoder(_options, narrowband);
            AddHintWords(decoder, hints);
            return decoder;
        }

        // A band the operator forced wins; otherwise a source known to be narrowband needs no detection.
        var bandwidth = _options.Bandwidth == AudioBandwidth.Auto && options.NarrowbandSource ? AudioBandwidth.Narrowband : _options.Bandwidth;
        return ValueTask.FromResult<IRecognitionStream>(new PocketSphinxStream(Create, bandwidth, _options.DetectionLoudFrames, options, context, Name, _options.InterimEveryFrames, _time, _options.DecodeBlockFrames));
    }
}
