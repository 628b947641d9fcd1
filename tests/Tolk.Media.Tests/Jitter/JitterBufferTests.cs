using Tolk.Media.Codecs;
using Tolk.Media.Jitter;
using Tolk.Testing;

namespace Tolk.Media.Tests.Jitter;

/// <summary>Scripted network conditions on a manual clock: the sender's packets arrive at scripted times, the mixer pulls every 20 ms.</summary>
public class JitterBufferTests
{
    private sealed record Arrival(double AtMs, ushort Sequence, uint Timestamp, byte[] Payload);

    private sealed class Run
    {
        public int Audio;
        public int Concealed;
        public int Silence;
        public List<short> Output { get; } = [];
        public List<double> Delays { get; } = [];
        public JitterBufferStats Stats;
    }

    /// <summary>PCMU packets of a 440 Hz tone; packet k is sent at k * 20 ms * <paramref name="senderClockScale"/>.</summary>
    private static List<Arrival> Packets(int count, Func<int, double> networkDelayMs, double senderClockScale = 1.0, ushort firstSeq = 65000, Func<int, bool>? silent = null)
    {
        using var encoder = new G711Encoder(aLaw: false);
        var tone = Signals.Tone(440, 8000, 160 * count);
        for (var k = 0; silent is not null && k < count; k++)
        {
            if (silent(k))
            {
                tone.AsSpan(k * 160, 160).Clear();
            }
        }

        var list = new List<Arrival>();
        for (var k = 0; k < count; k++)
        {
            var payload = new byte[160];
            encoder.Encode(tone.AsSpan(k * 160, 160), payload);
            var delay = networkDelayMs(k);
            if (double.IsNaN(delay))
            {
                continue; // lost
            }

            list.Add(new Arrival((k * 20 * senderClockScale) + delay, (ushort)(firstSeq + k), (uint)(1000 + (k * 160)), payload));
        }

        return list;
    }

    private static Run Simulate(List<Arrival> arrivals, double durationMs, JitterBufferOptions? options = null, double pullOffsetMs = 7, IAudioDecoder? decoderOverride = null, Func<double, bool>? dormant = null)
    {
        var time = new ManualTimeProvider();
        using var decoder = decoderOverride ?? new G711Decoder(aLaw: false);
        using var buffer = new JitterBuffer(decoder, time, options);
        var ordered = arrivals.OrderBy(a => a.AtMs).ToList();
        var run = new Run();
        var frame = new short[AudioFormat.FrameSamples];
        var now = 0.0;
        var next = 0;
        for (var pullAt = pullOffsetMs; pullAt < durationMs; pullAt += 20)
        {
            while (next < ordered.Count && ordered[next].AtMs <= pullAt)
            {
                time.Advance(TimeSpan.FromMilliseconds(ordered[next].AtMs - now));
                now = ordered[next].AtMs;
                buffer.Push(ordered[next].Sequence, ordered[next].Timestamp, ordered[next].Payload);
                next++;
            }

            if (dormant is not null && dormant(pullAt))
            {
                continue; // the room is not mixing: no pull
            }

            time.Advance(TimeSpan.FromMilliseconds(pullAt - now));
            now = pullAt;
            var kind = buffer.Pull(frame);
            switch (kind)
            {
                case JitterFrameKind.Audio: run.Audio++; break;
                case JitterFrameKind.Concealed: run.Concealed++; break;
                default: run.Silence++; break;
            }

            run.Output.AddRange(frame);
            run.Delays.Add(buffer.Stats.CurrentDelay.TotalMilliseconds);
        }

        run.Stats = buffer.Stats;
        return run;
    }

    [Fact]
    public void Steady_stream_plays_every_frame_at_16_khz()
    {
        var run = Simulate(Packets(250, _ => 30), 5000);
        Assert.Equal(0, run.Concealed);
        Assert.True(run.Silence <= 5, $"startup silence {run.Silence}");
        Assert.True(run.Audio >= 240);
        Assert.Equal(0, run.Stats.Lost);
        var audio = run.Output.ToArray().AsSpan(20 * 320, 200 * 320);
        Assert.InRange(Signals.DominantFrequency(audio, 16000, 100, 2000), 430, 450);
        Assert.InRange(run.Stats.TargetDelay.TotalMilliseconds, 20, 40);
    }

