using System.Collections.Concurrent;
using System.Net;
using Tolk.Sip.Message;
using Tolk.Sip.Transport;

namespace Tolk.Conferencing.Tests.Signaling;

/// <summary>An in-memory transport that records everything the transaction layer sends.</summary>
internal sealed class RecordingSender : ISipMessageSender
{
    public static readonly SipEndPoint LocalEndPoint = new(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, 5060));

    public ConcurrentQueue<(SipMessage Message, SipEndPoint To)> Sent { get; } = new();

    public ValueTask SendAsync(SipMessage message, SipEndPoint remote, string? connectionId = null, CancellationToken cancellationToken = default)
    {
        Sent.Enqueue((message, remote));
        return ValueTask.CompletedTask;
    }

    public SipEndPoint? GetLocalEndPoint(SipTransportKind transport) => new(transport, LocalEndPoint.EndPoint);

    public List<SipResponse> Responses(string callId) =>
        Sent.Select(s => s.Message).OfType<SipResponse>().Where(r => r.CallId == callId).ToList();

    public List<SipRequest> Requests(string callId, string method) =>
        Sent.Select(s => s.Message).OfType<SipRequest>().Where(r => r.CallId == callId && r.Method == method).ToList();
}
