using Tolk.Media.Mixing;
using Tolk.Testing;

namespace Tolk.Media.Tests.Mixing;

/// <summary>A room that sums at most N talkers: the loudest, kept stable, and never a listener's own voice.</summary>
public sealed class MaxMixedTalkersTests
{
    // Five talkers at different levels, each its own tone: 500 (loudest) … 2100 Hz (quietest).
    private static readonly double[] s_hz = [500, 900, 1300, 1700, 2100];
    private static readonly double[] s_amplitude = [9000, 7000, 4000, 3000, 2000];

    private static (MixerClock Clock, SignalSource[] Sources, RecordingSink[] Sinks) Room(int maxTalkers)
    {
        var clock = new MixerClock(new ManualTimeProvider());
        var room = clock.CreateRoom("r1", new MixerRoomOptions { JoinLeaveTones = false, MaxMixedTalkers = maxTalkers });
        var sources = s_hz.Select((hz, i) => SignalSource.Tone(hz, s_amplitude[i], i)).ToArray();
        var sinks = sources.Select(_ => new RecordingSink()).ToArray();
        for (int i = 0; i < sources.Length; i++)
        {
            room.AddParticipant($"p{i}", sources[i], sinks[i]);
        }

        for (int t = 0; t < 50; t++)
        {
            clock.TickNow();
        }

        return (clock, sources, sinks);
    }

    /// <summary>Amplitude of <paramref name="hz"/> in the last half second a sink heard.</summary>
    private static double Heard(RecordingSink sink, double hz) => Dsp.ToneMagnitude(Dsp.Concat(sink.Frames.Skip(sink.Frames.Count - 25)), hz);

    [Fact]
    public void Only_the_two_loudest_are_summed_and_nobody_hears_itself()
    {
        var (clock, _, sinks) = Room(maxTalkers: 2);
        using var _ = clock;
        for (int listener = 0; listener < s_hz.Length; listener++)
        {
            for (int talker = 0; talker < s_hz.Length; talker++)
            {
                var level = Heard(sinks[listener], s_hz[talker]);
                var expected = talker < 2 && talker != listener;
                Assert.True(expected ? level > 1000 : level < 100,
                    $"p{listener} hears p{talker} ({s_hz[talker]} Hz) at amplitude {level:F0}, expected {(expected ? "it" : "nothing")}");
            }
        }
        // The three talkers left out hear one shared mix.
        var shared = sinks[2].Instances[^1];
        Assert.Same(shared, sinks[3].Instances[^1]);
        Assert.Same(shared, sinks[4].Instances[^1]);
    }

    [Fact]
    public void Without_a_cap_every_other_talker_is_heard()
    {
        var (clock, _, sinks) = Room(maxTalkers: 0);
        using var _ = clock;
        for (int talker = 1; talker < s_hz.Length; talker++)
        {
            Assert.True(Heard(sinks[0], s_hz[talker]) > 1000, $"p0 should hear p{talker}");
        }
    }
}
