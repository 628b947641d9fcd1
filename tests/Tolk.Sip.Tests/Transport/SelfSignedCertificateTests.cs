using System.Net;
using System.Security.Cryptography.X509Certificates;
using Tolk.Sip.Transport;

namespace Tolk.Sip.Tests.Transport;

public sealed class SelfSignedCertificateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tolk-cert-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Creates_PEM_files_once_with_SANs_and_a_private_key_file_then_loads_them()
    {
        var first = SelfSignedCertificate.CreateOrLoad(_dir, ["sip.tolk.test", "tolk.local"]);
        Assert.True(first.Created);
        Assert.Equal(Path.Combine(_dir, "tls", "cert.pem"), first.CertificatePath);
        Assert.True(first.Certificate.HasPrivateKey);
        Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", first.Sha256Fingerprint);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first.KeyPath));
        }

        var san = first.Certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["sip.tolk.test", "tolk.local"], san.EnumerateDnsNames());
        Assert.Contains(IPAddress.Loopback, san.EnumerateIPAddresses());
        Assert.Contains(IPAddress.IPv6Loopback, san.EnumerateIPAddresses());
        Assert.True(first.Certificate.MatchesHostname("sip.tolk.test"));

        var second = SelfSignedCertificate.CreateOrLoad(_dir, ["other.name"]);
        Assert.False(second.Created);
        Assert.Equal(first.Sha256Fingerprint, second.Sha256Fingerprint);
        Assert.True(second.Certificate.HasPrivateKey);
    }

    [Fact]
    public void PEM_and_PFX_loaders_round_trip()
    {
        var created = SelfSignedCertificate.CreateOrLoad(_dir, ["sip.tolk.test"]);
        using var pem = SipCertificates.LoadPem(created.CertificatePath, created.KeyPath);
        Assert.Equal(created.Certificate.Thumbprint, pem.Thumbprint);

        var pfxPath = Path.Combine(_dir, "cert.pfx");
        File.WriteAllBytes(pfxPath, created.Certificate.Export(X509ContentType.Pfx, "s3cret"));
        using var pfx = SipCertificates.LoadPfx(pfxPath, "s3cret");
        Assert.True(pfx.HasPrivateKey);
        Assert.Equal(created.Sha256Fingerprint, SipCertificates.Sha256Fingerprint(pfx));
    }

    [Fact]
    public void SNI_selector_prefers_exact_then_wildcard_then_default()
    {
        var now = DateTimeOffset.UtcNow;
        using var fallback = SelfSignedCertificate.Create(["default.test"], now);
        using var exact = SelfSignedCertificate.Create(["a.tenant.test"], now);
        using var wildcard = SelfSignedCertificate.Create(["*.tenant.test"], now);
        var selector = new SipServerCertificateSelector(fallback).Add("a.tenant.test", exact).Add("*.tenant.test", wildcard);

        Assert.Same(exact, selector.Select("A.Tenant.Test"));
        Assert.Same(wildcard, selector.Select("b.tenant.test"));
        Assert.Same(fallback, selector.Select("x.b.other.test"));
        Assert.Same(fallback, selector.Select(null));
    }
}
