using Tolk.Conferencing.Tenancy;

namespace Tolk.Conferencing.Translation;

/// <summary>Decides which language a caller speaks in a room.</summary>
public static class ParticipantLanguages
{
    /// <summary>
    /// The room's participant mapping (by authenticated user/extension, then by the caller's number), else the
    /// SIP account's language when the caller is one of the tenant's accounts, else the room's first language.
    /// </summary>
    /// <param name="room">The room profile.</param>
    /// <param name="authenticatedUser">The digest user name, when the caller authenticated.</param>
    /// <param name="callerUri">The From URI (<c>sip:alice@demo.tolk.test</c>, <c>sip:+3212345@carrier</c>).</param>
    /// <param name="accountLanguage">Looks up the language of a tenant account by user name or extension (null when unknown).</param>
    public static string Resolve(RoomInfo room, string? authenticatedUser, string callerUri, Func<string, string?>? accountLanguage)
    {
        ArgumentNullException.ThrowIfNull(room);
        if (FindMapping(room, authenticatedUser, callerUri) is { } mapping)
        {
            return mapping.Language;
        }
        if (FromAccount(authenticatedUser, callerUri, accountLanguage) is { } lang)
        {
            return lang;
        }
        return room.Languages is { Count: > 0 } languages ? languages[0].Code : "en";
    }

    /// <summary>
    /// The voice of a caller in a room: the voice of its participant mapping, else its SIP account's voice, else
    /// null. A voice is a voice profile id or a built-in <c>espeak:&lt;lang&gt;</c> voice.
    /// </summary>
    /// <param name="room">The room profile.</param>
    /// <param name="authenticatedUser">The digest user name, when the caller authenticated.</param>
    /// <param name="callerUri">The From URI.</param>
    /// <param name="accountVoice">Looks up the voice of a tenant account by user name or extension (null when none).</param>
    public static string? ResolveVoice(RoomInfo room, string? authenticatedUser, string callerUri, Func<string, string?>? accountVoice)
    {
        ArgumentNullException.ThrowIfNull(room);
        if (FindMapping(room, authenticatedUser, callerUri) is { Voice: { Length: > 0 } voice })
        {
            return voice;
        }
        return FromAccount(authenticatedUser, callerUri, accountVoice);
    }

    /// <summary>The room's mapping entry for a caller: by authenticated user/extension first, then by caller number.</summary>
    public static RoomParticipantLanguage? FindMapping(RoomInfo room, string? authenticatedUser, string callerUri)
    {
        ArgumentNullException.ThrowIfNull(room);
        var callerUser = UserPart(callerUri);
        foreach (var m in room.ParticipantLanguages ?? [])
        {
            if (m.Extension is { Length: > 0 } ext && (Same(ext, authenticatedUser) || Same(ext, callerUser)))
            {
                return m;
            }
        }
        foreach (var m in room.ParticipantLanguages ?? [])
        {
            if (m.CallerNumber is { Length: > 0 } number && callerUser is not null && SameNumber(number, callerUser))
            {
                return m;
            }
        }
        return null;
    }

    private static string? FromAccount(string? authenticatedUser, string callerUri, Func<string, string?>? lookup)
    {
        if (lookup is null)
        {
            return null;
        }
        foreach (var user in new[] { authenticatedUser, UserPart(callerUri) })
        {
            if (user is { Length: > 0 } && lookup(user) is { Length: > 0 } value)
            {
                return value;
            }
        }
        return null;
    }

    /// <summary>The user part of a SIP/SIPS/TEL URI, or null.</summary>
    public static string? UserPart(string? uri)
    {
        if (string.IsNullOrEmpty(uri))
        {
            return null;
        }
        var s = uri.Trim();
        var lt = s.IndexOf('<', StringComparison.Ordinal);
        if (lt >= 0)
        {
            var gt = s.IndexOf('>', lt + 1);
            s = gt > lt ? s[(lt + 1)..gt] : s[(lt + 1)..];
        }
        var colon = s.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            s = s[(colon + 1)..];
        }
        var end = s.IndexOfAny(['@', ';', '?', '>']);
        if (end >= 0)
        {
            s = s[..end];
        }
        return s.Length == 0 ? null : s;
    }

    private static bool Same(string a, string? b) => b is not null && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    // Caller numbers compare on digits only (+32 2 123 vs 322123).
    private static bool SameNumber(string a, string b)
    {
        var da = new string([.. a.Where(char.IsAsciiDigit)]);
        var db = new string([.. b.Where(char.IsAsciiDigit)]);
        return da.Length > 0 && da == db;
    }
}
