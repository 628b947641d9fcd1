using Tolk.Media.Mixing;
using Tolk.Testing;

namespace Tolk.Media.Tests.Mixing;

public sealed class MixMinusTests
{
    private static (MixerClock Clock, MixerRoom Room) NewRoom(bool gate = true, bool tones = false)
    {
        var clock = new MixerClock(new ManualTimeProvider());
        var room = clock.CreateRoom("r1", new MixerRoomOptions { GateOnTalkDetection = gate, JoinLeaveTones = tones });
        return (clock, room);
    }

    [Fact]
    public void Output_equals_exact_sum_of_others_below_full_scale()
    {
        var (clock, room) = NewRoom(gate: false);
        var sources = new[]
        {
            SignalSource.Tone(300, 9000), SignalSource.Tone(700, 8000, 1), SignalSource.Noise(1, 7000), SignalSource.Tone(1900, 9500, 2),
        };
        var sinks = sources.Select(_ => new RecordingSink()).ToArray();
        for (int i = 0; i < sources.Length; i++)
        {
            room.AddParticipant($"p{i}", sources[i], sinks[i]);
        }

        for (int t = 0; t < 25; t++)
        {
            clock.TickNow();
        }

        for (int listener = 0; listener < sources.Length; listener++)
        {
            Assert.Equal(25, sinks[listener].Frames.Count);
            for (int t = 0; t < 25; t++)
            {
                var got = sinks[listener].Frames[t];
                for (int i = 0; i < Frame.Samples; i++)
                {
                    int expected = 0;
                    for (int s = 0; s < sources.Length; s++)
                    {
                        if (s != listener)
                        {
                            expected += sources[s].Produced[t][i];
                        }
                    }
                    Assert.InRange(expected, short.MinValue, short.MaxValue); // premise: below full scale
                    Assert.InRange(got[i] - expected, -1, 1);
                }
            }
        }
    }

    [Fact]
    public void A_participant_never_hears_itself_correlation_and_spectrum()
    {
        var (clock, room) = NewRoom(gate: true);
        var tones = new[] { 500.0, 1000.0, 1500.0 };
        var toneSources = tones.Select((hz, i) => SignalSource.Tone(hz, 6000, i)).ToArray();
        var noiseA = SignalSource.Noise(11, 8000);
        var noiseB = SignalSource.Noise(12, 8000);
        var all = toneSources.Append(noiseA).Append(noiseB).ToArray();
        var sinks = all.Select(_ => new RecordingSink()).ToArray();
        for (int i = 0; i < all.Length; i++)
        {
            room.AddParticipant($"p{i}", all[i], sinks[i]);
        }

        for (int t = 0; t < 50; t++)
        {
            clock.TickNow();
        }

        for (int i = 0; i < all.Length; i++)
        {
            var heard = Dsp.Concat(sinks[i].Frames);
            var own = Dsp.Concat(all[i].Produced);
            Assert.InRange(Math.Abs(Dsp.Correlation(heard, own)), 0, 0.05);
            for (int j = 0; j < all.Length; j++)
            {
                if (j != i)
                {
                    Assert.True(Dsp.Correlation(heard, Dsp.Concat(all[j].Produced)) > 0.2, $"p{i} should hear p{j}");
                }
            }
        }
        for (int i = 0; i < tones.Length; i++)
        {
            var heard = Dsp.Concat(sinks[i].Frames);
            // The two noise talkers put ≈100 of broadband magnitude in any one bin; a leak of the own tone would add up to 6000.
            Assert.True(Dsp.ToneMagnitude(heard, tones[i]) < 300, $"p{i} hears its own {tones[i]} Hz tone");
            foreach (var other in tones.Where(hz => hz != tones[i]))
            {
                Assert.InRange(Dsp.ToneMagnitude(heard, other), 5500, 6500);
            }
        }
    }

