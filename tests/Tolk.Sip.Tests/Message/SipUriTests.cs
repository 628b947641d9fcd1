using Tolk.Sip.Message;

namespace Tolk.Sip.Tests.Message;

public sealed class SipUriTests
{
    [Theory]
    [InlineData("sip:alice@atlanta.com", "alice", "atlanta.com", null)]
    [InlineData("SIP:alice:secret@atlanta.com:5070;transport=tcp", "alice", "atlanta.com", 5070)]
    [InlineData("sips:[2001:db8::10]:5061", null, "[2001:db8::10]", 5061)]
    [InlineData("sip:+1-212-555-1212:1234@gateway.com;user=phone", "+1-212-555-1212", "gateway.com", null)]
    [InlineData("sip:user;par=u%40example.net@example.com", "user;par=u%40example.net", "example.com", null)]
    [InlineData("sip:[2001:db8:::192.0.2.1]", null, "[2001:db8:::192.0.2.1]", null)]
    [InlineData("sip:[::ffff:192.0.2.2]", null, "[::ffff:192.0.2.2]", null)]
    public void Sip_uris(string text, string? user, string host, int? port)
    {
        Assert.True(SipUri.TryParse(text, out var uri));
        Assert.Equal(user, uri.User);
        Assert.Equal(host, uri.Host);
        Assert.Equal(port, uri.Port);
        Assert.True(uri.IsSip);
        Assert.True(SipUri.TryParse(uri.ToString(), out var again));
        Assert.Equal(uri.ToString(), again.ToString());
    }

    [Theory]
    [InlineData("sip:2001:db8::10")]
    [InlineData("sip:a@[2001:db8::zz]")]
    [InlineData("sip:a@b:65536")]
    [InlineData("sip:a@b:")]
    [InlineData("sip:%G1@b")]
    [InlineData("sip:a b@c")]
    [InlineData("sip:")]
    [InlineData(":nothing")]
    [InlineData("1sip:a@b")]
    [InlineData("sip:a@-host")]
    public void Invalid_uris_fail(string text) => Assert.False(SipUri.TryParse(text, out _));

    [Fact]
    public void Other_schemes_stay_opaque()
    {
        Assert.True(SipUri.TryParse("tel:+4930123456;phone-context=+49", out var tel));
        Assert.Equal("tel", tel.Scheme);
        Assert.False(tel.IsSip);
        Assert.Equal("tel:+4930123456;phone-context=+49", tel.ToString());
        Assert.True(SipUri.TryParse("soap.beep://192.0.2.103:3002", out var beep));
        Assert.Equal("soap.beep", beep.Scheme);
    }

    [Fact]
    public void Escapes_decode_as_utf8()
    {
        Assert.Equal("sips:user@example.com", SipUri.Parse("sip:sips%3Auser%40example.com@example.net").UserUnescaped);
        Assert.Equal("Jürgen", SipUri.Parse("sip:J%C3%BCrgen@example.net").UserUnescaped);
        Assert.Equal("lr", SipUri.Parse("sip:h;lr").LooseRouting ? "lr" : "");
        Assert.Equal("tcp", SipUri.Parse("sip:h;TRANSPORT=TCP").Transport);
    }
}
