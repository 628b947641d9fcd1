using System.Net;
using Tolk.Sip.Message;
using Tolk.Sip.Transport;

namespace Tolk.Sip.Tests.Transport;

public sealed class ResponseRoutingTests
{
    private static SipInboundMessage Origin(SipTransportKind kind, string source, string? connectionId = null) =>
        new(new SipRequest("OPTIONS", SipUri.Parse("sip:x@tolk.test")),
            new SipEndPoint(kind, IPEndPoint.Parse(source)),
            new SipEndPoint(kind, IPEndPoint.Parse("127.0.0.1:5060")),
            connectionId);

    private static SipVia Via(string text) => SipVia.TryParse(text, out var v) ? v : throw new FormatException(text);

    [Fact]
    public void UDP_with_rport_goes_to_the_source_address_and_port()
    {
        var d = SipResponseRouting.ResolveResponseDestination(Via("SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1;received=203.0.113.9;rport=40000"), Origin(SipTransportKind.Udp, "203.0.113.9:40000"))!;
        Assert.Equal(IPEndPoint.Parse("203.0.113.9:40000"), d.Remote.EndPoint);
        Assert.Null(d.ConnectionId);
    }

    [Fact]
    public void UDP_without_rport_goes_to_received_and_the_sent_by_port_or_5060()
    {
        var withPort = SipResponseRouting.ResolveResponseDestination(Via("SIP/2.0/UDP phone.test:5070;branch=z9hG4bK1;received=203.0.113.9"), Origin(SipTransportKind.Udp, "203.0.113.9:40000"))!;
        Assert.Equal(IPEndPoint.Parse("203.0.113.9:5070"), withPort.Remote.EndPoint);
        var noPort = SipResponseRouting.ResolveResponseDestination(Via("SIP/2.0/UDP phone.test;branch=z9hG4bK1"), Origin(SipTransportKind.Udp, "203.0.113.9:40000"))!;
        Assert.Equal(IPEndPoint.Parse("203.0.113.9:5060"), noPort.Remote.EndPoint);
    }

    [Fact]
    public void Maddr_wins_over_received()
    {
        var d = SipResponseRouting.ResolveResponseDestination(Via("SIP/2.0/UDP phone.test:5062;branch=z9hG4bK1;maddr=239.1.1.1"), Origin(SipTransportKind.Udp, "203.0.113.9:40000"))!;
        Assert.Equal(IPEndPoint.Parse("239.1.1.1:5062"), d.Remote.EndPoint);
    }

    [Fact]
    public void Reliable_transport_answers_over_the_request_connection()
    {
        var d = SipResponseRouting.ResolveResponseDestination(Via("SIP/2.0/TLS phone.test;branch=z9hG4bK1"), Origin(SipTransportKind.Tls, "[2001:db8::9]:50000", "tls-7"))!;
        Assert.Equal("tls-7", d.ConnectionId);
        Assert.Equal(SipTransportKind.Tls, d.Remote.Transport);
        Assert.Equal(IPEndPoint.Parse("[2001:db8::9]:50000"), d.Remote.EndPoint);
    }

    [Fact]
    public void Without_an_origin_the_Via_alone_is_used()
    {
        var d = SipResponseRouting.ResolveResponseDestination(Via("SIP/2.0/TLS [2001:db8::1];branch=z9hG4bK1"), origin: null)!;
        Assert.Equal(IPEndPoint.Parse("[2001:db8::1]:5061"), d.Remote.EndPoint);
        Assert.Equal(SipTransportKind.Tls, d.Remote.Transport);
        Assert.Null(SipResponseRouting.ResolveResponseDestination(Via("SIP/2.0/UDP needs-dns.test;branch=z9hG4bK1"), origin: null));
    }

    [Theory]
    [InlineData("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1", "198.51.100.2:5060", "198.51.100.2", null)]
    [InlineData("SIP/2.0/UDP 198.51.100.2:5060;branch=z9hG4bK1", "198.51.100.2:5060", null, null)]
    [InlineData("SIP/2.0/UDP 198.51.100.2:5060;branch=z9hG4bK1;rport", "198.51.100.2:6000", "198.51.100.2", 6000)]
    [InlineData("SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK1", "[2001:db8::1]:5060", null, null)]
    [InlineData("SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK1", "[2001:db8::2]:5060", "2001:db8::2", null)]
    public void Received_and_rport_are_stamped_per_RFC_3261_and_3581(string via, string source, string? received, int? rport)
    {
        var request = new SipRequest("OPTIONS", SipUri.Parse("sip:x@tolk.test"));
        request.Headers.Add("Via", via);
        request.Headers.Add("Via", "SIP/2.0/UDP proxy.test;branch=z9hG4bK2");

        Assert.True(SipResponseRouting.StampReceived(request, IPEndPoint.Parse(source)));

        var top = request.TopVia!;
        Assert.Equal(received, top.Received);
        Assert.Equal(rport, top.RPort);
        Assert.Equal(2, request.Vias.Count);
        Assert.Equal("proxy.test", request.Vias[1].Host);
    }
}
