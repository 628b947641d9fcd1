using System.Globalization;
using System.Text;
using Tolk.Sip.Auth;
using Tolk.Sip.Message;
using Tolk.Sip.Transactions;
using Tolk.Sip.Transport;

namespace Tolk.Conferencing.Tests.Signaling;

/// <summary>
/// A user agent talking to the core: keeps one Call-ID, From tag and CSeq counter (one dialog at most),
/// builds requests as wire text, and reads back the responses the core sent for them.
/// </summary>
internal sealed class SipPeer(SipCoreHarness harness, string user, SipEndPoint endPoint)
{
    private readonly DigestClient _digest = new();
    private uint _cseq;

    public string User { get; } = user;

    public SipEndPoint EndPoint { get; } = endPoint;

    public string CallId { get; } = "c" + Guid.NewGuid().ToString("N")[..16];

    public string FromTag { get; } = SipTransactionLayer.NewTag();

    /// <summary>The core's To tag once a dialog exists.</summary>
    public string? RemoteTag { get; set; }

    /// <summary>The To header value of the dialog (without tag).</summary>
    public string To { get; set; } = "<sip:5000@" + SipCoreHarness.DemoDomain + ">";

    public uint NextCSeq() => ++_cseq;

    /// <summary>Builds a request. <paramref name="headers"/> are full "Name: value" lines.</summary>
    public SipRequest Build(
        string method,
        string requestUri,
        string? body = null,
        string contentType = "application/sdp",
        uint? cseq = null,
        string? toTag = null,
        string? branch = null,
        bool inDialog = false,
        string? contact = null,
        params string[] headers)
    {
        var number = cseq ?? NextCSeq();
        var tag = toTag ?? (inDialog ? RemoteTag : null);
        var host = EndPoint.EndPoint.Address + ":" + EndPoint.EndPoint.Port.ToString(CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append(method).Append(' ').Append(requestUri).Append(" SIP/2.0\r\n");
        sb.Append("Via: SIP/2.0/UDP ").Append(host).Append(";branch=").Append(branch ?? SipTransactionLayer.NewBranch()).Append("\r\n");
        sb.Append("Max-Forwards: 70\r\n");
        sb.Append("From: <sip:").Append(User).Append('@').Append(SipCoreHarness.DemoDomain).Append(">;tag=").Append(FromTag).Append("\r\n");
        sb.Append("To: ").Append(To).Append(tag is null ? "" : ";tag=" + tag).Append("\r\n");
        if (!headers.Any(h => h.StartsWith("Call-ID:", StringComparison.OrdinalIgnoreCase)))
        {
            sb.Append("Call-ID: ").Append(CallId).Append("\r\n");
        }
        sb.Append("CSeq: ").Append(number.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(method).Append("\r\n");
        sb.Append("Contact: ").Append(contact ?? "<sip:" + User + "@" + host + ">").Append("\r\n");
        foreach (var h in headers)
        {
            if (!h.Equals("Call-ID: none", StringComparison.Ordinal))
            {
                sb.Append(h).Append("\r\n");
            }
        }
        var bytes = body is null ? 0 : Encoding.UTF8.GetByteCount(body);
        if (body is not null)
        {
            sb.Append("Content-Type: ").Append(contentType).Append("\r\n");
        }
        sb.Append("Content-Length: ").Append(bytes.ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n");
        sb.Append(body);
        return SipTestMessages.Parse(sb.ToString());
    }

    /// <summary>Sends a request and returns the core's final response to it (failing when there is none).</summary>
    public async Task<SipResponse> SendAsync(SipRequest request)
    {
        // Bounded: a core that never finishes handling a request fails the test instead of hanging it.
        await harness.ReceiveAsync(request, EndPoint).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        return FinalResponseTo(request) ?? throw new Xunit.Sdk.XunitException($"No final response to {request.Method} {request.CSeq}");
    }

    /// <summary>Sends without waiting for the core (for requests the core keeps pending).</summary>
    public Task StartAsync(SipRequest request) => harness.ReceiveAsync(request, EndPoint).AsTask();

    /// <summary>The single final response the core sent for <paramref name="request"/>'s transaction, or null.</summary>
    public SipResponse? FinalResponseTo(SipRequest request)
    {
        var finals = ResponsesTo(request).Where(r => r.IsFinal).Distinct().ToList();
        Assert.True(finals.Count <= 1, $"{finals.Count} different final responses to {request.Method}: {string.Join(", ", finals.Select(f => f.StatusCode))}");
        return finals.SingleOrDefault();
    }

    public List<SipResponse> ResponsesTo(SipRequest request)
    {
        var cseq = request.CSeq!;
        var branch = request.TopVia!.Branch;
        return harness.Sender.Responses(request.CallId ?? "")
            .Where(r => r.CSeq is { } c && c.Number == cseq.Number && c.Method == cseq.Method && r.TopVia?.Branch == branch)
            .ToList();
    }

    /// <summary>The ACK for a 2xx: its own transaction (new branch), same CSeq number (RFC 3261 §13.2.2.4).</summary>
    public SipRequest AckFor(SipRequest invite, SipResponse response) =>
        Build(SipMethods.Ack, invite.RequestUri.ToString(), cseq: invite.CSeq!.Number, toTag: response.To!.Tag);

    /// <summary>The ACK for a non-2xx final: same branch as the INVITE (RFC 3261 §17.1.1.3).</summary>
    public SipRequest AckForFailure(SipRequest invite, SipResponse response) =>
        Build(SipMethods.Ack, invite.RequestUri.ToString(), cseq: invite.CSeq!.Number, toTag: response.To!.Tag, branch: invite.TopVia!.Branch);

    /// <summary>INVITE with an offer, ACK of the 2xx; returns the 200 and remembers the dialog.</summary>
    public async Task<(SipRequest Invite, SipResponse Ok)> CallAsync(string extension = "5000", params string[] headers)
    {
        var invite = Build(SipMethods.Invite, $"sip:{extension}@{SipCoreHarness.DemoDomain}", SipTestMessages.AudioOffer(), headers: headers);
        var ok = await SendAsync(invite);
        Assert.Equal(200, ok.StatusCode);
        RemoteTag = ok.To!.Tag;
        await harness.ReceiveAsync(AckFor(invite, ok), EndPoint);
        return (invite, ok);
    }

    /// <summary>Answers a 401 with credentials for this peer's account (<paramref name="algorithm"/> picks the challenge).</summary>
    public string Authorization(SipResponse challenge, string method, string uri, string password, DigestAlgorithm? algorithm = null, string? username = null)
    {
        var challenges = challenge.Headers.GetValues(SipHeaderNames.WwwAuthenticate)
            .Select(v => DigestChallenge.TryParse(v, out var c, out _) ? c : null)
            .OfType<DigestChallenge>()
            .ToList();
        Assert.NotEmpty(challenges);
        var chosen = algorithm is { } a ? challenges.Single(c => c.Algorithm == a) : DigestClient.SelectChallenge(challenges)!;
        return "Authorization: " + _digest.CreateAuthorization(chosen, username ?? User, password, method, uri);
    }
}
