using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Tolk.Sip.Message;
using Tolk.Sip.Transport;

namespace Tolk.Sip.Tests.Transport;

/// <summary>Real sockets on loopback for transport tests: managers, raw clients, message builders.</summary>
internal static class TransportTestKit
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);

    public static CancellationToken TimeoutToken() => new CancellationTokenSource(TestTimeout).Token;

    public static async Task<SipTransportManager> StartAsync(Action<SipTransportOptions> configure, TimeProvider? time = null)
    {
        var options = new SipTransportOptions();
        configure(options);
        var manager = new SipTransportManager(options, timeProvider: time);
        await manager.StartAsync();
        return manager;
    }

    public static IPEndPoint Bound(this SipTransportManager manager, SipTransportKind kind, AddressFamily family = AddressFamily.InterNetwork) =>
        manager.BoundEndPoints.First(e => e.Transport == kind && e.EndPoint.AddressFamily == family).EndPoint;

    public static string Request(
        string method,
        string callId,
        string viaHost = "192.0.2.10",
        int viaPort = 5060,
        bool rport = true,
        string transport = "UDP",
        string? toTag = null,
        string body = "",
        int cseq = 1,
        string? contentLength = null)
    {
        var sb = new StringBuilder();
        sb.Append(method).Append(" sip:bob@tolk.test SIP/2.0\r\n");
        sb.Append("Via: SIP/2.0/").Append(transport).Append(' ').Append(viaHost).Append(':').Append(viaPort)
            .Append(";branch=z9hG4bK-").Append(callId).Append('-').Append(cseq).Append(rport ? ";rport" : "").Append("\r\n");
        sb.Append("Max-Forwards: 70\r\n");
        sb.Append("From: <sip:alice@tolk.test>;tag=a1\r\n");
        sb.Append("To: <sip:bob@tolk.test>").Append(toTag is null ? "" : ";tag=" + toTag).Append("\r\n");
        sb.Append("Call-ID: ").Append(callId).Append("\r\n");
        sb.Append("CSeq: ").Append(cseq).Append(' ').Append(method).Append("\r\n");
        sb.Append("Content-Length: ").Append(contentLength ?? Encoding.UTF8.GetByteCount(body).ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n\r\n");
        sb.Append(body);
        return sb.ToString();
    }

    public static SipMessage Parse(byte[] data)
    {
        var result = SipParser.Parse(data);
        Assert.True(result.IsValid, result.ErrorReason);
        return result.Message!;
    }

    public static async Task<SipInboundMessage> NextAsync(this SipTransportManager manager) =>
        await manager.Inbound.ReadAsync(TimeoutToken());

    /// <summary>Receives one datagram, or null if none arrives within <paramref name="wait"/>.</summary>
    public static async Task<SipMessage?> ReceiveUdpAsync(Socket socket, TimeSpan? wait = null)
    {
        var buffer = new byte[65_535];
        using var cts = new CancellationTokenSource(wait ?? TestTimeout);
        try
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            return Parse(buffer.AsSpan(0, n).ToArray());
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public static Socket UdpClient(IPEndPoint server)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(server.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, 0));
        socket.Connect(server);
        return socket;
    }

    public static async Task<SslStream> ConnectTlsAsync(
        IPEndPoint server,
        string? targetHost,
        string pinnedFingerprint,
        SslProtocols protocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        X509Certificate2? clientCertificate = null)
    {
        var tcp = new TcpClient(server.AddressFamily);
        await tcp.ConnectAsync(server);
        var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = targetHost ?? "",
            EnabledSslProtocols = protocols,
            // The test client trusts exactly the server's pinned certificate.
            RemoteCertificateValidationCallback = (_, cert, _, _) =>
                cert is not null && SipCertificates.FingerprintEquals(SipCertificates.Sha256Fingerprint(cert), pinnedFingerprint),
        };
        if (clientCertificate is not null)
        {
            options.ClientCertificateContext = SslStreamCertificateContext.Create(clientCertificate, null, offline: true);
        }
        await ssl.AuthenticateAsClientAsync(options, TimeoutToken());
        return ssl;
    }

    /// <summary>Waits until <paramref name="condition"/> holds (events fire on other threads).</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TestTimeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out waiting for: " + what);
            }
            await Task.Delay(10);
        }
    }

    /// <summary>True when the peer closed the stream (read returns 0 or fails) within the timeout.</summary>
    public static async Task<bool> IsClosedByPeerAsync(Stream stream)
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = await stream.ReadAsync(buffer, TimeoutToken());
                if (n == 0)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException)
        {
            return true;
        }
    }
}

/// <summary>Reads whole SIP messages (and CRLF pongs) from a client stream, using the transport's framer.</summary>
internal sealed class StreamMessageReader(Stream stream)
{
    private byte[] _pending = [];

    public async Task<SipMessage> ReadMessageAsync()
    {
        while (true)
        {
            var seq = new ReadOnlySequence<byte>(_pending);
            var kind = SipStreamFramer.TryRead(ref seq, SipParserLimits.Default, out var frame, out _);
            if (kind == SipFrameKind.Message)
            {
                var bytes = frame.ToArray();
                _pending = seq.ToArray();
                return TransportTestKit.Parse(bytes);
            }
            if (kind is SipFrameKind.KeepAlivePing or SipFrameKind.KeepAlivePong)
            {
                _pending = seq.ToArray();
                continue;
            }
            Assert.NotEqual(SipFrameKind.Error, kind);
            await FillAsync();
        }
    }

    /// <summary>Reads raw bytes until at least <paramref name="count"/> are buffered; returns and consumes them.</summary>
    public async Task<byte[]> ReadBytesAsync(int count)
    {
        while (_pending.Length < count)
        {
            await FillAsync();
        }
        var result = _pending[..count];
        _pending = _pending[count..];
        return result;
    }

    private async Task FillAsync()
    {
        var buffer = new byte[8192];
        var n = await stream.ReadAsync(buffer, TransportTestKit.TimeoutToken());
        Assert.True(n > 0, "stream closed before a whole message arrived");
        _pending = [.. _pending, .. buffer.AsSpan(0, n)];
    }
}
