using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Tolk.Conferencing.Signaling.Bridging;
using Tolk.Conferencing.Tenancy;
using Tolk.Sip.Dialogs;
using Tolk.Sip.Message;
using Tolk.Sip.Registrar;
using Tolk.Sip.Transactions;
using Tolk.Sip.Transport;

namespace Tolk.Conferencing.Signaling;

/// <summary>
/// Calls between extensions of one tenant: Tolk acts as a signalling-only B2BUA. The INVITE forks in
/// parallel to every registered contact of the callee (RFC 3261 §16.6 style, first 2xx wins, the
/// others are cancelled as §16.7 step 10 asks); SDP passes through so media flows phone to phone.
/// </summary>
public sealed partial class SipServerCore
{
    private readonly SipDialogStore _bridgedDialogs = new();
    private readonly ConcurrentDictionary<string, ExtensionCall> _bridgedCalls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, ExtensionCall> _extensionCalls = new();

    /// <summary>How long an extension may ring before the caller gets 480 and the legs are cancelled.</summary>
    public TimeSpan ExtensionRingTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Extension-to-extension calls in progress (ringing or answered).</summary>
    public IReadOnlyCollection<ExtensionCall> ActiveExtensionCalls => _extensionCalls.Values.ToList();

    private IExtensionCallEventSink? ExtensionEvents => _events as IExtensionCallEventSink;

