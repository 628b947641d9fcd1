using Tolk.Media.Mixing;
using Tolk.Testing;

namespace Tolk.Media.Tests.Mixing;

public sealed class ExtraSourceAndSharingTests
{
    private static (MixerClock Clock, MixerRoom Room) NewRoom(bool gate = true)
    {
        var clock = new MixerClock(new ManualTimeProvider());
        return (clock, clock.CreateRoom("r", new MixerRoomOptions { GateOnTalkDetection = gate, JoinLeaveTones = false }));
    }

    [Fact]
    public void Extra_source_is_heard_only_by_its_audience_with_its_gain()
    {
        var (clock, room) = NewRoom(gate: false);
        var speaker = SignalSource.Tone(400, 8000);
        var tts = SignalSource.Tone(1200, 10000);
        var sinks = Enumerable.Range(0, 4).Select(_ => new RecordingSink()).ToArray();
        var ps = speaker;
        var p0 = room.AddParticipant("speaker", ps, sinks[0]);
        var p1 = room.AddParticipant("es-1", null, sinks[1]);
        var p2 = room.AddParticipant("es-2", null, sinks[2]);
        var p3 = room.AddParticipant("en-1", null, sinks[3]);
        var extra = room.AddSource(tts, [p1, p2], gain: 0.5f, name: "tts-es");

        for (int t = 0; t < 5; t++)
        {
            clock.TickNow();
        }

        for (int t = 0; t < 5; t++)
        {
            for (int i = 0; i < Frame.Samples; i++)
            {
                int original = speaker.Produced[t][i];
                double translated = tts.Produced[t][i] * 0.5;
                Assert.InRange(sinks[1].Frames[t][i] - (original + translated), -1.01, 1.01);
                Assert.Equal(sinks[1].Frames[t][i], sinks[2].Frames[t][i]);
                Assert.Equal(original, sinks[3].Frames[t][i]);
                Assert.Equal(0, sinks[0].Frames[t][i]); // the speaker hears neither itself nor the extra
            }
        }
        Assert.True(extra.IsHeardBy(p1));
        Assert.False(extra.IsHeardBy(p3));

        extra.SetAudience([p0, p3]);
        clock.TickNow();
        Assert.True(Dsp.ToneMagnitude(sinks[0].Frames[^1], 1200) > 4000);
        Assert.True(Dsp.ToneMagnitude(sinks[3].Frames[^1], 1200) > 4000);
        Assert.True(Dsp.ToneMagnitude(sinks[1].Frames[^1], 1200) < 10);

        Assert.True(extra.Remove());
        clock.TickNow();
        Assert.True(Dsp.ToneMagnitude(sinks[0].Frames[^1], 1200) < 10);
    }

    [Fact]
    public void Per_listener_gain_on_an_extra_source_splits_the_shared_group()
    {
        var (clock, room) = NewRoom();
        var tts = SignalSource.Tone(1000, 8000);
        var sinks = Enumerable.Range(0, 3).Select(_ => new RecordingSink()).ToArray();
        var listeners = sinks.Select((s, i) => room.AddParticipant($"l{i}", null, s)).ToArray();
        var extra = room.AddSource(tts, listeners, gain: 0.5f);
        extra.SetGainFor(listeners[2], 1.5f);

        clock.TickNow();

        Assert.Same(sinks[0].Instances[0], sinks[1].Instances[0]);
        Assert.NotSame(sinks[0].Instances[0], sinks[2].Instances[0]);
        Assert.Equal(2, sinks[0].ListenerCounts[0]);
        for (int i = 0; i < Frame.Samples; i++)
        {
            Assert.InRange(sinks[0].Frames[0][i] - (tts.Produced[0][i] * 0.5), -1.01, 1.01);
            Assert.InRange(sinks[2].Frames[0][i] - (tts.Produced[0][i] * 1.5), -1.51, 1.51);
        }
        Assert.Equal(1.5f, extra.GetGainFor(listeners[2]));

        // Even with the common gain at 0, a listener with its own gain still hears the source.
        extra.Gain = 0f;
        clock.TickNow();
        Assert.All(sinks[0].Frames[1], s => Assert.Equal(0, s));
        Assert.InRange(Dsp.ToneMagnitude(sinks[2].Frames[1], 1000), 11_500, 12_500);

        extra.SetGainFor(listeners[2], null);
        clock.TickNow();
        Assert.All(sinks[2].Frames[2], s => Assert.Equal(0, s));
    }

