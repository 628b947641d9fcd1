using Tolk.Sip.Message;
using Tolk.Sip.Transport;

namespace Tolk.Sip.Dialogs;

/// <summary>The states of a dialog (RFC 3261 §12).</summary>
public enum SipDialogState
{
    Early,
    Confirmed,
    Terminated,
}

/// <summary>
/// A dialog as seen by one side (RFC 3261 §12): the id (Call-ID and both tags), the sequence numbers,
/// the remote target, and the route set used for every in-dialog request.
/// </summary>
public sealed class SipDialog
{
    private readonly Lock _gate = new();
    private uint _localSequence;

    private SipDialog(string callId, string localTag, string? remoteTag, SipNameAddress localParty, SipNameAddress remoteParty, SipUri remoteTarget, IReadOnlyList<string> routeSet, SipEndPoint remoteEndPoint, bool isServer)
    {
        CallId = callId;
        LocalTag = localTag;
        RemoteTag = remoteTag;
        LocalParty = localParty;
        RemoteParty = remoteParty;
        RemoteTarget = remoteTarget;
        RouteSet = routeSet;
        RemoteEndPoint = remoteEndPoint;
        IsServer = isServer;
    }

    public string CallId { get; }

    public string LocalTag { get; }

    public string? RemoteTag { get; private set; }

    /// <summary>Our From (UAC) or To (UAS) without the tag.</summary>
    public SipNameAddress LocalParty { get; }

    public SipNameAddress RemoteParty { get; }

    /// <summary>The remote Contact: where in-dialog requests go (RFC 3261 §12.1.1).</summary>
    public SipUri RemoteTarget { get; private set; }

    /// <summary>The route set as Route header values, in the order they are to be sent.</summary>
    public IReadOnlyList<string> RouteSet { get; }

    /// <summary>The transport address the dialog's messages travel to (the flow the dialog came in on).</summary>
    public SipEndPoint RemoteEndPoint { get; set; }

    /// <summary>The connection the dialog was created over, reused for in-dialog requests (RFC 5626 flows).</summary>
    public string? ConnectionId { get; set; }

    public bool IsServer { get; }

    public SipDialogState State { get; private set; } = SipDialogState.Early;

    /// <summary>The highest CSeq seen from the peer (0 = none yet).</summary>
    public uint RemoteSequence { get; private set; }

    public uint LocalSequence => _localSequence;

    /// <summary>A key that identifies the dialog locally: Call-ID, local tag, remote tag.</summary>
    public string Id => DialogId(CallId, LocalTag, RemoteTag);

    public static string DialogId(string callId, string localTag, string? remoteTag) => string.Concat(callId, "|", localTag, "|", remoteTag);

    /// <summary>
    /// The UAS side of a dialog created by a 2xx (or 101–199 with a tag) to <paramref name="request"/>
    /// (RFC 3261 §12.1.1): route set = Record-Route in order, remote target = Contact, remote CSeq.
    /// </summary>
    public static SipDialog CreateAsServer(SipRequest request, string localTag, SipEndPoint remote, string? connectionId)
    {
        var from = request.From ?? throw new ArgumentException("Request without From", nameof(request));
        var to = request.To ?? throw new ArgumentException("Request without To", nameof(request));
        var contact = request.Contacts.FirstOrDefault()?.Uri ?? from.Uri;
        var routes = request.Headers.GetValues(SipHeaderNames.RecordRoute).ToList();
        var local = to.Clone();
        local.Tag = null;
        var remoteParty = from.Clone();
        remoteParty.Tag = null;
        var dialog = new SipDialog(request.CallId!, localTag, from.Tag, local, remoteParty, contact, routes, remote, isServer: true)
        {
            RemoteSequence = request.CSeq?.Number ?? 0,
            ConnectionId = connectionId,
        };
        return dialog;
    }

