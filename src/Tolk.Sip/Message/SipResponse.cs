using System.Globalization;
using System.Text;

namespace Tolk.Sip.Message;

/// <summary>A SIP response (RFC 3261 §7.2).</summary>
public sealed class SipResponse : SipMessage
{
    public SipResponse(int statusCode, string? reasonPhrase = null)
    {
        if (statusCode is < 100 or > 699)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "SIP status codes are 100–699.");
        }
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase ?? SipStatus.DefaultReason(statusCode);
    }

    public int StatusCode { get; }

    public string ReasonPhrase { get; }

    public bool IsProvisional => StatusCode < 200;

    public bool IsSuccess => StatusCode is >= 200 and < 300;

    public bool IsFinal => StatusCode >= 200;

    /// <summary>
    /// Builds a response to a request as RFC 3261 §8.2.6.2 requires: Via (all values, in order), From,
    /// To, Call-ID and CSeq copied; a To tag added when given and none is present; Timestamp echoed.
    /// </summary>
    public static SipResponse CreateFor(SipRequest request, int statusCode, string? reason = null, string? toTag = null)
    {
        var response = new SipResponse(statusCode, reason);
        foreach (var h in request.Headers)
        {
            switch (h.Name)
            {
                case SipHeaderNames.Via:
                case SipHeaderNames.From:
                case SipHeaderNames.CallId:
                case SipHeaderNames.CSeq:
                    response.Headers.AddCanonical(h.Name, h.Value);
                    break;
                case SipHeaderNames.To:
                    var value = h.Value;
                    if (toTag is not null && statusCode != 100 && SipNameAddress.TryParse(value, out var to) && to.Tag is null)
                    {
                        value = to.WithTag(toTag).ToString();
                    }
                    response.Headers.AddCanonical(h.Name, value);
                    break;
                case SipHeaderNames.RecordRoute when statusCode is > 100 and < 300 && EstablishesDialog(request.Method):
                    // RFC 3261 §12.1.1: a response that establishes a dialog carries the request's Record-Route, in
                    // order, so the caller's in-dialog requests go back through the proxies that asked to stay.
                    response.Headers.AddCanonical(h.Name, h.Value);
                    break;
                case SipHeaderNames.Timestamp when statusCode == 100:
                    // RFC 3261 §8.2.6.1: a 100 Trying echoes Timestamp.
                    response.Headers.AddCanonical(h.Name, h.Value);
                    break;
            }
        }
        return response;
    }

    private static bool EstablishesDialog(string method) => method is SipMethods.Invite or SipMethods.Subscribe or SipMethods.Refer;

    protected override void AppendStartLine(StringBuilder sb) =>
        sb.Append(SipVersion).Append(' ').Append(StatusCode.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(ReasonPhrase);
}
