using System.Globalization;
using System.Net;
using System.Text;
using Tolk.Conferencing.Calls;
using Tolk.Sip.Dialogs;
using Tolk.Sip.Message;
using Tolk.Sip.Sdp;
using Tolk.Sip.Transactions;

namespace Tolk.Conferencing.Signaling;

public sealed partial class SipServerCore
{
    private async ValueTask OnInviteAsync(SipServerTransaction tx)
    {
        var request = tx.Request;
        var tenant = ResolveTenant(request, tx.Inbound);
        if (tenant is null)
        {
            tx.Respond(Reply(request, 404, "Unknown domain"));
            return;
        }
        if (!tenant.Enabled)
        {
            tx.Respond(Reply(request, 403, "Tenant disabled"));
            return;
        }
        var extension = request.RequestUri.UserUnescaped;
        var room = extension is null ? null : _tenants.FindRoom(tenant.Id, extension);
        string? user = null;
        if (room is null)
        {
            if (extension is not null && _tenants.FindAccount(tenant.Id, extension) is not null)
            {
                // Calling another extension is for the tenant's own accounts only.
                user = Authenticate(tx, tenant);
                if (user is null)
                {
                    return;
                }
                await BridgeToExtensionAsync(tx, tenant, user, extension);
                return;
            }
            tx.Respond(Reply(request, 404, "No such extension"));
            return;
        }
        var trunk = FindTrunk(tenant, tx.Inbound);
        if (room.RequireAuthentication && trunk is null)
        {
            // A trusted trunk authenticated by address (and certificate); everyone else signs with digest.
            user = Authenticate(tx, tenant);
            if (user is null)
            {
                return;
            }
        }

        // RFC 3261 §13.2.1: an INVITE without a body asks us to offer in the 2xx; the answer comes in the ACK.
        SdpSessionDescription? offer = null;
        var lateOffer = request.Body.IsEmpty ? _media as ILateOfferMediaProvider : null;
        if (lateOffer is null && !TryReadOffer(tx, out offer))
        {
            return;
        }
        if (!TryNegotiateSessionTimer(request, out var sessionInterval, out var weRefresh, out var timerRejection))
        {
            tx.Respond(timerRejection!);
            return;
        }

        var call = new CallSession(tenant, room, request.From?.Uri.ToString() ?? "", user, tx.Remote, _time.GetUtcNow())
        {
            Trunk = trunk,
            AssertedIdentity = trunk is null ? null : AssertedIdentity(request),
            MediaAddress = MediaAddressFor(tx),
            SessionInterval = sessionInterval,
            WeRefresh = weRefresh,
        };
        var cancellation = new CancellationTokenSource();
        var accepting = lateOffer is not null
            ? lateOffer.CreateOfferAsync(call, cancellation.Token).AsTask()
            : _media.AcceptOfferAsync(call, offer!, cancellation.Token).AsTask();
        if (await Task.WhenAny(accepting, tx.Cancelled) != accepting)
        {
            // RFC 3261 §9.2: a CANCEL of a pending INVITE is answered 487 at once, not when the media
            // gets round to it; media it still opens is closed when it arrives.
            tx.Respond(Reply(request, 487));
            await cancellation.CancelAsync();
            _ = CloseLateMediaAsync(accepting, cancellation);
            return;
        }
        cancellation.Dispose();
        var result = await accepting;
        if (!result.IsAccepted)
        {
            var reject = Reply(request, result.StatusCode, result.Reason);
            if (result.Reason is not null)
            {
                reject.Headers.Add(SipHeaderNames.Warning, "399 tolk " + SipGrammar.Quote(result.Reason));
            }
            tx.Respond(reject);
            return;
        }
        if (tx.Cancelled.IsCompleted)
        {
            await result.Media!.DisposeAsync();
            tx.Respond(Reply(request, 487));
            return;
        }

        var localTag = SipTransactionLayer.NewTag();
        var dialog = SipDialog.CreateAsServer(request, localTag, tx.Remote, tx.ConnectionId);
        call.Dialog = dialog;
        call.Media = result.Media;
        _dialogs.Add(dialog);
        _calls[dialog.Id] = call;

        var ok = Reply(request, 200, null, localTag);
        ok.Headers.Add(SipHeaderNames.Contact, "<" + LocalContact(tx.Inbound, extension) + ">");
        AddCapabilities(ok);
        AddSessionTimerHeaders(ok, call, request);
        SetSdp(ok, result.Answer!);

        if (lateOffer is not null)
        {
            call.AwaitingAnswer = true;
        }
        tx.AckReceived += (acknowledged, ack) =>
        {
            dialog.Confirm();
            call.ConnectedAt ??= _time.GetUtcNow();
            if (lateOffer is not null)
            {
                _ = ApplyLateAnswerAsync(call, ack);
            }
        };
        tx.AckTimedOut += t => { _ = EndCallAsync(call, "no ACK for 200 OK", sendBye: true); };
        result.Media!.Failed += (m, reason) => { _ = EndCallAsync(call, reason, sendBye: true); };
        // Everything that marks the call as started happens before the 200 leaves: a BYE right behind the ACK
        // may end the call on another thread at once, and must find it started (a later start would revive it).
        ArmSessionTimer(call);
        _events?.CallStarted(call);
        LogCallStarted(_logger, call.Id, call.CallerUri, room.Extension, tenant.Name);
        tx.Respond(ok);
        result.Media.Start();
    }