    [Fact]
    public void Clean_path_settles_with_nothing_held_after_a_pull()
    {
        // Loopback-like path: 30 ms ± 1.5 ms, every packet there 14–17 ms before the pull that plays it. After
        // the first adaptation window the buffer holds nothing after a pull (it starts at the 40 ms initial
        // depth and drops the packet of margin it no longer needs): the delay it adds is only the wait for the pull.
        // The tone never pauses, so the drop waits its 2 s for a silent packet first.
        var random = new Random(7);
        var run = Simulate(Packets(250, _ => 30 + (random.NextDouble() * 3)), 5000);
        Assert.Equal(0, run.Concealed);
        Assert.Equal(0, run.Stats.Lost);
        Assert.Equal(20, run.Stats.TargetDelay.TotalMilliseconds);
        // The packet of margin goes within 2.5 s: after the first window, once no silent packet came for 2 s.
        var settled = run.Delays.Skip(125).ToList();
        Assert.True(settled.Max() == 0, $"depth after pull {settled.Max()} ms");
        Assert.Equal(1, run.Stats.DroppedFrames);
    }

    [Fact]
    public void Frames_concealed_after_the_last_packet_are_counted_apart()
    {
        // One loss in the stream, then the sender stops: the tail's concealment is reported on its own.
        var run = Simulate(Packets(100, k => k == 50 ? double.NaN : 30), 2100);
        Assert.Equal(1, run.Stats.Lost);
        Assert.True(run.Stats.ConcealedSinceLastPacket >= 1, $"{run.Stats}");
        Assert.Equal(run.Stats.ConcealedFrames - 1, run.Stats.ConcealedSinceLastPacket);
    }

    [Fact]
    public void A_lost_packet_costs_one_concealed_frame_and_no_delay()
    {
        // With nothing held after a pull, a loss first looks like an underrun (nothing newer is there yet). When
        // the next packet turns up, the frame already concealed stands for the lost one: no second concealment,
        // no inserted delay, so nothing has to be dropped later.
        var lost = new HashSet<int> { 150, 180, 210 }; // after the margin went (2.5 s)
        var run = Simulate(Packets(250, k => lost.Contains(k) ? double.NaN : 30), 5000);
        Assert.Equal(3, run.Stats.Lost);
        Assert.Equal(3, run.Concealed);
        Assert.Equal(0, run.Stats.InsertedFrames);
        Assert.Equal(1, run.Stats.DroppedFrames);
        Assert.Equal(0, run.Delays.Skip(125).Max());
    }

    [Fact]
    public void A_packet_late_by_a_pull_brings_back_the_margin_for_a_while()
    {
        // Every 60th packet is 19 ms late, past the pull that should have played it: too rare for the
        // spread's 95th percentile. The first one is concealed and brings the packet of margin back for 10 s,
        // so the next ones play on time; without that hold each would be concealed and drained again.
        var run = Simulate(Packets(1000, k => k % 60 == 30 ? 49 : 30), 20000);
        Assert.Equal(0, run.Stats.Lost);
        Assert.True(run.Concealed <= 2, $"concealed {run.Concealed} {run.Stats}");
        // During the hold the packet of margin is there after every pull but those where a late one was due.
        var held = run.Delays.Skip(60).Take(450).Count(d => d >= 20);
        Assert.True(held >= 440, $"margin after {held} of 450 pulls {run.Stats}");
    }

