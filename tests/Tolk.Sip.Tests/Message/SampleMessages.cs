using System.Text;

namespace Tolk.Sip.Tests.Message;

/// <summary>Ordinary messages of the kind Tolk sees all day (RFC 3665-style INVITE with SDP, its 200 OK).</summary>
public static class SampleMessages
{
    public const string Sdp =
        "v=0\r\n" +
        "o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n" +
        "s=-\r\n" +
        "c=IN IP4 192.0.2.10\r\n" +
        "t=0 0\r\n" +
        "m=audio 49170 RTP/AVP 0 8 101\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "a=sendrecv\r\n";

    public static readonly string Invite =
        "INVITE sip:5000@conf.tolk.test SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: <sip:5000@conf.tolk.test>\r\n" +
        "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "Contact: <sip:alice@192.0.2.10:5060;transport=udp>\r\n" +
        "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY\r\n" +
        "Supported: replaces, timer, 100rel\r\n" +
        "Session-Expires: 1800;refresher=uac\r\n" +
        "User-Agent: Tolk-Test/1.0\r\n" +
        "Accept: application/sdp\r\n" +
        "Content-Type: application/sdp\r\n" +
        "Content-Length: " + Encoding.ASCII.GetByteCount(Sdp) + "\r\n" +
        "\r\n" + Sdp;

    public static readonly string Ok =
        "SIP/2.0 200 OK\r\n" +
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport=5060;received=192.0.2.10\r\n" +
        "To: <sip:5000@conf.tolk.test>;tag=a6c85cf\r\n" +
        "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "Contact: <sip:5000@198.51.100.7:5060;transport=udp>\r\n" +
        "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\n" +
        "Supported: timer\r\n" +
        "Server: Tolk/1.0\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n";

    public static byte[] InviteBytes => Encoding.UTF8.GetBytes(Invite);

    public static byte[] OkBytes => Encoding.UTF8.GetBytes(Ok);
}
