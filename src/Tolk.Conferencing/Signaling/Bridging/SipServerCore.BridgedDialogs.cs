using Tolk.Conferencing.Signaling.Bridging;
using Tolk.Sip.Dialogs;
using Tolk.Sip.Message;
using Tolk.Sip.Transactions;

namespace Tolk.Conferencing.Signaling;

/// <summary>In-dialog requests of bridged extension calls: each side's request is relayed to the other.</summary>
public sealed partial class SipServerCore
{
    /// <summary>
    /// Handles an in-dialog request when it belongs to a bridged extension call; returns false when
    /// it does not (the caller then looks at room calls).
    /// </summary>
    private async ValueTask<bool> TryHandleBridgedRequestAsync(SipServerTransaction tx)
    {
        var request = tx.Request;
        var dialog = _bridgedDialogs.FindForRequest(request);
        if (dialog is null || !_bridgedCalls.TryGetValue(dialog.Id, out var call))
        {
            return false;
        }
        if (!dialog.AcceptRemoteRequest(request))
        {
            tx.Respond(Reply(request, 500, "CSeq out of order", dialog.LocalTag));
            return true;
        }
        dialog.RemoteEndPoint = tx.Remote;
        if (tx.ConnectionId is not null)
        {
            dialog.ConnectionId = tx.ConnectionId;
        }
        var fromCaller = ReferenceEquals(dialog, call.CallerDialog);
        var other = fromCaller ? call.CalleeDialog! : call.CallerDialog!;

        switch (request.Method)
        {
            case SipMethods.Bye:
                // RFC 3261 §15.1.2: answer the BYE, end this leg, and hang up the other.
                tx.Respond(Reply(request, 200, null, dialog.LocalTag));
                await EndExtensionCallAsync(call, fromCaller ? "caller hung up" : "callee hung up", byeCaller: !fromCaller, byeCallee: fromCaller);
                break;
            case SipMethods.Invite or SipMethods.Update or SipMethods.Info or SipMethods.Options or SipMethods.Message:
                // re-INVITE/UPDATE (hold, resume, codec change: RFC 3261 §14, RFC 3311), INFO (DTMF):
                // the other side decides; its answer comes back unchanged.
                // Not awaited: the answer comes through the same inbound queue that runs this handler.
                _ = RelayInDialogSafelyAsync(tx, call, dialog, other, fromCaller);
                break;
            case SipMethods.Prack or SipMethods.Notify:
                tx.Respond(Reply(request, 481, "Call/Transaction Does Not Exist", dialog.LocalTag));
                break;
            case SipMethods.Refer:
                tx.Respond(Reply(request, 403, "Transfers are not supported on extension calls", dialog.LocalTag));
                break;
            default:
                tx.Respond(MethodNotAllowed(request));
                break;
        }
        return true;
    }

    private async Task RelayInDialogSafelyAsync(SipServerTransaction tx, ExtensionCall call, SipDialog dialog, SipDialog other, bool fromCaller)
    {
        try
        {
            await RelayInDialogAsync(tx, call, dialog, other, fromCaller);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogLegFailed(_logger, ex, call.Id, other.RemoteTarget.ToString());
            tx.Respond(Reply(tx.Request, 500, "Relay failed", dialog.LocalTag));
        }
    }

