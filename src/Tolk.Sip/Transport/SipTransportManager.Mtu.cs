using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Tolk.Sip.Message;

namespace Tolk.Sip.Transport;

/// <summary>
/// RFC 3261 §18.1.1: a request larger than 1300 bytes (the path MTU being unknown) that would go over
/// UDP is sent over TCP instead, with its top Via changed to say so; when the target refuses TCP, the
/// request goes over UDP after all (the RFC's "retry the request, using UDP"), and that target is not
/// tried over TCP again for a while.
/// </summary>
public sealed partial class SipTransportManager
{
    /// <summary>RFC 3261 §18.1.1: the size above which a UDP request moves to TCP when the MTU is unknown.</summary>
    public const int UdpRequestSizeLimit = 1300;

    private static readonly TimeSpan TcpRefusalMemory = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<IPEndPoint, long> _tcpRefusedUntil = new();

    /// <summary>Sends a large request over TCP; false (Via unchanged) when it must go over UDP after all.</summary>
    private async ValueTask<bool> TrySendOverTcpAsync(SipRequest request, SipEndPoint remote, CancellationToken cancellationToken)
    {
        var localTcp = GetLocalEndPoint(SipTransportKind.Tcp);
        if (localTcp is null)
        {
            return false;
        }
        if (_tcpRefusedUntil.TryGetValue(remote.EndPoint, out var until) && Timestamp() < until)
        {
            return false;
        }
        var original = request.Headers.GetFirstValue(SipHeaderNames.Via);
        if (!SipVia.TryParse(original, out var via))
        {
            return false;
        }
        if (string.Equals(via.Transport, "TCP", StringComparison.OrdinalIgnoreCase) && _byRemote.ContainsKey(new StreamKey(SipTransportKind.Tcp, remote.EndPoint)))
        {
            // A UDP client transaction retransmitting a request this method already moved to TCP: a
            // reliable transport needs no retransmission (RFC 3261 §17.1.1.2, §17.1.2.2).
            return true;
        }
        if (!string.Equals(via.Transport, "UDP", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        SetTopVia(request, WithTransport(via, "TCP", localTcp.EndPoint.Port));
        try
        {
            var tcp = new SipEndPoint(SipTransportKind.Tcp, remote.EndPoint) { HostName = remote.HostName };
            var connection = await GetOrConnectAsync(tcp, connectionId: null, hostName: null, cancellationToken);
            await connection.SendAsync(request.ToBytes(), cancellationToken);
            Interlocked.Increment(ref Statistics._udpRequestsMovedToTcp);
            return true;
        }
        catch (SipTransportException)
        {
            _tcpRefusedUntil[remote.EndPoint] = Timestamp() + (long)(TcpRefusalMemory.TotalSeconds * _time.TimestampFrequency);
            SetTopVia(request, original!);
            return false;
        }
    }

    private static void SetTopVia(SipRequest request, string value)
    {
        request.Headers.RemoveFirstValue(SipHeaderNames.Via);
        request.Headers.Prepend(SipHeaderNames.Via, value);
    }

    /// <summary>The Via with another transport; sent-by keeps its host and names our port for it.</summary>
    private static string WithTransport(SipVia via, string transport, int port)
    {
        var sb = new StringBuilder(80);
        sb.Append(via.ProtocolName).Append('/').Append(via.ProtocolVersion).Append('/').Append(transport).Append(' ').Append(via.Host)
            .Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        via.Parameters.AppendTo(sb);
        return sb.ToString();
    }
}
