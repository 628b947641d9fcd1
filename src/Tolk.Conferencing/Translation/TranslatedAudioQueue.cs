using Tolk.Media.Mixing;

namespace Tolk.Conferencing.Translation;

/// <summary>
/// The translated speech for the listeners of one language, as a mixer source: phrases from any number of
/// speakers are played one after another, in the order their first audio arrived, never mixed together
/// (two voices at once in a foreign language are gibberish). Chunks arrive as synthesised (any sample rate)
/// and leave as 20 ms frames of 16 kHz.
/// </summary>
/// <remarks>
/// Written by the speakers' event loops, read by the mixer clock; the lock is held only to move samples.
/// A phrase whose audio stops arriving before it is completed is abandoned after <see cref="MaxStarveFrames"/>
/// so a failed engine cannot hold up the other speakers.
/// </remarks>
public sealed class TranslatedAudioQueue : IAudioFrameSource
{
    private const int SampleRate = 16_000;
    private readonly Lock _gate = new();
    private readonly LinkedList<Phrase> _order = new();
    private int _queuedSamples;
    private long _droppedSamples;
    private long _framesPlayed;

    /// <summary>Creates a queue for <paramref name="language"/>.</summary>
    public TranslatedAudioQueue(string language) => Language = language;

    /// <summary>The listeners' language.</summary>
    public string Language { get; }

    /// <summary>Frames without audio after which an unfinished phrase is abandoned (default 3 s).</summary>
    public int MaxStarveFrames { get; init; } = 150;

    /// <summary>
    /// The delay buffer (the room profile's <c>DelayMs</c>): a phrase starts playing once this much of its audio
    /// is queued (or it is complete), so speech synthesised slower than real time plays without gaps.
    /// </summary>
    public int PrebufferSamples { get; init; }

    /// <summary>Most audio held (default 60 s); later chunks are dropped and counted.</summary>
    public int MaxQueuedSamples { get; init; } = 60 * SampleRate;

    /// <summary>Samples waiting to be played.</summary>
    public int QueuedSamples { get { lock (_gate) { return _queuedSamples; } } }

    /// <summary>Samples dropped because the queue was full.</summary>
    public long DroppedSamples => Interlocked.Read(ref _droppedSamples);

    /// <summary>Frames delivered to the mixer.</summary>
    public long FramesPlayed => Interlocked.Read(ref _framesPlayed);

    /// <summary>Raised (on the mixer thread) when a phrase's first frame is handed to the mixer: speaker id, phrase id.</summary>
    public event Action<string, long>? PhraseStarted;

    /// <summary>Raised when new audio is queued (the room should wake).</summary>
    public event Action? AudioQueued;

    /// <summary>Adds a chunk of a speaker's phrase.</summary>
    public void Enqueue(string speakerId, long phraseId, ReadOnlySpan<short> samples, int sampleRate)
    {
        var pcm = sampleRate == SampleRate ? samples.ToArray() : Resample(samples, sampleRate, SampleRate);
        lock (_gate)
        {
            if (_queuedSamples + pcm.Length > MaxQueuedSamples)
            {
                _droppedSamples += pcm.Length;
                return;
            }
            var phrase = Find(speakerId, phraseId);
            if (phrase is null)
            {
                phrase = new Phrase(speakerId, phraseId);
                _order.AddLast(phrase);
            }
            else if (phrase.Completed)
            {
                return;
            }
            phrase.Chunks.Enqueue(pcm);
            phrase.QueuedSamples += pcm.Length;
            _queuedSamples += pcm.Length;
        }
        AudioQueued?.Invoke();
    }

    /// <summary>Marks a phrase complete: once its audio is played the next phrase starts.</summary>
    public void Complete(string speakerId, long phraseId)
    {
        lock (_gate)
        {
            if (Find(speakerId, phraseId) is { } p)
            {
                p.Completed = true;
            }
        }
    }