    /// <summary>
    /// The UAC side, from our request and the response that established it: route set = Record-Route
    /// reversed (RFC 3261 §12.1.2), remote target = the response's Contact.
    /// </summary>
    public static SipDialog CreateAsClient(SipRequest request, SipResponse response, SipEndPoint remote, string? connectionId)
    {
        var from = request.From!;
        var to = response.To!;
        var contact = response.Contacts.FirstOrDefault()?.Uri ?? request.RequestUri;
        var routes = response.Headers.GetValues(SipHeaderNames.RecordRoute).Reverse().ToList();
        var local = from.Clone();
        local.Tag = null;
        var remoteParty = to.Clone();
        remoteParty.Tag = null;
        var dialog = new SipDialog(request.CallId!, from.Tag!, to.Tag, local, remoteParty, contact, routes, remote, isServer: false)
        {
            ConnectionId = connectionId,
        };
        dialog._localSequence = request.CSeq!.Number;
        if (response.IsSuccess)
        {
            dialog.Confirm();
        }
        return dialog;
    }

    public void Confirm()
    {
        lock (_gate)
        {
            if (State == SipDialogState.Early)
            {
                State = SipDialogState.Confirmed;
            }
        }
    }

    public void Terminate()
    {
        lock (_gate)
        {
            State = SipDialogState.Terminated;
        }
    }

    /// <summary>
    /// Checks the CSeq of an in-dialog request (RFC 3261 §12.2.2): lower than the last one → the
    /// caller answers 500. A target refresh (re-INVITE, UPDATE) replaces the remote target.
    /// </summary>
    public bool AcceptRemoteRequest(SipRequest request)
    {
        var cseq = request.CSeq?.Number ?? 0;
        lock (_gate)
        {
            if (request.Method != SipMethods.Ack && request.Method != SipMethods.Cancel)
            {
                if (RemoteSequence != 0 && cseq <= RemoteSequence)
                {
                    // An equal CSeq is a retransmission that the transaction layer absorbed already;
                    // a lower one is out of order.
                    return cseq == RemoteSequence && request.Method == SipMethods.Prack;
                }
                RemoteSequence = cseq;
            }
            if (request.Method is SipMethods.Invite or SipMethods.Update && request.Contacts.FirstOrDefault()?.Uri is { } target)
            {
                RemoteTarget = target;
            }
        }
        return true;
    }

    /// <summary>
    /// Builds an in-dialog request (RFC 3261 §12.2.1.1): Request-URI = remote target, Route = route set
    /// (loose routing; with a strict-routing first hop the URI and routes are rotated), To/From with
    /// tags, the next local CSeq.
    /// </summary>
    public SipRequest CreateRequest(string method, SipEndPoint localEndPoint, SipUri localContact)
    {
        uint cseq;
        lock (_gate)
        {
            cseq = method == SipMethods.Ack ? _localSequence : ++_localSequence;
        }
        var requestUri = RemoteTarget.Clone();
        var routes = RouteSet.ToList();
        if (routes.Count > 0 && SipNameAddress.TryParse(routes[0], out var first) && !first.Uri.LooseRouting)
        {
            // Strict router: it becomes the Request-URI and the remote target the last Route.
            requestUri = first.Uri.Clone();
            routes.RemoveAt(0);
            routes.Add("<" + RemoteTarget + ">");
        }
        var request = new SipRequest(method, requestUri);
        request.Headers.Add(SipHeaderNames.Via, $"SIP/2.0/{localEndPoint.Transport.ToViaToken()} {FormatHostPort(localEndPoint)};branch={Transactions.SipTransactionLayer.NewBranch()};rport");
        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        foreach (var r in routes)
        {
            request.Headers.Add(SipHeaderNames.Route, r);
        }
        request.Headers.Add(SipHeaderNames.From, LocalParty.WithTag(LocalTag).ToString());
        var to = RemoteParty.Clone();
        to.Tag = RemoteTag;
        request.Headers.Add(SipHeaderNames.To, to.ToString());
        request.Headers.Add(SipHeaderNames.CallId, CallId);
        request.Headers.Add(SipHeaderNames.CSeq, new SipCSeq(cseq, method).ToString());
        request.Headers.Add(SipHeaderNames.Contact, "<" + localContact + ">");
        return request;
    }

    /// <summary>Where an in-dialog request is sent: the first loose route, else the remote target (RFC 3261 §8.1.2).</summary>
    public SipUri NextHop() =>
        RouteSet.Count > 0 && SipNameAddress.TryParse(RouteSet[0], out var first) ? first.Uri : RemoteTarget;

    internal static string FormatHostPort(SipEndPoint ep) =>
        ep.EndPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{ep.EndPoint.Address}]:{ep.EndPoint.Port}"
            : $"{ep.EndPoint.Address}:{ep.EndPoint.Port}";
}
