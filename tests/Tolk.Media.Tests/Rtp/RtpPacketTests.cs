using Tolk.Media.Rtp;

namespace Tolk.Media.Tests.Rtp;

public class RtpPacketTests
{
    [Fact]
    public void Writes_and_parses_every_header_field()
    {
        var buffer = new byte[256];
        var header = new RtpHeader(PayloadType: 111, SequenceNumber: 65535, Timestamp: 0xDEADBEEF, Ssrc: 0x01020304, Marker: true);
        uint[] csrcs = [0xAABBCCDD, 0x11223344];
        byte[] extension = [1, 2, 3, 4, 5, 6, 7, 8];
        byte[] payload = [9, 8, 7, 6, 5];
        Assert.True(header.TryWrite(buffer, payload, out var written, csrcs, 0xBEDE, extension, hasExtension: true, padding: 3));
        Assert.Equal(12 + 8 + 4 + 8 + 5 + 3, written);

        Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, written), out var p));
        Assert.True(p.Marker);
        Assert.Equal(111, p.PayloadType);
        Assert.Equal(65535, p.SequenceNumber);
        Assert.Equal(0xDEADBEEFu, p.Timestamp);
        Assert.Equal(0x01020304u, p.Ssrc);
        Assert.Equal(2, p.CsrcCount);
        Assert.Equal(0x11223344u, p.GetCsrc(1));
        Assert.True(p.HasExtension);
        Assert.Equal(0xBEDE, p.ExtensionProfile);
        Assert.Equal(extension, p.ExtensionData.ToArray());
        Assert.True(p.HasPadding);
        Assert.Equal(3, p.PaddingLength);
        Assert.Equal(payload, p.Payload.ToArray());
    }

    [Fact]
    public void Parses_a_handmade_minimal_packet()
    {
        // V=2, no P/X/CC, M=0, PT=0 (PCMU), seq 0x1234, ts 0x00000100, SSRC 0xCAFEBABE, 2 payload bytes.
        byte[] bytes = [0x80, 0x00, 0x12, 0x34, 0x00, 0x00, 0x01, 0x00, 0xCA, 0xFE, 0xBA, 0xBE, 0xFF, 0x7F];
        Assert.True(RtpPacket.TryParse(bytes, out var p));
        Assert.False(p.Marker);
        Assert.Equal(0, p.PayloadType);
        Assert.Equal(0x1234, p.SequenceNumber);
        Assert.Equal(256u, p.Timestamp);
        Assert.Equal(0xCAFEBABEu, p.Ssrc);
        Assert.Equal(new byte[] { 0xFF, 0x7F }, p.Payload.ToArray());
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x80, 0x00, 0x00 })] // truncated fixed header
    [InlineData(new byte[] { 0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 })] // version 1
    [InlineData(new byte[] { 0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 })] // CC=1 but no CSRC
    [InlineData(new byte[] { 0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE })] // truncated extension header
    [InlineData(new byte[] { 0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0, 2, 1, 2, 3, 4 })] // extension longer than packet
    [InlineData(new byte[] { 0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 5, 0 })] // padding count 0
    [InlineData(new byte[] { 0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 5, 9 })] // padding beyond payload
    public void Rejects_malformed_packets(byte[] bytes)
    {
        Assert.False(RtpPacket.TryParse(bytes, out _));
    }

    [Fact]
    public void Random_garbage_never_throws()
    {
        var random = new Random(1234);
        var buffer = new byte[64];
        for (var i = 0; i < 100_000; i++)
        {
            var length = random.Next(buffer.Length + 1);
            random.NextBytes(buffer);
            if (RtpPacket.TryParse(buffer.AsSpan(0, length), out var p))
            {
                Assert.True(p.Payload.Length >= 0 && p.Payload.Length <= length - 12);
            }
        }
    }

    [Fact]
    public void Write_refuses_small_buffer_and_bad_arguments()
    {
        var header = new RtpHeader(0, 1, 2, 3);
        Assert.False(header.TryWrite(new byte[20], new byte[10], out _));
        Assert.False((header with { PayloadType = 128 }).TryWrite(new byte[100], new byte[10], out _));
        Assert.False(header.TryWrite(new byte[100], new byte[10], out _, extensionData: new byte[3], hasExtension: true));
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(201, true)]
    [InlineData(0, false)]
    [InlineData(111, false)]
    [InlineData(0x80 | 96, false)] // marker + PT 96 = 224, outside 192..223
    public void Demultiplexes_rtcp_by_second_octet(int second, bool rtcp)
    {
        Assert.Equal(rtcp, RtpPacket.LooksLikeRtcp([0x80, (byte)second, 0, 0]));
    }
}
