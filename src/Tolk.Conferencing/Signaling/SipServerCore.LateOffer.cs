using System.Text;
using Microsoft.Extensions.Logging;
using Tolk.Conferencing.Calls;
using Tolk.Sip.Message;
using Tolk.Sip.Sdp;
using Tolk.Sip.Transport;

namespace Tolk.Conferencing.Signaling;

/// <summary>
/// Late offer (RFC 3261 §13.2.1, RFC 3264 §5): an INVITE without SDP was answered with our offer in
/// the 2xx; the caller's answer must come in the ACK. An ACK without an acceptable answer ends the call
/// with a BYE whose Reason (RFC 3326) says why — the rule RFC 3261 §13.2.2.4 gives a UAC in our place.
/// </summary>
public sealed partial class SipServerCore
{
    private async Task ApplyLateAnswerAsync(CallSession call, SipInboundMessage ack)
    {
        try
        {
            if (call.Media is not ILateOfferMedia media)
            {
                return;
            }
            var problem = ReadAnswer(ack.Message, out var answer);
            if (problem is null)
            {
                var result = await media.ApplyAnswerAsync(answer!, CancellationToken.None);
                if (result.StatusCode == 481)
                {
                    return; // the call ended meanwhile
                }
                problem = result.IsAccepted ? null : "SDP answer in the ACK not acceptable: " + result.Reason;
            }
            call.AwaitingAnswer = false;
            if (problem is not null)
            {
                LogLateAnswerRejected(_logger, call.Id, problem);
                await EndCallAsync(call, problem, sendBye: true, byeCause: 488);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            call.AwaitingAnswer = false;
            LogLateAnswerRejected(_logger, call.Id, ex.GetType().Name + ": " + ex.Message);
            await EndCallAsync(call, "SDP answer in the ACK could not be applied", sendBye: true, byeCause: 500);
        }
    }

    /// <summary>The SDP answer of an ACK, or why there is none.</summary>
    private static string? ReadAnswer(SipMessage ack, out SdpSessionDescription? answer)
    {
        answer = null;
        if (ack.Body.IsEmpty)
        {
            return "ACK carried no SDP answer to our offer";
        }
        var type = ack.ContentType?.Split(';')[0].Trim();
        if (!string.Equals(type, "application/sdp", StringComparison.OrdinalIgnoreCase))
        {
            return "ACK body is " + (type ?? "untyped") + ", not application/sdp";
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(ack.Body.Span);
        }
        catch (DecoderFallbackException)
        {
            return "SDP answer in the ACK is not UTF-8";
        }
        if (!SdpSessionDescription.TryParse(text, out answer, out var error) || answer is null)
        {
            return "malformed SDP answer in the ACK: " + error;
        }
        return null;
    }

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "Call {CallId}: our late offer got no usable answer ({Problem}); ending with BYE")]
    private static partial void LogLateAnswerRejected(ILogger logger, Guid callId, string problem);
}
