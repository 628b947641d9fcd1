using Tolk.Conferencing.Translation;

namespace Tolk.Conferencing.Tests.Translation;

public sealed class TranslatedAudioQueueTests
{
    private static short[] Constant(short value, int length) => Enumerable.Repeat(value, length).ToArray();

    private static List<short> Drain(TranslatedAudioQueue q, int maxFrames = 100)
    {
        var all = new List<short>();
        var frame = new short[320];
        for (var i = 0; i < maxFrames && q.TryRead(frame); i++)
        {
            all.AddRange(frame);
        }
        return all;
    }

    [Fact]
    public void Overlapping_speakers_are_played_one_phrase_after_the_other_never_mixed()
    {
        var q = new TranslatedAudioQueue("es");
        var started = new List<string>();
        q.PhraseStarted += (s, _) => started.Add(s);
        q.Enqueue("alice", 1, Constant(1, 400), 16000);
        q.Enqueue("carol", 1, Constant(2, 300), 16000);
        q.Enqueue("alice", 1, Constant(1, 200), 16000);
        q.Complete("alice", 1);
        q.Complete("carol", 1);

        var played = Drain(q);
        Assert.Equal(Enumerable.Repeat((short)1, 600).Concat(Enumerable.Repeat((short)2, 300)), played.Take(900));
        Assert.All(played.Skip(900), s => Assert.Equal(0, s));
        Assert.Equal(["alice", "carol"], started);
        Assert.Equal(0, q.QueuedSamples);
    }

    [Fact]
    public void Unfinished_phrase_waits_for_its_audio_then_is_abandoned_after_the_starve_limit()
    {
        var q = new TranslatedAudioQueue("es") { MaxStarveFrames = 5 };
        q.Enqueue("alice", 1, Constant(1, 320), 16000);
        q.Enqueue("carol", 7, Constant(2, 320), 16000);
        q.Complete("carol", 7);
        var frame = new short[320];
        Assert.True(q.TryRead(frame));
        Assert.All(frame, s => Assert.Equal(1, s));
        // Alice's phrase is not complete: Carol waits (no mixing, no interleaving) ...
        for (var i = 0; i < 5; i++)
        {
            Assert.False(q.TryRead(frame));
        }
        // ... until Alice's engine is given up on.
        Assert.True(q.TryRead(frame));
        Assert.All(frame, s => Assert.Equal(2, s));
    }

    [Fact]
    public void Delay_buffer_holds_a_phrase_until_enough_is_queued_or_it_is_complete()
    {
        var q = new TranslatedAudioQueue("es") { PrebufferSamples = 1600 }; // 100 ms
        var frame = new short[320];
        q.Enqueue("alice", 1, Constant(1, 960), 16000);
        Assert.False(q.TryRead(frame));
        q.Enqueue("alice", 1, Constant(1, 640), 16000);
        Assert.True(q.TryRead(frame));
        // Once started, the phrase plays what it has.
        for (var i = 0; i < 4; i++)
        {
            Assert.True(q.TryRead(frame));
        }
        Assert.False(q.TryRead(frame));
        // A short complete phrase does not wait for the buffer to fill.
        q.Enqueue("carol", 2, Constant(2, 320), 16000);
        q.Complete("alice", 1);
        q.Complete("carol", 2);
        Assert.True(q.TryRead(frame));
        Assert.All(frame, s => Assert.Equal(2, s));
    }

    [Fact]
    public void Chunks_at_other_rates_are_resampled_to_16_kHz()
    {
        var q = new TranslatedAudioQueue("es");
        q.Enqueue("alice", 1, Constant(100, 8000), 8000);
        q.Enqueue("alice", 1, Constant(100, 22050), 22050);
        Assert.Equal(32000, q.QueuedSamples);
    }

    [Fact]
    public void Full_queue_drops_and_counts()
    {
        var q = new TranslatedAudioQueue("es") { MaxQueuedSamples = 1000 };
        q.Enqueue("alice", 1, Constant(1, 800), 16000);
        q.Enqueue("alice", 1, Constant(1, 800), 16000);
        Assert.Equal(800, q.QueuedSamples);
        Assert.Equal(800, q.DroppedSamples);
    }
}
