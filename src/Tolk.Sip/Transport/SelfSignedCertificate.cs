using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tolk.Sip.Transport;

/// <summary>A certificate from <see cref="SelfSignedCertificate.CreateOrLoad"/>, its fingerprint and files.</summary>
public sealed record SelfSignedCertificateResult(
    X509Certificate2 Certificate,
    string Sha256Fingerprint,
    string CertificatePath,
    string KeyPath,
    bool Created);

/// <summary>
/// A self-signed ECDSA P-256 certificate for first runs and tests: generated into
/// <c>dataDir/tls/cert.pem</c> + <c>key.pem</c> once, loaded from there afterwards.
/// </summary>
public static class SelfSignedCertificate
{
    /// <summary>
    /// Loads <c>dataDir/tls/cert.pem</c>/<c>key.pem</c>, or creates them (valid 5 years, SANs: the host names,
    /// 127.0.0.1 and ::1; key file mode 0600) when either is missing.
    /// </summary>
    public static SelfSignedCertificateResult CreateOrLoad(string dataDir, IEnumerable<string> hostNames, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDir);
        ArgumentNullException.ThrowIfNull(hostNames);
        var dir = Path.Combine(dataDir, "tls");
        var certPath = Path.Combine(dir, "cert.pem");
        var keyPath = Path.Combine(dir, "key.pem");
        var created = false;
        if (!File.Exists(certPath) || !File.Exists(keyPath))
        {
            Directory.CreateDirectory(dir);
            var names = hostNames.Where(n => !string.IsNullOrWhiteSpace(n)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            using var generated = Create(names, (timeProvider ?? TimeProvider.System).GetUtcNow());
            using var key = generated.GetECDsaPrivateKey()!;
            WriteFile(keyPath, key.ExportPkcs8PrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            WriteFile(certPath, generated.ExportCertificatePem(),
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            created = true;
        }
        var cert = X509Certificate2.CreateFromPemFile(certPath, keyPath);
        return new SelfSignedCertificateResult(cert, SipCertificates.Sha256Fingerprint(cert), certPath, keyPath, created);
    }

    /// <summary>Creates a self-signed server+client certificate in memory (not written anywhere).</summary>
    public static X509Certificate2 Create(IReadOnlyList<string> hostNames, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(hostNames);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var cn = hostNames.Count > 0 ? hostNames[0] : "localhost";
        var request = new CertificateRequest($"CN={cn}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in hostNames)
        {
            if (IPAddress.TryParse(name, out var ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(name);
            }
        }
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
    }

    private static void WriteFile(string path, string text, UnixFileMode mode)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }
        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
        }
        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode only applies to new files; an existing file keeps its mode otherwise.
            File.SetUnixFileMode(path, mode);
        }
    }
}
