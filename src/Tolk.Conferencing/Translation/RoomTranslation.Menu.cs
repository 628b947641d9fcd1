using System.Collections.Concurrent;
using Tolk.Media.Mixing;

namespace Tolk.Conferencing.Translation;

public sealed partial class RoomTranslation
{
    /// <summary>How long after <c>*</c> the menu digit may follow.</summary>
    private static readonly TimeSpan s_menuWindow = TimeSpan.FromSeconds(3);

    private readonly ConcurrentDictionary<MixerParticipant, long> _starPressed = new();

    /// <summary>
    /// The DTMF language menu: <c>*N</c> switches the participant to the room's Nth language (N = 1–9; <c>*6</c> is
    /// left to the bridge, where it toggles mute, so a sixth language cannot be picked this way). The digit must
    /// follow the star within 3 s. Returns the new language when the participant switched, else null.
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
        return SetLanguage(participant, language) ? language : null;
    }
}