    /// <summary>
    /// Bridges an authenticated caller to <paramref name="extension"/>, an account of the same tenant:
    /// 480 without a live registration, else one UAC leg per binding, sent over the flow it registered
    /// on (RFC 5626 §5.3) so that a callee behind NAT is reached.
    /// </summary>
    private ValueTask BridgeToExtensionAsync(SipServerTransaction tx, TenantInfo tenant, string callerUser, string extension)
    {
        var request = tx.Request;
        var bindings = BindingsOf(tenant, extension);
        if (bindings.Count == 0)
        {
            tx.Respond(Reply(request, 480, "Not registered"));
            return ValueTask.CompletedTask;
        }
        var maxForwards = request.MaxForwards ?? 70;
        if (maxForwards <= 0)
        {
            // RFC 3261 §16.3 step 3: a request that may not be forwarded again.
            tx.Respond(Reply(request, 483, "Too Many Hops"));
            return ValueTask.CompletedTask;
        }

        var call = new ExtensionCall(tenant, callerUser, extension, tx, _time.GetUtcNow());
        var domain = tenant.Domains.FirstOrDefault(d => string.Equals(d, request.RequestUri.HostName, StringComparison.OrdinalIgnoreCase)) ?? tenant.Realm;
        var fromTag = SipTransactionLayer.NewTag();
        var caller = new SipNameAddress(new SipUri("sip", callerUser, domain), request.From?.DisplayName);
        foreach (var binding in bindings)
        {
            call.Legs.Add(new CalleeLeg(binding, BuildLegInvite(request, binding, caller, fromTag, new SipUri("sip", extension, domain), maxForwards - 1)));
        }
        _extensionCalls[call.Id] = call;
        LogExtensionCallStarted(_logger, call.Id, callerUser, extension, tenant.Name, call.Legs.Count);

        _ = WatchCancelAsync(call);
        call.RingTimer = _time.CreateTimer(_ => OnRingTimeout(call), null, ExtensionRingTimeout, Timeout.InfiniteTimeSpan);
        foreach (var leg in call.Legs)
        {
            SipClientTransaction ctx;
            try
            {
                ctx = _transactions.SendRequest(leg.Invite, leg.Binding.Source, leg.Binding.ConnectionId);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogLegFailed(_logger, ex, call.Id, leg.Binding.Contact.ToString());
                OnLegResponse(call, leg, SipResponse.CreateFor(leg.Invite, 503, "Unreachable"));
                continue;
            }
            leg.Transaction = ctx;
            ctx.ResponseReceived += (_, response) => OnLegResponse(call, leg, response);
            if (ctx.FinalResponse.IsCompleted)
            {
                // A transport failure inside SendRequest completes the transaction before we subscribed.
                OnLegResponse(call, leg, ctx.FinalResponse.Result);
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>The live bindings of an extension under every domain of the tenant (never another tenant's).</summary>
    private List<SipBinding> BindingsOf(TenantInfo tenant, string extension)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<SipBinding>();
        foreach (var domain in tenant.Domains.Append(tenant.Realm).SelectMany(d => new[] { d, d.ToLowerInvariant() }).Distinct(StringComparer.Ordinal))
        {
            foreach (var binding in _registrar.Lookup(SipRegistrar.AorKey(new SipUri("sip", extension, domain))))
            {
                if (seen.Add(binding.Contact.ToString()))
                {
                    result.Add(binding);
                }
            }
        }
        // Highest q first: with parallel forking this only orders the sends (RFC 3261 §16.6).
        return [.. result.OrderByDescending(b => b.QValue)];
    }

    /// <summary>
    /// The INVITE of one callee leg: a new Call-ID, From = the caller as an identity of the tenant,
    /// To = the callee's AOR, Request-URI = the registered Contact (RFC 3261 §16.5), the caller's
    /// body (SDP offer) unchanged.
    /// </summary>
    private SipRequest BuildLegInvite(SipRequest original, SipBinding binding, SipNameAddress caller, string fromTag, SipUri calleeAor, int maxForwards)
    {
        var local = _sender.GetLocalEndPoint(binding.Source.Transport) ?? binding.Source;
        var invite = new SipRequest(SipMethods.Invite, binding.Contact.Clone());
        invite.Headers.Add(SipHeaderNames.Via, $"SIP/2.0/{local.Transport.ToViaToken()} {HostPort(local)};branch={SipTransactionLayer.NewBranch()};rport");
        invite.Headers.Add(SipHeaderNames.MaxForwards, maxForwards.ToString(CultureInfo.InvariantCulture));
        invite.Headers.Add(SipHeaderNames.From, caller.WithTag(fromTag).ToString());
        invite.Headers.Add(SipHeaderNames.To, new SipNameAddress(calleeAor).ToString());
        invite.Headers.Add(SipHeaderNames.CallId, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + "@tolk");
        invite.Headers.Add(SipHeaderNames.CSeq, new SipCSeq(1, SipMethods.Invite).ToString());
        invite.Headers.Add(SipHeaderNames.Contact, "<" + ContactAt(local, caller.Uri.User) + ">");
        invite.Headers.Add(SipHeaderNames.Allow, string.Join(", ", SipServerOptions.AllowedMethods));
        invite.Headers.Add(SipHeaderNames.UserAgent, _options.ProductName);
        CopyBody(original, invite);
        return invite;
    }

    private void OnLegResponse(ExtensionCall call, CalleeLeg leg, SipResponse response)
    {
        if (response.StatusCode == 100)
        {
            return;
        }
        lock (call.Gate)
        {
            if (response.IsProvisional)
            {
                OnLegProvisional(call, leg, response);
            }
            else if (response.IsSuccess)
            {
                OnLegSuccess(call, leg, response);
            }
            else
            {
                OnLegFailure(call, leg, response);
            }
        }
    }

    private void OnLegProvisional(ExtensionCall call, CalleeLeg leg, SipResponse response)
    {
        leg.GotProvisional = true;
        if (leg.CancelRequested)
        {
            SendCancel(call, leg);
            return;
        }
        if (call.CallerFinalSent || leg.Done)
        {
            return;
        }
        // Relay 180/183 (with early-media SDP) under our own To tag: the caller sees one early dialog.
        var request = call.CallerInvite.Request;
        var relay = Reply(request, response.StatusCode, response.ReasonPhrase, call.CallerTag);
        relay.Headers.Add(SipHeaderNames.Contact, "<" + LocalContact(call.CallerInvite.Inbound, call.Callee) + ">");
        CopyBody(response, relay);
        call.CallerInvite.Respond(relay);
    }

    private void OnLegSuccess(ExtensionCall call, CalleeLeg leg, SipResponse response)
    {
        if (ReferenceEquals(call.Winner, leg))
        {
            // RFC 3261 §13.2.2.4: a retransmitted 2xx gets the same ACK again.
            if (call.CalleeAck is { } ack && call.CalleeDialog is { } d)
            {
                _ = SendQuietlyAsync(ack, d.RemoteEndPoint, d.ConnectionId);
            }
            return;
        }
        leg.Done = true;
        leg.Final = response;
        if (call.Winner is not null || call.CallerFinalSent)
        {
            // A second answer (or one racing our CANCEL): acknowledge and hang up at once (§16.7 step 5).
            ReleaseLateAnswer(call, leg, response);
            return;
        }

        call.Winner = leg;
        call.RingTimer?.Dispose();
        var tx = call.CallerInvite;
        call.CallerDialog = SipDialog.CreateAsServer(tx.Request, call.CallerTag, tx.Remote, tx.ConnectionId);
        call.CalleeDialog = SipDialog.CreateAsClient(leg.Invite, response, leg.Binding.Source, leg.Binding.ConnectionId);
        _bridgedDialogs.Add(call.CallerDialog);
        _bridgedDialogs.Add(call.CalleeDialog);
        _bridgedCalls[call.CallerDialog.Id] = call;
        _bridgedCalls[call.CalleeDialog.Id] = call;

        var ok = Reply(tx.Request, 200, response.ReasonPhrase, call.CallerTag);
        ok.Headers.Add(SipHeaderNames.Contact, "<" + LocalContact(tx.Inbound, call.Callee) + ">");
        AddCapabilities(ok);
        CopyBody(response, ok);
        tx.AckReceived += (t, inbound) => OnCallerAck(call, inbound);
        tx.AckTimedOut += t => { _ = EndExtensionCallAsync(call, "no ACK from the caller", byeCaller: true, byeCallee: true); };
        call.CallerFinalSent = true;
        call.FinalStatus = 200;
        call.AnsweredAt = _time.GetUtcNow();
        tx.Respond(ok);

        foreach (var other in call.Legs.Where(l => !ReferenceEquals(l, leg) && !l.Done))
        {
            RequestCancel(call, other);
        }
        ExtensionEvents?.ExtensionCallAnswered(call);
        LogExtensionCallAnswered(_logger, call.Id, leg.Binding.Contact.ToString());
    }

    /// <summary>The caller's ACK for our 2xx → the ACK for the callee's 2xx, with the caller's SDP when it answered late.</summary>
    private void OnCallerAck(ExtensionCall call, SipInboundMessage inbound)
    {
        lock (call.Gate)
        {
            if (call.Ended || call.CallerDialog is not { } callerDialog || call.CalleeDialog is not { } calleeDialog)
            {
                return;
            }
            callerDialog.Confirm();
            var local = LocalFor(calleeDialog);
            var ack = calleeDialog.CreateRequest(SipMethods.Ack, local, ContactAt(local, call.Caller));
            CopyBody(inbound.Message, ack);
            call.CalleeAck = ack;
            _ = SendQuietlyAsync(ack, calleeDialog.RemoteEndPoint, calleeDialog.ConnectionId);
        }
    }

    private void OnLegFailure(ExtensionCall call, CalleeLeg leg, SipResponse response)
    {
        if (leg.Done)
        {
            return;
        }
        leg.Done = true;
        leg.Final = response;
        if (response.StatusCode == 408 && leg.GotProvisional && !leg.CancelSent)
        {
            // The INVITE transaction gave up while the phone still rings: stop the ringing (RFC 3261 §9.1).
            SendCancel(call, leg);
        }
        if (call.Winner is not null || call.CallerFinalSent || call.Legs.Any(l => !l.Done))
        {
            return;
        }
        var best = BestFinal(call.Legs.Select(l => l.Final!));
        var (status, reason) = MapFailure(best);
        var reject = Reply(call.CallerInvite.Request, status, reason, call.CallerTag);
        foreach (var header in new[] { SipHeaderNames.Warning, SipHeaderNames.RetryAfter })
        {
            foreach (var value in best.Headers.GetValues(header))
            {
                reject.Headers.Add(header, value);
            }
        }
        RespondToCallerLocked(call, reject);
        _ = EndExtensionCallAsync(call, $"callee answered {best.StatusCode}", byeCaller: false, byeCallee: false);
    }

    /// <summary>
    /// RFC 3261 §16.7 step 6: a 6xx wins (the callee declined everywhere), else the lowest class,
    /// preferring an answer from a phone over one we synthesised (408 timeout, 503 transport error).
    /// </summary>
    internal static SipResponse BestFinal(IEnumerable<SipResponse> finals)
    {
        var list = finals.ToList();
        return list.FirstOrDefault(r => r.StatusCode >= 600)
            ?? list.OrderBy(r => r.StatusCode / 100)
                .ThenBy(r => r.StatusCode is 408 or 503 ? 1 : 0)
                .ThenBy(r => r.StatusCode == 487 ? 1 : 0)
                .First();
    }

    /// <summary>
    /// What the caller is told: the callee's own refusal as is (486, 603, 404, 488, …); but no
    /// redirect or challenge of the callee leg leaks to the caller, and an unreachable or silent
    /// phone is "temporarily unavailable" (RFC 3261 §21.4.18), not a server failure.
    /// </summary>
    internal static (int Status, string? Reason) MapFailure(SipResponse response) => response.StatusCode switch
    {
        >= 300 and < 400 => (480, "Temporarily Unavailable"),
        401 or 407 => (480, "Temporarily Unavailable"),
        408 => (480, "No answer"),
        503 => (480, "Unreachable"),
        _ => (response.StatusCode, response.ReasonPhrase),
    };

    private async Task WatchCancelAsync(ExtensionCall call)
    {
        await call.CallerInvite.Cancelled.ConfigureAwait(false);
        lock (call.Gate)
        {
            if (call.CallerFinalSent)
            {
                return;
            }
            // RFC 3261 §9.2: the transaction layer answered the CANCEL 200; the INVITE gets 487 and
            // every pending leg is cancelled (§16.10).
            RespondToCallerLocked(call, Reply(call.CallerInvite.Request, 487, null, call.CallerTag));
            foreach (var leg in call.Legs.Where(l => !l.Done))
            {
                RequestCancel(call, leg);
            }
        }
        await EndExtensionCallAsync(call, "caller cancelled", byeCaller: false, byeCallee: false);
    }

    private void OnRingTimeout(ExtensionCall call)
    {
        lock (call.Gate)
        {
            if (call.CallerFinalSent)
            {
                return;
            }
            RespondToCallerLocked(call, Reply(call.CallerInvite.Request, 480, "No answer", call.CallerTag));
            foreach (var leg in call.Legs.Where(l => !l.Done))
            {
                RequestCancel(call, leg);
            }
        }
        _ = EndExtensionCallAsync(call, "no answer", byeCaller: false, byeCallee: false);
    }

    private void RespondToCallerLocked(ExtensionCall call, SipResponse response)
    {
        call.CallerFinalSent = true;
        call.FinalStatus = response.StatusCode;
        call.RingTimer?.Dispose();
        call.CallerInvite.Respond(response);
    }

    /// <summary>RFC 3261 §9.1: a CANCEL waits until the leg has seen a provisional response.</summary>
    private void RequestCancel(ExtensionCall call, CalleeLeg leg)
    {
        leg.CancelRequested = true;
        if (leg.GotProvisional)
        {
            SendCancel(call, leg);
        }
    }

    /// <summary>
    /// RFC 3261 §9.1: same Request-URI, Call-ID, To, From, CSeq number and top Via (branch) as the
    /// INVITE; it is its own non-INVITE transaction.
    /// </summary>
    private void SendCancel(ExtensionCall call, CalleeLeg leg)
    {
        if (leg.CancelSent)
        {
            return;
        }
        leg.CancelSent = true;
        var invite = leg.Invite;
        var cancel = new SipRequest(SipMethods.Cancel, invite.RequestUri.Clone());
        cancel.Headers.Add(SipHeaderNames.Via, invite.Headers.GetValues(SipHeaderNames.Via).First());
        cancel.Headers.Add(SipHeaderNames.MaxForwards, "70");
        cancel.Headers.Add(SipHeaderNames.From, invite.Headers[SipHeaderNames.From]!);
        cancel.Headers.Add(SipHeaderNames.To, invite.Headers[SipHeaderNames.To]!);
        cancel.Headers.Add(SipHeaderNames.CallId, invite.CallId!);
        cancel.Headers.Add(SipHeaderNames.CSeq, new SipCSeq(invite.CSeq!.Number, SipMethods.Cancel).ToString());
        try
        {
            _transactions.SendRequest(cancel, leg.Binding.Source, leg.Binding.ConnectionId);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogLegFailed(_logger, ex, call.Id, leg.Binding.Contact.ToString());
        }
    }

    /// <summary>A 2xx from a leg that lost (or came after CANCEL): ACK it, then BYE that dialog.</summary>
    private void ReleaseLateAnswer(ExtensionCall call, CalleeLeg leg, SipResponse response)
    {
        var dialog = SipDialog.CreateAsClient(leg.Invite, response, leg.Binding.Source, leg.Binding.ConnectionId);
        var local = LocalFor(dialog);
        var contact = ContactAt(local, call.Caller);
        var ack = dialog.CreateRequest(SipMethods.Ack, local, contact);
        _ = SendQuietlyAsync(ack, dialog.RemoteEndPoint, dialog.ConnectionId);
        var bye = dialog.CreateRequest(SipMethods.Bye, local, contact);
        _ = SendInDialogQuietlyAsync(call, dialog, bye);
    }

    private SipEndPoint LocalFor(SipDialog dialog) => _sender.GetLocalEndPoint(dialog.RemoteEndPoint.Transport) ?? dialog.RemoteEndPoint;

    private static SipUri ContactAt(SipEndPoint local, string? user) => ContactUri(local, user);

    private static string HostPort(SipEndPoint ep) =>
        ep.EndPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{ep.EndPoint.Address}]:{ep.EndPoint.Port}"
            : $"{ep.EndPoint.Address}:{ep.EndPoint.Port}";

    /// <summary>Copies the body and the headers that describe it (SDP offers/answers pass through unchanged).</summary>
    private static void CopyBody(SipMessage from, SipMessage to)
    {
        if (from.Body.IsEmpty)
        {
            return;
        }
        foreach (var name in new[] { SipHeaderNames.ContentType, "Content-Disposition", "Content-Encoding", "Content-Language" })
        {
            if (from.Headers[name] is { } value)
            {
                to.Headers.Set(name, value);
            }
        }
        to.Body = from.Body.ToArray();
    }

    private async Task SendQuietlyAsync(SipMessage message, SipEndPoint remote, string? connectionId)
    {
        try
        {
            await _transactions.SendStatelessAsync(message, remote, connectionId);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogBridgeSendFailed(_logger, ex, (message as SipRequest)?.Method ?? "response", remote.ToString());
        }
    }

    private async Task<SipResponse?> SendInDialogQuietlyAsync(ExtensionCall call, SipDialog dialog, SipRequest request)
    {
        try
        {
            return await _transactions.SendRequest(request, dialog.RemoteEndPoint, dialog.ConnectionId).FinalResponse;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogLegFailed(_logger, ex, call.Id, dialog.RemoteTarget.ToString());
            return null;
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Extension call {CallId}: {Caller} → {Callee} of tenant {Tenant}, {Legs} contact(s)")]
    private static partial void LogExtensionCallStarted(ILogger logger, Guid callId, string caller, string callee, string tenant, int legs);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Extension call {CallId} answered by {Contact}")]
    private static partial void LogExtensionCallAnswered(ILogger logger, Guid callId, string contact);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Extension call {CallId} ended: {Reason}")]
    private static partial void LogExtensionCallEnded(ILogger logger, Guid callId, string reason);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Extension call {CallId}: sending to {Target} failed")]
    private static partial void LogLegFailed(ILogger logger, Exception ex, Guid callId, string target);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "Bridged {Method} to {Remote} could not be sent")]
    private static partial void LogBridgeSendFailed(ILogger logger, Exception ex, string method, string remote);
}
