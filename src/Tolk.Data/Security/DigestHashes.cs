using System.Security.Cryptography;
using System.Text;

namespace Tolk.Data.Security;

/// <summary>
/// SIP digest credentials stored as HA1 = H(username ":" realm ":" password) (RFC 2617 §3.2.2.2,
/// RFC 7616 §3.4.2 for SHA-256, RFC 8760 for SIP), so the plain password is never kept.
/// </summary>
public static class DigestHashes
{
    /// <summary>Lower-case hex MD5 HA1.</summary>
    public static string Md5Ha1(string username, string realm, string password) =>
#pragma warning disable CA5351 // MD5 is what RFC 2617 digest uses; kept for SIP phones that know nothing else.
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{username}:{realm}:{password}")));
#pragma warning restore CA5351

    /// <summary>Lower-case hex SHA-256 HA1.</summary>
    public static string Sha256Ha1(string username, string realm, string password) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{username}:{realm}:{password}")));
}
