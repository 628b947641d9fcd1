using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Tolk.Sip.Auth;

public sealed partial class DigestAuthenticator
{
    // Nonce layout (before base64url): issued-at (8 bytes, Unix ms, big-endian) | sequence (8) | random (8)
    // | MAC (16). MAC = HMAC-SHA256(key, issued-at | sequence | random | realm) truncated to 128 bits: a
    // nonce validates itself and is bound to its realm, so no per-nonce state is kept until it is first
    // used. The sequence orders nonces strictly (many are issued per millisecond under load) for eviction.
    private const int TimeLength = 8;
    private const int SequenceLength = 8;
    private const int PayloadLength = SequenceLength + 8; // sequence + 8 random bytes
    private const int MacLength = 16;
    private const int NonceLength = TimeLength + PayloadLength + MacLength;

    private static readonly System.Buffers.SearchValues<char> NonceAlphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private readonly Lock _replayGate = new();
    private readonly Dictionary<string, NonceUse> _used = new(StringComparer.Ordinal);
    private long _evictedUpToSequence = -1;
    private long _sequence;

    /// <summary>Number of nonces whose nonce-count is currently tracked (for monitoring and tests).</summary>
    public int TrackedNonceCount
    {
        get
        {
            lock (_replayGate)
            {
                return _used.Count;
            }
        }
    }

    private string CreateNonce(string realm)
    {
        ArgumentNullException.ThrowIfNull(realm);
        Span<byte> raw = stackalloc byte[NonceLength];
        BinaryPrimitives.WriteInt64BigEndian(raw, _time.GetUtcNow().ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64BigEndian(raw[TimeLength..], Interlocked.Increment(ref _sequence));
        RandomNumberGenerator.Fill(raw.Slice(TimeLength + SequenceLength, PayloadLength - SequenceLength));
        ComputeMac(raw[..(TimeLength + PayloadLength)], realm, raw[(TimeLength + PayloadLength)..]);
        return Base64Url.EncodeToString(raw);
    }

    private bool TryReadNonce(string nonce, string realm, out long issuedMs, out long sequence)
    {
        issuedMs = 0;
        sequence = 0;
        Span<byte> raw = stackalloc byte[NonceLength + 3];
        if (nonce.Length != Base64Url.GetEncodedLength(NonceLength) || nonce.AsSpan().ContainsAnyExcept(NonceAlphabet))
        {
            return false;
        }
        int written;
        try
        {
            // Base64Url.TryDecodeFromChars throws (rather than returning false) on some malformed input,
            // e.g. non-zero trailing bits; the nonce is attacker-controlled.
            if (!Base64Url.TryDecodeFromChars(nonce, raw, out written) || written != NonceLength)
            {
                return false;
            }
        }
        catch (FormatException)
        {
            return false;
        }
        // Only the canonical spelling is accepted: replay state is keyed by the nonce text, so two
        // spellings of the same bytes must not both pass.
        if (!string.Equals(Base64Url.EncodeToString(raw[..NonceLength]), nonce, StringComparison.Ordinal))
        {
            return false;
        }
        Span<byte> mac = stackalloc byte[MacLength];
        ComputeMac(raw[..(TimeLength + PayloadLength)], realm, mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, raw.Slice(TimeLength + PayloadLength, MacLength)))
        {
            return false;
        }
        issuedMs = BinaryPrimitives.ReadInt64BigEndian(raw);
        sequence = BinaryPrimitives.ReadInt64BigEndian(raw[TimeLength..]);
        return true;
    }

    private void ComputeMac(ReadOnlySpan<byte> stampAndRandom, string realm, Span<byte> destination)
    {
        var realmBytes = Encoding.UTF8.GetBytes(realm);
        var input = new byte[stampAndRandom.Length + realmBytes.Length];
        stampAndRandom.CopyTo(input);
        realmBytes.CopyTo(input.AsSpan(stampAndRandom.Length));
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(_key, input, full);
        full[..MacLength].CopyTo(destination);
    }

    /// <summary>
    /// RFC 7616 §3.4 / RFC 2617 §3.2.2: the nonce-count must increase for each request on one nonce.
    /// Memory is bounded: entries go when their nonce expires; if the table is still full the oldest are
    /// evicted and any untracked nonce issued before them is answered Stale, so eviction never reopens
    /// a replay window.
    /// </summary>
    private DigestVerdict CheckAndRecordNonceCount(string nonce, long issuedMs, long sequence, uint nc, out string? detail)
    {
        detail = null;
        lock (_replayGate)
        {
            if (_used.TryGetValue(nonce, out var use))
            {
                if (nc <= use.LastCount)
                {
                    detail = $"nc {nc} not above {use.LastCount}";
                    return DigestVerdict.Replay;
                }
                _used[nonce] = use with { LastCount = nc };
                return DigestVerdict.Ok;
            }
            if (sequence <= _evictedUpToSequence)
            {
                detail = "nonce-count state evicted";
                return DigestVerdict.Stale;
            }
            if (_used.Count >= _options.MaxTrackedNonces)
            {
                Prune();
                if (sequence <= _evictedUpToSequence)
                {
                    detail = "nonce-count state evicted";
                    return DigestVerdict.Stale;
                }
            }
            _used[nonce] = new NonceUse(issuedMs, sequence, nc);
            return DigestVerdict.Ok;
        }
    }

    private void Prune()
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var lifetimeMs = (long)_options.NonceLifetime.TotalMilliseconds;
        var expired = new List<string>();
        foreach (var (nonce, use) in _used)
        {
            if (nowMs - use.IssuedMs > lifetimeMs)
            {
                expired.Add(nonce);
            }
        }
        foreach (var n in expired)
        {
            _used.Remove(n);
        }
        if (_used.Count < _options.MaxTrackedNonces)
        {
            return;
        }
        // Still full of live nonces: drop the older half.
        var ordered = _used.OrderBy(kv => kv.Value.Sequence).ToList();
        var drop = Math.Max(1, ordered.Count / 2);
        for (var i = 0; i < drop; i++)
        {
            _used.Remove(ordered[i].Key);
            _evictedUpToSequence = Math.Max(_evictedUpToSequence, ordered[i].Value.Sequence);
        }
    }

    private readonly record struct NonceUse(long IssuedMs, long Sequence, uint LastCount);
}
