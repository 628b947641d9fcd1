using System.Net;
using System.Security.Cryptography;

namespace Tolk.Sip.Sdp;

/// <summary>
/// Our side of one dialog's SDP session: the o= session id and version (RFC 3264 §8: the version
/// increases exactly when our description changes) and the SRTP master keys we handed out, reused on
/// re-offers so an unchanged stream keeps its keys (RFC 4568 §7.1.4). Not thread-safe: one per dialog.
/// </summary>
public sealed class SdpLocalSession
{
    private readonly Dictionary<string, byte[]> _localKeys = new(StringComparer.Ordinal);
    private string? _lastBody;

    /// <summary>Creates a session with a random session id (RFC 4566 §5.2 suggests an NTP-based or random value).</summary>
    public SdpLocalSession(string userName = "tolk", ulong? sessionId = null)
    {
        UserName = userName;
        // Keep below 2^62 so no peer's signed 64-bit parser overflows.
        SessionId = sessionId ?? (BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 2);
        Version = SessionId;
    }

    /// <summary>o= user name.</summary>
    public string UserName { get; }

    /// <summary>o= session id, fixed for the dialog.</summary>
    public ulong SessionId { get; }

    /// <summary>o= version of the last description we produced.</summary>
    public ulong Version { get; private set; }

    /// <summary>The last description we produced, or null.</summary>
    public SdpSessionDescription? LastDescription { get; private set; }

    internal byte[] GetOrCreateKey(string suite, int length, Func<int, byte[]> generator)
    {
        if (!_localKeys.TryGetValue(suite, out var key) || key.Length != length)
        {
            key = generator(length);
            if (key.Length != length)
            {
                throw new InvalidOperationException($"Key generator returned {key.Length} bytes, {length} expected.");
            }
            _localKeys[suite] = key;
        }
        return key;
    }

    /// <summary>Stamps o= on <paramref name="description"/>, increasing the version only if the content changed.</summary>
    internal void Stamp(SdpSessionDescription description, IPAddress localAddress)
    {
        var connection = SdpConnection.For(localAddress);
        // Compare with the o= line neutralised so only real content changes bump the version.
        description.Origin = new SdpOrigin(UserName, SessionId, 0, "IN", connection.AddressType, connection.Address);
        var body = description.ToString();
        if (_lastBody is not null && body != _lastBody)
        {
            Version++;
        }
        _lastBody = body;
        description.Origin = description.Origin with { SessionVersion = Version };
        LastDescription = description;
    }
}
