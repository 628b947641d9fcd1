using System.Text;
using Tolk.Sip.Message;

namespace Tolk.Conferencing.Tests.Signaling;

/// <summary>Builds requests as a peer would put them on the wire, and parses them like a transport.</summary>
internal static class SipTestMessages
{
    /// <summary>A G.711 audio offer (PCMU, PCMA, telephone-event) from the peer at 127.0.0.1:40000.</summary>
    public static string AudioOffer(string direction = "sendrecv", string payloads = "0 8 101", ulong version = 2890844526) =>
        "v=0\r\n" +
        $"o=alice 2890844526 {version} IN IP4 127.0.0.1\r\n" +
        "s=-\r\n" +
        "c=IN IP4 127.0.0.1\r\n" +
        "t=0 0\r\n" +
        $"m=audio 40000 RTP/AVP {payloads}\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:3 GSM/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "a=fmtp:101 0-15\r\n" +
        $"a={direction}\r\n";

    /// <summary>Parses wire text into a request, failing the test when the text is not a valid message.</summary>
    public static SipRequest Parse(string text)
    {
        var result = SipParser.Parse(Encoding.UTF8.GetBytes(text));
        Assert.True(result.IsValid, result.ErrorReason);
        return (SipRequest)result.Message!;
    }

    /// <summary>Parses wire text into a response.</summary>
    public static SipResponse ParseResponse(string text)
    {
        var result = SipParser.Parse(Encoding.UTF8.GetBytes(text));
        Assert.True(result.IsValid, result.ErrorReason);
        return (SipResponse)result.Message!;
    }

    /// <summary>The answer a peer gives to a request the core sent (Via, From, To, Call-ID, CSeq copied).</summary>
    public static SipResponse AnswerTo(SipRequest request, int status, params string[] extraHeaders)
    {
        var sb = new StringBuilder();
        sb.Append("SIP/2.0 ").Append(status).Append(' ').Append(SipStatus.DefaultReason(status)).Append("\r\n");
        foreach (var via in request.Headers.GetValues(SipHeaderNames.Via))
        {
            sb.Append("Via: ").Append(via).Append("\r\n");
        }
        sb.Append("From: ").Append(request.Headers[SipHeaderNames.From]).Append("\r\n");
        sb.Append("To: ").Append(request.Headers[SipHeaderNames.To]).Append("\r\n");
        sb.Append("Call-ID: ").Append(request.CallId).Append("\r\n");
        sb.Append("CSeq: ").Append(request.Headers[SipHeaderNames.CSeq]).Append("\r\n");
        foreach (var h in extraHeaders)
        {
            sb.Append(h).Append("\r\n");
        }
        sb.Append("Content-Length: 0\r\n\r\n");
        return ParseResponse(sb.ToString());
    }
}
