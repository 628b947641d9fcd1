using Tolk.Media.Rtp;

namespace Tolk.Media.Tests.Rtp;

public class RtpReceiveStatsTests
{
    private const long Frequency = TimeSpan.TicksPerSecond;

    private static long At(double ms) => (long)(ms * TimeSpan.TicksPerMillisecond);

    [Fact]
    public void Probation_then_counts_in_order_packets()
    {
        var stats = new RtpReceiveStats(8000, Frequency);
        Assert.False(stats.Update(100, 0, At(0))); // first packet: probation
        Assert.True(stats.Update(101, 160, At(20)));
        Assert.True(stats.IsValid);
        for (ushort s = 102; s < 110; s++)
        {
            Assert.True(stats.Update(s, (uint)((s - 100) * 160), At((s - 100) * 20)));
        }

        Assert.Equal(9, stats.PacketsReceived);
        Assert.Equal(109u, stats.ExtendedHighestSequence);
        Assert.Equal(0, stats.PacketsLost);
        Assert.Equal(0u, stats.Jitter); // perfectly paced
    }

    [Fact]
    public void Extends_sequence_across_wrap_and_counts_loss()
    {
        var stats = new RtpReceiveStats(8000, Frequency);
        ushort seq = 65530;
        var n = 0;
        for (var i = 0; i < 20; i++, seq++)
        {
            if (i is 10 or 11 or 15)
            {
                continue; // lost
            }

            stats.Update(seq, (uint)(i * 160), At(i * 20));
            n++;
        }

        Assert.Equal(65530u + 19, stats.ExtendedHighestSequence); // one cycle plus seq 13
        Assert.Equal(3, stats.PacketsLost);
        stats.TakeIntervalLoss(out var fraction, out var cumulative);
        Assert.Equal(3, cumulative);
        // 3 lost of 19 expected after probation base → 3*256/19 = 40.
        Assert.Equal(3 * 256 / (int)stats.PacketsExpected, fraction);
        stats.TakeIntervalLoss(out fraction, out _);
        Assert.Equal(0, fraction); // new interval, nothing new
    }

    [Fact]
    public void Jitter_follows_the_rfc_estimator()
    {
        // Alternate arrival offsets of 0 and +10 ms: |D| = 80 timestamp units each time at 8 kHz.
        var stats = new RtpReceiveStats(8000, Frequency);
        double expected = 0;
        for (var i = 0; i < 200; i++)
        {
            var arrival = (i * 20.0) + (i % 2 == 0 ? 0 : 10);
            stats.Update((ushort)i, (uint)(i * 160), At(arrival));
            if (i >= 1)
            {
                expected += (80 - expected) / 16; // A.8
            }
        }

        Assert.InRange(stats.Jitter, (uint)expected - 1, (uint)expected + 1);
        Assert.InRange(stats.Jitter, 75u, 80u);
        Assert.InRange(stats.JitterTime.TotalMilliseconds, 9.3, 10.1);
    }

    [Fact]
    public void Large_jump_needs_confirmation()
    {
        var stats = new RtpReceiveStats(8000, Frequency);
        for (ushort s = 0; s < 5; s++)
        {
            stats.Update(s, s * 160u, At(s * 20));
        }

        Assert.False(stats.Update(30000, 0, At(120)));
        Assert.True(stats.Update(30001, 160, At(140)));
        Assert.Equal(30001u, stats.ExtendedHighestSequence);
    }

    [Fact]
    public void Duplicates_make_loss_negative_as_rfc_says()
    {
        var stats = new RtpReceiveStats(8000, Frequency);
        for (ushort s = 0; s < 5; s++)
        {
            stats.Update(s, s * 160u, At(s * 20));
        }

        stats.Update(3, 480, At(100));
        Assert.Equal(-1, stats.PacketsLost);
    }
}
