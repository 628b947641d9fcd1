using Tolk.Media.Dtmf;

namespace Tolk.Media.Tests.Dtmf;

public class TelephoneEventTests
{
    private static List<TelephoneEventPacket> Send(char digit, int ms, uint ts)
    {
        var sender = new TelephoneEventSender();
        Assert.True(sender.Begin(digit, TimeSpan.FromMilliseconds(ms), ts));
        var packets = new List<TelephoneEventPacket>();
        while (sender.TryNext(out var p))
        {
            packets.Add(p);
        }

        return packets;
    }

    [Fact]
    public void Sender_emits_start_continuations_and_three_ends()
    {
        var packets = Send('5', 100, 1000);
        Assert.Equal(5 + 2, packets.Count); // 5 x 20 ms, the last one an end, plus 2 repeats
        Assert.True(packets[0].Marker);
        Assert.All(packets.Skip(1), p => Assert.False(p.Marker));
        Assert.All(packets, p => Assert.Equal(1000u, p.Timestamp));
        Assert.Equal([160, 320, 480, 640, 800, 800, 800], packets.Select(p => (int)p.Payload.Duration));
        Assert.Equal([false, false, false, false, true, true, true], packets.Select(p => p.Payload.End));
        Assert.All(packets, p => Assert.Equal(5, p.Payload.Event));
    }

    [Fact]
    public void Payload_wire_format_matches_rfc_4733()
    {
        var buffer = new byte[4];
        Assert.True(new TelephoneEventPayload(11, true, 10, 0x0320).TryWrite(buffer));
        Assert.Equal(new byte[] { 11, 0x8A, 0x03, 0x20 }, buffer);
        Assert.True(TelephoneEventPayload.TryParse(buffer, out var back));
        Assert.Equal('#', TelephoneEventPayload.ToDigit(back.Event));
        Assert.False(TelephoneEventPayload.TryParse(buffer.AsSpan(0, 3), out _));
    }

    [Fact]
    public void Receiver_reports_each_digit_once_with_duration()
    {
        var receiver = new TelephoneEventReceiver();
        var digits = new List<DtmfDigit>();
        var buffer = new byte[4];
        var completed = new DtmfDigit[2];
        uint ts = 0;
        foreach (var c in "123#")
        {
            foreach (var p in Send(c, 120, ts))
            {
                p.Payload.TryWrite(buffer);
                var n = receiver.Process(p.Timestamp, buffer, completed);
                digits.AddRange(completed.Take(n));
            }

            ts += 2000;
        }

        Assert.Equal("123#", new string(digits.Select(d => d.Digit).ToArray()));
        Assert.All(digits, d => Assert.Equal(120, d.Duration.TotalMilliseconds, 1));
    }

    [Fact]
    public void Receiver_survives_lost_end_packets_and_reordering()
    {
        var receiver = new TelephoneEventReceiver();
        var buffer = new byte[4];
        var completed = new DtmfDigit[2];
        var digits = new List<DtmfDigit>();
        // First event: all three end packets lost.
        foreach (var p in Send('7', 100, 0).Where(p => !p.Payload.End))
        {
            p.Payload.TryWrite(buffer);
            digits.AddRange(completed.Take(receiver.Process(p.Timestamp, buffer, completed)));
        }

        Assert.Empty(digits);
        // Second event, delivered with two packets swapped.
        var second = Send('9', 60, 5000);
        (second[1], second[2]) = (second[2], second[1]);
        foreach (var p in second)
        {
            p.Payload.TryWrite(buffer);
            digits.AddRange(completed.Take(receiver.Process(p.Timestamp, buffer, completed)));
        }

        Assert.Equal("79", new string(digits.Select(d => d.Digit).ToArray()));
        Assert.Equal(80, digits[0].Duration.TotalMilliseconds, 1); // last duration seen before the loss
        Assert.Equal(60, digits[1].Duration.TotalMilliseconds, 1);
        Assert.False(receiver.Flush(out _));
    }

    [Fact]
    public void Unknown_digits_are_refused()
    {
        Assert.False(new TelephoneEventSender().Begin('x', TimeSpan.FromMilliseconds(100), 0));
        Assert.True(TelephoneEventPayload.TryGetEventCode('d', out var code));
        Assert.Equal(15, code);
    }
}
