using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tolk.Api.Webhooks;

/// <summary>
/// The signature of a webhook request: <c>Tolk-Signature: v1=&lt;hex HMAC-SHA256(secret, timestamp + "." + body)&gt;</c>
/// with <c>Tolk-Timestamp</c> in Unix seconds. Receivers recompute it over the raw body, compare in constant
/// time and reject old timestamps (replays).
/// </summary>
public static class WebhookSignature
{
    /// <summary>Header with the signature.</summary>
    public const string SignatureHeader = "Tolk-Signature";
    /// <summary>Header with the signing time (Unix seconds).</summary>
    public const string TimestampHeader = "Tolk-Timestamp";
    /// <summary>Header with the event type.</summary>
    public const string EventHeader = "Tolk-Event";
    /// <summary>Header with the event id (the same on every retry: receivers de-duplicate on it).</summary>
    public const string DeliveryHeader = "Tolk-Delivery";

    /// <summary>The header value <c>v1=…</c> for a body signed at <paramref name="timestamp"/>.</summary>
    public static string Compute(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    /// <summary>Checks a received signature in constant time.</summary>
    public static bool Verify(string secret, long timestamp, ReadOnlySpan<byte> body, string? signature) =>
        signature is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Compute(secret, timestamp, body)), Encoding.ASCII.GetBytes(signature));
}
