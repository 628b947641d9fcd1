using System.Buffers;
using System.Text;
using Tolk.Sip.Message;

namespace Tolk.Sip.Tests.Message;

public sealed class SipStreamFramerTests
{
    private static ReadOnlySequence<byte> Seq(string s) => new(Encoding.UTF8.GetBytes(s));

    [Fact]
    public void Cuts_back_to_back_messages_by_content_length()
    {
        var buffer = Seq(SampleMessages.Invite + SampleMessages.Ok + "\r\n\r\n" + "\r\n");
        Assert.Equal(SipFrameKind.Message, SipStreamFramer.TryRead(ref buffer, SipParserLimits.Default, out var first, out _));
        Assert.True(SipParser.Parse(first.ToArray(), isStream: true).IsValid);
        Assert.Equal(SipFrameKind.Message, SipStreamFramer.TryRead(ref buffer, SipParserLimits.Default, out var second, out _));
        Assert.IsType<SipResponse>(SipParser.Parse(second.ToArray(), isStream: true).Message);
        Assert.Equal(SipFrameKind.KeepAlivePing, SipStreamFramer.TryRead(ref buffer, SipParserLimits.Default, out _, out _));
        Assert.Equal(SipFrameKind.NeedMoreData, SipStreamFramer.TryRead(ref buffer, SipParserLimits.Default, out _, out _));
    }

    [Fact]
    public void Waits_for_the_whole_body_byte_by_byte()
    {
        var bytes = SampleMessages.InviteBytes;
        for (var cut = 0; cut < bytes.Length; cut += 37)
        {
            var partial = new ReadOnlySequence<byte>(bytes, 0, cut);
            Assert.Equal(SipFrameKind.NeedMoreData, SipStreamFramer.TryRead(ref partial, SipParserLimits.Default, out _, out _));
        }
        var whole = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(SipFrameKind.Message, SipStreamFramer.TryRead(ref whole, SipParserLimits.Default, out var frame, out _));
        Assert.Equal(bytes.Length, frame.Length);
    }

    [Theory]
    [InlineData("OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n\r\n", 400)]
    [InlineData("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: -1\r\n\r\n", 400)]
    [InlineData("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 2\r\nl: 3\r\n\r\n", 400)]
    [InlineData("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 9999999\r\n\r\n", 513)]
    public void Unframeable_streams_are_errors(string text, int status)
    {
        var buffer = Seq(text);
        Assert.Equal(SipFrameKind.Error, SipStreamFramer.TryRead(ref buffer, SipParserLimits.Default, out _, out var errorStatus));
        Assert.Equal(status, errorStatus);
    }

    [Fact]
    public void Compact_length_and_oversized_heads()
    {
        var buffer = Seq("MESSAGE sip:a@b SIP/2.0\r\nl : 2\r\n\r\nhiNEXT");
        Assert.Equal(SipFrameKind.Message, SipStreamFramer.TryRead(ref buffer, SipParserLimits.Default, out var frame, out _));
        Assert.EndsWith("hi", Encoding.ASCII.GetString(frame.ToArray()), StringComparison.Ordinal);
        var huge = Seq("OPTIONS sip:a@b SIP/2.0\r\nX: " + new string('a', 20_000));
        Assert.Equal(SipFrameKind.Error, SipStreamFramer.TryRead(ref huge, SipParserLimits.Default, out _, out var status));
        Assert.Equal(513, status);
    }

    [Fact]
    public void Crlf_keepalives()
    {
        var pong = Seq("\r\n");
        Assert.Equal(SipFrameKind.NeedMoreData, SipStreamFramer.TryRead(ref pong, SipParserLimits.Default, out _, out _));
        var pongThenMessage = Seq("\r\nOPTIONS");
        Assert.Equal(SipFrameKind.KeepAlivePong, SipStreamFramer.TryRead(ref pongThenMessage, SipParserLimits.Default, out _, out _));
        Assert.Equal("OPTIONS", Encoding.ASCII.GetString(pongThenMessage.ToArray()));
    }
}
