using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tolk.Sip.Auth;

/// <summary>
/// Server side of SIP Digest authentication (RFC 3261 §22, RFC 7616, RFC 8760): issues self-validating
/// nonces and verifies credentials against stored HA1 values. Thread-safe.
/// </summary>
public sealed partial class DigestAuthenticator
{
    private readonly DigestAuthenticatorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly byte[] _key;

    /// <summary>Creates an authenticator.</summary>
    public DigestAuthenticator(DigestAuthenticatorOptions? options = null, TimeProvider? timeProvider = null, ILogger<DigestAuthenticator>? logger = null)
    {
        _options = options ?? new DigestAuthenticatorOptions();
        if (_options.Algorithms.Count == 0)
        {
            throw new ArgumentException("At least one algorithm must be configured.", nameof(options));
        }
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.NonceLifetime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxTrackedNonces, 1);
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _key = _options.SecretKey is { Length: > 0 } k ? (byte[])k.Clone() : RandomNumberGenerator.GetBytes(32);
    }

    /// <summary>
    /// One challenge header value per configured algorithm, preferred first (RFC 8760 §2.4), all sharing
    /// one fresh nonce. Each goes in its own WWW-Authenticate / Proxy-Authenticate header.
    /// </summary>
    public IReadOnlyList<string> CreateChallenges(string realm, bool stale = false)
    {
        var nonce = CreateNonce(realm);
        var list = new List<string>(_options.Algorithms.Count);
        foreach (var a in _options.Algorithms)
        {
            list.Add(BuildChallenge(realm, nonce, a, stale).ToString());
        }
        return list;
    }

    /// <summary>A single challenge header value for <paramref name="algorithm"/> with a fresh nonce.</summary>
    public string CreateChallenge(string realm, DigestAlgorithm algorithm, bool stale = false) =>
        BuildChallenge(realm, CreateNonce(realm), algorithm, stale).ToString();

    private static DigestChallenge BuildChallenge(string realm, string nonce, DigestAlgorithm algorithm, bool stale) => new()
    {
        Realm = realm,
        Nonce = nonce,
        AlgorithmToken = algorithm.ToToken(),
        Qop = ["auth"],
        Stale = stale,
    };

    /// <summary>Parses <paramref name="headerValue"/> and verifies it; unparsable input is <see cref="DigestVerdict.Malformed"/>.</summary>
    public DigestVerdict Verify(string headerValue, string method, string requestUri, HashLookup lookupHa1)
    {
        if (!DigestCredentials.TryParse(headerValue, out var credentials, out var error))
        {
            LogRejected(_logger, DigestVerdict.Malformed, error);
            return DigestVerdict.Malformed;
        }
        return Verify(credentials!, method, requestUri, lookupHa1);
    }

    /// <summary>
    /// Verifies credentials for a request. <paramref name="lookupHa1"/> returns the stored HA1 (hex)
    /// computed with the given hash, or null for an unknown user. A <see cref="DigestVerdict.Ok"/> with
    /// qop=auth records the nonce-count, so the same or a lower count is later a <see cref="DigestVerdict.Replay"/>.
    /// </summary>
    public DigestVerdict Verify(DigestCredentials credentials, string method, string requestUri, HashLookup lookupHa1)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(requestUri);
        ArgumentNullException.ThrowIfNull(lookupHa1);
        var verdict = VerifyCore(credentials, method, requestUri, lookupHa1, out var detail);
        if (verdict != DigestVerdict.Ok)
        {
            LogRejected(_logger, verdict, detail);
        }
        return verdict;
    }

    private DigestVerdict VerifyCore(DigestCredentials c, string method, string requestUri, HashLookup lookupHa1, out string? detail)
    {
        detail = null;
        if (c.Algorithm is not { } algorithm || !_options.Algorithms.Contains(algorithm))
        {
            detail = $"algorithm '{c.AlgorithmToken}' not offered";
            return DigestVerdict.Malformed;
        }
        uint nc = 0;
        if (c.Qop is null)
        {
            if (!_options.AllowRfc2069)
            {
                detail = "qop missing";
                return DigestVerdict.Malformed;
            }
        }
        else if (!string.Equals(c.Qop, "auth", StringComparison.OrdinalIgnoreCase))
        {
            detail = $"qop '{c.Qop}' not offered";
            return DigestVerdict.Malformed;
        }
        else if (string.IsNullOrEmpty(c.CNonce) || c.NonceCount is not { Length: 8 } ncText
            || !uint.TryParse(ncText, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out nc)
            || nc == 0)
        {
            detail = "cnonce or nc missing or invalid";
            return DigestVerdict.Malformed;
        }
        if (c.Response.Length != algorithm.HexLength() || !IsHex(c.Response))
        {
            detail = "response is not a digest of the right length";
            return DigestVerdict.Malformed;
        }
        if (!string.Equals(c.Uri, requestUri, StringComparison.OrdinalIgnoreCase))
        {
            detail = $"uri '{c.Uri}' differs from request URI";
            return DigestVerdict.UriMismatch;
        }
        if (!TryReadNonce(c.Nonce, c.Realm, out var issuedMs, out var sequence))
        {
            detail = "nonce not issued here";
            return DigestVerdict.InvalidNonce;
        }
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (issuedMs - nowMs > (long)_options.MaxClockSkew.TotalMilliseconds)
        {
            detail = "nonce from the future";
            return DigestVerdict.InvalidNonce;
        }
        var expired = nowMs - issuedMs > (long)_options.NonceLifetime.TotalMilliseconds;

        var ha1 = lookupHa1(c.Username, c.Realm, algorithm.BaseAlgorithm());
        if (ha1 is null)
        {
            return DigestVerdict.UnknownUser;
        }
        var expected = SipCredential.ComputeResponse(
            algorithm, ha1.ToLowerInvariant(), c.Nonce, c.NonceCount, c.CNonce, c.Qop is null ? null : "auth", method, c.Uri);
        // Constant-time: a timing side channel must not reveal how many leading characters matched.
        if (!CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(c.Response.ToLowerInvariant())))
        {
            return DigestVerdict.WrongPassword;
        }
        // RFC 2617 §3.2.1: stale only when the digest itself was valid.
        if (expired)
        {
            return DigestVerdict.Stale;
        }
        if (c.Qop is not null)
        {
            return CheckAndRecordNonceCount(c.Nonce, issuedMs, sequence, nc, out detail);
        }
        return DigestVerdict.Ok;
    }

    private static bool IsHex(string s)
    {
        foreach (var ch in s)
        {
            if (!char.IsAsciiHexDigit(ch))
            {
                return false;
            }
        }
        return true;
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Debug, Message = "Digest credentials rejected: {Verdict} ({Detail})")]
    private static partial void LogRejected(ILogger logger, DigestVerdict verdict, string? detail);
}
