using System.Text;
using Tolk.Conferencing.Calls;
using Tolk.Sip.Dialogs;
using Tolk.Sip.Message;
using Tolk.Sip.Sdp;
using Tolk.Sip.Transactions;
using Tolk.Sip.Transport;

namespace Tolk.Conferencing.Signaling;

public sealed partial class SipServerCore
{
    /// <summary>Requests inside a dialog (RFC 3261 §12.2.2): BYE, re-INVITE, UPDATE, REFER, INFO, …</summary>
    private async ValueTask OnInDialogRequestAsync(SipServerTransaction tx)
    {
        if (await TryHandleBridgedRequestAsync(tx))
        {
            return;
        }
        var request = tx.Request;
        var dialog = _dialogs.FindForRequest(request);
        if (dialog is null || !_calls.TryGetValue(dialog.Id, out var call))
        {
            tx.Respond(Reply(request, 481, "Call/Transaction Does Not Exist"));
            return;
        }
        if (!dialog.AcceptRemoteRequest(request))
        {
            tx.Respond(Reply(request, 500, "CSeq out of order"));
            return;
        }
        dialog.RemoteEndPoint = tx.Remote;
        if (tx.ConnectionId is not null)
        {
            dialog.ConnectionId = tx.ConnectionId;
        }

        switch (request.Method)
        {
            case SipMethods.Bye:
                tx.Respond(Reply(request, 200));
                await EndCallAsync(call, "caller hung up", sendBye: false);
                break;
            case SipMethods.Invite:
            case SipMethods.Update:
                await OnSessionModificationAsync(tx, call);
                break;
            case SipMethods.Refer:
                OnRefer(tx, call);
                break;
            case SipMethods.Options:
                tx.Respond(OptionsResponse(request));
                break;
            case SipMethods.Info:
                tx.Respond(Reply(request, 200));
                break;
            case SipMethods.Prack:
            case SipMethods.Notify:
                // RFC 3262 §3: no reliable provisional is outstanding; we hold no subscription.
                tx.Respond(Reply(request, 481, "Call/Transaction Does Not Exist"));
                break;
            default:
                tx.Respond(MethodNotAllowed(request));
                break;
        }
    }

    /// <summary>
    /// A re-INVITE or UPDATE: a new offer (hold/resume/codec change) is answered through the media;
    /// without an offer it is a session refresh (RFC 4028) and we answer with our current description.
    /// A rejected offer leaves the session as it was (RFC 3261 §14.2).
    /// </summary>
    private async ValueTask OnSessionModificationAsync(SipServerTransaction tx, CallSession call)
    {
        var request = tx.Request;
        var dialog = call.Dialog!;
        if (call.OfferInProgress && (request.Method == SipMethods.Invite || !request.Body.IsEmpty))
        {
            // RFC 3261 §14.2 / RFC 3311 §5.2: glare — our offer (a late offer awaiting the ACK's answer)
            // is still open, so a new offer or re-INVITE is refused; the caller retries after a random pause.
            tx.Respond(Reply(request, 491, null, dialog.LocalTag));
            return;
        }
        if (Interlocked.CompareExchange(ref call.ModificationInProgress, 1, 0) != 0)
        {
            // RFC 3261 §14.2 (INVITE) and RFC 3311 §5.2 (UPDATE): one arriving while we still process the
            // previous one gets 500 with a Retry-After chosen at random between 0 and 10 seconds.
            var busy = Reply(request, 500, "Previous session modification still in progress", dialog.LocalTag);
            busy.Headers.Add(SipHeaderNames.RetryAfter, Random.Shared.Next(0, 11).ToString(System.Globalization.CultureInfo.InvariantCulture));
            tx.Respond(busy);
            return;
        }
        try
        {
            await ModifySessionAsync(tx, call);
        }
        finally
        {
            Volatile.Write(ref call.ModificationInProgress, 0);
        }
    }