    /// <summary>Marks every phrase of a speaker complete (the speaker left or its pipeline ended).</summary>
    public void CompleteAll(string speakerId)
    {
        lock (_gate)
        {
            foreach (var p in _order)
            {
                if (p.SpeakerId == speakerId)
                {
                    p.Completed = true;
                }
            }
        }
    }

    /// <summary>Marks complete the phrases of a speaker whose id satisfies <paramref name="phrase"/> (one run of its pipeline).</summary>
    public void CompleteAll(string speakerId, Func<long, bool> phrase)
    {
        ArgumentNullException.ThrowIfNull(phrase);
        lock (_gate)
        {
            foreach (var p in _order)
            {
                if (p.SpeakerId == speakerId && phrase(p.PhraseId))
                {
                    p.Completed = true;
                }
            }
        }
    }

    /// <inheritdoc />
    public bool TryRead(Span<short> frame)
    {
        string? startedSpeaker = null;
        long startedPhrase = 0;
        var filled = 0;
        lock (_gate)
        {
            while (filled < frame.Length && _order.First is { } node)
            {
                var p = node.Value;
                if (p.Chunks.Count == 0)
                {
                    if (p.Completed || (filled == 0 && ++p.StarveFrames > MaxStarveFrames))
                    {
                        _order.RemoveFirst();
                        continue;
                    }
                    break;
                }
                if (!p.Started && !p.Completed && p.QueuedSamples < PrebufferSamples)
                {
                    break;
                }
                p.StarveFrames = 0;
                if (!p.Started)
                {
                    p.Started = true;
                    startedSpeaker = p.SpeakerId;
                    startedPhrase = p.PhraseId;
                }
                var chunk = p.Chunks.Peek();
                var n = Math.Min(chunk.Length - p.Offset, frame.Length - filled);
                chunk.AsSpan(p.Offset, n).CopyTo(frame[filled..]);
                filled += n;
                p.Offset += n;
                p.QueuedSamples -= n;
                _queuedSamples -= n;
                if (p.Offset == chunk.Length)
                {
                    p.Chunks.Dequeue();
                    p.Offset = 0;
                }
            }
        }
        if (startedSpeaker is not null)
        {
            PhraseStarted?.Invoke(startedSpeaker, startedPhrase);
        }
        if (filled == 0)
        {
            return false;
        }
        frame[filled..].Clear();
        Interlocked.Increment(ref _framesPlayed);
        return true;
    }

    private Phrase? Find(string speakerId, long phraseId)
    {
        for (var n = _order.Last; n is not null; n = n.Previous)
        {
            if (n.Value.PhraseId == phraseId && n.Value.SpeakerId == speakerId)
            {
                return n.Value;
            }
        }
        return null;
    }

    /// <summary>Linear-interpolation resampling (TTS chunks at 8/22.05/16 kHz → 16 kHz).</summary>
    internal static short[] Resample(ReadOnlySpan<short> input, int fromRate, int toRate)
    {
        if (input.Length == 0 || fromRate <= 0)
        {
            return [];
        }
        var length = (int)((long)input.Length * toRate / fromRate);
        var output = new short[length];
        var step = (double)fromRate / toRate;
        for (var i = 0; i < length; i++)
        {
            var pos = i * step;
            var j = (int)pos;
            var frac = pos - j;
            var a = input[Math.Min(j, input.Length - 1)];
            var b = input[Math.Min(j + 1, input.Length - 1)];
            output[i] = (short)Math.Round(a + ((b - a) * frac));
        }
        return output;
    }

    private sealed class Phrase(string speakerId, long phraseId)
    {
        public string SpeakerId { get; } = speakerId;

        public long PhraseId { get; } = phraseId;

        public Queue<short[]> Chunks { get; } = new();

        public int Offset { get; set; }

        public bool Completed { get; set; }

        public bool Started { get; set; }

        public int StarveFrames { get; set; }

        public int QueuedSamples { get; set; }
    }
}