    [Fact]
    public void Translation_pattern_ducks_original_and_shares_one_frame_per_language()
    {
        var (clock, room) = NewRoom();
        var en = SignalSource.Tone(300, 9000);
        var ttsEs = SignalSource.Tone(1100, 9000);
        var speakerSink = new RecordingSink();
        var speaker = room.AddParticipant("en-speaker", en, speakerSink);
        var enSinks = Enumerable.Range(0, 3).Select(_ => new RecordingSink()).ToArray();
        var esSinks = Enumerable.Range(0, 3).Select(_ => new RecordingSink()).ToArray();
        var enListeners = enSinks.Select((s, i) => room.AddParticipant($"en{i}", null, s)).ToArray();
        var esListeners = esSinks.Select((s, i) => room.AddParticipant($"es{i}", null, s)).ToArray();
        foreach (var l in esListeners)
        {
            l.SetGainFrom(speaker, 0.2f); // original at 20 % under the translation
        }
        room.AddSource(ttsEs, esListeners, 1f, "tts-es");

        clock.TickNow();

        var enFrame = enSinks[0].Instances[0];
        var esFrame = esSinks[0].Instances[0];
        Assert.All(enSinks, s => Assert.Same(enFrame, s.Instances[0]));
        Assert.All(esSinks, s => Assert.Same(esFrame, s.Instances[0]));
        Assert.NotSame(enFrame, esFrame);
        Assert.NotSame(enFrame, speakerSink.Instances[0]);
        Assert.Equal(3, enSinks[0].ListenerCounts[0]);
        Assert.Equal(3, esSinks[0].ListenerCounts[0]);
        Assert.Equal(1, speakerSink.ListenerCounts[0]);
        Assert.Equal(0, enSinks[0].GroupKeys[0]);
        Assert.NotEqual(0, esSinks[0].GroupKeys[0]);
        Assert.NotEqual(esSinks[0].GroupKeys[0], speakerSink.GroupKeys[0]);

        var es = esSinks[0].Frames[0];
        Assert.InRange(Dsp.ToneMagnitude(es, 300), 9000 * 0.2 * 0.95, 9000 * 0.2 * 1.05);
        Assert.InRange(Dsp.ToneMagnitude(es, 1100), 9000 * 0.95, 9000 * 1.05);
        Assert.Equal(en.Produced[0], enSinks[1].Frames[0]);

        // The key is stable while the composition is.
        clock.TickNow();
        Assert.Equal(esSinks[0].GroupKeys[0], esSinks[0].GroupKeys[1]);
    }

    [Fact]
    public void Non_speaking_listeners_share_the_total_and_each_speaker_gets_its_own_mix()
    {
        var (clock, room) = NewRoom();
        var talkers = new[] { SignalSource.Tone(350, 7000), SignalSource.Tone(950, 7000) };
        var talkerSinks = talkers.Select(_ => new RecordingSink()).ToArray();
        for (int i = 0; i < talkers.Length; i++)
        {
            room.AddParticipant($"t{i}", talkers[i], talkerSinks[i]);
        }
        var silent = Enumerable.Range(0, 20).Select(i => (Sink: new RecordingSink(), Source: SignalSource.Constant(0))).ToArray();
        foreach (var (sink, source) in silent)
        {
            room.AddParticipant(Guid.NewGuid().ToString(), source, sink);
        }

        for (int t = 0; t < 3; t++)
        {
            clock.TickNow();
        }

        for (int t = 0; t < 3; t++)
        {
            var shared = silent[0].Sink.Instances[t];
            Assert.All(silent, s => Assert.Same(shared, s.Sink.Instances[t]));
            Assert.Equal(20, silent[0].Sink.ListenerCounts[t]);
            Assert.NotSame(shared, talkerSinks[0].Instances[t]);
            Assert.NotSame(talkerSinks[0].Instances[t], talkerSinks[1].Instances[t]);
            Assert.Equal(talkers[1].Produced[t], talkerSinks[0].Frames[t]);
            Assert.Equal(talkers[0].Produced[t], talkerSinks[1].Frames[t]);
        }
        Assert.Same(silent[0].Sink.Instances[0], silent[0].Sink.Instances[2]); // pooled, no allocation per tick
    }

    [Fact]
    public void Only_active_talkers_are_summed_when_gating()
    {
        var (clock, room) = NewRoom(gate: true);
        var loud = SignalSource.Tone(500, 8000);
        var hiss = SignalSource.Noise(3, 60); // ≈ −59 dBFS: line noise, not talk
        var sink = new RecordingSink();
        var pHiss = room.AddParticipant("hiss", hiss, new RecordingSink());
        room.AddParticipant("loud", loud, new RecordingSink());
        room.AddParticipant("listener", null, sink);

        for (int t = 0; t < 10; t++)
        {
            clock.TickNow();
        }

        Assert.False(pHiss.IsSpeaking);
        Assert.InRange(pHiss.InputLevelDbfs, -65, -55);
        for (int t = 0; t < 10; t++)
        {
            Assert.Equal(loud.Produced[t], sink.Frames[t]);
        }
    }

    [Fact]
    public void Extra_source_audience_must_be_in_the_room()
    {
        var (clock, room) = NewRoom();
        var other = clock.CreateRoom("other");
        var stranger = other.AddParticipant("x", null, null);
        Assert.Throws<ArgumentException>(() => room.AddSource(SignalSource.Constant(1), [stranger]));
        Assert.Throws<ArgumentOutOfRangeException>(() => room.AddSource(SignalSource.Constant(1), [], gain: float.NaN));
        Assert.Throws<InvalidOperationException>(() => { room.AddParticipant("dup", null, null); room.AddParticipant("dup", null, null); });
    }
}
