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
        var callerUser = UserPart(callerUri);
        foreach (var m in room.ParticipantLanguages ?? [])
        {
            if (m.Extension is { Length: > 0 } ext && (Same(ext, authenticatedUser) || Same(ext, callerUser)))
            {
                return m.Language;
            }
        }
        foreach (var m in room.ParticipantLanguages ?? [])
        {
            if (m.CallerNumber is { Length: > 0 } number && callerUser is not null && SameNumber(number, callerUser))
            {
                return m.Language;
            }
        }
        if (accountLanguage is not null)
        {
            foreach (var user in new[] { authenticatedUser, callerUser })
            {
                if (user is { Length: > 0 } && accountLanguage(user) is { Length: > 0 } lang)
                {
                    return lang;
                }
            }
        }
        return room.Languages is { Count: > 0 } languages ? languages[0].Code : "en";
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
