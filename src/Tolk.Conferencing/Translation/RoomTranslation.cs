using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Tolk.Conferencing.Events;
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
/// translated (no recogniser, engine failure) is heard unducked by everyone, and the listeners who lose its
/// translation hear a short spoken notice (<see cref="TranslationNotices"/>).
/// A speaker's pipeline runs only while someone of another language is in the room: it starts when the first
/// such listener joins and stops <see cref="ConferenceTranslationOptions.PipelineIdleGrace"/> after the last one
/// left (so a listener who drops and redials does not restart it). Participants, transcripts, captions, emotion
/// alerts and availability changes are published to an <see cref="IRoomEventSink"/>.
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
    private readonly Guid _tenantId;
    private readonly IRoomEventSink _events;
    private readonly TranslationNotices? _notices;
    private bool _disposed;
    private long _generations;

    /// <summary>Translation for <paramref name="mixer"/>, whose profile is <paramref name="room"/>.</summary>
    /// <param name="mixer">The live mixer room.</param>
    /// <param name="room">The room profile.</param>
    /// <param name="tenantId">The tenant (usage records, events).</param>
    /// <param name="factory">Starts speaker pipelines.</param>
    /// <param name="options">Translation settings.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="time">Clock of the timers (idle grace, notices, closing silence).</param>
    /// <param name="events">Receives the room's events; null drops them.</param>
    /// <param name="notices">Speaks "translation unavailable" notices; null: silent.</param>
    /// <param name="targetVoices">The room's voice per language it translates into (see <see cref="ConferenceTranslation.TargetVoicesFor"/>); null: none.</param>
    public RoomTranslation(MixerRoom mixer, RoomInfo room, Guid tenantId, ISpeakerPipelineFactory factory, ConferenceTranslationOptions options, ILogger logger, TimeProvider time, IRoomEventSink? events = null, TranslationNotices? notices = null, IReadOnlyDictionary<string, TargetVoice>? targetVoices = null)
    {
        _targetVoices = targetVoices is { Count: > 0 } ? targetVoices : null;
        ArgumentNullException.ThrowIfNull(mixer);
        Mixer = mixer;
        Room = room;
        _tenantId = tenantId;
        _factory = factory;
        _options = options;
        _logger = logger;
        _time = time;
        _events = events ?? NullRoomEventSink.Instance;
        _notices = notices;
        mixer.SpeakingStopped += OnSpeakingStopped;
        mixer.SpeakingStarted += OnSpeakingStarted;
    }

    /// <summary>The tenant that owns the room.</summary>
    public Guid TenantId => _tenantId;

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

    /// <summary>True while the participant's pipeline exists (started, possibly in its idle grace period).</summary>
    public bool HasPipeline(MixerParticipant participant)
    {
        lock (_gate)
        {
            return _members.TryGetValue(participant, out var m) && m.Current is not null;
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

    /// <summary>
    /// Adds a participant who speaks <paramref name="language"/>. Its pipeline starts once someone of another
    /// language is in the room; the pipelines of the others start (or restart with a new target) as needed.
    /// </summary>
    /// <param name="participant">The mixer participant.</param>
    /// <param name="language">The language it speaks and listens in.</param>
    /// <param name="callId">The call (usage records).</param>
    /// <param name="voice">The speaker's stored voice profile, or null to adapt to its live voice.</param>
    /// <param name="announceMenu">Tell the participant (alone) the DTMF language menu: its language was a guess.</param>
    /// <param name="builtInVoice">
    /// The speaker's own built-in voice, a synthesiser language tag (e.g. "es-419"), or null: their translations into
    /// that tag's language are spoken in it, over the room's voice for the language.
    /// </param>
    /// <param name="narrowband">The caller's codec is telephone band (G.711): its recogniser is set up before it speaks.</param>
    public void Join(MixerParticipant participant, string language, string callId, SpeakerVoiceProfile? voice = null, bool announceMenu = false, string? builtInVoice = null, bool narrowband = false)
    {
        ArgumentNullException.ThrowIfNull(participant);
        Member member;
        lock (_gate)
        {
            if (_disposed || _members.ContainsKey(participant))
            {
                return;
            }
            member = new Member(this, participant, language, new SpeechContext(_tenantId.ToString("N"), callId, participant.Id), voice, builtInVoice) { Narrowband = narrowband };
            _members.Add(participant, member);
            EnsureOutput(language);
            UpdateRoutingLocked();
            UpdatePipelinesLocked();
        }
        Log.ParticipantJoined(_logger, Room.Extension, participant.Id, language, _tenantId.ToString("N"), Room.Id);
        Publish(new RoomParticipantEvent(_tenantId, Room.Id, Room.Extension, _time.GetUtcNow(), participant.Id, language, Joined: true));
        member.Tap = participant.AddTap(member);
        if (announceMenu && _notices is not null)
        {
            _ = PlayToAsync(participant, language, () => _notices.GetMenuAudioAsync(Room.Languages?.Select(l => l.Code).ToList() ?? []), isMenu: true);
        }
    }

    /// <summary>
    /// Switches the language a participant speaks and listens in (e.g. from the DTMF menu): it joins the audience
    /// of its new language and its pipeline restarts from that language. False when it is not in the room or
    /// already speaks it.
    /// </summary>
    public bool SetLanguage(MixerParticipant participant, string language)
    {
        ArgumentNullException.ThrowIfNull(participant);
        ArgumentException.ThrowIfNullOrWhiteSpace(language);
        Member old, member;
        lock (_gate)
        {
            if (_disposed || !_members.TryGetValue(participant, out old!) || Same(old.Language, language))
            {
                return false;
            }
            member = new Member(this, participant, language, old.Context, old.VoiceProfile, old.BuiltInVoice);
            _members[participant] = member;
            EnsureOutput(language);
            UpdateRoutingLocked();
            UpdatePipelinesLocked();
        }
        old.Tap?.Dispose();
        // The old run's queued phrases are completed when it stops; the new run's must stay open.
        _ = old.StopAsync();
        Log.LanguageChanged(_logger, Room.Extension, participant.Id, old.Language, language);
        Publish(new RoomParticipantEvent(_tenantId, Room.Id, Room.Extension, _time.GetUtcNow(), participant.Id, language, Joined: true));
        member.Tap = participant.AddTap(member);
        return true;
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
            ForgetMenuLocked(participant);
            UpdateRoutingLocked();
            UpdatePipelinesLocked();
        }
        member.Tap?.Dispose();
        _starPressed.TryRemove(participant, out _);
        _deferredNotices.TryRemove(participant, out _);
        foreach (var o in Outputs())
        {
            o.Queue.CompleteAll(participant.Id);
        }
        _ = member.StopAsync();
        _lastNotice.Forget(k => k.Speaker == participant.Id);
        _lastAlert.Forget(k => k.Speaker == participant.Id);
        Publish(new RoomParticipantEvent(_tenantId, Room.Id, Room.Extension, _time.GetUtcNow(), participant.Id, member.Language, Joined: false));
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
            Mixer.SpeakingStarted -= OnSpeakingStarted;
            members = [.. _members.Values];
            _members.Clear();
            foreach (var p in _prompts.Keys.ToList())
            {
                ForgetMenuLocked(p);
            }
            _answered.Clear();
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

    /// <summary>
    /// Starts the pipeline of every speaker that has listeners of another language and none yet (or whose targets
    /// miss a language now present), and schedules the stop of those that have none left. Caller holds the lock,
    /// after <see cref="UpdateRoutingLocked"/>.
    /// </summary>
    private void UpdatePipelinesLocked()
    {
        foreach (var m in _members.Values)
        {
            if (m.HasForeignListeners)
            {
                m.CancelIdleStop();
                if (m.Current is null)
                {
                    StartPipeline(m);
                }
                else if (m.Targets is { } t && TargetsFor(m.Language).Any(l => !t.Contains(l, StringComparer.OrdinalIgnoreCase)))
                {
                    // A language new to the room: the speaker's pipeline must produce it too.
                    StartPipeline(m);
                }
            }
            else if (m.Current is not null && !m.IdleStopPending)
            {
                var member = m;
                if (_options.PipelineIdleGrace <= TimeSpan.Zero)
                {
                    StopIdlePipelineLocked(member);
                }
                else
                {
                    member.ScheduleIdleStop(_time.CreateTimer(_ => OnIdleGraceElapsed(member), null, _options.PipelineIdleGrace, Timeout.InfiniteTimeSpan));
                }
            }
        }
    }

    private void OnIdleGraceElapsed(Member member)
    {
        lock (_gate)
        {
            if (_disposed || !_members.TryGetValue(member.Participant, out var current) || current != member || member.HasForeignListeners)
            {
                return;
            }
            StopIdlePipelineLocked(member);
            UpdateRoutingLocked();
        }
    }

    private void StopIdlePipelineLocked(Member member)
    {
        member.StopPipeline();
        Log.SpeakerIdle(_logger, Room.Extension, member.Participant.Id, member.Language);
    }

    private void Publish(RoomEvent e)
    {
        try
        {
            _events.Publish(e);
        }
        catch (Exception ex)
        {
            // A faulty sink must not take the media or speech threads down.
            Log.EventSinkFailed(_logger, Room.Extension, e.GetType().Name, ex);
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
