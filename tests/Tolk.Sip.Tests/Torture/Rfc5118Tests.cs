using System.Text;
using Tolk.Sip.Message;

namespace Tolk.Sip.Tests.Torture;

/// <summary>RFC 5118 §4 IPv6 torture messages (data files taken from the RFC).</summary>
public sealed class Rfc5118Tests
{
    public static TheoryData<string, int> Cases() => new()
    {
        { "ipv6-good", TortureVerdict.Valid },
        { "ipv6-bad", 400 },
        { "port-ambiguous", TortureVerdict.Valid },
        { "port-unambiguous", TortureVerdict.Valid },
        { "via-received-param-with-delim", TortureVerdict.Valid },
        { "via-received-param-no-delim", TortureVerdict.Valid },

        // The RFC's own Content-Length (268) exceeds its 251-octet body: as a datagram that is a 400.
        // The corrected message is valid (see Ipv6_in_sdp_is_valid_once_its_length_is_right).
        { "ipv6-in-sdp", 400 },
        { "mult-ip-in-header", TortureVerdict.Valid },
        { "mult-ip-in-sdp", TortureVerdict.Valid },
        { "ipv4-mapped-ipv6", TortureVerdict.Valid },
        { "ipv6-bug-abnf-3-colons", TortureVerdict.Valid },
        { "ipv6-correct-abnf-2-colons", TortureVerdict.Valid },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Message_gets_the_verdict_the_rfc_calls_for(string name, int expected)
    {
        var (verdict, parse, answer) = TortureRunner.Run(TortureRunner.Load("rfc5118", name));
        Assert.True(expected == verdict, $"{name}: expected {expected}, got {verdict} ({parse.ErrorReason ?? answer?.ToString()})");
        if (verdict == TortureVerdict.Valid)
        {
            var again = SipParser.Parse(parse.Message!.ToBytes());
            Assert.True(again.IsValid, again.ErrorReason);
            RoundTrip.AssertSameContent(parse.Message, again.Message!);
        }
    }

    [Fact]
    public void Ipv6_references_keep_their_brackets_and_ports()
    {
        var good = (SipRequest)SipParser.Parse(TortureRunner.Load("rfc5118", "ipv6-good")).Message!;
        Assert.Equal("[2001:db8::10]", good.RequestUri.Host);
        Assert.Equal("2001:db8::10", good.RequestUri.HostName);
        Assert.Equal("[2001:db8::9:1]", good.TopVia!.Host);
        Assert.Equal("[2001:db8::1]", good.Contacts[0].Uri.Host);

        var ambiguous = (SipRequest)SipParser.Parse(TortureRunner.Load("rfc5118", "port-ambiguous")).Message!;
        Assert.Equal("[2001:db8::10:5070]", ambiguous.RequestUri.Host);
        Assert.Null(ambiguous.RequestUri.Port);

        var unambiguous = (SipRequest)SipParser.Parse(TortureRunner.Load("rfc5118", "port-unambiguous")).Message!;
        Assert.Equal("[2001:db8::10]", unambiguous.RequestUri.Host);
        Assert.Equal(5070, unambiguous.RequestUri.Port);

        var delim = SipParser.Parse(TortureRunner.Load("rfc5118", "via-received-param-with-delim")).Message!;
        Assert.Equal("[2001:db8::9:255]", delim.TopVia!.Received);
        var noDelim = SipParser.Parse(TortureRunner.Load("rfc5118", "via-received-param-no-delim")).Message!;
        Assert.Equal("2001:db8::9:255", noDelim.TopVia!.Received);

        var multi = SipParser.Parse(TortureRunner.Load("rfc5118", "mult-ip-in-header")).Message!;
        Assert.Equal(6050, multi.Vias[0].Port);
        Assert.Equal("192.0.2.200", multi.Vias[2].Received);

        var mapped = SipParser.Parse(TortureRunner.Load("rfc5118", "ipv4-mapped-ipv6")).Message!;
        Assert.Equal("[::ffff:192.0.2.10]", mapped.Vias[0].Host);
        Assert.Equal(19823, mapped.Vias[0].Port);

        var threeColons = (SipRequest)SipParser.Parse(TortureRunner.Load("rfc5118", "ipv6-bug-abnf-3-colons")).Message!;
        Assert.Equal("[2001:db8:::192.0.2.1]", threeColons.RequestUri.Host);
    }

    [Fact]
    public void Ipv6_in_sdp_is_valid_once_its_length_is_right()
    {
        var text = Encoding.UTF8.GetString(TortureRunner.Load("rfc5118", "ipv6-in-sdp"));
        var bodyLength = Encoding.UTF8.GetByteCount(text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
        Assert.Equal(251, bodyLength);
        var fixedUp = Encoding.UTF8.GetBytes(text.Replace("Content-Length: 268", "Content-Length: 251", StringComparison.Ordinal));
        var (verdict, parse, _) = TortureRunner.Run(fixedUp);
        Assert.Equal(TortureVerdict.Valid, verdict);
        Assert.Contains("c=IN IP6 2001:db8::20", Encoding.UTF8.GetString(parse.Message!.Body.Span), StringComparison.Ordinal);
    }
}
