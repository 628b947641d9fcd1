using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tolk.Sip.Transport;

/// <summary>Loading certificates for the TLS transport and printing their fingerprints.</summary>
public static class SipCertificates
{
    /// <summary>Loads a certificate and its private key from PEM files (certificate chain file + key file).</summary>
    public static X509Certificate2 LoadPem(string certificatePath, string keyPath) =>
        X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

    /// <summary>Loads a PKCS#12 (.pfx/.p12) file with its password.</summary>
    public static X509Certificate2 LoadPfx(string path, string? password) =>
        X509CertificateLoader.LoadPkcs12FromFile(path, password);

    /// <summary>SHA-256 fingerprint as colon-separated upper-case hex ("AB:CD:…"), as browsers and openssl print it.</summary>
    public static string Sha256Fingerprint(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var hex = Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256));
        return string.Join(':', Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(i * 2, 2)));
    }

    /// <summary>Compares fingerprints ignoring case and colons.</summary>
    public static bool FingerprintEquals(string a, string b) =>
        string.Equals(Normalize(a), Normalize(b), StringComparison.OrdinalIgnoreCase);

    private static string Normalize(string s) => s.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).Trim();
}
