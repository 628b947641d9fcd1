using Tolk.Sip.Message;

namespace Tolk.Sip.Tests.Message;

public sealed class SipAddressTests
{
    [Theory]
    [InlineData("\"Alice\" <sip:alice@a.example>;tag=1", "Alice", "sip:alice@a.example", "1")]
    [InlineData("Alice Smith <sip:alice@a.example>", "Alice Smith", "sip:alice@a.example", null)]
    [InlineData("\"caller\"<sip:c@example.com>;tag=323", "caller", "sip:c@example.com", "323")]
    [InlineData("caller<sip:c@example.com>", "caller", "sip:c@example.com", null)]
    [InlineData("sip:bob@b.example;tag=xyz", null, "sip:bob@b.example", "xyz")]
    [InlineData("<sip:bob@b.example;transport=tcp>;tag=xyz", null, "sip:bob@b.example;transport=tcp", "xyz")]
    [InlineData("\"\\\"q\\\" \\\\\" <tel:+4912345>", "\"q\" \\", "tel:+4912345", null)]
    [InlineData("<sip:[2001:db8::1]:5060>", null, "sip:[2001:db8::1]:5060", null)]
    public void Name_addr_and_addr_spec(string text, string? display, string uri, string? tag)
    {
        Assert.True(SipNameAddress.TryParse(text, out var na));
        Assert.Equal(display, na.DisplayName);
        Assert.Equal(uri, na.Uri.ToString());
        Assert.Equal(tag, na.Tag);
        Assert.True(SipNameAddress.TryParse(na.ToString(), out var again));
        Assert.Equal(na.ToString(), again.ToString());
    }

    [Theory]
    [InlineData("\"unbalanced <sip:a@b>")]
    [InlineData("Bell, Alexander <sip:a@b>")]
    [InlineData("< sip:a@b >")]
    [InlineData("<sip:a@b")]
    [InlineData("sip:a@b?x=y")]
    [InlineData("")]
    [InlineData("<>")]
    public void Invalid_addresses_fail_cleanly(string text) => Assert.False(SipNameAddress.TryParse(text, out _));

    [Fact]
    public void Wildcard_contact() => Assert.True(SipNameAddress.TryParse(" * ", out var w) && w.IsWildcard);

    [Theory]
    [InlineData("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa;rport", "UDP", "192.0.2.1", 5060)]
    [InlineData("SIP / 2.0 / tcp  host.example ; branch = z9hG4bKb", "TCP", "host.example", null)]
    [InlineData("SIP/2.0/TLS [2001:db8::9:1]:5061;received=[2001:db8::2]", "TLS", "[2001:db8::9:1]", 5061)]
    [InlineData("SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK", "WSS", "df7jal23ls0d.invalid", null)]
    public void Via_values(string text, string transport, string host, int? port)
    {
        Assert.True(SipVia.TryParse(text, out var via));
        Assert.Equal(transport, via.Transport);
        Assert.Equal(host, via.Host);
        Assert.Equal(port, via.Port);
        Assert.True(SipVia.TryParse(via.ToString(), out var again));
        Assert.Equal(via.ToString(), again.ToString());
    }

    [Theory]
    [InlineData("SIP/2.0 host")]
    [InlineData("SIP/2.0/UDP")]
    [InlineData("SIP/2.0/UDP 192.0.2.15;;,;,,")]
    [InlineData("SIP/2.0/UDP [::1")]
    [InlineData("SIP/2.0/UDP host:0")]
    public void Invalid_vias_fail(string text) => Assert.False(SipVia.TryParse(text, out _));

    [Fact]
    public void Via_rport_and_received_can_be_set()
    {
        Assert.True(SipVia.TryParse("SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1;rport", out var via));
        Assert.Null(via.RPort);
        via.RPort = 40000;
        via.Received = "203.0.113.9";
        Assert.Equal("SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1;rport=40000;received=203.0.113.9", via.ToString());
    }
}
