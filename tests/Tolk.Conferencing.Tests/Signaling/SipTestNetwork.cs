using System.Net;
using System.Text;
using Tolk.Conferencing.Calls;
using Tolk.Conferencing.Signaling;
using Tolk.Conferencing.Signaling.Bridging;
using Tolk.Conferencing.Tenancy;
using Tolk.Sip.Auth;
using Tolk.Sip.Message;
using Tolk.Sip.Registrar;
using Tolk.Sip.Transactions;
using Tolk.Sip.Transport;
using Tolk.Testing;

namespace Tolk.Conferencing.Tests.Signaling;

/// <summary>
/// A whole SIP server (transaction layer, registrar, digest, <see cref="SipServerCore"/>) on an
/// in-memory network: every message it sends is serialised and parsed again, as on a wire, and
/// recorded with its destination; tests play the phones by delivering parsed messages back.
/// </summary>
internal sealed class SipTestNetwork : ISipMessageSender, IExtensionCallEventSink, ICallEventSink
{
    private readonly Lock _gate = new();
    private readonly List<Sent> _sent = [];
    private readonly HashSet<string> _failing = [];
    private readonly DigestClient _digest = new();

    public SipTestNetwork()
    {
        Transactions = new SipTransactionLayer(this, Time);
        Tenant = Catalog.AddTenant("demo", "demo.tolk.test");
        OtherTenant = Catalog.AddTenant("other", "other.test");
        foreach (var user in new[] { "alice", "bob", "carol" })
        {
            Catalog.AddAccount(Tenant, user, user + "-pw");
            Catalog.AddAccount(OtherTenant, user, user + "-other-pw");
        }
        Registrar = new SipRegistrar(Time);
        Core = new SipServerCore(Transactions, this, Catalog, new RtpEchoMediaProvider(), new DigestAuthenticator(null, Time), Registrar, events: this);
    }

    public sealed record Sent(SipMessage Message, SipEndPoint To, string? ConnectionId);

    public static SipEndPoint Server { get; } = new(SipTransportKind.Tcp, new IPEndPoint(IPAddress.Parse("192.0.2.1"), 5060));

    public ManualTimeProvider Time { get; } = new();

    public InMemoryTenantCatalog Catalog { get; } = new();

    public TenantInfo Tenant { get; }

    public TenantInfo OtherTenant { get; }

    public SipTransactionLayer Transactions { get; }

    public SipRegistrar Registrar { get; }

    public SipServerCore Core { get; }

    public List<(string Event, ExtensionCall Call)> Events { get; } = [];

    /// <summary>A copy of <see cref="Events"/> taken under its lock: the bridge reports from its own continuations.</summary>
    public List<(string Event, ExtensionCall Call)> EventsSnapshot()
    {
        lock (_gate)
        {
            return [.. Events];
        }
    }

    public static SipEndPoint Phone(int last) => new(SipTransportKind.Tcp, new IPEndPoint(IPAddress.Parse("198.51.100." + last), 40000 + last));

    public void FailSendsTo(SipEndPoint endPoint)
    {
        lock (_gate)
        {
            _failing.Add(endPoint.ToString());
        }
    }

