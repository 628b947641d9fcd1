using Tolk.Sip.Message;

namespace Tolk.Sip.Tests.Message;

public sealed class SipResponseTests
{
    private static SipRequest Request(string extra = "") => (SipRequest)SipParser.Parse(System.Text.Encoding.UTF8.GetBytes(
        "INVITE sip:b@example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1\r\n" +
        "Via: SIP/2.0/UDP p2.example.com;branch=z9hG4bK2, SIP/2.0/UDP ua.example.com;branch=z9hG4bK3\r\n" +
        "From: <sip:a@example.com>;tag=f1\r\n" +
        "To: \"B\" <sip:b@example.com>\r\n" +
        "Call-ID: call-1\r\n" +
        "CSeq: 7 INVITE\r\n" +
        "Timestamp: 54.3\r\n" +
        "Contact: <sip:a@ua.example.com>\r\n" +
        "Max-Forwards: 69\r\n" + extra +
        "Content-Length: 0\r\n\r\n")).Message!;

    [Fact]
    public void Create_for_copies_the_transaction_headers_in_order()
    {
        var response = SipResponse.CreateFor(Request(), 486, toTag: "t9");
        Assert.Equal("Busy Here", response.ReasonPhrase);
        Assert.Equal(["p1.example.com", "p2.example.com", "ua.example.com"], response.Vias.Select(v => v.Host));
        Assert.Equal("f1", response.From!.Tag);
        Assert.Equal("t9", response.To!.Tag);
        Assert.Equal("B", response.To.DisplayName);
        Assert.Equal("call-1", response.CallId);
        Assert.Equal("7 INVITE", response.CSeq!.ToString());
        Assert.Null(response.Headers[SipHeaderNames.Contact]);
        Assert.Null(response.Headers[SipHeaderNames.MaxForwards]);
        Assert.Null(response.Headers[SipHeaderNames.Timestamp]);
    }

    [Fact]
    public void A_response_that_establishes_a_dialog_carries_the_record_route_in_order()
    {
        var request = Request("Record-Route: <sip:sbc.example.com;lr;ftag=f1>, <sip:edge.example.com;transport=tcp;lr>\r\nRecord-Route: <sip:core.example.com;lr>\r\n");
        string[] routes = ["<sip:sbc.example.com;lr;ftag=f1>", "<sip:edge.example.com;transport=tcp;lr>", "<sip:core.example.com;lr>"];

        Assert.Equal(routes, SipResponse.CreateFor(request, 200, toTag: "t9").Headers.GetValues(SipHeaderNames.RecordRoute));
        Assert.Equal(routes, SipResponse.CreateFor(request, 180, toTag: "t9").Headers.GetValues(SipHeaderNames.RecordRoute)); // early dialog
        Assert.Empty(SipResponse.CreateFor(request, 100).Headers.GetValues(SipHeaderNames.RecordRoute));
        Assert.Empty(SipResponse.CreateFor(request, 486, toTag: "t9").Headers.GetValues(SipHeaderNames.RecordRoute));
    }

    [Fact]
    public void Trying_echoes_timestamp_and_has_no_to_tag()
    {
        var trying = SipResponse.CreateFor(Request(), 100, toTag: "t9");
        Assert.Equal("54.3", trying.Headers[SipHeaderNames.Timestamp]);
        Assert.Null(trying.To!.Tag);
    }

    [Fact]
    public void Existing_to_tag_is_kept()
    {
        var request = Request();
        request.Headers.Set(SipHeaderNames.To, "<sip:b@example.com>;tag=already");
        Assert.Equal("already", SipResponse.CreateFor(request, 200, toTag: "new").To!.Tag);
    }

    [Fact]
    public void Response_round_trips()
    {
        var response = SipResponse.CreateFor(Request(), 180, toTag: "x");
        var again = (SipResponse)SipParser.Parse(response.ToBytes()).Message!;
        Assert.Equal(180, again.StatusCode);
        Assert.Equal("Ringing", again.ReasonPhrase);
        Assert.Equal(3, again.Vias.Count);
    }
}
