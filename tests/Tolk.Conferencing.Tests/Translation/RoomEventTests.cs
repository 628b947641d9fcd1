using Tolk.Conferencing.Events;
using Tolk.Conferencing.Tenancy;
using Tolk.Speech;
using Tolk.Speech.Pipeline;

namespace Tolk.Conferencing.Tests.Translation;

/// <summary>What a room publishes to its <see cref="IRoomEventSink"/>.</summary>
public sealed class RoomEventTests
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.UtcNow;

    private static EmotionResult Emotion(EmotionLabel label, double score) =>
        new(label, -0.5, 0.6, 0.6, new Dictionary<EmotionLabel, double> { [label] = score, [EmotionLabel.Neutral] = 1 - score });

    private static TranscriptEntry Utterance(string speaker, string text, EmotionResult? emotion) =>
        new(s_now, 1, speaker, "en", text, new Dictionary<string, string> { ["es"] = "x" }, emotion, s_now, s_now, [], 0.9);

    private static async Task<TranslationHarness> RoomAsync(EmotionAlertSettings? alerts = null)
    {
        var h = new TranslationHarness(new HarnessOptions { EmotionAlerts = alerts });
        h.Join("alice", "en");
        h.Join("bob", "es");
        await TranslationHarness.WaitUntil(() => h.Translation.IsTranslating(h["alice"]), "pipeline");
        return h;
    }

    [Fact]
    public async Task Joins_leaves_transcripts_and_captions_are_published_with_tenant_and_room()
    {
        await using var h = await RoomAsync();
        var alice = h.Factory.For("alice");
        alice.Emit(new InterimTranscript(s_now, "en", "the wea"));
        alice.Emit(Utterance("alice", "the weather is nice", null));
        await TranslationHarness.WaitUntil(() => h.Events.Of<RoomTranscriptEvent>().Count == 1, "transcript event");
        h.Translation.Leave(h["bob"]);

        var joins = h.Events.Of<RoomParticipantEvent>();
        Assert.Equal([("alice", "en", true), ("bob", "es", true), ("bob", "es", false)], joins.Select(e => (e.ParticipantId, e.Language, e.Joined)));
        Assert.All(h.Events.Events, e =>
        {
            Assert.Equal(TranslationHarness.TenantId, e.TenantId);
            Assert.Equal(h.Room.Id, e.RoomId);
            Assert.Equal("5000", e.RoomExtension);
        });
        var interim = Assert.Single(h.Events.Of<RoomInterimEvent>());
        Assert.Equal(("alice", "en", "the wea"), (interim.ParticipantId, interim.Language, interim.Text));
        Assert.Equal("the weather is nice", h.Events.Of<RoomTranscriptEvent>()[0].Entry.Text);
    }

    [Fact]
    public async Task Availability_changes_are_published_once_per_transition()
    {
        await using var h = await RoomAsync();
        // Bob's Spanish has no recogniser: one speaker-wide event (no target).
        await TranslationHarness.WaitUntil(() => h.Events.Of<RoomTranslationStateEvent>().Any(e => e.ParticipantId == "bob"), "bob unavailable");
        var bobState = Assert.Single(h.Events.Of<RoomTranslationStateEvent>(), e => e.ParticipantId == "bob");
        Assert.Null(bobState.TargetLanguage);
        Assert.False(bobState.Available);
        Assert.Contains("No speech recogniser", bobState.Reason);

        var alice = h.Factory.For("alice");
        alice.Emit(new TranslationUnavailable(s_now, "es", 1, "translation timed out"));
        alice.Emit(new TranslationUnavailable(s_now, "es", 2, "translation timed out"));
        alice.Emit(new TranslationRecovered(s_now, "es"));
        alice.Emit(new TranslationRecovered(s_now, "es"));
        await TranslationHarness.WaitUntil(() => h.Events.Of<RoomTranslationStateEvent>().Count(e => e.ParticipantId == "alice") == 2, "alice transitions");
        await Task.Delay(50);
        var states = h.Events.Of<RoomTranslationStateEvent>().Where(e => e.ParticipantId == "alice").ToList();
        Assert.Equal([("es", false, "translation timed out"), ("es", true, null)], states.Select(e => (e.TargetLanguage, e.Available, e.Reason)));
    }

    [Fact]
    public async Task Anger_at_or_above_the_threshold_raises_an_alert_and_other_labels_do_not()
    {
        await using var h = await RoomAsync(new EmotionAlertSettings());
        var alice = h.Factory.For("alice");
        alice.Emit(Utterance("alice", "calm words", Emotion(EmotionLabel.Angry, 0.69)));
        alice.Emit(Utterance("alice", "this is unacceptable", Emotion(EmotionLabel.Angry, 0.7)));
        alice.Emit(Utterance("alice", "so sad", Emotion(EmotionLabel.Sad, 0.95)));
        alice.Emit(Utterance("alice", "great", Emotion(EmotionLabel.Happy, 0.99)));
        alice.Emit(Utterance("alice", "no estimate", null));
        await TranslationHarness.WaitUntil(() => h.Events.Of<RoomTranscriptEvent>().Count == 5, "transcripts");
        var alert = Assert.Single(h.Events.Of<RoomEmotionAlertEvent>());
        Assert.Equal(EmotionLabel.Angry, alert.Label);
        Assert.Equal(0.7, alert.Score, 6);
        Assert.Equal(EmotionAlertSettings.DefaultThreshold, alert.Threshold);
        Assert.Equal("this is unacceptable", alert.Text);
        Assert.Equal("alice", alert.ParticipantId);
    }

    [Fact]
    public async Task Configured_labels_and_threshold_are_honoured_and_rooms_without_alerts_raise_none()
    {
        await using (var h = await RoomAsync(new EmotionAlertSettings(0.9, [EmotionLabel.Sad, EmotionLabel.Happy])))
        {
            var alice = h.Factory.For("alice");
            alice.Emit(Utterance("alice", "angry", Emotion(EmotionLabel.Angry, 0.99)));
            alice.Emit(Utterance("alice", "sad low", Emotion(EmotionLabel.Sad, 0.89)));
            alice.Emit(Utterance("alice", "sad high", Emotion(EmotionLabel.Sad, 0.91)));
            alice.Emit(Utterance("alice", "happy", Emotion(EmotionLabel.Happy, 0.99)));
            await TranslationHarness.WaitUntil(() => h.Events.Of<RoomTranscriptEvent>().Count == 4, "transcripts");
            // Happy is not a negative label: ignored even when configured.
            Assert.Equal(["sad high"], h.Events.Of<RoomEmotionAlertEvent>().Select(e => e.Text));
        }

        await using (var h = await RoomAsync(alerts: null))
        {
            h.Factory.For("alice").Emit(Utterance("alice", "furious", Emotion(EmotionLabel.Angry, 1)));
            await TranslationHarness.WaitUntil(() => h.Events.Of<RoomTranscriptEvent>().Count == 1, "transcript");
            Assert.Empty(h.Events.Of<RoomEmotionAlertEvent>());
        }
    }

    [Fact]
    public async Task A_throwing_sink_does_not_stop_translation()
    {
        var sink = new ThrowingSink();
        await using var clock = new Tolk.Media.Mixing.MixerClock(new Tolk.Testing.ManualTimeProvider());
        var mixer = clock.CreateRoom("r");
        var factory = new FakeSpeakerPipelineFactory();
        var room = new RoomInfo(Guid.NewGuid(), "5000", "Demo", Languages: [new RoomLanguage("en"), new RoomLanguage("es")]);
        await using var translation = new Tolk.Conferencing.Translation.RoomTranslation(mixer, room, Guid.NewGuid(), factory, new(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeProvider.System, sink);
        var alice = mixer.AddParticipant("alice", null, null);
        translation.Join(alice, "en", "a");
        translation.Join(mixer.AddParticipant("bob", null, null), "es", "b");
        await TranslationHarness.WaitUntil(() => translation.IsTranslating(alice), "pipeline");
        factory.For("alice").Emit(Utterance("alice", "hello", null));
        await TranslationHarness.WaitUntil(() => translation.Transcript.Count == 1, "transcript");
        Assert.True(sink.Calls >= 3);
    }

    private sealed class ThrowingSink : IRoomEventSink
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public void Publish(RoomEvent roomEvent)
        {
            Interlocked.Increment(ref _calls);
            throw new InvalidOperationException("sink down");
        }
    }
}
