using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Tolk.Conferencing.Tenancy;
using Tolk.Media.Mixing;
using Tolk.Speech;
using Tolk.Speech.Pipeline;

namespace Tolk.Conferencing.Translation;

/// <summary>
/// Live translation in one mixer room: each speaker's own audio (a mixer tap) feeds a speaker pipeline whose
/// translated speech is queued per listener language (<see cref="TranslatedAudioQueue"/>) and added to the
/// mix as an extra source heard only by the listeners of that language, who hear the speaker's original
/// ducked to the room's "original mix %". Same-language listeners hear the original; a speaker never hears
/// its own translation (the audience of a language never contains its speakers). A speaker that cannot be
/// translated (no recogniser, engine failure) is heard unducked by everyone.
/// </summary>
public sealed partial class RoomTranslation : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<MixerParticipant, Member> _members = [];
    private readonly Dictionary<string, LanguageOutput> _outputs = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<TranscriptEntry> _transcript = [];
    private readonly ConcurrentQueue<TranslationLatency> _latencies = new();
    private readonly ISpeakerPipelineFactory _factory;
    private readonly ConferenceTranslationOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _tenantId;
    private bool _disposed;

    /// <summary>Translation for <paramref name="mixer"/>, whose profile is <paramref name="room"/>.</summary>
    public RoomTranslation(MixerRoom mixer, RoomInfo room, string tenantId, ISpeakerPipelineFactory factory, ConferenceTranslationOptions options, ILogger logger, TimeProvider time)
    {
        Mixer = mixer;
        Room = room;
        _tenantId = tenantId;
        _factory = factory;
        _options = options;
        _logger = logger;
        _time = time;
        mixer.SpeakingStopped += OnSpeakingStopped;
    }

    /// <summary>The mixer room.</summary>
    public MixerRoom Mixer { get; }

    /// <summary>The room profile.</summary>
    public RoomInfo Room { get; }

    /// <summary>Gain of the original speech for listeners of another language (the profile's original mix %).</summary>
    public float DuckGain => Math.Clamp(Room.OriginalMixPercent, 0, 100) / 100f;

    /// <summary>Final utterances with their translations, oldest first (at most <see cref="ConferenceTranslationOptions.TranscriptCapacity"/>).</summary>
    public IReadOnlyList<TranscriptEntry> Transcript
    {
        get { lock (_gate) { return [.. _transcript]; } }
    }

    /// <summary>Measured latencies (per phrase and stage), most recent last.</summary>
    public IReadOnlyList<TranslationLatency> Latencies => [.. _latencies];

    /// <summary>The language of a participant, or null when it is not in the room.</summary>
    public string? LanguageOf(MixerParticipant participant)
    {
        lock (_gate)
        {
            return _members.TryGetValue(participant, out var m) ? m.Language : null;
        }
    }

    /// <summary>Why a participant's speech is not translated (null while it is, or before its pipeline started).</summary>
    public string? UnavailableReason(MixerParticipant participant)
    {
        lock (_gate)
        {
            return _members.TryGetValue(participant, out var m) ? m.UnavailableReason : null;
        }
    }

    /// <summary>True once the participant's pipeline runs and translates.</summary>
    public bool IsTranslating(MixerParticipant participant)
    {
        lock (_gate)
        {
            return _members.TryGetValue(participant, out var m) && m.Pipeline is not null && m.UnavailableReason is null;
        }
    }

    /// <summary>The translated-speech queue of a listener language, or null when none exists yet.</summary>
    public TranslatedAudioQueue? QueueFor(string language)
    {
        lock (_gate)
        {
            return _outputs.TryGetValue(language, out var o) ? o.Queue : null;
        }
    }

    /// <summary>The mixer source of a listener language, or null.</summary>
    public MixerExtraSource? SourceFor(string language)
    {
        lock (_gate)
        {
            return _outputs.TryGetValue(language, out var o) ? o.Source : null;
        }
    }

    /// <summary>Adds a participant who speaks <paramref name="language"/>; starts its pipeline.</summary>
    public void Join(MixerParticipant participant, string language, string callId)
    {
        ArgumentNullException.ThrowIfNull(participant);
        var restart = new List<Member>();
        Member member;
        lock (_gate)
        {
            if (_disposed || _members.ContainsKey(participant))
            {
                return;
            }
            member = new Member(this, participant, language, new SpeechContext(_tenantId, callId, participant.Id));
            _members.Add(participant, member);
            EnsureOutput(language);
            foreach (var other in _members.Values)
            {
                if (other != member && !Same(other.Language, language) && other.Targets is { } t && !t.Contains(language, StringComparer.OrdinalIgnoreCase))
                {
                    // A language new to the room: the speaker's pipeline must produce it too.
                    restart.Add(other);
                }
            }
            UpdateRoutingLocked();
        }
        Log.ParticipantJoined(_logger, Room.Extension, participant.Id, language, _tenantId, Room.Id);
        member.Tap = participant.AddTap(member);
        StartPipeline(member);
        foreach (var m in restart)
        {
            StartPipeline(m);
        }
    }

    /// <summary>Removes a participant: its pipeline stops, its queued phrases finish playing.</summary>
    public void Leave(MixerParticipant participant)
    {
        Member? member;
        lock (_gate)
        {
            if (!_members.Remove(participant, out member))
            {
                return;
            }
            UpdateRoutingLocked();
        }
        member.Tap?.Dispose();
        foreach (var o in Outputs())
        {
            o.Queue.CompleteAll(participant.Id);
        }
        _ = member.StopAsync();
    }

    /// <summary>Participants in the room.</summary>
    public int Count
    {
        get { lock (_gate) { return _members.Count; } }
    }

    /// <summary>Stops every pipeline and removes the extra sources.</summary>
    public async ValueTask DisposeAsync()
    {
        List<Member> members;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            Mixer.SpeakingStopped -= OnSpeakingStopped;
            members = [.. _members.Values];
            _members.Clear();
        }
        foreach (var m in members)
        {
            m.Tap?.Dispose();
            await m.StopAsync().ConfigureAwait(false);
        }
        foreach (var o in Outputs())
        {
            o.Source.Remove();
        }
    }

    private List<LanguageOutput> Outputs()
    {
        lock (_gate)
        {
            return [.. _outputs.Values];
        }
    }

    private LanguageOutput EnsureOutput(string language)
    {
        lock (_gate)
        {
            if (!_outputs.TryGetValue(language, out var o))
            {
                var queue = new TranslatedAudioQueue(language) { PrebufferSamples = Math.Clamp(Room.DelayMs, 0, 10_000) * 16 };
                var audience = _members.Values.Where(m => Same(m.Language, language)).Select(m => m.Participant).ToList();
                var source = Mixer.AddSource(queue, audience, 1f, "translation-" + language);
                queue.AudioQueued += source.NotifyInputAvailable;
                queue.PhraseStarted += (speaker, phrase) => OnPhraseStarted(language, speaker, phrase);
                o = new LanguageOutput(queue, source);
                _outputs.Add(language, o);
            }
            return o;
        }
    }

    /// <summary>Audiences, ducking and which speakers need translating, after any change. Caller holds the lock.</summary>
    private void UpdateRoutingLocked()
    {
        foreach (var (language, output) in _outputs)
        {
            if (!output.Source.IsRemoved)
            {
                output.Source.SetAudience(_members.Values.Where(m => Same(m.Language, language)).Select(m => m.Participant));
            }
        }
        foreach (var speaker in _members.Values)
        {
            speaker.HasForeignListeners = _members.Values.Any(l => !Same(l.Language, speaker.Language));
            foreach (var listener in _members.Values)
            {
                if (listener == speaker || listener.Participant.HasLeft || speaker.Participant.HasLeft)
                {
                    continue;
                }
                var ducked = !Same(listener.Language, speaker.Language) && speaker.TranslatesTo(listener.Language);
                listener.Participant.SetGainFrom(speaker.Participant, ducked ? DuckGain : 1f);
            }
        }
    }

    private void UpdateRouting()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                UpdateRoutingLocked();
            }
        }
    }

    private List<string> TargetsFor(string language)
    {
        lock (_gate)
        {
            return (Room.Languages ?? []).Select(l => l.Code)
                .Concat(_members.Values.Select(m => m.Language))
                .Where(l => !Same(l, language))
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .ToList();
        }
    }

    private void AddTranscript(TranscriptEntry entry)
    {
        lock (_gate)
        {
            _transcript.Add(entry);
            if (_transcript.Count > _options.TranscriptCapacity)
            {
                _transcript.RemoveAt(0);
            }
        }
    }

    private void AddLatency(TranslationLatency latency)
    {
        _latencies.Enqueue(latency);
        while (_latencies.Count > _options.LatencyCapacity && _latencies.TryDequeue(out _))
        {
        }
    }

    private static bool Same(string a, string b) => LanguageTags.SameLanguage(a, b);

    private sealed record LanguageOutput(TranslatedAudioQueue Queue, MixerExtraSource Source);
}

/// <summary>One latency measurement of the live path.</summary>
/// <param name="SpeakerId">The speaking participant.</param>
/// <param name="PhraseId">The phrase.</param>
/// <param name="Stage">The pipeline stage, or null for <c>speech end → first translated frame in the mix</c>.</param>
/// <param name="TargetLanguage">The target language, when the stage has one.</param>
/// <param name="Duration">How long it took.</param>
public sealed record TranslationLatency(string SpeakerId, long PhraseId, PipelineStage? Stage, string? TargetLanguage, TimeSpan Duration);
