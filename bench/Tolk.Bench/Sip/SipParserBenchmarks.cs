using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Tolk.Sip.Message;
using Tolk.Sip.Validation;

namespace Tolk.Bench.Sip;

/// <summary>
/// The SIP receive path on ordinary traffic: an INVITE with SDP (15 headers) and a 200 OK (10 headers).
/// Targets: ≥ 200k messages/s/core (≤ 5 µs per message) and ≤ 2 allocations per header.
/// </summary>
[MemoryDiagnoser]
public class SipParserBenchmarks
{
    private const string Sdp =
        "v=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n" +
        "m=audio 49170 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";

    private static readonly byte[] Invite = Encoding.ASCII.GetBytes(
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
        "User-Agent: Tolk-Bench/1.0\r\n" +
        "Accept: application/sdp\r\n" +
        "Content-Type: application/sdp\r\n" +
        "Content-Length: " + Sdp.Length + "\r\n" +
        "\r\n" + Sdp);

    private static readonly byte[] Ok = Encoding.ASCII.GetBytes(
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
        "\r\n");

    private static readonly SipRequestValidator Validator = new(new SipRequestValidatorOptions
    {
        SupportedOptionTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "timer", "replaces", "100rel" },
        SupportedContentTypes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "application/sdp" },
    });

    private static readonly byte[] Stream = [.. Invite, .. Ok, .. Invite, .. Ok];

    [Benchmark(Baseline = true)]
    public SipMessage? ParseInvite() => SipParser.Parse(Invite).Message;

    [Benchmark]
    public SipMessage? ParseOk() => SipParser.Parse(Ok).Message;

    /// <summary>What a UAS does per INVITE: parse, then the validator reads every typed header once.</summary>
    [Benchmark]
    public SipValidationVerdict? ParseAndValidateInvite() => Validator.Validate(SipParser.Parse(Invite));

    /// <summary>What a UAC does per response: parse and read the transaction-matching headers.</summary>
    [Benchmark]
    public string? ParseOkAndMatch()
    {
        var m = SipParser.Parse(Ok).Message!;
        return m.TopVia!.Branch + m.CSeq!.Method;
    }

    [Benchmark]
    public int FrameStreamOfFour()
    {
        var buffer = new ReadOnlySequence<byte>(Stream);
        var n = 0;
        while (SipStreamFramer.TryRead(ref buffer, SipParserLimits.Default, out _, out _) == SipFrameKind.Message)
        {
            n++;
        }
        return n;
    }
}