    [Fact]
    public void A_dormant_room_does_not_look_like_a_burst_when_it_wakes()
    {
        // Two talk spurts with 1.7 s of silence suppression between them (sequence numbers run on, the timestamp
        // jumps), during which the room stops mixing and nobody pulls. The pull grid runs on with the clock, so
        // the second spurt is measured like the first: no concealment, no target raised by the pause.
        const int unsent = 85; // packets' worth of silence not sent
        var arrivals = Packets(200, _ => 30)
            .Select((p, k) => k < 100 ? p : p with { AtMs = p.AtMs + (unsent * 20), Timestamp = p.Timestamp + (unsent * 160) })
            .ToList();

        var run = Simulate(arrivals, 5800, dormant: t => t is > 2500 and < 3700);
        // Concealed: the first spurt's tail until the buffer went idle (200 ms) and the second's after its last packet.
        Assert.True(run.Concealed - run.Stats.ConcealedSinceLastPacket == 10, $"{run.Stats}");
        Assert.Equal(20, run.Stats.TargetDelay.TotalMilliseconds);
        Assert.Equal(0, run.Delays.Skip(200).Max());
    }

    [Fact]
    public void A_late_packet_seen_while_the_margin_is_there_keeps_it()
    {
        // One packet in 40 is a pull late (under the spread's 95th percentile), the first while the buffer
        // still holds its initial margin, which absorbs it. The margin then stays: nothing is concealed.
        // (Silent packets, so a drop would not wait for a pause.)
        var run = Simulate(Packets(1000, k => k % 40 == 10 ? 49 : 30, silent: _ => true), 20000);
        Assert.Equal(0, run.Concealed);
        Assert.Equal(0, run.Stats.DroppedFrames);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Each_late_packet_doubles_the_hold(bool silent)
    {
        // Every 200th packet is late by a pull, so no late one is left in the 2.56 s delay history when the
        // next comes. Concealed at 0.6 s (hold 10 s), at 12.6 s (hold 20 s), at 36.6 s (hold 40 s, past the end);
        // a fixed 10 s hold would conceal at 0.6, 12.6, 24.6, 36.6 and 48.6 s. A silent stream drops its margin
        // at once, so there a late packet may come right after a drop.
        var run = Simulate(Packets(3000, k => k % 200 == 30 ? 49 : 30, silent: _ => silent), 60000);
        Assert.Equal(0, run.Stats.Lost);
        Assert.True(run.Concealed <= 3, $"concealed {run.Concealed} {run.Stats}");
    }

    [Fact]
    public void Clean_path_with_pulls_right_after_arrivals_still_keeps_margin()
    {
        // Arrivals 1 ms before each pull, jitter up to 4 ms: some packets arrive after their pull. The
        // buffer must keep its margin packet rather than drain to zero and conceal every other frame.
        var random = new Random(11);
        var run = Simulate(Packets(250, _ => 26 + (random.NextDouble() * 4)), 5000, pullOffsetMs: 7);
        Assert.True(run.Concealed <= 2, $"concealed {run.Concealed} {run.Stats}");
        Assert.True(run.Delays.Skip(100).Min() >= 0);
    }

    [Fact]
    public void Silent_packets_are_not_decoded_yet_talk_after_silence_and_a_loss_inside_it_play_right()
    {
        // 1 s of tone, 2 s of µ-law digital silence (packet 110 lost inside it), 2 s of tone again.
        using var encoder = new G711Encoder(aLaw: false);
        var tone = Signals.Tone(440, 8000, 160 * 250);
        var arrivals = new List<Arrival>();
        for (var k = 0; k < 250; k++)
        {
            var payload = new byte[160];
            if (k is >= 50 and < 150)
            {
                payload.AsSpan().Fill(0xFF);
            }
            else
            {
                encoder.Encode(tone.AsSpan(k * 160, 160), payload);
            }

            if (k != 110)
            {
                arrivals.Add(new Arrival((k * 20) + 30, (ushort)k, (uint)(k * 160), payload));
            }
        }

        var counting = new CountingDecoder(new G711Decoder(aLaw: false));
        var run = Simulate(arrivals, 5300, decoderOverride: counting); // long enough to play every packet
        var output = run.Output.ToArray();
        Assert.Equal(1, run.Stats.Lost);
        // 150 tone packets and the first two silent ones are decoded (a drop may decode one more).
        Assert.InRange(counting.Decodes, 152, 156);
        // Well inside the silent run (after its two decoded packets and the resampler's tail), around the loss too: exact zeros.
        for (var f = 60; f < 145; f++)
        {
            Assert.True(output.AsSpan(f * 320, 320).IndexOfAnyExcept((short)0) < 0, $"frame {f} not silent");
        }

        // The talk after the silence decodes normally.
        var after = output.AsSpan(160 * 320, 60 * 320);
        Assert.InRange(Signals.DominantFrequency(after, 16000, 100, 2000), 430, 450);
        Assert.True(Signals.Rms(after) > 3000, $"rms {Signals.Rms(after)}");
    }

    [Fact]
    public void Quiet_but_audible_packets_are_still_decoded()
    {
        // A 440 Hz tone at about −50 dBFS is above the silence threshold (−60 dBFS): it must be heard.
        using var encoder = new G711Encoder(aLaw: false);
        var quiet = Signals.Tone(440, 8000, 160 * 100, amplitude: 100);
        var arrivals = new List<Arrival>();
        for (var k = 0; k < 100; k++)
        {
            var payload = new byte[160];
            encoder.Encode(quiet.AsSpan(k * 160, 160), payload);
            arrivals.Add(new Arrival((k * 20) + 30, (ushort)k, (uint)(k * 160), payload));
        }

        var run = Simulate(arrivals, 2000);
        var tail = run.Output.ToArray().AsSpan(40 * 320, 40 * 320);
        Assert.InRange(Signals.Rms(tail), 50, 90);
    }

    [Fact]
    public void Reordering_and_duplicates_are_absorbed_without_loss()
    {
        // Swap every pair (odd packets overtake even ones by 25 ms) and duplicate every 10th packet.
        var arrivals = Packets(250, k => k % 2 == 0 ? 45 : 20);
        var copied = arrivals.Where((_, i) => i % 10 == 0 && i < 230).ToList(); // 23, each copied twice
        arrivals.AddRange(copied.Select(a => a with { AtMs = a.AtMs + 1 }));
        arrivals.AddRange(copied.Select(a => a with { AtMs = a.AtMs + 200 }));
        var run = Simulate(arrivals, 5000);
        Assert.Equal(0, run.Stats.Lost);
        // A copy right behind its original is a duplicate; one 200 ms behind arrives after the original
        // was played and is dropped as late. Every copy is dropped, no original is.
        Assert.True(run.Stats.Duplicates + run.Stats.Late == 46, $"{run.Stats}");
        Assert.True(run.Stats.Duplicates >= 20, $"duplicates {run.Stats.Duplicates}");
        Assert.True(run.Stats.Late >= 20, $"late {run.Stats.Late}");
        Assert.True(run.Concealed <= 3, $"concealed {run.Concealed} {run.Stats}");
    }

    [Fact]
    public void Losses_are_reported_and_concealed()
    {
        var lost = new HashSet<int> { 30, 31, 80, 120, 121, 122, 200 };
        var run = Simulate(Packets(250, k => lost.Contains(k) ? double.NaN : 30), 5000);
        Assert.Equal(lost.Count, run.Stats.Lost);
        Assert.True(run.Concealed >= lost.Count - 1);
        // Concealment keeps the tone going: no frame after startup is silent, except the tail of the
        // three-packet gap where PLC fades out by design (spandsp attenuates after 10 ms, silent by 60 ms).
        var output = run.Output.ToArray();
        for (var f = 10; f < 240; f++)
        {
            if (f is >= 122 and <= 128)
            {
                continue;
            }

            Assert.True(Signals.Rms(output.AsSpan(f * 320, 320)) > 500, $"frame {f} silent");
        }
    }

    [Fact]
    public void Target_depth_follows_measured_jitter_within_bounds()
    {
        var random = new Random(42);
        var jittery = Simulate(Packets(500, _ => 10 + (random.NextDouble() * 90)), 10200);
        Assert.InRange(jittery.Stats.TargetDelay.TotalMilliseconds, 80, 200);
        var calm = Simulate(Packets(500, _ => 10 + (random.NextDouble() * 4)), 10200);
        Assert.InRange(calm.Stats.TargetDelay.TotalMilliseconds, 20, 30);
        var wild = Simulate(Packets(500, _ => 10 + (random.NextDouble() * 900)), 11000);
        Assert.Equal(200, wild.Stats.TargetDelay.TotalMilliseconds);
        // With jitter inside the range, after adaptation almost nothing is concealed.
        Assert.True(jittery.Stats.Lost + jittery.Stats.Late < 25, $"lost {jittery.Stats.Lost} late {jittery.Stats.Late}");
    }

    [Fact]
    public void Fast_sender_clock_is_absorbed_by_dropping()
    {
        // Sender clock 1 % fast: 60 s brings 600 ms of surplus audio.
        var run = Simulate(Packets(3000, _ => 30, senderClockScale: 0.99), 60000);
        Assert.True(run.Stats.DroppedFrames >= 20, $"dropped {run.Stats.DroppedFrames}");
        Assert.True(run.Delays.Skip(100).Max() <= 200, $"max depth {run.Delays.Max()}");
        Assert.True(run.Delays.TakeLast(500).Average() < 80);
    }

    [Fact]
    public void Drops_wait_for_a_pause_between_words()
    {
        // 1 % fast sender, talking in 1 s bursts with 1 s pauses: 60 s bring 600 ms of surplus, and every
        // frame of it is taken from a pause, so every packet of tone is heard.
        static bool Pause(int k) => k / 50 % 2 == 1;
        var run = Simulate(Packets(3000, _ => 30, senderClockScale: 0.99, silent: Pause), 60000);
        Assert.True(run.Stats.DroppedFrames >= 20, $"dropped {run.Stats.DroppedFrames}");
        var output = run.Output.ToArray();
        var loud = Enumerable.Range(0, output.Length / 320).Count(f => Signals.Rms(output.AsSpan(f * 320, 320)) > 5000); // mostly tone (the resampler delays each burst by 48 samples)
        var tonePackets = Enumerable.Range(0, 3000).Count(k => !Pause(k));
        Assert.True(loud >= tonePackets - 2, $"{loud} loud frames for {tonePackets} packets of tone {run.Stats}");
    }

    [Fact]
    public void Slow_sender_clock_is_absorbed_by_inserting()
    {
        var run = Simulate(Packets(3000, _ => 30, senderClockScale: 1.01), 60500);
        Assert.True(run.Stats.InsertedFrames >= 20, $"inserted {run.Stats.InsertedFrames}");
        Assert.Equal(0, run.Stats.Lost);
        Assert.True(run.Stats.Late <= 2);
        Assert.True(run.Audio >= 2900);
    }

    [Fact]
    public void A_burst_after_a_stall_is_played_and_the_excess_delay_drained()
    {
        // Packets 100..119 are held by the network and released together at once.
        var run = Simulate(Packets(500, k => k is >= 100 and < 120 ? 30 + ((120 - k) * 20) : 30), 10200);
        Assert.True(run.Stats.Lost + run.Stats.Late <= 20);
        Assert.True(run.Delays.TakeLast(100).Average() < 100, $"depth at end {run.Delays.TakeLast(100).Average()}");
    }

    [Fact]
    public void Pause_goes_silent_then_resumes_and_restart_resyncs()
    {
        var first = Packets(100, _ => 30);
        // 1 s pause, then the same sender continues; later a new stream with another sequence space.
        var second = Packets(100, _ => 30, firstSeq: (ushort)(65000 + 100)).Select(a => a with { AtMs = a.AtMs + 3000, Timestamp = a.Timestamp + 24000 }).ToList();
        var third = Packets(100, _ => 30, firstSeq: 1234).Select(a => a with { AtMs = a.AtMs + 6000 }).ToList();
        var run = Simulate([.. first, .. second, .. third], 8500);
        Assert.True(run.Silence > 50);
        Assert.Equal(1, run.Stats.Resyncs);
        Assert.True(run.Audio >= 280, $"audio {run.Audio}");
    }

    [Fact]
    public void Opus_loss_uses_fec_from_the_next_packet()
    {
        var speech = Signals.Speech(16000);
        Assert.NotNull(speech);
        using var encoder = new OpusEncoder(new OpusOptions(ExpectedPacketLossPercent: 20));
        var time = new ManualTimeProvider();
        using var decoder = new OpusDecoder();
        using var buffer = new JitterBuffer(decoder, time);
        var frame = new short[320];
        var payload = new byte[400];
        var frames = speech.Length / 320;
        var concealed = 0;
        for (var k = 0; k < frames; k++)
        {
            var n = encoder.Encode(speech.AsSpan(k * 320, 320), payload);
            if (k % 10 != 5)
            {
                buffer.Push((ushort)k, (uint)(k * 960), payload.AsSpan(0, n));
            }

            if (buffer.Pull(frame) == JitterFrameKind.Concealed)
            {
                concealed++;
            }

            time.Advance(TimeSpan.FromMilliseconds(20));
        }

        Assert.InRange(buffer.Stats.Lost, (frames / 10) - 1, (frames / 10) + 1);
        Assert.InRange(concealed, frames / 10 - 1, (frames / 10) + 3);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(30)]
    [InlineData(40)]
    public void Packet_times_other_than_20_ms_play_continuously(int ptime)
    {
        var samples = 8 * ptime;
        using var encoder = new G711Encoder(aLaw: false);
        var time = new ManualTimeProvider();
        using var decoder = new G711Decoder(aLaw: false);
        using var buffer = new JitterBuffer(decoder, time);
        var tone = Signals.Tone(440, 8000, 8000 * 4);
        var frame = new short[320];
        var output = new List<short>();
        var kinds = new List<JitterFrameKind>();
        var sent = 0;
        for (var ms = 0; ms < 3000; ms += 10)
        {
            if (ms % ptime == 0)
            {
                var payload = new byte[samples];
                encoder.Encode(tone.AsSpan(sent * samples, samples), payload);
                buffer.Push((ushort)sent, (uint)(sent * samples), payload);
                sent++;
            }

            if (ms % 20 == 0)
            {
                kinds.Add(buffer.Pull(frame));
                output.AddRange(frame);
            }

            time.Advance(TimeSpan.FromMilliseconds(10));

        }

        Assert.Equal(0, buffer.Stats.Lost);
        Assert.True(kinds.Skip(10).All(k => k == JitterFrameKind.Audio), string.Join(",", kinds));
        var tail = output.ToArray().AsSpan(16000, 16000);
        Assert.InRange(Signals.DominantFrequency(tail, 16000, 100, 2000), 430, 450);
        Assert.InRange(Signals.Rms(tail), 0.9 * 7071, 1.1 * 7071);
    }

    [Fact]
    public void Random_input_never_throws_and_always_yields_a_frame()
    {
        var random = new Random(8);
        var time = new ManualTimeProvider();
        using var decoder = new OpusDecoder();
        using var buffer = new JitterBuffer(decoder, time);
        var frame = new short[320];
        var junk = new byte[300];
        for (var i = 0; i < 5000; i++)
        {
            random.NextBytes(junk);
            buffer.Push((ushort)random.Next(65536), (uint)random.Next(), junk.AsSpan(0, random.Next(0, 300)));
            if (i % 3 == 0)
            {
                var kind = buffer.Pull(frame);
                Assert.True(Enum.IsDefined(kind));
                time.Advance(TimeSpan.FromMilliseconds(20));
            }
        }

        var stats = buffer.Stats;
        Assert.True(stats.CurrentDelay >= TimeSpan.Zero);
    }

    private sealed class CountingDecoder(IAudioDecoder inner) : IAudioDecoder
    {
        public int Decodes;

        public AudioCodecInfo Info => inner.Info;

        public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
        {
            Decodes++;
            return inner.Decode(payload, pcm);
        }

        public int Conceal(Span<short> pcm, ReadOnlySpan<byte> nextPayload = default) => inner.Conceal(pcm, nextPayload);

        public void Dispose() => inner.Dispose();
    }
}