    private async ValueTask ModifySessionAsync(SipServerTransaction tx, CallSession call)
    {
        var request = tx.Request;
        var dialog = call.Dialog!;
        // RFC 3261 §14.2: a refused request leaves the session as it was, so the session interval is
        // checked (422) before the media sees the offer.
        var refreshesTimer = request.Headers[SipHeaderNames.SessionExpires] is not null;
        TimeSpan? interval = null;
        var weRefresh = false;
        if (refreshesTimer && !TryNegotiateSessionTimer(request, out interval, out weRefresh, out var rejection))
        {
            tx.Respond(rejection!);
            return;
        }
        SdpSessionDescription? answer = null;
        if (!request.Body.IsEmpty)
        {
            if (!TryReadOffer(tx, out var offer))
            {
                return;
            }
            var result = await call.Media!.UpdateAsync(offer!, CancellationToken.None);
            if (!result.IsAccepted)
            {
                tx.Respond(Reply(request, result.StatusCode, result.Reason, dialog.LocalTag));
                return;
            }
            answer = result.Answer;
        }
        else if (request.Method == SipMethods.Invite)
        {
            answer = call.Media!.LocalDescription;
        }

        if (refreshesTimer)
        {
            call.SessionInterval = interval;
            call.WeRefresh = weRefresh;
        }

        var ok = Reply(request, 200, null, dialog.LocalTag);
        ok.Headers.Add(SipHeaderNames.Contact, "<" + LocalContact(tx.Inbound, call.Room.Extension) + ">");
        AddCapabilities(ok);
        AddSessionTimerHeaders(ok, call, request);
        if (answer is not null)
        {
            SetSdp(ok, answer);
        }
        if (request.Method == SipMethods.Invite)
        {
            // RFC 3261 §14.2: a 2xx to a re-INVITE that is never acknowledged ends the dialog with BYE.
            tx.AckTimedOut += t => { _ = EndCallAsync(call, "no ACK for re-INVITE 200 OK", sendBye: true); };
        }
        tx.Respond(ok);
        ArmSessionTimer(call);
    }

    /// <summary>
    /// REFER (RFC 3515): a caller may move itself to another room of its tenant. We accept with 202,
    /// report progress in NOTIFY message/sipfrag bodies, and move the call; other targets are refused.
    /// The NOTIFYs complete in the background: their answers arrive through the same message dispatch
    /// this handler runs on, so waiting for them here would stall it.
    /// </summary>
    private void OnRefer(SipServerTransaction tx, CallSession call)
    {
        var request = tx.Request;
        var dialog = call.Dialog!;
        var referTo = request.Headers[SipHeaderNames.ReferTo];
        if (referTo is null || !SipNameAddress.TryParse(referTo, out var target))
        {
            tx.Respond(Reply(request, 400, "Missing or invalid Refer-To", dialog.LocalTag));
            return;
        }
        var targetRoom = target.Uri.IsSip && target.Uri.UserUnescaped is { } ext && call.Tenant.Domains.Contains(target.Uri.HostName, StringComparer.OrdinalIgnoreCase)
            ? _tenants.FindRoom(call.Tenant.Id, ext)
            : null;
        if (targetRoom is null)
        {
            tx.Respond(Reply(request, 403, "Transfers are possible only to rooms of this tenant", dialog.LocalTag));
            return;
        }
        tx.Respond(Reply(request, 202, null, dialog.LocalTag));
        var trying = SendNotifyAsync(call, "SIP/2.0 100 Trying", terminated: false);
        call.Room = targetRoom;
        if (call.Media is IRoomMovable movable)
        {
            movable.MoveTo(targetRoom);
        }
        _ = FinishReferAsync(call, trying);
    }

    /// <summary>The final NOTIFY follows the first one's transaction, so the peer sees them in order.</summary>
    private async Task FinishReferAsync(CallSession call, Task trying)
    {
        await trying;
        if (_calls.ContainsKey(call.Dialog!.Id))
        {
            await SendNotifyAsync(call, "SIP/2.0 200 OK", terminated: true);
        }
    }

    private async Task SendNotifyAsync(CallSession call, string sipfrag, bool terminated)
    {
        var dialog = call.Dialog!;
        var local = _sender.GetLocalEndPoint(dialog.RemoteEndPoint.Transport) ?? dialog.RemoteEndPoint;
        var notify = dialog.CreateRequest(SipMethods.Notify, local, ContactFor(call, local));
        notify.Headers.Add(SipHeaderNames.Event, "refer");
        notify.Headers.Add(SipHeaderNames.SubscriptionState, terminated ? "terminated;reason=noresource" : "active;expires=60");
        notify.Headers.Add(SipHeaderNames.ContentType, "message/sipfrag;version=2.0");
        notify.Body = Encoding.UTF8.GetBytes(sipfrag + "\r\n");
        await SendInDialogAsync(call, notify);
    }

    private async Task<SipResponse?> SendInDialogAsync(CallSession call, SipRequest request)
    {
        try
        {
            var dialog = call.Dialog!;
            var tx = _transactions.SendRequest(request, dialog.RemoteEndPoint, dialog.ConnectionId);
            return await tx.FinalResponse;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogInDialogFailed(_logger, ex, request.Method, call.Id);
            return null;
        }
    }

    private static Sip.Message.SipUri ContactFor(CallSession call, Sip.Transport.SipEndPoint local) => ContactUri(local, call.Room.Extension);

