using Tolk.Media.Mixing;
using System.Collections.Concurrent;

namespace Tolk.Conferencing.Translation;

public sealed partial class RoomTranslation
{
    /// <summary>The queue's speaker id of notices (never a participant id: those are call ids in "N" format).</summary>
    private const string NoticeSpeaker = "notice";

    private readonly PerKeyThrottle<(string Speaker, string Target)> _lastNotice = new();
    private readonly PerKeyThrottle<(string Speaker, Tolk.Speech.EmotionLabel Label)> _lastAlert = new();
    private readonly ConcurrentDictionary<MixerParticipant, string[]> _deferredNotices = new();
    private long _noticeCount;

    /// <summary>Notices queued for listeners (for tests and status).</summary>
    public long NoticesQueued => Interlocked.Read(ref _noticeCount);

    /// <summary>
    /// Tells the listeners of each target that the speaker is no longer translated for them (they now hear the
    /// original): at most once per speaker and target per <see cref="ConferenceTranslationOptions.NoticeInterval"/>,
    /// and only when someone of that language is in the room.
    /// </summary>
    private void Announce(Member speaker, IEnumerable<string> targets, bool deferUntilSpeaking = false)
    {
        if (_notices is null)
        {
            return;
        }
        if (deferUntilSpeaking && !speaker.Participant.IsSpeaking && !speaker.HasSpoken)
        {
            // A configuration gap known before the speaker said anything (no recogniser for their language, no
            // route to the target): tell the listeners when they first hear the untranslated voice, not the
            // moment the caller joins.
            _deferredNotices[speaker.Participant] = [.. targets];
            return;
        }
        AnnounceNow(speaker, targets);
    }

    /// <summary>A speaker started talking: notices held back until then are spoken now.</summary>
    private void OnSpeakingStarted(object? sender, SpeakingChangedEventArgs e)
    {
        Member? member;
        lock (_gate)
        {
            if (_disposed || !_members.TryGetValue(e.Participant, out member))
            {
                return;
            }
        }
        member.HasSpoken = true;
        if (_deferredNotices.TryRemove(e.Participant, out var targets))
        {
            AnnounceNow(member, targets);
        }
    }

    private void AnnounceNow(Member speaker, IEnumerable<string> targets)
    {
        var now = _time.GetUtcNow();
        foreach (var target in targets.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (Same(target, speaker.Language) || !HasListeners(target) || !ClaimNotice(speaker.Participant.Id, target, now))
            {
                continue;
            }
            Log.NoticeQueued(_logger, Room.Extension, speaker.Participant.Id, target);
            _ = SpeakNoticeAsync(target);
        }
    }

    private bool HasListeners(string language)
    {
        lock (_gate)
        {
            return !_disposed && _members.Values.Any(m => Same(m.Language, language));
        }
    }

    private bool ClaimNotice(string speaker, string target, DateTimeOffset now) =>
        _lastNotice.TryClaim((speaker, target.ToLowerInvariant()), now, _options.NoticeInterval);

    private async Task SpeakNoticeAsync(string target)
    {
        try
        {
            var audio = await _notices!.GetAudioAsync(target).ConfigureAwait(false);
            LanguageOutput output;
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }
                output = EnsureOutput(target);
            }
            var id = Interlocked.Increment(ref _noticeCount);
            output.Queue.Enqueue(NoticeSpeaker, id, audio, 16_000);
            output.Queue.Complete(NoticeSpeaker, id);
        }
        catch (Exception ex)
        {
            // The notice is a courtesy: without it listeners still hear the original.
            Log.NoticeFailed(_logger, Room.Extension, target, ex);
        }
    }
}
