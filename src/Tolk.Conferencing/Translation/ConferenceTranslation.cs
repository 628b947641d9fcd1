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

    /// <summary>
    /// Tell a caller the DTMF language menu ("For English, press star 1. Para español, pulse asterisco 2.") when it
    /// joins a room and nothing said which language it speaks (no room mapping, remembered choice or account
    /// language). Only that caller hears it; a menu choice cuts it short.
    /// </summary>
    public bool JoinMenuPrompt { get; init; } = true;

    /// <summary>Longest wait for a caller's remembered language as its call is answered; after it the call goes on without.</summary>
    public TimeSpan CallerLanguageLookupTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Longest after a speaker stops that a phrase's translation may start and still be spoken (null: always);
    /// see <see cref="TranslationPipelineOptions.MaxSpokenDelay"/>. The host sets 5 s (<c>Translation:MaxSpokenDelaySeconds</c>).
    /// </summary>
    public TimeSpan? MaxSpokenDelay { get; init; }

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
    private readonly ICallerLanguageStore? _callerLanguages;

    /// <summary>Creates the service.</summary>
    /// <param name="factory">Starts speaker pipelines.</param>
    /// <param name="options">Settings.</param>
    /// <param name="catalog">Supplies SIP account languages and voices, and voice profiles.</param>
    /// <param name="loggers">Loggers.</param>
    /// <param name="time">Clock of the rooms' timers.</param>
    /// <param name="events">Receives every room's events (live feed, transcripts, alerts); null drops them.</param>
    /// <param name="noticeSynthesizer">Speaks the "translation unavailable" notice, menu prompts and confirmations; null: silent.</param>
    /// <param name="callerLanguages">Remembers callers' menu choices across calls; null: forgotten when the call ends.</param>
    public ConferenceTranslation(
        ISpeakerPipelineFactory factory,
        ConferenceTranslationOptions? options = null,
        ITenantCatalog? catalog = null,
        ILoggerFactory? loggers = null,
        TimeProvider? time = null,
        IRoomEventSink? events = null,
        ISpeechSynthesizer? noticeSynthesizer = null,
        ICallerLanguageStore? callerLanguages = null)
    {
        _callerLanguages = callerLanguages;
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

    /// <summary>The language a caller speaks in a room (see <see cref="ParticipantLanguages.Choose"/>).</summary>
    public string LanguageFor(Guid tenantId, RoomInfo room, string? authenticatedUser, string callerUri, string? remembered = null) =>
        ChooseLanguage(tenantId, room, authenticatedUser, callerUri, remembered).Language;

    private LanguageChoice ChooseLanguage(Guid tenantId, RoomInfo room, string? authenticatedUser, string callerUri, string? remembered) =>
        ParticipantLanguages.Choose(room, authenticatedUser, callerUri, remembered, _catalog is null ? null : user => _catalog.FindAccount(tenantId, user)?.Language);

    /// <summary>
    /// The stored voice profile of a caller in a room (through the room's participant mapping, else its SIP
    /// account), or null when it has none (the synthetic voice then adapts to the live voice). Only an identity the
    /// server vouches for gets a person's stored voice: speaking in someone's (possibly cloned) voice because one
    /// wrote their name or number in From would be impersonation.
    /// </summary>
    /// <param name="tenantId">The room's tenant.</param>
    /// <param name="room">The room profile.</param>
    /// <param name="authenticatedUser">The digest user name, when the caller authenticated.</param>
    /// <param name="vouchedCallerUri">A caller URI the server vouches for (<see cref="Calls.CallSession.VouchedCallerUri"/>), or null.</param>
    public SpeakerVoiceProfile? VoiceProfileFor(Guid tenantId, RoomInfo room, string? authenticatedUser, string? vouchedCallerUri) =>
        ProfileOf(tenantId, VoiceFor(tenantId, room, authenticatedUser, vouchedCallerUri));

    // The speaker's voice reference (a voice profile id or espeak:<tag>), for vouched identities only.
    private string? VoiceFor(Guid tenantId, RoomInfo room, string? authenticatedUser, string? vouchedCallerUri) =>
        _catalog is null ? null : ParticipantLanguages.ResolveVoice(room, authenticatedUser, vouchedCallerUri, user => _catalog.FindAccount(tenantId, user)?.Voice);

    private SpeakerVoiceProfile? ProfileOf(Guid tenantId, string? voice) =>
        voice is not null && Guid.TryParse(voice, out var id) && _catalog?.FindVoiceProfile(tenantId, id) is { } profile
            ? SpeakerProfile(profile)
            : null;

    /// <summary>The language tag of a built-in <c>espeak:&lt;tag&gt;</c> voice (lower case), or null for anything else.</summary>
    public static string? BuiltInTag(string? voice) =>
        voice is { } v && v.StartsWith(BuiltInVoicePrefix, StringComparison.OrdinalIgnoreCase) && v.Length > BuiltInVoicePrefix.Length
            ? v[BuiltInVoicePrefix.Length..].ToLowerInvariant()
            : null;

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

            if (BuiltInTag(voice) is { } tag)
            {
                voices[language.Code] = new TargetVoice(tag);
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
    /// <param name="tenantId">The room's tenant.</param>
    /// <param name="room">The room profile.</param>
    /// <param name="participant">The participant in the room's mixer.</param>
    /// <param name="authenticatedUser">The digest user name, when the caller authenticated.</param>
    /// <param name="callerUri">The caller's URI for the room's mapping: the vouched one when there is one, else the From URI.</param>
    /// <param name="callId">The call (usage records).</param>
    /// <param name="remembered">The caller's remembered menu choice (<see cref="RecallAsync"/>), or null.</param>
    /// <param name="vouchedCallerUri">The caller URI the server vouches for (a trunk's), or null: only it selects a stored voice.</param>
    /// <param name="narrowband">The caller's codec is telephone band (G.711): its recogniser is set up before it speaks.</param>
    public void Join(Guid tenantId, RoomInfo room, MixerParticipant participant, string? authenticatedUser, string callerUri, string callId, string? remembered = null, string? vouchedCallerUri = null, bool narrowband = false)
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
        var choice = ChooseLanguage(tenantId, room, authenticatedUser, callerUri, remembered);
        var announceMenu = Options.JoinMenuPrompt && choice.Source == LanguageSource.RoomDefault;
        var voice = VoiceFor(tenantId, room, authenticatedUser, vouchedCallerUri);
        translation.Join(participant, choice.Language, callId, ProfileOf(tenantId, voice), announceMenu, BuiltInTag(voice), narrowband);
    }

    /// <summary>
    /// Looks up the language the caller picked from the menu in an earlier call (into
    /// <see cref="Calls.CallSession.RememberedLanguage"/>), before it joins a translated room. Never throws and waits at
    /// most <see cref="ConferenceTranslationOptions.CallerLanguageLookupTimeout"/>: the call goes on without it.
    /// </summary>
    public async ValueTask RecallAsync(Calls.CallSession call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (_callerLanguages is null || call.RememberedLanguage is not null || !AppliesTo(call.Room)
            || call.VouchedCallerKey is not { } key)
        {
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.CallerLanguageLookupTimeout);
        try
        {
            // On the thread pool and bounded by the wait, not only by the token: a store may do its I/O synchronously
            // (Microsoft.Data.Sqlite does), which must hold neither the SIP worker nor the answer up.
            var store = _callerLanguages;
            var tenantId = call.Tenant.Id;
            call.RememberedLanguage = await Task.Run(() => store.FindAsync(tenantId, key, timeout.Token).AsTask(), timeout.Token)
                .WaitAsync(Options.CallerLanguageLookupTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The call was cancelled: it will not join anything.
        }
        catch (Exception ex)
        {
            Log.RecallFailed(_loggers.CreateLogger<ConferenceTranslation>(), call.Id, ex);
        }
    }

    /// <summary>
    /// Keeps a caller's menu choice for its next calls (in the background: the store's latency never reaches
    /// the media path; a failure is logged and the choice still holds for this call).
    /// </summary>
    public void Remember(Calls.CallSession call, string language)
    {
        ArgumentNullException.ThrowIfNull(call);
        call.RememberedLanguage = language;
        if (_callerLanguages is null || call.VouchedCallerKey is not { } key)
        {
            return;
        }
        var (tenantId, callId) = (call.Tenant.Id, call.Id);
        // On the thread pool: the caller is on the DTMF digit chain, and a store may write synchronously.
        _ = Task.Run(() => RememberAsync(tenantId, callId, key, language));
    }

    private async Task RememberAsync(Guid tenantId, Guid callId, string key, string language)
    {
        try
        {
            await _callerLanguages!.RememberAsync(tenantId, key, language, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.RememberFailed(_loggers.CreateLogger<ConferenceTranslation>(), callId, ex);
        }
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
    /// <returns>The language picked (also when it was already the participant's), or null.</returns>
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

        [LoggerMessage(EventId = 4115, Level = LogLevel.Warning, Message = "Call {CallId}: the caller's remembered language could not be read; the call starts without it")]
        public static partial void RecallFailed(ILogger logger, Guid callId, Exception exception);

        [LoggerMessage(EventId = 4116, Level = LogLevel.Warning, Message = "Call {CallId}: the caller's menu choice could not be stored for its next calls")]
        public static partial void RememberFailed(ILogger logger, Guid callId, Exception exception);
    }
}