    /// <summary>
    /// RFC 4028 §10: when we refresh, send an UPDATE at half the interval; when the caller refreshes
    /// and does not, send BYE shortly before the session expires (§10: SE − min(32, SE/3)).
    /// </summary>
    private void ArmSessionTimer(CallSession call)
    {
        call.SessionTimer?.Dispose();
        call.SessionTimer = null;
        if (call.SessionInterval is not { } interval || !_calls.ContainsKey(call.Dialog!.Id))
        {
            return;
        }
        if (call.WeRefresh)
        {
            call.SessionTimer = _time.CreateTimer(_ => _ = RefreshSessionAsync(call), null, interval / 2, Timeout.InfiniteTimeSpan);
        }
        else
        {
            var margin = TimeSpan.FromSeconds(Math.Min(32, interval.TotalSeconds / 3));
            call.SessionTimer = _time.CreateTimer(_ => _ = EndCallAsync(call, "session timer expired", sendBye: true), null, interval - margin, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task RefreshSessionAsync(CallSession call)
    {
        var dialog = call.Dialog!;
        if (dialog.State == SipDialogState.Terminated)
        {
            return;
        }
        var local = _sender.GetLocalEndPoint(dialog.RemoteEndPoint.Transport) ?? dialog.RemoteEndPoint;
        var update = dialog.CreateRequest(SipMethods.Update, local, ContactFor(call, local));
        // RFC 4028 §7.4: refresher names a role in this request; we send it, so we stay refresher as "uac".
        update.Headers.Add(SipHeaderNames.SessionExpires, ((int)call.SessionInterval!.Value.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) + ";refresher=uac");
        update.Headers.Add(SipHeaderNames.Supported, "timer");
        var response = await SendInDialogAsync(call, update);
        if (response is null || response.StatusCode is 408 or 481)
        {
            // RFC 4028 §10: a refresh that times out or finds no dialog ends the session.
            await EndCallAsync(call, "session refresh failed", sendBye: response?.StatusCode != 481);
            return;
        }
        if (response.IsSuccess)
        {
            ApplyRefreshAnswer(call, response);
        }
        ArmSessionTimer(call);
    }

    /// <summary>
    /// RFC 4028 §7.2: the 2xx to our refresh states the interval and who refreshes from now on
    /// ("uas" there is the peer). Without Session-Expires the peer runs no timer; we keep refreshing.
    /// </summary>
    private void ApplyRefreshAnswer(CallSession call, SipResponse response)
    {
        var header = response.Headers[SipHeaderNames.SessionExpires];
        if (header is null)
        {
            return;
        }
        var semi = header.IndexOf(';', StringComparison.Ordinal);
        if (!int.TryParse((semi >= 0 ? header[..semi] : header).Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            || seconds < _options.MinSessionExpiresSeconds)
        {
            return;
        }
        var parameters = new SipParameters();
        SipGrammar.TryParseParameters(semi >= 0 ? header[semi..] : "", parameters);
        call.SessionInterval = TimeSpan.FromSeconds(seconds);
        call.WeRefresh = !string.Equals(parameters["refresher"], "uas", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Ends a call once: stops media and timers, forgets the dialog, sends BYE if asked.</summary>
    public Task EndCallAsync(CallSession call, string reason, bool sendBye) => EndCallAsync(call, reason, sendBye, byeCause: null);

    /// <summary>
    /// As <see cref="EndCallAsync(CallSession, string, bool)"/>; a <paramref name="byeCause"/> puts a
    /// Reason header (RFC 3326) with that SIP status and the reason text in the BYE.
    /// </summary>
    private async Task EndCallAsync(CallSession call, string reason, bool sendBye, int? byeCause)
    {
        var dialog = call.Dialog;
        if (dialog is null || !_calls.TryRemove(dialog.Id, out _))
        {
            return;
        }
        dialog.Terminate();
        _dialogs.Remove(dialog);
        call.SessionTimer?.Dispose();
        call.EndedAt = _time.GetUtcNow();
        call.EndReason = reason;
        if (call.Media is { } media)
        {
            await media.DisposeAsync();
        }
        if (sendBye)
        {
            var local = _sender.GetLocalEndPoint(dialog.RemoteEndPoint.Transport) ?? dialog.RemoteEndPoint;
            var bye = dialog.CreateRequest(SipMethods.Bye, local, ContactFor(call, local));
            if (byeCause is { } cause)
            {
                bye.Headers.Add(SipHeaderNames.Reason, "SIP ;cause=" + cause.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ;text=" + SipGrammar.Quote(reason));
            }
            _ = SendInDialogAsync(call, bye);
        }
        _events?.CallEnded(call);
        LogCallEnded(_logger, call.Id, reason);
    }

    /// <summary>Ends every call (server shutdown), sending BYE so callers are not left hanging.</summary>
    public async Task EndAllCallsAsync(string reason)
    {
        foreach (var call in _calls.Values.ToList())
        {
            await EndCallAsync(call, reason, sendBye: true);
        }
    }
}

/// <summary>Media that can follow its call into another room (a transfer).</summary>
public interface IRoomMovable
{
    void MoveTo(Tenancy.RoomInfo room);
}
