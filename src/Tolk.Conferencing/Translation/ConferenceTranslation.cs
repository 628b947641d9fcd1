using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tolk.Conferencing.Events;
using Tolk.Conferencing.Tenancy;
using Tolk.Media.Mixing;
using Tolk.Speech;
using Tolk.Speech.Pipeline;

namespace Tolk.Conferencing.Translation;

/// <summary>Settings of live translation in conferences (<c>Translation:*</c>).</summary>
public sealed record ConferenceTranslationOptions
{
    /// <summary>Translate in rooms with two or more languages.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Transcript entries kept in memory per room.</summary>
    public int TranscriptCapacity { get; init; } = 1000;

    /// <summary>Latency measurements kept in memory per room.</summary>
    public int LatencyCapacity { get; init; } = 2000;

    /// <summary>
    /// How long a speaker's pipeline outlives its last listener of another language (so a listener who drops and
    /// redials does not restart it); zero stops it at once.
    /// </summary>
    public TimeSpan PipelineIdleGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Shortest interval between two "translation unavailable" notices for the same speaker and target.</summary>
    public TimeSpan NoticeInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Shortest interval between two emotion alerts for the same speaker and label; zero alerts on every utterance.</summary>
    public TimeSpan EmotionAlertInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Phrase detection for every speaker's pipeline (read, never changed).</summary>
    public Tolk.Speech.Local.Vad.EndpointerOptions Endpointing { get; init; } = new();
}

/// <summary>
/// The live translation of every room of the host: a <see cref="RoomTranslation"/> per mixer room with two or
/// more languages, created when its first participant joins. Transcripts of a room outlive its last call
/// (until the host stops) so they can be read after the conference.
/// </summary>
public sealed partial class ConferenceTranslation : IAsyncDisposable
{
    private readonly ConcurrentDictionary<MixerRoom, RoomTranslation> _rooms = new();
    private readonly ConcurrentDictionary<(Guid Tenant, Guid Room), RoomTranslation> _byRoom = new();
    private readonly Lock _gate = new();
    private readonly ISpeakerPipelineFactory _factory;
    private readonly ITenantCatalog? _catalog;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly IRoomEventSink _events;
    private readonly TranslationNotices? _notices;

    /// <summary>Creates the service.</summary>
    /// <param name="factory">Starts speaker pipelines.</param>
    /// <param name="options">Settings.</param>
    /// <param name="catalog">Supplies SIP account languages and voices, and voice profiles.</param>
    /// <param name="loggers">Loggers.</param>
    /// <param name="time">Clock of the rooms' timers.</param>
    /// <param name="events">Receives every room's events (live feed, transcripts, alerts); null drops them.</param>
    /// <param name="noticeSynthesizer">Speaks the "translation unavailable" notice to listeners; null: no notice.</param>
    public ConferenceTranslation(
        ISpeakerPipelineFactory factory,
        ConferenceTranslationOptions? options = null,
        ITenantCatalog? catalog = null,
        ILoggerFactory? loggers = null,
        TimeProvider? time = null,
        IRoomEventSink? events = null,
        ISpeechSynthesizer? noticeSynthesizer = null)
    {
        _factory = factory;
        _catalog = catalog;
        Options = options ?? new ConferenceTranslationOptions();
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _time = time ?? TimeProvider.System;
        _events = events ?? NullRoomEventSink.Instance;
        _notices = noticeSynthesizer is null ? null : new TranslationNotices(noticeSynthesizer);
    }

    /// <summary>The settings.</summary>
    public ConferenceTranslationOptions Options { get; }

    /// <summary>True when a room's profile asks for translation.</summary>
    public bool AppliesTo(RoomInfo room) => Options.Enabled && (room.Languages?.Select(l => l.Code).Distinct(StringComparer.OrdinalIgnoreCase).Count() ?? 0) >= 2;

    /// <summary>The language a caller speaks in a room (mapping, then account, then the room's first language).</summary>
    public string LanguageFor(Guid tenantId, RoomInfo room, string? authenticatedUser, string callerUri) =>
        ParticipantLanguages.Resolve(room, authenticatedUser, callerUri, _catalog is null ? null : user => _catalog.FindAccount(tenantId, user)?.Language);

    /// <summary>
    /// The stored voice profile of a caller in a room (through the room's participant mapping, else its SIP
    /// account), or null when it has none (the synthetic voice then adapts to the live voice).
    /// </summary>
    public SpeakerVoiceProfile? VoiceProfileFor(Guid tenantId, RoomInfo room, string? authenticatedUser, string callerUri)
    {
        if (_catalog is null)
        {
            return null;
        }
        var voice = ParticipantLanguages.ResolveVoice(room, authenticatedUser, callerUri, user => _catalog.FindAccount(tenantId, user)?.Voice);
        return voice is not null && Guid.TryParse(voice, out var id) && _catalog.FindVoiceProfile(tenantId, id) is { } profile
            ? SpeakerProfile(profile)
            : null;
    }

