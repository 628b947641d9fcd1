using System.Text;
using Tolk.Sip.Message;

namespace Tolk.Sip.Tests.Message;

public sealed class SipParserTests
{
    private static SipParseResult Parse(string text, SipParserLimits? limits = null, bool isStream = false) =>
        SipParser.Parse(Encoding.UTF8.GetBytes(text), limits, isStream);

    [Fact]
    public void Typical_invite_parses_with_typed_accessors()
    {
        var result = SipParser.Parse(SampleMessages.InviteBytes);
        Assert.True(result.IsValid, result.ErrorReason);
        var request = Assert.IsType<SipRequest>(result.Message);
        Assert.Equal(SipMethods.Invite, request.Method);
        Assert.Same(SipMethods.Invite, request.Method);
        Assert.Equal("5000", request.RequestUri.User);
        Assert.Equal("conf.tolk.test", request.RequestUri.Host);
        Assert.Equal(70, request.MaxForwards);
        Assert.Equal(314159u, request.CSeq!.Number);
        Assert.Equal("Alice", request.From!.DisplayName);
        Assert.Equal("1928301774", request.From.Tag);
        Assert.Null(request.To!.Tag);
        Assert.Equal("z9hG4bK776asdhds", request.TopVia!.Branch);
        Assert.True(request.TopVia.HasRPort);
        Assert.True(request.TopVia.IsRfc3261Branch);
        Assert.Equal(9, request.Headers.GetValues(SipHeaderNames.Allow).Count());
        Assert.True(request.HasOptionTag(SipHeaderNames.Supported, "TIMER"));
        Assert.Equal(SampleMessages.Sdp, Encoding.ASCII.GetString(request.Body.Span));
    }

    [Theory]
    [InlineData("v", SipHeaderNames.Via)]
    [InlineData("f", SipHeaderNames.From)]
    [InlineData("t", SipHeaderNames.To)]
    [InlineData("i", SipHeaderNames.CallId)]
    [InlineData("m", SipHeaderNames.Contact)]
    [InlineData("l", SipHeaderNames.ContentLength)]
    [InlineData("c", SipHeaderNames.ContentType)]
    [InlineData("e", SipHeaderNames.ContentEncoding)]
    [InlineData("k", SipHeaderNames.Supported)]
    [InlineData("s", SipHeaderNames.Subject)]
    [InlineData("o", SipHeaderNames.Event)]
    [InlineData("r", SipHeaderNames.ReferTo)]
    [InlineData("x", SipHeaderNames.SessionExpires)]
    [InlineData("b", SipHeaderNames.ReferredBy)]
    public void Compact_forms_are_the_same_header(string compact, string canonical)
    {
        var text = "OPTIONS sip:a@b SIP/2.0\r\n" + compact.ToUpperInvariant() + " : value-1\r\n\r\n";
        var message = Parse(text).Message!;
        Assert.Equal("value-1", message.Headers[canonical]);
        Assert.Equal("value-1", message.Headers[compact]);
        Assert.Equal(canonical, message.Headers.Single().Name);
    }

    [Fact]
    public void Folded_lines_unfold_to_a_single_space()
    {
        var m = Parse("OPTIONS sip:a@b SIP/2.0\r\nSubject: one  \r\n   two\r\n\tthree\r\nX-Empty:\r\n\r\n").Message!;
        Assert.Equal("one two three", m.Headers[SipHeaderNames.Subject]);
        Assert.Equal("", m.Headers["X-Empty"]);
    }

    [Fact]
    public void Several_lines_and_comma_lists_are_equivalent()
    {
        var m = Parse("OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/TCP b;branch=z9hG4bK2\r\nVia: SIP/2.0/TLS [2001:db8::1]:5061;branch=z9hG4bK3\r\n\r\n").Message!;
        Assert.Equal(["a", "b", "[2001:db8::1]"], m.Vias.Select(v => v.Host));
        Assert.Equal(2, m.Headers.CountOf("v"));
        Assert.Equal(5061, m.Vias[2].Port);
        m.Headers.RemoveFirstValue(SipHeaderNames.Via);
        Assert.Equal(["b", "[2001:db8::1]"], m.Vias.Select(v => v.Host));
    }

    [Theory]
    [InlineData("OPTIONS  sip:a@b SIP/2.0", 400)]
    [InlineData("OPTIONS sip:a@b SIP/2.0 ", 400)]
    [InlineData("OPTIONS sip:a@b", 400)]
    [InlineData("OPTIONS sip:a@b SIP/3.0", 505)]
    [InlineData("OPTIONS sip:a@b HTTP/1.1", 400)]
    [InlineData("OPTIONS <sip:a@b> SIP/2.0", 400)]
    [InlineData("OPTIONS sip:[::1 SIP/2.0", 400)]
    [InlineData("OPTIONS sip:a@b:99999 SIP/2.0", 400)]
    public void Bad_request_lines_are_answered_with_the_headers_kept(string startLine, int status)
    {
        var result = Parse(startLine + "\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\nCall-ID: c\r\n\r\n");
        Assert.Equal(status, result.ErrorStatus);
        var request = Assert.IsType<SipRequest>(result.Message);
        Assert.Equal("c", request.CallId);
    }

    [Theory]
    [InlineData("SIP/2.0 20 OK")]
    [InlineData("SIP/2.0 2000 OK")]
    [InlineData("SIP/2.0 099 Low")]
    [InlineData("SIP/3.0 200 OK")]
    [InlineData("SIP/2.0 abc OK")]
    [InlineData("<html>")]
    public void Bad_status_lines_are_dropped(string startLine)
    {
        var result = Parse(startLine + "\r\nVia: SIP/2.0/UDP h\r\n\r\n");
        Assert.Equal(0, result.ErrorStatus);
        Assert.Null(result.Message);
    }

