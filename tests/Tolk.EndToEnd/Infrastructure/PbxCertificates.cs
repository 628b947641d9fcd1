using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tolk.EndToEnd.Infrastructure;

/// <summary>
/// TLS client certificates a customer's PBX or SBC would present: self-signed (identified by a pinned fingerprint), or
/// issued by the customers' private CA that the test servers trust (<c>Sip:ClientCaFile</c>) for a trunk's domain.
/// PEM files hold the certificate and its RSA key together, as baresip's <c>sip_certificate</c> reads them.
/// </summary>
internal static class PbxCertificates
{
    private static readonly Lazy<X509Certificate2> Ca = new(CreateCa);

    /// <summary>A PEM file of the CA's certificate, for the server to trust.</summary>
    public static string CaPemFile { get; } = WriteCaPem();

    /// <summary>Writes a self-signed certificate and key; returns the file and the certificate's SHA-256 fingerprint.</summary>
    public static (string PemFile, string Fingerprint) SelfSigned(string dnsName)
    {
        using var key = RSA.Create(2048);
        using var certificate = Request(dnsName, key).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return (Write(certificate, key), Fingerprint(certificate));
    }

    /// <summary>Writes a certificate and key the customers' CA issued for <paramref name="dnsName"/>; returns the file.</summary>
    public static string IssuedFor(string dnsName)
    {
        using var key = RSA.Create(2048);
        var serial = RandomNumberGenerator.GetBytes(8);
        using var certificate = Request(dnsName, key).Create(Ca.Value, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), serial);
        return Write(certificate, key);
    }

    private static CertificateRequest Request(string dnsName, RSA key)
    {
        var request = new CertificateRequest("CN=" + dnsName, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([Oid.FromOidValue("1.3.6.1.5.5.7.3.2", OidGroup.EnhancedKeyUsage), Oid.FromOidValue("1.3.6.1.5.5.7.3.1", OidGroup.EnhancedKeyUsage)], false));
        return request;
    }

    private static X509Certificate2 CreateCa()
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Tolk test customers' PBX CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(365));
    }

    private static string WriteCaPem()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tolk-e2e-pbx-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, Ca.Value.ExportCertificatePem() + "\n");
        return path;
    }

    private static string Write(X509Certificate2 certificate, RSA key)
    {
        var path = Path.Combine(Path.GetTempPath(), $"tolk-e2e-pbx-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, certificate.ExportCertificatePem() + "\n" + key.ExportRSAPrivateKeyPem() + "\n");
        return path;
    }

    private static string Fingerprint(X509Certificate2 certificate) =>
        string.Join(':', SHA256.HashData(certificate.RawData).Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));
}