    /// <summary>
    /// The room's voice for each of its languages that names one: <c>espeak:&lt;tag&gt;</c> makes the synthesiser speak
    /// that dialect (e.g. <c>espeak:pt-br</c> for "pt"); a voice profile id of the tenant is the language's house
    /// voice, whose pitch and rate apply to speakers without a profile of their own. Unknown voices are skipped.
    /// </summary>
    public IReadOnlyDictionary<string, TargetVoice> TargetVoicesFor(Guid tenantId, RoomInfo room)
    {
        ArgumentNullException.ThrowIfNull(room);
        var voices = new Dictionary<string, TargetVoice>(StringComparer.OrdinalIgnoreCase);
        foreach (var language in room.Languages ?? [])
        {
            if (language.Voice is not { Length: > 0 } voice)
            {
                continue;
            }

            if (voice.StartsWith(BuiltInVoicePrefix, StringComparison.OrdinalIgnoreCase) && voice.Length > BuiltInVoicePrefix.Length)
            {
                voices[language.Code] = new TargetVoice(voice[BuiltInVoicePrefix.Length..].ToLowerInvariant());
            }
            else if (Guid.TryParse(voice, out var id) && _catalog?.FindVoiceProfile(tenantId, id) is { } profile)
            {
                voices[language.Code] = new TargetVoice(null, SpeakerProfile(profile));
            }
        }

        return voices;
    }

    private static SpeakerVoiceProfile SpeakerProfile(VoiceProfileInfo profile) =>
        new(profile.MedianPitchHz, profile.SyllablesPerSecond, profile.ProviderVoiceId);

    /// <summary>Prefix of the synthesiser's built-in voices in room profiles: <c>espeak:&lt;language tag&gt;</c>.</summary>
    public const string BuiltInVoicePrefix = "espeak:";

    /// <summary>A participant joined a mixer room of a room profile.</summary>
    public void Join(Guid tenantId, RoomInfo room, MixerParticipant participant, string? authenticatedUser, string callerUri, string callId)
    {
        if (!AppliesTo(room))
        {
            return;
        }
        RoomTranslation translation;
        lock (_gate)
        {
            // Under a lock: callers join concurrently, and the room's transcript must live in the one instance.
            if (!_rooms.TryGetValue(participant.Room, out translation!))
            {
                translation = new RoomTranslation(participant.Room, room, tenantId, _factory, Options, _loggers.CreateLogger<RoomTranslation>(), _time, _events, _notices, TargetVoicesFor(tenantId, room));
                _rooms[participant.Room] = translation;
                _byRoom[(tenantId, room.Id)] = translation;
            }
        }
        translation.Join(participant, LanguageFor(tenantId, room, authenticatedUser, callerUri), callId, VoiceProfileFor(tenantId, room, authenticatedUser, callerUri));
    }

    /// <summary>A participant left; the room's translation stops with its last participant.</summary>
    public void Leave(MixerParticipant participant)
    {
        if (!_rooms.TryGetValue(participant.Room, out var translation))
        {
            return;
        }
        translation.Leave(participant);
        lock (_gate)
        {
            if (translation.Count == 0 && _rooms.TryRemove(new KeyValuePair<MixerRoom, RoomTranslation>(participant.Room, translation)))
            {
                _ = translation.DisposeAsync().AsTask();
            }
        }
    }

    /// <summary>
    /// A DTMF digit a participant pressed in its room: <c>*N</c> switches it to the room's Nth language
    /// (<see cref="RoomTranslation.OnDigit"/>). Never throws: the call must not suffer from the menu.
    /// </summary>
    /// <returns>The language switched to, or null.</returns>
    public string? OnDigit(MixerParticipant participant, char digit)
    {
        ArgumentNullException.ThrowIfNull(participant);
        if (!_rooms.TryGetValue(participant.Room, out var translation))
        {
            return null;
        }
        try
        {
            return translation.OnDigit(participant, digit);
        }
        catch (Exception ex)
        {
            Log.MenuFailed(_loggers.CreateLogger<ConferenceTranslation>(), participant.Id, ex);
            return null;
        }
    }

    /// <summary>The live (or last) translation of a room, or null.</summary>
    public RoomTranslation? Find(Guid tenantId, Guid roomId) => _byRoom.TryGetValue((tenantId, roomId), out var r) ? r : null;

    /// <summary>The transcript of a room (empty when it never translated).</summary>
    public IReadOnlyList<TranscriptEntry> GetTranscript(Guid tenantId, Guid roomId) => Find(tenantId, roomId)?.Transcript ?? [];

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var r in _rooms.Values)
        {
            await r.DisposeAsync().ConfigureAwait(false);
        }
        _rooms.Clear();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4114, Level = LogLevel.Error, Message = "The DTMF language menu failed for {Participant}")]
        public static partial void MenuFailed(ILogger logger, string participant, Exception exception);
    }
}
