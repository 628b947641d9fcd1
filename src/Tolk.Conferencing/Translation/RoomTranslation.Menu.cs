using System.Collections.Concurrent;
using Tolk.Media.Mixing;

namespace Tolk.Conferencing.Translation;

public sealed partial class RoomTranslation
{
    /// <summary>How long after <c>*</c> the menu digit may follow.</summary>
    private static readonly TimeSpan s_menuWindow = TimeSpan.FromSeconds(3);

    private readonly ConcurrentDictionary<MixerParticipant, long> _starPressed = new();
    private readonly Dictionary<MixerParticipant, LanguageOutput> _prompts = [];

    // Participants who made a menu choice: a menu prompt still being synthesised for them is not played.
    private readonly HashSet<MixerParticipant> _answered = [];

    /// <summary>
    /// The DTMF language menu: <c>*N</c> switches the participant to the room's Nth language (N = 1–9; <c>*6</c> is
    /// left to the bridge, where it toggles mute, so a sixth language cannot be picked this way). The digit must
    /// follow the star within 3 s. Returns the language picked (also when the participant already spoke it), else null.
    /// </summary>
    public string? OnDigit(MixerParticipant participant, char digit)
    {
        ArgumentNullException.ThrowIfNull(participant);
        var key = participant;
        var now = _time.GetTimestamp();
        if (digit == '*')
        {
            _starPressed[key] = now;
            return null;
        }
        if (!_starPressed.TryRemove(key, out var star) || _time.GetElapsedTime(star, now) > s_menuWindow)
        {
            return null;
        }
        if (digit is < '1' or > '9' or '6')
        {
            return null;
        }
        var languages = Room.Languages ?? [];
        var index = digit - '1';
        if (index >= languages.Count)
        {
            return null;
        }
        var language = languages[index].Code;
        lock (_gate)
        {
            if (_disposed || !_members.ContainsKey(participant))
            {
                return null; // a digit that arrived after the participant left
            }
            // The caller chose: the rest of the menu prompt (or of an earlier confirmation) is not for it any more.
            _answered.Add(participant);
            RemovePromptLocked(participant);
        }
        // Picking the language it already speaks changes nothing but is still a choice: confirmed and returned (so
        // it is remembered), which is what a caller guessed right who keys *1 to settle it expects.
        SetLanguage(participant, language);
        if (_notices is not null)
        {
            // Tells the caller (and only the caller) the language it picked, by its name in that language.
            _ = PlayToAsync(participant, language, () => _notices.GetLanguageNameAudioAsync(language), isMenu: false);
        }
        return language;
    }

    /// <summary>Plays a menu prompt or confirmation to one participant alone, after whatever it already queued there.</summary>
    private async Task PlayToAsync(MixerParticipant participant, string language, Func<Task<short[]?>> synthesize, bool isMenu)
    {
        try
        {
            if (await synthesize().ConfigureAwait(false) is not { } audio)
            {
                return;
            }
            LanguageOutput prompt;
            lock (_gate)
            {
                if (_disposed || !_members.ContainsKey(participant) || (isMenu && _answered.Contains(participant)))
                {
                    return;
                }
                if (!_prompts.TryGetValue(participant, out prompt!))
                {
                    var queue = new TranslatedAudioQueue(language);
                    var source = Mixer.AddSource(queue, [participant], 1f, "menu-" + participant.Id);
                    queue.AudioQueued += source.NotifyInputAvailable;
                    prompt = new LanguageOutput(queue, source);
                    _prompts.Add(participant, prompt);
                }
            }
            var id = Interlocked.Increment(ref _noticeCount);
            prompt.Queue.Enqueue(NoticeSpeaker, id, audio, 16_000);
            prompt.Queue.Complete(NoticeSpeaker, id);
        }
        catch (Exception ex)
        {
            Log.NoticeFailed(_logger, Room.Extension, language, ex);
        }
    }

    /// <summary>Forgets a leaving participant's menu state: its prompt source and its answer. Caller holds the lock.</summary>
    private void ForgetMenuLocked(MixerParticipant participant)
    {
        RemovePromptLocked(participant);
        _answered.Remove(participant);
    }

    /// <summary>Removes a participant's menu prompt source. Caller holds the lock.</summary>
    private void RemovePromptLocked(MixerParticipant participant)
    {
        if (_prompts.Remove(participant, out var prompt))
        {
            prompt.Source.Remove();
        }
    }
}