    public ValueTask SendAsync(SipMessage message, SipEndPoint remote, string? connectionId = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_failing.Contains(remote.ToString()))
            {
                throw new SipTransportException("connection refused");
            }
            _sent.Add(new Sent(Reparse(message), remote, connectionId));
        }
        return ValueTask.CompletedTask;
    }

    public SipEndPoint? GetLocalEndPoint(SipTransportKind transport) => Server;

    public IReadOnlyList<Sent> SentTo(SipEndPoint to)
    {
        lock (_gate)
        {
            return _sent.Where(s => s.To == to).ToList();
        }
    }

    public IReadOnlyList<SipRequest> RequestsTo(SipEndPoint to, string method) =>
        SentTo(to).Select(s => s.Message).OfType<SipRequest>().Where(r => r.Method == method).ToList();

    public IReadOnlyList<SipResponse> ResponsesTo(SipEndPoint to, int status) =>
        SentTo(to).Select(s => s.Message).OfType<SipResponse>().Where(r => r.StatusCode == status).ToList();

    /// <summary>Polls briefly for something that happens on a continuation (CANCEL handling runs asynchronously).</summary>
    public static async Task<T> EventuallyAsync<T>(Func<T?> probe)
        where T : class
    {
        // Up to 10 s: generous for a loaded CI machine, instant when things work.
        for (var i = 0; i < 1000; i++)
        {
            if (probe() is { } found)
            {
                return found;
            }
            await Task.Delay(10);
        }
        throw new Xunit.Sdk.XunitException("Expected message was never sent");
    }

    public async Task DeliverAsync(SipMessage message, SipEndPoint from) =>
        await Transactions.OnMessageAsync(new SipInboundMessage(Reparse(message), from, Server, "conn-" + from.EndPoint.Port));

    /// <summary>Registers a contact of <paramref name="user"/> as if it had sent REGISTER over its own flow.</summary>
    public void Register(string user, string domain, SipEndPoint phone)
    {
        var register = Parse($"REGISTER sip:{domain} SIP/2.0\r\nVia: SIP/2.0/TCP {phone.EndPoint};branch=z9hG4bK-reg{phone.EndPoint.Port}\r\nFrom: <sip:{user}@{domain}>;tag=r1\r\nTo: <sip:{user}@{domain}>\r\nCall-ID: reg-{phone.EndPoint.Port}@{domain}\r\nCSeq: 1 REGISTER\r\nContact: <sip:{user}@{phone.EndPoint};transport=tcp>\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n");
        var ok = Registrar.Process((SipRequest)register, $"sip:{user}@{domain}", phone, "conn-" + phone.EndPoint.Port, "t");
        Assert.True(ok.IsSuccess, ok.ToString());
    }

    /// <summary>alice's phone places an authenticated call: INVITE, 401, ACK, INVITE with credentials.</summary>
    public async Task<SipRequest> PlaceCallAsync(SipEndPoint alice, string target, string password = "alice-pw", string body = "v=0\r\no=alice 1 1 IN IP4 198.51.100.10\r\ns=alice-offer\r\nc=IN IP4 198.51.100.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n")
    {
        var callId = "call-" + Guid.NewGuid().ToString("N");
        SipRequest Invite(int cseq, string? authorization)
        {
            var text = $"INVITE {target} SIP/2.0\r\nVia: SIP/2.0/TCP {alice.EndPoint};branch={SipTransactionLayer.NewBranch()}\r\nMax-Forwards: 70\r\nFrom: \"Alice\" <sip:alice@demo.tolk.test>;tag=alice-tag\r\nTo: <{target}>\r\nCall-ID: {callId}\r\nCSeq: {cseq} INVITE\r\nContact: <sip:alice@{alice.EndPoint};transport=tcp>\r\n"
                + (authorization is null ? "" : "Authorization: " + authorization + "\r\n")
                + $"Content-Type: application/sdp\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";
            return (SipRequest)Parse(text);
        }
        var first = Invite(1, null);
        await DeliverAsync(first, alice);
        var challengeResponse = ResponsesTo(alice, 401).Last(r => r.CallId == callId);
        await DeliverAsync(Ack(first, challengeResponse), alice);
        var challenges = challengeResponse.Headers.GetValues(SipHeaderNames.WwwAuthenticate)
            .Select(v => DigestChallenge.TryParse(v, out var c, out _) ? c : null).OfType<DigestChallenge>();
        var chosen = DigestClient.SelectChallenge(challenges)!;
        var credentials = _digest.CreateAuthorization(chosen, "alice", password, SipMethods.Invite, target);
        var second = Invite(2, credentials.ToString());
        await DeliverAsync(second, alice);
        return second;
    }

    /// <summary>The ACK a UAC sends for a non-2xx final (RFC 3261 §17.1.1.3).</summary>
    public static SipRequest Ack(SipRequest invite, SipResponse final)
    {
        var ack = new SipRequest(SipMethods.Ack, invite.RequestUri.Clone());
        ack.Headers.Add(SipHeaderNames.Via, invite.Headers.GetValues(SipHeaderNames.Via).First());
        ack.Headers.Add(SipHeaderNames.MaxForwards, "70");
        ack.Headers.Add(SipHeaderNames.From, invite.Headers[SipHeaderNames.From]!);
        ack.Headers.Add(SipHeaderNames.To, final.Headers[SipHeaderNames.To]!);
        ack.Headers.Add(SipHeaderNames.CallId, invite.CallId!);
        ack.Headers.Add(SipHeaderNames.CSeq, new SipCSeq(invite.CSeq!.Number, SipMethods.Ack).ToString());
        return ack;
    }

    /// <summary>A phone's answer to a request: <paramref name="status"/> with its To tag, Contact and optional SDP.</summary>
    public static SipResponse Answer(SipRequest request, int status, SipEndPoint phone, string toTag, string? sdp = null, string? reason = null)
    {
        var response = SipResponse.CreateFor(request, status, reason, toTag);
        response.Headers.Add(SipHeaderNames.Contact, $"<sip:phone@{phone.EndPoint};transport=tcp>");
        if (sdp is not null)
        {
            response.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
            response.Body = Encoding.UTF8.GetBytes(sdp);
        }
        return response;
    }

    public static string Body(SipMessage message) => Encoding.UTF8.GetString(message.Body.Span);

    public static SipMessage Parse(string text)
    {
        var result = SipParser.Parse(Encoding.UTF8.GetBytes(text));
        Assert.True(result.IsValid, result.ErrorReason);
        return result.Message!;
    }

    private static SipMessage Reparse(SipMessage message)
    {
        var result = SipParser.Parse(message.ToBytes());
        Assert.True(result.IsValid, result.ErrorReason + "\n" + message);
        return result.Message!;
    }

    public void ExtensionCallAnswered(ExtensionCall call)
    {
        lock (_gate)
        {
            Events.Add(("answered", call));
        }
    }

    public void ExtensionCallEnded(ExtensionCall call)
    {
        lock (_gate)
        {
            Events.Add(("ended", call));
        }
    }

    public void CallStarted(CallSession call)
    {
    }

    public void CallEnded(CallSession call)
    {
    }
}
