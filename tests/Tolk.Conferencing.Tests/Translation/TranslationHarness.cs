using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Tolk.Conferencing.Tenancy;
using Tolk.Conferencing.Translation;
using Tolk.Media.Mixing;
using Tolk.Speech.Pipeline;
using Tolk.Testing;

namespace Tolk.Conferencing.Tests.Translation;

/// <summary>A speaker pipeline whose events the test emits by hand; it records the frames pushed into it.</summary>
internal sealed class FakeSpeakerPipeline(TranslationPipelineOptions options, string? unavailableReason) : ISpeakerPipeline
{
    private readonly Channel<PipelineEvent> _events = Channel.CreateUnbounded<PipelineEvent>();

    public TranslationPipelineOptions Options { get; } = options;

    public string? UnavailableReason { get; } = unavailableReason;

    public bool UnavailableByConfiguration => UnavailableReason is not null;

    public ConcurrentQueue<short[]> Frames { get; } = new();

    public bool Disposed { get; private set; }

    public bool TryPushFrame(ReadOnlySpan<short> frame)
    {
        Frames.Enqueue(frame.ToArray());
        return true;
    }

    public void Emit(PipelineEvent e) => _events.Writer.TryWrite(e);

    public void End() => _events.Writer.TryComplete();

    public IAsyncEnumerable<PipelineEvent> ReadEventsAsync(CancellationToken cancellationToken = default) => _events.Reader.ReadAllAsync(cancellationToken);

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        _events.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}

internal sealed class FakeSpeakerPipelineFactory : ISpeakerPipelineFactory
{
    public ConcurrentQueue<FakeSpeakerPipeline> Started { get; } = new();

    /// <summary>Languages without a recogniser (like every language but English locally).</summary>
    public HashSet<string> Unrecognised { get; } = ["es"];

    public bool Throw { get; set; }

    /// <summary>When set, starts wait for it (a recogniser that takes long to load).</summary>
    public TaskCompletionSource? StartGate { get; set; }

    public async Task<ISpeakerPipeline> StartAsync(TranslationPipelineOptions options, CancellationToken cancellationToken = default)
    {
        if (StartGate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }
        if (Throw)
        {
            throw new InvalidOperationException("engine exploded");
        }
        var p = new FakeSpeakerPipeline(options, Unrecognised.Contains(options.SourceLanguage) ? $"No speech recogniser is configured for '{options.SourceLanguage}'." : null);
        Started.Enqueue(p);
        return p;
    }

    public FakeSpeakerPipeline For(string participantId) => Started.Last(p => p.Options.Context.ParticipantId == participantId);
}

/// <summary>A participant's input: frames queued by the test, nothing (false) otherwise.</summary>
internal sealed class ScriptedSource : IAudioFrameSource
{
    public ConcurrentQueue<short[]> Frames { get; } = new();

    public bool TryRead(Span<short> frame)
    {
        if (!Frames.TryDequeue(out var f))
        {
            return false;
        }
        f.CopyTo(frame);
        return true;
    }
}

/// <summary>Keeps every mix a participant hears.</summary>
internal sealed class CaptureSink : IAudioFrameSink
{
    public List<short[]> Frames { get; } = [];

    public void Write(MixedFrame frame) => Frames.Add(frame.Samples.ToArray());
}

/// <summary>Settings of a <see cref="TranslationHarness"/>.</summary>
internal sealed class HarnessOptions
{
    public int OriginalMixPercent { get; init; } = 20;

    public IReadOnlyList<string> Languages { get; init; } = ["en", "es"];

    public EmotionAlertSettings? EmotionAlerts { get; init; }

    public ConferenceTranslationOptions Translation { get; init; } = new();

    public Tolk.Speech.ISpeechSynthesizer? NoticeSynthesizer { get; init; }

    /// <summary>Real pipelines instead of <see cref="TranslationHarness.Factory"/>'s fakes.</summary>
    public ISpeakerPipelineFactory? PipelineFactory { get; init; }
}

/// <summary>Keeps every room event.</summary>
internal sealed class RecordingEventSink : Tolk.Conferencing.Events.IRoomEventSink
{
    public ConcurrentQueue<Tolk.Conferencing.Events.RoomEvent> Events { get; } = new();

