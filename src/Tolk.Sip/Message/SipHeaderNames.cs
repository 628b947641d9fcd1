namespace Tolk.Sip.Message;

/// <summary>Canonical header names, and the compact forms of RFC 3261 §7.3.3 (plus RFC 3515/3841/4028).</summary>
public static class SipHeaderNames
{
    public const string Via = "Via";
    public const string From = "From";
    public const string To = "To";
    public const string CallId = "Call-ID";
    public const string CSeq = "CSeq";
    public const string Contact = "Contact";
    public const string MaxForwards = "Max-Forwards";
    public const string Route = "Route";
    public const string RecordRoute = "Record-Route";
    public const string ContentLength = "Content-Length";
    public const string ContentType = "Content-Type";
    public const string ContentEncoding = "Content-Encoding";
    public const string Expires = "Expires";
    public const string MinExpires = "Min-Expires";
    public const string Allow = "Allow";
    public const string Accept = "Accept";
    public const string Supported = "Supported";
    public const string Require = "Require";
    public const string ProxyRequire = "Proxy-Require";
    public const string Unsupported = "Unsupported";
    public const string UserAgent = "User-Agent";
    public const string Server = "Server";
    public const string WwwAuthenticate = "WWW-Authenticate";
    public const string Authorization = "Authorization";
    public const string ProxyAuthenticate = "Proxy-Authenticate";
    public const string ProxyAuthorization = "Proxy-Authorization";
    public const string RetryAfter = "Retry-After";

    /// <summary>RFC 3326: why a BYE or CANCEL was sent.</summary>
    public const string Reason = "Reason";
    public const string Subject = "Subject";
    public const string ReferTo = "Refer-To";
    public const string ReferredBy = "Referred-By";
    public const string Event = "Event";
    public const string SubscriptionState = "Subscription-State";
    public const string SessionExpires = "Session-Expires";
    public const string MinSe = "Min-SE";
    public const string RSeq = "RSeq";
    public const string RAck = "RAck";
    public const string Timestamp = "Timestamp";
    public const string Date = "Date";
    public const string Warning = "Warning";
    public const string AcceptEncoding = "Accept-Encoding";
    public const string AcceptLanguage = "Accept-Language";

    /// <summary>RFC 3325: the identity a trusted peer asserts for the caller (one or two name-addrs).</summary>
    public const string PAssertedIdentity = "P-Asserted-Identity";

    private static readonly Dictionary<string, string> Known = BuildKnown();

    private static Dictionary<string, string> BuildKnown()
    {
        var d = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in new[]
        {
            Via, From, To, CallId, CSeq, Contact, MaxForwards, Route, RecordRoute, ContentLength,
            ContentType, ContentEncoding, Expires, MinExpires, Allow, Accept, Supported, Require,
            ProxyRequire, Unsupported, UserAgent, Server, WwwAuthenticate, Authorization,
            ProxyAuthenticate, ProxyAuthorization, RetryAfter, Subject, ReferTo, ReferredBy, Event,
            SubscriptionState, SessionExpires, MinSe, RSeq, RAck, Timestamp, Date, Warning,
            AcceptEncoding, AcceptLanguage, Reason, PAssertedIdentity,
        })
        {
            d[name] = name;
        }

        // RFC 3261 §7.3.3 compact forms; "o", "r", "x", "b" from RFC 3265/3515/4028/3892.
        d["v"] = Via;
        d["f"] = From;
        d["t"] = To;
        d["i"] = CallId;
        d["m"] = Contact;
        d["l"] = ContentLength;
        d["c"] = ContentType;
        d["e"] = ContentEncoding;
        d["k"] = Supported;
        d["s"] = Subject;
        d["o"] = Event;
        d["r"] = ReferTo;
        d["x"] = SessionExpires;
        d["b"] = ReferredBy;
        return d;
    }

    /// <summary>Maps a header name as received (any case, compact or long) to its canonical spelling.</summary>
    public static string Canonicalize(ReadOnlySpan<char> name)
    {
        var lookup = Known.GetAlternateLookup<ReadOnlySpan<char>>();
        return lookup.TryGetValue(name, out var canonical) ? canonical : name.ToString();
    }

    /// <summary>
    /// Maps a header name as received on the wire (ASCII bytes) to its canonical spelling without
    /// allocating for known names; unknown names keep their received spelling.
    /// </summary>
    public static string Canonicalize(ReadOnlySpan<byte> name)
    {
        Span<char> chars = name.Length <= 128 ? stackalloc char[name.Length] : new char[name.Length];
        for (var i = 0; i < name.Length; i++)
        {
            chars[i] = (char)name[i];
        }
        return Canonicalize(chars);
    }

    /// <summary>True when the name is one of the canonical constants above (or a compact form of one).</summary>
    public static bool IsKnown(ReadOnlySpan<char> name) => Known.GetAlternateLookup<ReadOnlySpan<char>>().ContainsKey(name);

    /// <summary>
    /// Headers that RFC 3261 §20 defines with exactly one value: a request carrying two of them is a 400
    /// (RFC 4475 §3.3.8 multi01).
    /// </summary>
    public static bool IsSingleValued(string canonicalName) => canonicalName switch
    {
        To or From or CallId or CSeq or MaxForwards or ContentLength or ContentType or Expires or MinExpires
            or Date or Timestamp or RSeq or RAck or SessionExpires or MinSe or SubscriptionState or Event => true,
        _ => false,
    };

    /// <summary>
    /// Headers whose grammar is a comma-separated list (RFC 3261 §7.3.1), so that several values on one
    /// line are equivalent to several lines. Authorization-type headers are not: their commas separate parameters.
    /// </summary>
    public static bool IsList(string canonicalName) => canonicalName switch
    {
        Via or Contact or Route or RecordRoute or Allow or Accept or Supported or Require or ProxyRequire
            or Unsupported or AcceptEncoding or AcceptLanguage or ContentEncoding or Warning or PAssertedIdentity => true,
        _ => false,
    };
}
