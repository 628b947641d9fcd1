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
    public static string Resolve(RoomInfo room, string? authenticatedUser, string callerUri, Func<string, string?>? accountLanguage) =>
        Choose(room, authenticatedUser, callerUri, null, accountLanguage).Language;

    /// <summary>
    /// The language a caller speaks in a room and where it came from: the room's participant mapping (the
    /// administrator's word for this room), else the language the caller picked from the DTMF menu in an earlier
    /// call (<paramref name="remembered"/>, when the room has it), else its SIP account's language, else the room's
    /// first language — a guess, after which the caller is told the menu.
    /// </summary>
    /// <param name="room">The room profile.</param>
    /// <param name="authenticatedUser">The digest user name, when the caller authenticated.</param>
    /// <param name="callerUri">The From URI.</param>
    /// <param name="remembered">The caller's remembered menu choice, or null.</param>
    /// <param name="accountLanguage">Looks up the language of a tenant account by user name or extension (null when unknown).</param>
    public static LanguageChoice Choose(RoomInfo room, string? authenticatedUser, string callerUri, string? remembered, Func<string, string?>? accountLanguage)
    {
        ArgumentNullException.ThrowIfNull(room);
        if (FindMapping(room, authenticatedUser, callerUri) is { } mapping)
        {
            return new LanguageChoice(mapping.Language, LanguageSource.RoomMapping);
        }
        if (remembered is { Length: > 0 } && room.Languages?.FirstOrDefault(l => Same(l.Code, remembered)) is { } spoken)
        {
            return new LanguageChoice(spoken.Code, LanguageSource.Remembered);
        }
        if (FromAccount(authenticatedUser, callerUri, accountLanguage) is { } lang)
        {
            return new LanguageChoice(lang, LanguageSource.Account);
        }
        return new LanguageChoice(room.Languages is { Count: > 0 } languages ? languages[0].Code : "en", LanguageSource.RoomDefault);
    }

    /// <summary>
    /// The key under which a caller's menu choice is remembered: <c>user:</c> + the digest user name of an
    /// authenticated caller, else <c>tel:</c> + the digits of a vouched-for caller URI whose user part is a telephone
    /// number (what a trusted trunk asserts); null for anyone else.
    /// </summary>
    /// <param name="authenticatedUser">The digest user name, when the caller authenticated.</param>
    /// <param name="vouchedCallerUri">
    /// A caller URI the server trusts (a trunk's P-Asserted-Identity or From), or null. Never a plain caller's From:
    /// anyone can write any number there, and could then set or learn that number's remembered language.
    /// </param>
    public static string? CallerKey(string? authenticatedUser, string? vouchedCallerUri)
    {
        if (authenticatedUser is { Length: > 0 })
        {
            return "user:" + authenticatedUser.ToLowerInvariant();
        }
        if (UserPart(vouchedCallerUri) is { } user && IsTelephoneNumber(user))
        {
            return "tel:" + new string([.. user.Where(char.IsAsciiDigit)]);
        }
        return null;
    }

    // A number as trunks present it: an optional '+', then 3 to 20 digits with visual separators. The API
    // (Tolk.Api CallerLanguages.Normalize) accepts the same numbers, so operators can set what callers would.
    internal static bool IsTelephoneNumber(string user)
    {
        var body = user.StartsWith('+') ? user[1..] : user;
        return body.Count(char.IsAsciiDigit) is >= 3 and <= 20 && body.All(c => char.IsAsciiDigit(c) || c is '-' or '.' or '(' or ')');
    }

    /// <summary>
    /// The voice of a caller in a room: the voice of its participant mapping, else its SIP account's voice, else
    /// null. A voice is a voice profile id or a built-in <c>espeak:&lt;lang&gt;</c> voice.
    /// </summary>
    /// <param name="room">The room profile.</param>
    /// <param name="authenticatedUser">The digest user name, when the caller authenticated.</param>
    /// <param name="vouchedCallerUri">
    /// A caller URI the server vouches for (a trunk call's asserted identity), or null. Not a plain caller's From: a
    /// voice is a person's, and must not go to whoever writes their name.
    /// </param>
    /// <param name="accountVoice">Looks up the voice of a tenant account by user name or extension (null when none).</param>
    public static string? ResolveVoice(RoomInfo room, string? authenticatedUser, string? vouchedCallerUri, Func<string, string?>? accountVoice)
    {
        ArgumentNullException.ThrowIfNull(room);
        if (FindMapping(room, authenticatedUser, vouchedCallerUri ?? "") is { Voice: { Length: > 0 } voice })
        {
            return voice;
        }
        return FromAccount(authenticatedUser, vouchedCallerUri ?? "", accountVoice);
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

/// <summary>Where a participant's language came from.</summary>
public enum LanguageSource
{
    /// <summary>The room profile maps the caller's extension or number to it.</summary>
    RoomMapping,

    /// <summary>The caller picked it from the DTMF menu in an earlier call.</summary>
    Remembered,

    /// <summary>The caller's SIP account has it.</summary>
    Account,

    /// <summary>Nothing was known: the room's first language.</summary>
    RoomDefault,
}

/// <summary>A participant's language and where it came from.</summary>
/// <param name="Language">BCP 47 tag.</param>
/// <param name="Source">Where it came from.</param>
public readonly record struct LanguageChoice(string Language, LanguageSource Source);
