using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Tolk.Speech.Audio;

namespace Tolk.Speech.Local.PocketSphinx;

/// <summary>
/// One pocketsphinx recognition stream: audio is decoded as it is pushed (on the caller's thread); an utterance
/// starts with the first audio after a flush and ends at <see cref="FlushAsync"/>. With automatic bandwidth the
/// decoder is created once the first loud frames show whether the caller is narrowband (its audio is buffered
/// until then), because the cepstral-mean prior is fixed when a decoder is created. Audio reaches the decoder in
/// blocks of <see cref="PocketSphinxOptions.DecodeBlockFrames"/>: decoding a call's 20 ms frames one by one, as they
/// arrive, finds the model's tables out of cache at every frame.
/// </summary>
internal sealed class PocketSphinxStream : IRecognitionStream
{
    private const double FrameSeconds = 0.01; // pocketsphinx's default frame rate is 100 frames/s
    private readonly Func<bool, PocketSphinxDecoder> _createDecoder;
    private readonly BandwidthDetector? _detector;
    private readonly int _detectionFrames;
    private readonly List<short> _pending = [];
    private readonly short[] _block;
    private int _blockCount;
    private PocketSphinxDecoder? _decoder;
    private bool _inUtterance;
    private readonly RecognitionOptions _options;
    private readonly SpeechContext _context;
    private readonly string _provider;
    private readonly int _interimEverySamples;
    private readonly TimeProvider _time;
    private readonly Channel<SpeechEvent> _events = Channel.CreateUnbounded<SpeechEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Lock _lock = new();
    private long _totalSamples;
    private long _utteranceStartSample;
    private long _samplesSinceInterim;
    private string _lastInterim = string.Empty;
    private bool _completed;
    private bool _disposed;

    public PocketSphinxStream(Func<bool, PocketSphinxDecoder> createDecoder, AudioBandwidth bandwidth, int detectionFrames, RecognitionOptions options, SpeechContext context, string provider, int interimEveryFrames, TimeProvider time, int decodeBlockFrames)
    {
        _block = new short[Math.Max(1, decodeBlockFrames) * SpeechAudio.FrameSamples];
        _createDecoder = createDecoder;
        _detectionFrames = Math.Max(1, detectionFrames);
        if (bandwidth == AudioBandwidth.Auto)
        {
            _detector = new BandwidthDetector();
        }
        else
        {
            _decoder = createDecoder(bandwidth == AudioBandwidth.Narrowband);
            Bandwidth = bandwidth;
        }

        _options = options;
        _context = context;
        _provider = provider;
        _interimEverySamples = Math.Max(1, interimEveryFrames) * SpeechAudio.FrameSamples;
        _time = time;
    }

    private TimeSpan Now => SpeechAudio.Duration(_totalSamples);

    /// <summary>The band the decoder was set up for, or null while it is still being detected.</summary>
    public AudioBandwidth? Bandwidth { get; private set; }

    // Creates the decoder (auto bandwidth) once enough loud audio was seen, or when forced by a flush.
    private void EnsureDecoder(bool force)
    {
        if (_decoder is not null || _detector is null || (!force && _detector.LoudFrames < _detectionFrames))
        {
            return;
        }

        var narrow = _detector.IsNarrowband;
        _decoder = _createDecoder(narrow);
        Bandwidth = narrow ? AudioBandwidth.Narrowband : AudioBandwidth.Wideband;
        if (_inUtterance)
        {
            _decoder.StartUtterance();
            if (_pending.Count > 0)
            {
                _decoder.Process(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending));
            }
        }

