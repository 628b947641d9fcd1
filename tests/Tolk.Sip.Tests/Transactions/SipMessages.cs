using System.Net;
using System.Text;
using Tolk.Sip.Message;
using Tolk.Sip.Transport;

namespace Tolk.Sip.Tests.Transactions;

internal static class SipMessages
{
    public static readonly SipEndPoint UdpPeer = new(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, 5070));
    public static readonly SipEndPoint TcpPeer = new(SipTransportKind.Tcp, new IPEndPoint(IPAddress.Loopback, 5070));
    public static readonly SipEndPoint Local = new(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, 5060));

    public static SipRequest Request(string method, string branch = "z9hG4bK776asdhds", uint cseq = 1, string? toTag = null, string callId = "a84b4c76e66710")
    {
        var text = $"{method} sip:5000@demo.tolk.test SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP 127.0.0.1:5070;branch={branch}\r\n" +
            "Max-Forwards: 70\r\n" +
            "To: <sip:5000@demo.tolk.test>" + (toTag is null ? "" : ";tag=" + toTag) + "\r\n" +
            "From: Alice <sip:alice@demo.tolk.test>;tag=1928301774\r\n" +
            $"Call-ID: {callId}\r\n" +
            $"CSeq: {cseq} {(method == SipMethods.Cancel ? SipMethods.Cancel : method)}\r\n" +
            "Contact: <sip:alice@127.0.0.1:5070>\r\n" +
            "Content-Length: 0\r\n\r\n";
        var result = SipParser.Parse(Encoding.UTF8.GetBytes(text));
        Assert.True(result.IsValid, result.ErrorReason);
        return (SipRequest)result.Message!;
    }

    public static SipInboundMessage Inbound(SipMessage message, SipEndPoint? from = null) => new(message, from ?? UdpPeer, Local);
}
