using System.Security.Cryptography;
using System.Text;

namespace Tolk.Data.Security;

/// <summary>Opaque bearer secrets (API keys, refresh tokens): random, shown once, stored as SHA-256.</summary>
public static class SecretTokens
{
    /// <summary>Prefix that marks Tolk API keys (helps secret scanners and operators).</summary>
    public const string ApiKeyPrefix = "tolk_";

    /// <summary>A new random secret with the given prefix (256 bits of entropy, base64url).</summary>
    public static string New(string prefix) =>
        prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Hex SHA-256 of a secret: high-entropy secrets need no slow KDF.</summary>
    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