        _pending.Clear();
    }

    public ValueTask PushAudioAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_completed)
            {
                throw new InvalidOperationException("The stream is complete.");
            }

            if (samples.IsEmpty)
            {
                return ValueTask.CompletedTask;
            }

            if (!_inUtterance)
            {
                _inUtterance = true;
                _decoder?.StartUtterance();
                _utteranceStartSample = _totalSamples;
                _samplesSinceInterim = 0;
                _lastInterim = string.Empty;
                _events.Writer.TryWrite(new SpeechStartedEvent(Now));
            }

            if (_decoder is null)
            {
                _pending.AddRange(samples.Span);
                _detector!.Add(samples.Span);
                EnsureDecoder(force: false);
            }
            else
            {
                Decode(samples.Span);
            }

            _totalSamples += samples.Length;
            _samplesSinceInterim += samples.Length;
            if (_decoder is not null && _options.InterimResults && _samplesSinceInterim >= _interimEverySamples)
            {
                _samplesSinceInterim = 0;
                var hyp = _decoder.Hypothesis();
                if (hyp.Length > 0 && hyp != _lastInterim)
                {
                    _lastInterim = hyp;
                    _events.Writer.TryWrite(new InterimResultEvent(Now, hyp));
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    // Fills the block and decodes it whenever it is full.
    private void Decode(ReadOnlySpan<short> samples)
    {
        while (!samples.IsEmpty)
        {
            var n = Math.Min(samples.Length, _block.Length - _blockCount);
            samples[..n].CopyTo(_block.AsSpan(_blockCount));
            _blockCount += n;
            samples = samples[n..];
            if (_blockCount == _block.Length)
            {
                DecodeBlock();
            }
        }
    }

    private void DecodeBlock()
    {
        if (_blockCount > 0)
        {
            _decoder!.Process(_block.AsSpan(0, _blockCount));
            _blockCount = 0;
        }
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            EndUtterance();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_completed || _disposed)
            {
                return ValueTask.CompletedTask;
            }

            EndUtterance();
            _completed = true;
            _events.Writer.TryComplete();
        }

        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<SpeechEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var e in _events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return e;
        }
    }

    private void EndUtterance()
    {
        if (!_inUtterance)
        {
            return;
        }

        _inUtterance = false;
        if (_decoder is null && _detector is { LoudFrames: > 0 })
        {
            EnsureDecoder(force: true);
        }

        if (_decoder is null)
        {
            // Only silence so far: nothing to decode, and no evidence for choosing the band yet.
            _pending.Clear();
            _events.Writer.TryWrite(new SpeechEndedEvent(Now));
            var quiet = (_totalSamples - _utteranceStartSample) / (double)SpeechAudio.SampleRate;
            _events.Writer.TryWrite(new UsageEvent(Now, new SpeechUsage(_context, _provider, SpeechUsageKind.Recognition, quiet, 0, _time.GetUtcNow())));
            return;
        }

        DecodeBlock();
        _decoder.EndUtterance();
        var start = SpeechAudio.Duration(_utteranceStartSample);
        var words = new List<RecognizedWord>();
        foreach (var (word, sf, ef, posterior) in _decoder.Segments())
        {
            var w = CleanWord(word);
            if (w is null)
            {
                continue;
            }

            words.Add(new RecognizedWord(w, start + TimeSpan.FromSeconds(sf * FrameSeconds), start + TimeSpan.FromSeconds((ef + 1) * FrameSeconds), posterior));
        }

        var text = string.Join(' ', words.Select(w => w.Text));
        if (text.Length > 0)
        {
            var confidence = words.Count == 0 ? 0 : words.Average(w => w.Confidence);
            _events.Writer.TryWrite(new FinalResultEvent(Now, text, _options.Language, words, confidence, start, Now));
        }

        _events.Writer.TryWrite(new SpeechEndedEvent(Now));
        var seconds = (_totalSamples - _utteranceStartSample) / (double)SpeechAudio.SampleRate;
        _events.Writer.TryWrite(new UsageEvent(Now, new SpeechUsage(_context, _provider, SpeechUsageKind.Recognition, seconds, 0, _time.GetUtcNow())));
    }

    // Drops silence and filler tokens (<s>, </s>, <sil>, [NOISE]) and alternate-pronunciation suffixes ("the(2)").
    private static string? CleanWord(string word)
    {
        if (word.Length == 0 || word[0] is '<' or '[' or '+')
        {
            return null;
        }

        var paren = word.IndexOf('(', StringComparison.Ordinal);
        return paren > 0 ? word[..paren] : word;
    }

    public ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return ValueTask.CompletedTask;
            }

            _disposed = true;
            _events.Writer.TryComplete();
            _decoder?.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