    /// <summary>Closes media that a provider opened for an INVITE cancelled in the meantime.</summary>
    private async Task CloseLateMediaAsync(Task<MediaOfferResult> accepting, CancellationTokenSource cancellation)
    {
        try
        {
            if ((await accepting).Media is { } media)
            {
                await media.DisposeAsync();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogLateMediaFailed(_logger, ex);
        }
        finally
        {
            cancellation.Dispose();
        }
    }

    /// <summary>Reads the SDP offer of an INVITE, answering 415/400/488 itself when it cannot (a body-less
    /// INVITE reaches this only when the media cannot make a late offer).</summary>
    private bool TryReadOffer(SipServerTransaction tx, out SdpSessionDescription? offer)
    {
        offer = null;
        var request = tx.Request;
        if (request.Body.IsEmpty)
        {
            tx.Respond(Reply(request, 488, "An SDP offer in the INVITE is required"));
            return false;
        }
        var type = request.ContentType?.Split(';')[0].Trim();
        if (!string.Equals(type, "application/sdp", StringComparison.OrdinalIgnoreCase))
        {
            var unsupported = Reply(request, 415);
            unsupported.Headers.Add(SipHeaderNames.Accept, "application/sdp");
            tx.Respond(unsupported);
            return false;
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(request.Body.Span);
        }
        catch (DecoderFallbackException)
        {
            tx.Respond(Reply(request, 400, "SDP is not UTF-8"));
            return false;
        }
        if (!SdpSessionDescription.TryParse(text, out offer, out var error) || offer is null)
        {
            tx.Respond(Reply(request, 400, "Malformed SDP: " + error));
            return false;
        }
        return true;
    }

    private static void SetSdp(SipMessage message, SdpSessionDescription sdp)
    {
        message.Headers.Set(SipHeaderNames.ContentType, "application/sdp");
        message.Body = Encoding.UTF8.GetBytes(sdp.ToString());
    }

    private void AddCapabilities(SipResponse response)
    {
        response.Headers.Add(SipHeaderNames.Allow, string.Join(", ", SipServerOptions.AllowedMethods));
        response.Headers.Add(SipHeaderNames.Supported, string.Join(", ", _options.SupportedExtensions));
    }

    private IPAddress MediaAddressFor(SipServerTransaction tx)
    {
        var local = tx.Inbound.Local.EndPoint.Address;
        if (!local.Equals(IPAddress.Any) && !local.Equals(IPAddress.IPv6Any))
        {
            return local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local;
        }
        return _sender.GetLocalEndPoint(tx.Inbound.Local.Transport)?.EndPoint.Address ?? IPAddress.Loopback;
    }

    /// <summary>
    /// RFC 4028 §9: accept the caller's Session-Expires unless below our Min-SE (422), choose the
    /// refresher (the UAC when it supports timers), else run no timer.
    /// </summary>
    private bool TryNegotiateSessionTimer(SipRequest request, out TimeSpan? interval, out bool weRefresh, out SipResponse? rejection)
    {
        interval = null;
        weRefresh = false;
        rejection = null;
        var header = request.Headers[SipHeaderNames.SessionExpires];
        var uacSupportsTimer = request.HasOptionTag(SipHeaderNames.Supported, "timer") || request.HasOptionTag(SipHeaderNames.Require, "timer");
        if (header is null)
        {
            if (uacSupportsTimer)
            {
                // RFC 4028 §9: a caller that supports timers but asks for none may be given one (never
                // below its Min-SE); it refreshes, since it supports the extension.
                var minSe = int.TryParse(request.Headers[SipHeaderNames.MinSe]?.Split(';')[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : 0;
                interval = TimeSpan.FromSeconds(Math.Max(_options.DefaultSessionExpiresSeconds, Math.Max(minSe, _options.MinSessionExpiresSeconds)));
            }
            return true;
        }
        var semi = header.IndexOf(';', StringComparison.Ordinal);
        var number = (semi >= 0 ? header[..semi] : header).Trim();
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 1)
        {
            rejection = Reply(request, 400, "Invalid Session-Expires");
            return false;
        }
        if (seconds < _options.MinSessionExpiresSeconds)
        {
            rejection = Reply(request, 422);
            rejection.Headers.Add(SipHeaderNames.MinSe, _options.MinSessionExpiresSeconds.ToString(CultureInfo.InvariantCulture));
            return false;
        }
        var parameters = new SipParameters();
        SipGrammar.TryParseParameters(semi >= 0 ? header[semi..] : "", parameters);
        var refresher = parameters["refresher"]?.ToLowerInvariant() ?? (uacSupportsTimer ? "uac" : "uas");
        interval = TimeSpan.FromSeconds(seconds);
        weRefresh = refresher == "uas";
        return true;
    }

    private static void AddSessionTimerHeaders(SipResponse response, CallSession call, SipRequest request)
    {
        if (call.SessionInterval is not { } interval)
        {
            return;
        }
        var seconds = ((int)interval.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        response.Headers.Add(SipHeaderNames.SessionExpires, seconds + ";refresher=" + (call.WeRefresh ? "uas" : "uac"));
        if (!call.WeRefresh && (request.HasOptionTag(SipHeaderNames.Supported, "timer") || request.HasOptionTag(SipHeaderNames.Require, "timer")))
        {
            // RFC 4028 §9: the UAC must know it is the refresher.
            response.Headers.Add(SipHeaderNames.Require, "timer");
        }
    }
}