    public IReadOnlyList<T> Of<T>()
        where T : Tolk.Conferencing.Events.RoomEvent => [.. Events.OfType<T>()];

    public void Publish(Tolk.Conferencing.Events.RoomEvent roomEvent) => Events.Enqueue(roomEvent);
}

/// <summary>
/// A synthesiser whose audio says which language it speaks: a constant level per language (en 7000, es 9000,
/// others 5000), 0.5 s at 8 kHz (so the room must resample it). Counts its calls.
/// </summary>
internal sealed class LevelSynthesizer : Tolk.Speech.ISpeechSynthesizer
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public List<string> Texts { get; } = [];

    public string Name => "level";

    public Tolk.Speech.SynthesizerCapabilities Capabilities { get; } = new(["en", "es", "fr", "ca"], [], Streaming: true, Ssml: false, OutputSampleRate: 8000);

    public static short LevelOf(string language) => language switch { "en" => 7000, "es" => 9000, _ => 5000 };

    public async IAsyncEnumerable<Tolk.Speech.AudioChunk> SynthesizeAsync(string text, string language, Tolk.Speech.VoiceSettings voice, Tolk.Speech.SpeechContext context, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        lock (Texts)
        {
            Texts.Add(text);
        }
        await Task.Yield();
        yield return new Tolk.Speech.AudioChunk(Enumerable.Repeat(LevelOf(language), 4000).ToArray(), 8000);
    }
}

/// <summary>A mixer room ticked by hand with a translation on top.</summary>
internal sealed class TranslationHarness : IAsyncDisposable
{
    public TranslationHarness(int originalMixPercent = 20, params string[] languages)
        : this(new HarnessOptions { OriginalMixPercent = originalMixPercent, Languages = languages.Length == 0 ? ["en", "es"] : languages })
    {
    }

    public TranslationHarness(HarnessOptions options)
    {
        Clock = new MixerClock(Time);
        Mixer = Clock.CreateRoom("room", new MixerRoomOptions { JoinLeaveTones = false });
        Room = new RoomInfo(Guid.NewGuid(), "5000", "Demo", Languages: [.. options.Languages.Select(l => new RoomLanguage(l))], OriginalMixPercent: options.OriginalMixPercent, EmotionAlerts: options.EmotionAlerts);
        Translation = new RoomTranslation(Mixer, Room, TenantId, options.PipelineFactory ?? Factory, options.Translation, NullLogger.Instance, Time, Events, options.NoticeSynthesizer is { } s ? new TranslationNotices(s) : null);
    }

    public static Guid TenantId { get; } = Guid.Parse("6f1c1f43-6a0c-4d39-9a55-1d7f3bd0e001");

    public RecordingEventSink Events { get; } = new();

    /// <summary>Drives the translation's timers (the mixer is ticked by hand with <see cref="Tick"/>).</summary>
    public ManualTimeProvider Time { get; } = new();

    public MixerClock Clock { get; }

    public MixerRoom Mixer { get; }

    public RoomInfo Room { get; }

    public FakeSpeakerPipelineFactory Factory { get; } = new();

    public RoomTranslation Translation { get; }

    public Dictionary<string, (MixerParticipant Participant, ScriptedSource Input, CaptureSink Output)> People { get; } = [];

    public MixerParticipant Join(string id, string language, bool announceMenu = false)
    {
        var input = new ScriptedSource();
        var output = new CaptureSink();
        var p = Mixer.AddParticipant(id, input, output);
        People[id] = (p, input, output);
        Translation.Join(p, language, "call-" + id, announceMenu: announceMenu);
        return p;
    }

    public MixerParticipant this[string id] => People[id].Participant;

    /// <summary>Waits until the room's background work satisfies <paramref name="condition"/>.</summary>
    public static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for " + what);
            }
            await Task.Delay(5);
        }
    }

    public void Tick(int count = 1)
    {
        for (var i = 0; i < count; i++)
        {
            Clock.TickNow();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Translation.DisposeAsync();
        await Clock.DisposeAsync();
    }
}
