using System.Collections.Concurrent;
using System.Globalization;
using Tolk.Sip.Message;
using Tolk.Sip.Transport;

namespace Tolk.Sip.Registrar;

/// <summary>Options for <see cref="SipRegistrar"/>.</summary>
public sealed record SipRegistrarOptions
{
    public int DefaultExpiresSeconds { get; init; } = 3600;

    public int MinExpiresSeconds { get; init; } = 60;

    public int MaxExpiresSeconds { get; init; } = 7200;

    /// <summary>Bound on contacts per address-of-record, so one account cannot exhaust memory.</summary>
    public int MaxBindingsPerAor { get; init; } = 10;
}

/// <summary>
/// The location service and the REGISTER processing of RFC 3261 §10.3 (steps 6–8): adds, refreshes
/// and removes bindings, answers 423 for too-brief intervals, and returns the current bindings.
/// Authentication and the authorization of the AOR happen before (steps 3–5).
/// </summary>
public sealed class SipRegistrar(TimeProvider time, SipRegistrarOptions? options = null)
{
    private readonly ConcurrentDictionary<string, List<SipBinding>> _bindings = new(StringComparer.OrdinalIgnoreCase);
    private readonly SipRegistrarOptions _options = options ?? new SipRegistrarOptions();

    /// <summary>Canonical AOR key: scheme, unescaped user and lower-case host (RFC 3261 §10.3 step 5).</summary>
    public static string AorKey(SipUri uri) => $"sip:{uri.UserUnescaped}@{uri.HostName}";

    /// <summary>The live bindings of an AOR, highest q first.</summary>
    public IReadOnlyList<SipBinding> Lookup(string aor)
    {
        if (!_bindings.TryGetValue(aor, out var list))
        {
            return [];
        }
        var now = time.GetUtcNow();
        lock (list)
        {
            list.RemoveAll(b => b.ExpiresAt <= now);
            return list.OrderByDescending(b => b.QValue).ToList();
        }
    }

    public int Count => _bindings.Values.Sum(l =>
    {
        lock (l)
        {
            return l.Count;
        }
    });

    /// <summary>Drops expired bindings and empty AORs (called periodically).</summary>
    public void Purge()
    {
        var now = time.GetUtcNow();
        foreach (var (aor, list) in _bindings)
        {
            lock (list)
            {
                list.RemoveAll(b => b.ExpiresAt <= now);
                if (list.Count == 0)
                {
                    _bindings.TryRemove(new KeyValuePair<string, List<SipBinding>>(aor, list));
                }
            }
        }
    }

    /// <summary>Removes every binding that registered over a connection that has closed (RFC 5626 §5.2).</summary>
    public void RemoveFlow(string connectionId)
    {
        foreach (var list in _bindings.Values)
        {
            lock (list)
            {
                list.RemoveAll(b => b.ConnectionId == connectionId);
            }
        }
    }

    /// <summary>Processes an authenticated REGISTER for <paramref name="aor"/> and returns the response to send.</summary>
    public SipResponse Process(SipRequest request, string aor, SipEndPoint source, string? connectionId, string toTag)
    {
        var now = time.GetUtcNow();
        var contacts = request.Headers.GetValues(SipHeaderNames.Contact).ToList();
        var parsed = new List<SipNameAddress>(contacts.Count);
        foreach (var c in contacts)
        {
            if (!SipNameAddress.TryParse(c, out var na))
            {
                return SipResponse.CreateFor(request, 400, "Invalid Contact", toTag);
            }
            parsed.Add(na);
        }
        var headerExpires = request.Expires;
        var callId = request.CallId!;
        var cseq = request.CSeq!.Number;
        var list = _bindings.GetOrAdd(aor, _ => []);

        lock (list)
        {
            list.RemoveAll(b => b.ExpiresAt <= now);
            if (parsed.Any(p => p.IsWildcard))
            {
                // RFC 3261 §10.3 step 6: "*" only alone and with Expires: 0.
                if (parsed.Count != 1 || headerExpires != 0)
                {
                    return SipResponse.CreateFor(request, 400, "Wildcard Contact needs Expires: 0 and no other Contact", toTag);
                }
                if (list.Any(b => b.CallId == callId && b.CSeq >= cseq))
                {
                    return SipResponse.CreateFor(request, 500, "Out-of-order REGISTER", toTag);
                }
                list.Clear();
                return Ok(request, list, now, toTag);
            }

            foreach (var contact in parsed)
            {
                var expires = ExpiresOf(contact, headerExpires);
                if (expires > 0 && expires < _options.MinExpiresSeconds)
                {
                    var brief = SipResponse.CreateFor(request, 423, null, toTag);
                    brief.Headers.Add(SipHeaderNames.MinExpires, _options.MinExpiresSeconds.ToString(CultureInfo.InvariantCulture));
                    return brief;
                }
            }

            foreach (var contact in parsed)
            {
                var expires = Math.Min(ExpiresOf(contact, headerExpires), _options.MaxExpiresSeconds);
                var existing = list.FindIndex(b => SameContact(b.Contact, contact.Uri));
                if (existing >= 0)
                {
                    var old = list[existing];
                    if (old.CallId == callId && old.CSeq >= cseq)
                    {
                        return SipResponse.CreateFor(request, 500, "Out-of-order REGISTER", toTag);
                    }
                    list.RemoveAt(existing);
                }
                if (expires == 0)
                {
                    continue;
                }
                if (list.Count >= _options.MaxBindingsPerAor)
                {
                    return SipResponse.CreateFor(request, 403, "Too many registered contacts", toTag);
                }
                var q = float.TryParse(contact.Parameters["q"], NumberStyles.Float, CultureInfo.InvariantCulture, out var qv) ? qv : 1.0f;
                list.Add(new SipBinding(aor, contact.Uri, now.AddSeconds(expires), callId, cseq, source, connectionId, q));
            }
            return Ok(request, list, now, toTag);
        }
    }

    private int ExpiresOf(SipNameAddress contact, int? headerExpires) =>
        int.TryParse(contact.Parameters["expires"], NumberStyles.None, CultureInfo.InvariantCulture, out var e)
            ? e
            : headerExpires ?? _options.DefaultExpiresSeconds;

    private static bool SameContact(SipUri a, SipUri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.Ordinal)
        && string.Equals(a.UserUnescaped, b.UserUnescaped, StringComparison.Ordinal)
        && string.Equals(a.HostName, b.HostName, StringComparison.Ordinal)
        && (a.Port ?? 5060) == (b.Port ?? 5060);

    private static SipResponse Ok(SipRequest request, List<SipBinding> list, DateTimeOffset now, string toTag)
    {
        // RFC 3261 §10.3 step 8: the 200 lists every current binding with its remaining expiry.
        var ok = SipResponse.CreateFor(request, 200, null, toTag);
        foreach (var b in list)
        {
            var left = Math.Max(0, (int)Math.Ceiling((b.ExpiresAt - now).TotalSeconds));
            ok.Headers.Add(SipHeaderNames.Contact, $"<{b.Contact}>;expires={left.ToString(CultureInfo.InvariantCulture)}");
        }
        ok.Headers.Add(SipHeaderNames.Date, now.ToString("r", CultureInfo.InvariantCulture));
        return ok;
    }
}
