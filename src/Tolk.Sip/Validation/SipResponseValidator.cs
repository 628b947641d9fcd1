using Tolk.Sip.Message;

namespace Tolk.Sip.Validation;

/// <summary>
/// Checks a response received by a UAC before it reaches a transaction. A response is never answered:
/// it is either processed or silently dropped (RFC 3261 §8.1.3.3, §17.1.3; RFC 4475 §3.1.2.19, §3.3.10).
/// </summary>
public static class SipResponseValidator
{
    /// <summary>Null when the response may be processed, otherwise why it must be dropped.</summary>
    public static string? Validate(SipResponse response)
    {
        var headers = response.Headers;

        // RFC 3261 §8.1.3.3: a UAC discards a response with more than one Via value.
        var vias = 0;
        foreach (var _ in headers.GetValues(SipHeaderNames.Via))
        {
            vias++;
        }
        if (vias != 1)
        {
            return vias == 0 ? "No Via" : "More than one Via";
        }
        if (response.TopVia is null)
        {
            return "Unparseable Via";
        }
        foreach (var name in (ReadOnlySpan<string>)[SipHeaderNames.From, SipHeaderNames.To, SipHeaderNames.CallId, SipHeaderNames.CSeq])
        {
            var count = headers.CountOf(name);
            if (count != 1)
            {
                return count == 0 ? $"Missing {name}" : $"More than one {name}";
            }
        }
        var cseq = response.CSeq;
        if (cseq is null || cseq.Number >= 1u << 31)
        {
            // RFC 4475 §3.1.2.5 scalarlg: the transaction cannot be matched, so the response is dropped.
            return "Invalid CSeq";
        }
        if (response.From is null || response.To is null)
        {
            return "Unparseable From or To";
        }
        return null;
    }
}