    [Fact]
    public void Leading_crlf_is_ignored_and_empty_input_dropped()
    {
        Assert.True(Parse("\r\n\r\n" + SampleMessages.Ok).IsValid);
        var empty = Parse("\r\n\r\n");
        Assert.Null(empty.Message);
        Assert.Equal(0, empty.ErrorStatus);
    }

    [Fact]
    public void Limits_bound_head_size_header_count_and_message_size()
    {
        var limits = new SipParserLimits { MaxHeadBytes = 512, MaxHeaderCount = 5, MaxMessageBytes = 300 };
        Assert.Equal(513, SipParser.Parse(SampleMessages.InviteBytes, limits).ErrorStatus);
        var many = "OPTIONS sip:a@b SIP/2.0\r\n" + string.Concat(Enumerable.Repeat("X-A: 1\r\n", 6)) + "\r\n";
        Assert.Equal(513, Parse(many, limits).ErrorStatus);
        var big = "OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 400\r\n\r\n" + new string('x', 400);
        Assert.Equal(513, Parse(big, limits).ErrorStatus);
        Assert.Equal(513, Parse("OPTIONS sip:a@b SIP/2.0\r\nX: " + new string('a', 20_000), SipParserLimits.Default).ErrorStatus);
    }

    [Fact]
    public void Content_length_rules()
    {
        const string head = "MESSAGE sip:a@b SIP/2.0\r\n";
        Assert.Equal("abc", Encoding.ASCII.GetString(Parse(head + "l: 3\r\n\r\nabcdef").Message!.Body.Span));
        Assert.Equal(400, Parse(head + "Content-Length: 10\r\n\r\nabc").ErrorStatus);
        Assert.Equal(400, Parse(head + "Content-Length: 3\r\nl: 4\r\n\r\nabcd").ErrorStatus);
        Assert.True(Parse(head + "Content-Length: 3\r\nl: 3\r\n\r\nabc").IsValid);
        Assert.Equal(400, Parse(head + "Content-Length: +3\r\n\r\nabc").ErrorStatus);
        Assert.Equal("abcdef", Encoding.ASCII.GetString(Parse(head + "\r\nabcdef").Message!.Body.Span));
        Assert.Equal(400, Parse(head + "\r\nabcdef", isStream: true).ErrorStatus);
    }

    [Fact]
    public void Body_bytes_pass_through_unchanged()
    {
        byte[] body = [0, 1, 2, 0xFF, 0xFE, (byte)'\r', (byte)'\n', (byte)'\r', (byte)'\n', 0x80];
        var head = Encoding.ASCII.GetBytes("MESSAGE sip:a@b SIP/2.0\r\nContent-Type: application/octet-stream\r\nContent-Length: 10\r\n\r\n");
        var m = SipParser.Parse([.. head, .. body]).Message!;
        Assert.Equal(body, m.Body.ToArray());
        Assert.Equal(body, SipParser.Parse(m.ToBytes()).Message!.Body.ToArray());
    }

    [Fact]
    public void Utf8_headers_decode_and_invalid_utf8_is_rejected()
    {
        var m = Parse("OPTIONS sip:a@b SIP/2.0\r\nFrom: \"Jürgen Ørsted 日本\" <sip:j@b>;tag=1\r\n\r\n").Message!;
        Assert.Equal("Jürgen Ørsted 日本", m.From!.DisplayName);
        var bad = SipParser.Parse([.. "OPTIONS sip:a@b SIP/2.0\r\nSubject: "u8, 0xC3, 0x28, .. "\r\n\r\n"u8]);
        Assert.Equal(400, bad.ErrorStatus);
    }

    [Fact]
    public void Header_lines_without_colon_or_with_bad_names_are_400()
    {
        Assert.Equal(400, Parse("OPTIONS sip:a@b SIP/2.0\r\nJust words\r\n\r\n").ErrorStatus);
        Assert.Equal(400, Parse("OPTIONS sip:a@b SIP/2.0\r\nBad Name: x\r\n\r\n").ErrorStatus);
        Assert.Equal(400, Parse("OPTIONS sip:a@b SIP/2.0\r\n : x\r\n\r\n").ErrorStatus);
    }

    [Fact]
    public void Built_message_round_trips()
    {
        var request = new SipRequest(SipMethods.Invite, SipUri.Parse("sips:bob@[2001:db8::5]:5061;transport=tls"));
        request.Headers.Add(SipHeaderNames.Via, "SIP/2.0/TLS 192.0.2.1;branch=z9hG4bKabc");
        request.Headers.Add("f", "\"A \\\"q\\\"\" <sip:a@b>;tag=9");
        request.Headers.Add(SipHeaderNames.To, "<sips:bob@[2001:db8::5]>");
        request.Headers.Add(SipHeaderNames.CallId, "x@y");
        request.Headers.Add(SipHeaderNames.CSeq, "1 INVITE");
        request.Headers.Add(SipHeaderNames.ContentLength, "999");
        request.Body = "hello"u8.ToArray();
        var again = SipParser.Parse(request.ToBytes());
        Assert.True(again.IsValid, again.ErrorReason);
        var copy = (SipRequest)again.Message!;
        Assert.Equal("sips:bob@[2001:db8::5]:5061;transport=tls", copy.RequestUri.ToString());
        Assert.Equal("A \"q\"", copy.From!.DisplayName);
        Assert.Equal("5", copy.Headers[SipHeaderNames.ContentLength]);
        Assert.Equal("hello", Encoding.ASCII.GetString(copy.Body.Span));
    }
}
