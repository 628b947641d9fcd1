using System.Collections.Concurrent;
using System.Net;
using Tolk.Sip.Message;
using Tolk.Sip.Transport;

namespace Tolk.Sip.Tests.Transactions;

/// <summary>An in-memory transport that records what the transaction layer sends.</summary>
internal sealed class RecordingSender : ISipMessageSender
{
    public ConcurrentQueue<(SipMessage Message, SipEndPoint To)> Sent { get; } = new();

    public bool Fail { get; set; }

    public ValueTask SendAsync(SipMessage message, SipEndPoint remote, string? connectionId = null, CancellationToken cancellationToken = default)
    {
        if (Fail)
        {
            throw new SipTransportException("unreachable");
        }
        Sent.Enqueue((message, remote));
        return ValueTask.CompletedTask;
    }

    public SipEndPoint? GetLocalEndPoint(SipTransportKind transport) => new(transport, new IPEndPoint(IPAddress.Loopback, 5060));

    public List<SipResponse> Responses(int status) => Sent.Select(s => s.Message).OfType<SipResponse>().Where(r => r.StatusCode == status).ToList();

    public List<SipRequest> Requests(string method) => Sent.Select(s => s.Message).OfType<SipRequest>().Where(r => r.Method == method).ToList();
}