    [Fact]
    public void Muted_participant_is_not_heard_and_its_taps_get_nothing()
    {
        var (clock, room) = NewRoom(gate: false);
        var a = SignalSource.Tone(440, 8000);
        var b = SignalSource.Tone(880, 8000);
        var sinkB = new RecordingSink();
        var pa = room.AddParticipant("a", a, new RecordingSink());
        room.AddParticipant("b", b, sinkB);
        var tap = new RecordingTap();
        pa.AddTap(tap);

        clock.TickNow();
        Assert.Single(tap.Frames);
        Assert.Contains(sinkB.Frames[0], s => s != 0);

        pa.IsMuted = true;
        for (int t = 0; t < 5; t++)
        {
            clock.TickNow();
        }
        Assert.All(sinkB.Frames.Skip(1), f => Assert.All(f, s => Assert.Equal(0, s)));
        Assert.Single(tap.Frames);
        Assert.False(pa.IsSpeaking);

        pa.IsMuted = false;
        clock.TickNow();
        Assert.Equal(a.Produced[^1], sinkB.Frames[^1]);
    }

    [Fact]
    public void Tap_receives_the_participants_own_input_before_gain_and_mixing()
    {
        var (clock, room) = NewRoom(gate: true);
        var a = SignalSource.Noise(5, 9000);
        var pa = room.AddParticipant("a", a, new RecordingSink());
        room.AddParticipant("b", SignalSource.Tone(1000, 9000), new RecordingSink());
        pa.InputGain = 0.5f;
        var tap = new RecordingTap();
        using (pa.AddTap(tap))
        {
            for (int t = 0; t < 10; t++)
            {
                clock.TickNow();
            }
        }
        clock.TickNow(); // after unsubscribing

        Assert.Equal(10, tap.Frames.Count);
        for (int t = 0; t < 10; t++)
        {
            Assert.Same(pa, tap.Frames[t].Who);
            Assert.Equal(t + 1, tap.Frames[t].Tick);
            Assert.Equal(a.Produced[t], tap.Frames[t].Frame);
        }
    }

    [Fact]
    public void Input_gain_and_listener_gain_scale_within_one_lsb()
    {
        var (clock, room) = NewRoom(gate: false);
        var a = SignalSource.Tone(440, 12000);
        var b = SignalSource.Tone(660, 12000);
        var sinkC = new RecordingSink();
        var sinkD = new RecordingSink();
        var pa = room.AddParticipant("a", a, new RecordingSink());
        var pb = room.AddParticipant("b", b, new RecordingSink());
        var pc = room.AddParticipant("c", null, sinkC);
        room.AddParticipant("d", null, sinkD);
        pa.InputGain = 0.5f;
        room.SetListenGain(pc, pb, 0.25f); // duck b for c only

        clock.TickNow();

        for (int i = 0; i < Frame.Samples; i++)
        {
            double aScaled = a.Produced[0][i] * 0.5;
            Assert.InRange(sinkD.Frames[0][i] - (aScaled + b.Produced[0][i]), -1.01, 1.01);
            Assert.InRange(sinkC.Frames[0][i] - (aScaled + (b.Produced[0][i] * 0.25)), -1.51, 1.51);
        }
        Assert.Equal(0.25f, pc.GetGainFrom(pb));
        pc.SetGainFrom(pb, 0f);
        clock.TickNow();
        for (int i = 0; i < Frame.Samples; i++)
        {
            Assert.InRange(sinkC.Frames[1][i] - (a.Produced[1][i] * 0.5), -1.01, 1.01);
        }
    }

    [Fact]
    public void Source_that_throws_is_contained_and_others_keep_mixing()
    {
        var (clock, room) = NewRoom(gate: false);
        var good = SignalSource.Tone(440, 8000);
        var sinkGood = new RecordingSink();
        var sinkOther = new RecordingSink();
        room.AddParticipant("bad", new ThrowingSource(), new ThrowingSink());
        room.AddParticipant("good", good, sinkGood);
        room.AddParticipant("other", null, sinkOther);

        for (int t = 0; t < 3; t++)
        {
            clock.TickNow();
        }

        Assert.Equal(3, sinkOther.Frames.Count);
        Assert.Equal(good.Produced[2], sinkOther.Frames[2]);
        Assert.Equal(6, room.CallbackErrors); // 3 source + 3 sink failures
    }

    private sealed class ThrowingSource : IAudioFrameSource
    {
        public bool TryRead(Span<short> frame) => throw new InvalidDataException("corrupt packet");
    }

    private sealed class ThrowingSink : IAudioFrameSink
    {
        public void Write(MixedFrame frame) => throw new IOException("socket closed");
    }
}
