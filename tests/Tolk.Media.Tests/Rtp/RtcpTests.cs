using Tolk.Media.Rtcp;

namespace Tolk.Media.Tests.Rtp;

public class RtcpTests
{
    [Fact]
    public void Compound_sr_sdes_bye_round_trip()
    {
        var buffer = new byte[512];
        var info = new RtcpSenderInfo(RtcpSenderInfo.ToNtp(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)), 123456, 50, 8000);
        RtcpReportBlock[] blocks = [new(0xAAAA, 25, -3, 70000, 42, 0x12345678, 65536), new(0xBBBB, 0, 1000, 5, 0, 0, 0)];
        Assert.True(RtcpWriter.TryWriteSenderReport(buffer, 0x1111, info, blocks, out var n1));
        Assert.True(RtcpWriter.TryWriteSdesCname(buffer.AsSpan(n1), 0x1111, "tolk@example.test", out var n2));
        Assert.True(RtcpWriter.TryWriteBye(buffer.AsSpan(n1 + n2), [0x1111u], "hangup", out var n3));
        var compound = buffer.AsSpan(0, n1 + n2 + n3);
        Assert.True(RtcpCompoundReader.Validate(compound));

        var reader = new RtcpCompoundReader(compound);
        Assert.True(reader.MoveNext());
        Assert.Equal(RtcpPacketType.SenderReport, reader.Current.Type);
        Assert.Equal(0x1111u, reader.Current.Ssrc);
        Assert.True(reader.Current.TryGetSenderInfo(out var gotInfo));
        Assert.Equal(info, gotInfo);
        Assert.True(reader.Current.TryGetReportBlock(0, out var b0));
        Assert.Equal(blocks[0], b0);
        Assert.True(reader.Current.TryGetReportBlock(1, out var b1));
        Assert.Equal(blocks[1], b1);
        Assert.False(reader.Current.TryGetReportBlock(2, out _));

        Assert.True(reader.MoveNext());
        Assert.True(reader.Current.TryGetCname(out var ssrc, out var cname));
        Assert.Equal(0x1111u, ssrc);
        Assert.Equal("tolk@example.test", cname);

        Assert.True(reader.MoveNext());
        Assert.Equal(RtcpPacketType.Bye, reader.Current.Type);
        Assert.True(reader.Current.TryGetByeSsrc(0, out var byeSsrc));
        Assert.Equal(0x1111u, byeSsrc);
        Assert.Equal("hangup", reader.Current.GetByeReason());
        Assert.False(reader.MoveNext());
    }

    [Fact]
    public void Receiver_report_round_trip()
    {
        var buffer = new byte[64];
        Assert.True(RtcpWriter.TryWriteReceiverReport(buffer, 7, [new RtcpReportBlock(9, 255, 0x7FFFFF, 1, 2, 3, 4)], out var n));
        Assert.Equal(32, n);
        Assert.True(RtcpCompoundReader.Validate(buffer.AsSpan(0, n)));
        var reader = new RtcpCompoundReader(buffer.AsSpan(0, n));
        Assert.True(reader.MoveNext());
        Assert.True(reader.Current.TryGetReportBlock(0, out var block));
        Assert.Equal(0x7FFFFF, block.CumulativeLost);
        Assert.Equal(255, block.FractionLost);
    }

    [Fact]
    public void Ntp_conversion_matches_known_epoch_offset()
    {
        // 1970-01-01 is 2208988800 s after the NTP epoch.
        var ntp = RtcpSenderInfo.ToNtp(DateTimeOffset.UnixEpoch.AddMilliseconds(500));
        Assert.Equal(2208988800UL, ntp >> 32);
        Assert.Equal(0x80000000UL, ntp & 0xFFFFFFFF);
    }

    [Fact]
    public void Validation_rejects_bad_compounds()
    {
        var buffer = new byte[64];
        RtcpWriter.TryWriteSdesCname(buffer, 1, "x", out var n);
        Assert.False(RtcpCompoundReader.Validate(buffer.AsSpan(0, n))); // must start with SR/RR
        RtcpWriter.TryWriteReceiverReport(buffer, 1, [], out n);
        Assert.False(RtcpCompoundReader.Validate(buffer.AsSpan(0, n + 4))); // trailing bytes
        buffer[3] = 9; // length beyond buffer
        Assert.False(RtcpCompoundReader.Validate(buffer.AsSpan(0, 8)));
        var random = new Random(5);
        var junk = new byte[48];
        for (var i = 0; i < 20000; i++)
        {
            random.NextBytes(junk);
            junk[0] = 0x80;
            if (RtcpCompoundReader.Validate(junk))
            {
                var reader = new RtcpCompoundReader(junk);
                while (reader.MoveNext())
                {
                    reader.Current.TryGetReportBlock(0, out _);
                    reader.Current.TryGetCname(out _, out _);
                    _ = reader.Current.GetByeReason();
                }
            }
        }
    }

    [Fact]
    public void Round_trip_time_matches_rfc_3550_example()
    {
        // RFC 3550 §6.4.1, Figure 2: LSR 0xb705:2000 (46853.125 s), DLSR 0x0005:4000 (5.250 s),
        // arrival A = 0xb710:8000 (46864.500 s) → RTT 6.125 s.
        var block = new RtcpReportBlock(1, 0, 0, 0, 0, 0xB7052000, 0x00054000);
        Assert.Equal(TimeSpan.FromSeconds(6.125), block.RoundTripTime(0xB7108000));
        Assert.Null((block with { LastSenderReport = 0 }).RoundTripTime(0xB7108000));
        Assert.Null(block.RoundTripTime(0xB7050000)); // arrival before the SR: broken peer clock
    }
}