    private async Task RelayInDialogAsync(SipServerTransaction tx, ExtensionCall call, SipDialog dialog, SipDialog other, bool fromCaller)
    {
        var request = tx.Request;
        var local = LocalFor(other);
        // Towards the callee we speak as the caller, towards the caller as the callee.
        var forward = other.CreateRequest(request.Method, local, ContactAt(local, fromCaller ? call.Caller : call.Callee));
        CopyBody(request, forward);
        foreach (var name in new[] { SipHeaderNames.Event, "Info-Package", SipHeaderNames.Subject })
        {
            if (request.Headers[name] is { } value)
            {
                forward.Headers.Add(name, value);
            }
        }
        SipClientTransaction ctx;
        try
        {
            ctx = _transactions.SendRequest(forward, other.RemoteEndPoint, other.ConnectionId);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogLegFailed(_logger, ex, call.Id, other.RemoteTarget.ToString());
            tx.Respond(Reply(request, 503, "Other party unreachable", dialog.LocalTag));
            return;
        }
        SipRequest? ack = null;
        if (request.Method == SipMethods.Invite)
        {
            // The ACK of a re-INVITE's 2xx is end to end: relay the originator's ACK (with any SDP).
            tx.AckReceived += (t, inbound) =>
            {
                if (ctx.FinalResponse.IsCompletedSuccessfully && ctx.FinalResponse.Result is { IsSuccess: true })
                {
                    ack = other.CreateRequest(SipMethods.Ack, local, ContactAt(local, fromCaller ? call.Caller : call.Callee));
                    CopyBody(inbound.Message, ack);
                    _ = SendQuietlyAsync(ack, other.RemoteEndPoint, other.ConnectionId);
                }
            };
            ctx.ResponseReceived += (c, r) =>
            {
                if (r.IsSuccess && ack is { } sent && ctx.FinalResponse.IsCompleted)
                {
                    _ = SendQuietlyAsync(sent, other.RemoteEndPoint, other.ConnectionId);
                }
            };
        }
        var response = await ctx.FinalResponse;
        var back = Reply(request, response.StatusCode, response.ReasonPhrase, dialog.LocalTag);
        if (response.IsSuccess && request.Method is SipMethods.Invite or SipMethods.Update)
        {
            back.Headers.Add(SipHeaderNames.Contact, "<" + LocalContact(tx.Inbound, fromCaller ? call.Callee : call.Caller) + ">");
        }
        CopyBody(response, back);
        tx.Respond(back);
        if (response.StatusCode is 408 or 481)
        {
            // RFC 3261 §12.2.1.2: the other side's dialog is gone; end the call on both sides.
            await EndExtensionCallAsync(call, "other side lost the dialog", byeCaller: !fromCaller || response.StatusCode == 408, byeCallee: fromCaller && response.StatusCode == 408);
        }
    }

    /// <summary>Ends an extension call once: forgets its dialogs, sends the BYEs asked for, reports it.</summary>
    private Task EndExtensionCallAsync(ExtensionCall call, string reason, bool byeCaller, bool byeCallee)
    {
        lock (call.Gate)
        {
            if (call.Ended)
            {
                return Task.CompletedTask;
            }
            call.Ended = true;
            call.EndedAt = _time.GetUtcNow();
            call.EndReason = reason;
            call.RingTimer?.Dispose();
            foreach (var (dialog, bye, user) in new[] { (call.CallerDialog, byeCaller, call.Callee), (call.CalleeDialog, byeCallee, call.Caller) })
            {
                if (dialog is null)
                {
                    continue;
                }
                _bridgedCalls.TryRemove(dialog.Id, out _);
                _bridgedDialogs.Remove(dialog);
                if (bye && dialog.State != SipDialogState.Terminated)
                {
                    var local = LocalFor(dialog);
                    // Not awaited: the request handler must not wait on the other phone's answer.
                    _ = SendInDialogQuietlyAsync(call, dialog, dialog.CreateRequest(SipMethods.Bye, local, ContactAt(local, user)));
                }
                dialog.Terminate();
            }
        }
        _extensionCalls.TryRemove(call.Id, out _);
        ExtensionEvents?.ExtensionCallEnded(call);
        LogExtensionCallEnded(_logger, call.Id, reason);
        return Task.CompletedTask;
    }

    /// <summary>Ends every extension call (server shutdown), with BYE to both phones.</summary>
    public async Task EndAllExtensionCallsAsync(string reason)
    {
        foreach (var call in _extensionCalls.Values.ToList())
        {
            lock (call.Gate)
            {
                if (!call.CallerFinalSent)
                {
                    RespondToCallerLocked(call, Reply(call.CallerInvite.Request, 503, "Shutting down", call.CallerTag));
                    foreach (var leg in call.Legs.Where(l => !l.Done))
                    {
                        RequestCancel(call, leg);
                    }
                }
            }
            await EndExtensionCallAsync(call, reason, byeCaller: true, byeCallee: true);
        }
    }
}
