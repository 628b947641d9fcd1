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
        alice.Emit(Utterance("alice", "calm words", Emotion(EmotionLabel.Angry, 0.49)));
        alice.Emit(Utterance("alice", "this is unacceptable", Emotion(EmotionLabel.Angry, 0.5)));
        alice.Emit(Utterance("alice", "so sad", Emotion(EmotionLabel.Sad, 0.95)));
        alice.Emit(Utterance("alice", "great", Emotion(EmotionLabel.Happy, 0.99)));
        alice.Emit(Utterance("alice", "no estimate", null));
        await TranslationHarness.WaitUntil(() => h.Events.Of<RoomTranscriptEvent>().Count == 5, "transcripts");
        var alert = Assert.Single(h.Events.Of<RoomEmotionAlertEvent>());
        Assert.Equal(EmotionLabel.Angry, alert.Label);
        Assert.Equal(0.5, alert.Score, 6);
        Assert.Equal(EmotionAlertSettings.DefaultThreshold, alert.Threshold);
        Assert.Equal("this is unacceptable", alert.Text);
        Assert.Equal("alice", alert.ParticipantId);
    }

    [Fact]
    public void The_default_threshold_is_reached_by_the_prosody_detectors_clear_anger()
    {
        // Loud, fast, tense, high and lively speech with angry words: the detector's own features for a shouted
        // complaint. Its anger share must reach the default threshold, or rooms with default settings never alert.
        var shouting = new Tolk.Speech.Local.Emotion.ProsodyFeatures(
            MedianPitchHz: 200, PitchSpreadSemitones: 5, MeanLevelDbfs: -12, LevelSpreadDb: 8, SyllablesPerSecond: 6,
            SpectralTiltDb: -6, Jitter: 0.03, VoicedSeconds: 2.5);
        var result = Tolk.Speech.Local.Emotion.ProsodyEmotionDetector.Classify(shouting, "this is terrible, I am furious and I hate this");
        Assert.Equal(EmotionLabel.Angry, result.Label);
        Assert.True(result.Scores[EmotionLabel.Angry] >= EmotionAlertSettings.DefaultThreshold, $"anger share {result.Scores[EmotionLabel.Angry]:F3}");

        var calm = Tolk.Speech.Local.Emotion.ProsodyEmotionDetector.Classify(shouting with { MeanLevelDbfs = -30, SyllablesPerSecond = 3.5, SpectralTiltDb = -16, PitchSpreadSemitones = 2 }, "thank you, that is fine");
        Assert.True(calm.Label != EmotionLabel.Angry || calm.Scores[EmotionLabel.Angry] < EmotionAlertSettings.DefaultThreshold);
    }

    [Fact]
    public async Task Alerts_are_throttled_per_speaker_and_label()
    {
        await using var h = new TranslationHarness(new HarnessOptions
        {
            EmotionAlerts = new EmotionAlertSettings(0.5, [EmotionLabel.Angry, EmotionLabel.Sad]),
            Translation = new Tolk.Conferencing.Translation.ConferenceTranslationOptions { EmotionAlertInterval = TimeSpan.FromMinutes(1) },
        });
        h.Join("alice", "en");
        h.Join("carol", "en");
        h.Join("bob", "es");
        await TranslationHarness.WaitUntil(() => h.Translation.IsTranslating(h["alice"]) && h.Translation.IsTranslating(h["carol"]), "pipelines");
        var alice = h.Factory.For("alice");
        alice.Emit(Utterance("alice", "angry 1", Emotion(EmotionLabel.Angry, 0.9)));
        alice.Emit(Utterance("alice", "angry 2", Emotion(EmotionLabel.Angry, 0.9)));
        alice.Emit(Utterance("alice", "sad 1", Emotion(EmotionLabel.Sad, 0.9)));
        h.Factory.For("carol").Emit(Utterance("carol", "carol angry", Emotion(EmotionLabel.Angry, 0.9)));
        // A speaker's events are handled in order, so once "sad 1" alerted, "angry 2" has been handled (and throttled).
        await TranslationHarness.WaitUntil(() => h.Events.Of<RoomEmotionAlertEvent>().Count == 3, "first alerts");
        h.Time.Advance(TimeSpan.FromSeconds(61));
        alice.Emit(Utterance("alice", "angry 3", Emotion(EmotionLabel.Angry, 0.9)));
        await TranslationHarness.WaitUntil(() => h.Events.Of<RoomEmotionAlertEvent>().Count == 4, "alert after the interval");

        // Speakers' pipelines run concurrently: compare as a set.
        Assert.Equal(["angry 1", "angry 3", "carol angry", "sad 1"], h.Events.Of<RoomEmotionAlertEvent>().Select(e => e.Text).Order(StringComparer.Ordinal));
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
