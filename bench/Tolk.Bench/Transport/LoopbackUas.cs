using System.Net;
using Tolk.Sip.Message;
using Tolk.Sip.Transport;

namespace Tolk.Bench.Transport;

/// <summary>
/// A minimal UAS on <see cref="SipTransportManager"/> (TLS, self-signed): answers INVITE 200 with a
/// Contact, BYE and anything else 200, ignores ACK. It measures the transport, not a call stack.
/// </summary>
internal sealed class LoopbackUas : IAsyncDisposable
{
    private readonly SipTransportManager _manager;
    private readonly Task _loop;
    private readonly string _dataDir;

    private LoopbackUas(SipTransportManager manager, string fingerprint, string dataDir)
    {
        _manager = manager;
        Fingerprint = fingerprint;
        _dataDir = dataDir;
        _loop = Task.Run(ServeAsync);
    }

    public IPEndPoint EndPoint => _manager.BoundEndPoints[0].EndPoint;

    public string Fingerprint { get; }

    public static async Task<LoopbackUas> StartAsync()
    {
        var dir = Directory.CreateTempSubdirectory("tolk-load-").FullName;
        var cert = SelfSignedCertificate.CreateOrLoad(dir, ["sip.tolk.test"]);
        var options = new SipTransportOptions
        {
            TlsServer = new SipTlsServerOptions(new SipServerCertificateSelector(cert.Certificate)),
        };
        options.Listeners.Add(new SipListenerOptions(SipTransportKind.Tls, IPAddress.Loopback, 0));
        options.RateLimit.Enabled = false;
        var manager = new SipTransportManager(options);
        await manager.StartAsync();
        return new LoopbackUas(manager, cert.Sha256Fingerprint, dir);
    }

    private async Task ServeAsync()
    {
        var contact = $"<sip:uas@{EndPoint};transport=tls>";
        await foreach (var inbound in _manager.Inbound.ReadAllAsync())
        {
            if (inbound.Message is not SipRequest request || request.Method == SipMethods.Ack)
            {
                continue;
            }
            var response = SipResponse.CreateFor(request, 200, toTag: "uas" + request.CallId);
            if (request.Method == SipMethods.Invite)
            {
                response.Headers.Add(SipHeaderNames.Contact, contact);
            }
            try
            {
                await _manager.SendAsync(response, inbound.Remote, inbound.ConnectionId);
            }
            catch (SipTransportException)
            {
                // The caller hung up its connection; nothing to do.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _manager.DisposeAsync();
        await _loop;
        Directory.Delete(_dataDir, recursive: true);
    }
}
