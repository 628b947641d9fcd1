using System.Collections.Concurrent;

namespace Tolk.Conferencing.Translation;

public sealed partial class RoomTranslation
{
    /// <summary>The queue's speaker id of notices (never a participant id: those are call ids in "N" format).</summary>
    private const string NoticeSpeaker = "notice";

    private readonly ConcurrentDictionary<(string Speaker, string Target), DateTimeOffset> _lastNotice = new();
    private long _noticeCount;

    /// <summary>Notices queued for listeners (for tests and status).</summary>
    public long NoticesQueued => Interlocked.Read(ref _noticeCount);

    /// <summary>
    /// Tells the listeners of each target that the speaker is no longer translated for them (they now hear the
    /// original): at most once per speaker and target per <see cref="ConferenceTranslationOptions.NoticeInterval"/>,
    /// and only when someone of that language is in the room.
    /// </summary>
    private void Announce(Member speaker, IEnumerable<string> targets)
    {
        if (_notices is null)
        {
            return;
        }
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

    private bool ClaimNotice(string speaker, string target, DateTimeOffset now)
    {
        var key = (speaker, target.ToLowerInvariant());
        while (true)
        {
            if (!_lastNotice.TryGetValue(key, out var last))
            {
                if (_lastNotice.TryAdd(key, now))
                {
                    return true;
                }
                continue;
            }
            if (now - last < _options.NoticeInterval)
            {
                return false;
            }
            if (_lastNotice.TryUpdate(key, now, last))
            {
                return true;
            }
        }
    }

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
