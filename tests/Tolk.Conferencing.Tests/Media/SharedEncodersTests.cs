using Tolk.Conferencing.Media;
using Tolk.Media.Codecs;
using Tolk.Media.Mixing;
using Tolk.Testing;

namespace Tolk.Conferencing.Tests.Media;

/// <summary>Listeners of one shared mix get one encode per tick, from one encoder that follows the mix.</summary>
public sealed class SharedEncodersTests
{
    private sealed class EncodingSink(SharedEncoders shared, string codec, int clockRate) : IAudioFrameSink
    {
        private readonly byte[] _payload = new byte[1500];

        public List<byte[]> Payloads { get; } = [];

        public List<bool> WasShared { get; } = [];

        public void Write(MixedFrame frame)
        {
            WasShared.Add(frame.IsShared);
            if (!frame.IsShared)
            {
                Payloads.Add([]);
                return;
            }
            int n = shared.Encode(frame, codec, clockRate, _payload);
            Payloads.Add(_payload.AsSpan(0, Math.Max(0, n)).ToArray());
        }
    }

    private sealed class ToneSource(double hz) : IAudioFrameSource
    {
        private long _n;

        public bool TryRead(Span<short> frame)
        {
            for (int i = 0; i < frame.Length; i++, _n++)
            {
                frame[i] = (short)(8000 * Math.Sin(2 * Math.PI * hz * _n / 16000.0));
            }
            return true;
        }
    }

    [Theory]
    [InlineData("opus", 48000, 1)]
    [InlineData("opus", 48000, 2)]
    [InlineData("G722", 8000, 2)]
    [InlineData("PCMU", 8000, 2)]
    public void Listeners_of_the_common_mix_share_one_encoder_and_hear_the_talker(string codec, int clockRate, int workers)
    {
        var codecs = new CodecRegistry();
        using var shared = new SharedEncoders(codecs);
        var clock = new MixerClock(new ManualTimeProvider(), new MixerClockOptions { Workers = workers, ParallelMinParticipants = 1, ParallelMinTickWork = TimeSpan.Zero });
        var room = clock.CreateRoom("r", new MixerRoomOptions { JoinLeaveTones = false });
        room.AddParticipant("talker", new ToneSource(700), null);
        var sinks = Enumerable.Range(0, 24).Select(_ => new EncodingSink(shared, codec, clockRate)).ToList();
        for (int i = 0; i < sinks.Count; i++)
        {
            room.AddParticipant($"l{i}", null, sinks[i]);
        }
        for (int t = 0; t < 100; t++)
        {
            clock.TickNow();
        }
        clock.Dispose();

        Assert.Equal(1, shared.Count);
        Assert.All(sinks, s => Assert.All(s.WasShared, Assert.True));
        for (int t = 0; t < 100; t++)
        {
            Assert.NotEmpty(sinks[0].Payloads[t]);
            Assert.All(sinks, s => Assert.Equal(sinks[0].Payloads[t], s.Payloads[t]));
        }

        // The shared stream is one continuous encoding of the mix: a fresh decoder hears the 700 Hz talker.
        Assert.True(codecs.TryCreateDecoder(codec, clockRate, out var decoder));
        using (decoder)
        {
            var pcm = new List<short>();
            var buffer = new short[5760];
            foreach (var payload in sinks[7].Payloads)
            {
                int n = decoder!.Decode(payload, buffer);
                Assert.True(n > 0);
                pcm.AddRange(buffer.AsSpan(0, n).ToArray());
            }
            int rate = decoder!.Info.SampleRate;
            var tail = pcm.Skip(pcm.Count / 2).Select(x => (double)x).ToArray();
            Assert.InRange(DominantFrequency(tail, rate), 680, 720);
        }
    }

    [Fact]
    public void Unused_encoders_are_released_after_the_idle_period()
    {
        var codecs = new CodecRegistry();
        using var shared = new SharedEncoders(codecs);
        var clock = new MixerClock(new ManualTimeProvider(), new MixerClockOptions { Workers = 1 });
        var room = clock.CreateRoom("r", new MixerRoomOptions { JoinLeaveTones = false });
        room.AddParticipant("talker", new ToneSource(500), null);
        room.AddParticipant("a", null, new EncodingSink(shared, "opus", 48000));
        room.AddParticipant("b", null, new EncodingSink(shared, "opus", 48000));
        clock.TickNow();
        Assert.Equal(1, shared.Count);
        shared.Sweep(clock.TickCount + SharedEncoders.IdleTicks - 1);
        Assert.Equal(1, shared.Count);
        shared.Sweep(clock.TickCount + SharedEncoders.IdleTicks + 1);
        Assert.Equal(0, shared.Count);
        // A group that comes back gets a new encoder.
        clock.TickNow();
        Assert.Equal(1, shared.Count);
    }

    private static double DominantFrequency(double[] x, int rate)
    {
        double best = 0, bestHz = 0;
        for (double hz = 100; hz < 2000; hz += 5)
        {
            double re = 0, im = 0;
            for (int i = 0; i < x.Length; i++)
            {
                re += x[i] * Math.Cos(2 * Math.PI * hz * i / rate);
                im += x[i] * Math.Sin(2 * Math.PI * hz * i / rate);
            }
            double p = (re * re) + (im * im);
            if (p > best)
            {
                best = p;
                bestHz = hz;
            }
        }
        return bestHz;
    }
}
