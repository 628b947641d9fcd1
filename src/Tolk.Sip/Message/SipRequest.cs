using System.Text;

namespace Tolk.Sip.Message;

/// <summary>A SIP request (RFC 3261 §7.1).</summary>
public sealed class SipRequest : SipMessage
{
    public SipRequest(string method, SipUri requestUri)
    {
        Method = method;
        RequestUri = requestUri;
    }

    public string Method { get; }

    public SipUri RequestUri { get; set; }

    /// <summary>The Request-URI exactly as received, for digest verification (RFC 3261 §22.4 uses it verbatim).</summary>
    public string? RawRequestUri { get; init; }

    protected override void AppendStartLine(StringBuilder sb) =>
        sb.Append(Method).Append(' ').Append(RequestUri).Append(' ').Append(SipVersion);
}
