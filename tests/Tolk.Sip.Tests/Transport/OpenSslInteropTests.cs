using System.Diagnostics;
using System.Net;
using Tolk.Sip.Message;
using Tolk.Sip.Transport;
using static Tolk.Sip.Tests.Transport.TransportTestKit;

namespace Tolk.Sip.Tests.Transport;

/// <summary>The TLS listener against a TLS stack that is not .NET's: the openssl command-line client.</summary>
public sealed class OpenSslInteropTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tolk-ossl-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("-tls1_2")]
    [InlineData("-tls1_3")]
    public async Task OpenSsl_s_client_verifies_our_certificate_by_name_and_sends_SIP(string version)
    {
        if (!File.Exists("/usr/bin/openssl"))
        {
            return;
        }
        var cert = SelfSignedCertificate.CreateOrLoad(_dir, ["sip.tolk.test"]);
        await using var manager = await StartAsync(o =>
        {
            o.Listeners.Add(new SipListenerOptions(SipTransportKind.Tls, IPAddress.Loopback, 0));
            o.TlsServer = new SipTlsServerOptions(new SipServerCertificateSelector(cert.Certificate));
        });
        var port = manager.Bound(SipTransportKind.Tls).Port;

        var psi = new ProcessStartInfo("openssl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[]
        {
            "s_client", "-connect", $"127.0.0.1:{port}", "-servername", "sip.tolk.test", version,
            "-CAfile", cert.CertificatePath, "-verify_hostname", "sip.tolk.test", "-verify_return_error", "-quiet", "-no_ign_eof",
        })
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(Request("OPTIONS", "openssl" + version, transport: "TLS").Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal));
        await process.StandardInput.FlushAsync();

        var inbound = await manager.NextAsync();
        Assert.Equal("openssl" + version, inbound.Message.CallId);
        Assert.Equal("sip.tolk.test", inbound.TlsServerName);
        await manager.SendAsync(SipResponse.CreateFor((SipRequest)inbound.Message, 200, toTag: "o"), inbound.Remote, inbound.ConnectionId);
        await Task.Delay(200);
        process.StandardInput.Close();
        if (!process.WaitForExit(5000))
        {
            process.Kill();
        }
        Assert.Contains("SIP/2.0 200 OK", await stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("verify error", await stderr, StringComparison.OrdinalIgnoreCase);
    }
}
