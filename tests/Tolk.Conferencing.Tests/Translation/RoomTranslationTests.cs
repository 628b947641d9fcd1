using Tolk.Speech.Pipeline;

namespace Tolk.Conferencing.Tests.Translation;

public sealed class RoomTranslationTests
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.UtcNow;

    private static short[] Constant(short value, int length = 320) => Enumerable.Repeat(value, length).ToArray();

    private static async Task<TranslationHarness> AliceBobCarolAsync(int originalMixPercent = 20)
    {
        var h = new TranslationHarness(originalMixPercent);
        h.Join("alice", "en");
        h.Join("bob", "es");
        h.Join("carol", "en");
        await TranslationHarness.WaitUntil(() => h.Translation.IsTranslating(h["alice"]) && h.Translation.IsTranslating(h["carol"]) && h.Translation.UnavailableReason(h["bob"]) is not null, "pipelines");
        return h;
    }

    [Fact]
    public async Task Each_language_source_is_heard_only_by_that_languages_listeners()
    {
        await using var h = await AliceBobCarolAsync();
        Assert.Equal(["bob"], h.Translation.SourceFor("es")!.Audience.Select(p => p.Id).Order());
        Assert.Equal(["alice", "carol"], h.Translation.SourceFor("en")!.Audience.Select(p => p.Id).Order());
        var alice = h.Factory.For("alice");
        Assert.Equal("en", alice.Options.SourceLanguage);
        Assert.Equal(["es"], alice.Options.TargetLanguages);
        Assert.Equal(TranslationHarness.TenantId.ToString("N"), alice.Options.Context.TenantId);
    }

    [Fact]
    public async Task Other_language_listeners_hear_the_original_ducked_same_language_listeners_unchanged()
    {
        await using var h = await AliceBobCarolAsync(originalMixPercent: 20);
        Assert.Equal(0.2f, h["bob"].GetGainFrom(h["alice"]), 3);
        Assert.Equal(0.2f, h["bob"].GetGainFrom(h["carol"]), 3);
        Assert.Equal(1f, h["carol"].GetGainFrom(h["alice"]));
        Assert.Equal(1f, h["alice"].GetGainFrom(h["carol"]));
    }

    [Fact]
    public async Task Speaker_without_recogniser_passes_through_unducked_and_says_why()
    {
        await using var h = await AliceBobCarolAsync(originalMixPercent: 0);
        Assert.Contains("No speech recogniser", h.Translation.UnavailableReason(h["bob"]));
        Assert.Equal(1f, h["alice"].GetGainFrom(h["bob"]));
        Assert.Equal(1f, h["carol"].GetGainFrom(h["bob"]));
        Assert.Equal(0f, h["bob"].GetGainFrom(h["alice"]));
    }

    [Fact]
    public async Task Tap_feeds_the_speakers_own_audio_and_translation_reaches_only_the_other_language()
    {
        await using var h = await AliceBobCarolAsync(originalMixPercent: 0);
        var aliceSpeech = Constant(1000);
        h.People["alice"].Input.Frames.Enqueue(aliceSpeech);
        h.Tick();
        var pipeline = h.Factory.For("alice");
        Assert.Single(pipeline.Frames);
        Assert.Equal(aliceSpeech, pipeline.Frames.Single());
        Assert.Empty(h.Factory.For("carol").Frames);

        // The Spanish translation: two 20 ms frames at 16 kHz.
        pipeline.Emit(new TranslatedAudio(s_now, "es", 1, Constant(3000, 640), 16000, true));
        pipeline.Emit(new TranslatedPhraseCompleted(s_now, "es", 1));
        await TranslationHarness.WaitUntil(() => h.Translation.QueueFor("es")!.QueuedSamples == 640, "queued audio");
        foreach (var p in h.People.Values)
        {
            p.Output.Frames.Clear();
        }
        h.Tick(3);

        var bob = h.People["bob"].Output.Frames;
        Assert.All(bob.Take(2), f => Assert.All(f, s => Assert.Equal(3000, s)));
        // Alice never hears her own translation; Carol (English) hears no Spanish.
        Assert.All(h.People["alice"].Output.Frames, f => Assert.All(f, s => Assert.Equal(0, s)));
        Assert.All(h.People["carol"].Output.Frames, f => Assert.All(f, s => Assert.Equal(0, s)));
        Assert.Equal(0, h.Translation.QueueFor("es")!.QueuedSamples);
    }

    [Fact]
    public async Task Ducked_original_sits_under_the_translation_at_original_mix_percent()
    {
        await using var h = await AliceBobCarolAsync(originalMixPercent: 50);
        var pipeline = h.Factory.For("alice");
        pipeline.Emit(new TranslatedAudio(s_now, "es", 1, Constant(3000, 320 * 40), 16000, true));
        await TranslationHarness.WaitUntil(() => h.Translation.QueueFor("es")!.QueuedSamples > 0, "queued audio");
        // Alice speaks a loud tone long enough for talk detection to count her as a talker.
        var tone = Enumerable.Range(0, 320).Select(i => (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 16000.0))).ToArray();
        for (var i = 0; i < 30; i++)
        {
            h.People["alice"].Input.Frames.Enqueue(tone);
        }
        h.Tick(30);
        var bobLast = h.People["bob"].Output.Frames[^1];
        var carolLast = h.People["carol"].Output.Frames[^1];
        Assert.True(h["alice"].IsSpeaking);
        // Carol hears Alice's tone at full level; Bob hears 3000 + half of it.
        for (var i = 0; i < 320; i++)
        {
            Assert.Equal(tone[i], carolLast[i]);
            Assert.InRange(bobLast[i], 3000 + (tone[i] / 2) - 1, 3000 + (tone[i] / 2) + 1);
        }
    }

    [Fact]
    public async Task Transcripts_are_collected_per_room()
    {
        await using var h = await AliceBobCarolAsync();
        var entry = new TranscriptEntry(s_now, 1, "alice", "en", "the weather is nice today", new Dictionary<string, string> { ["es"] = "el tiempo es agradable hoy" }, null, s_now, s_now, [], 0.9);
        h.Factory.For("alice").Emit(entry);
        await TranslationHarness.WaitUntil(() => h.Translation.Transcript.Count == 1, "transcript");
        Assert.Equal("el tiempo es agradable hoy", h.Translation.Transcript[0].Translations["es"]);
    }

    [Fact]
    public async Task Unavailable_translation_unducks_the_original_until_it_recovers()
    {
        await using var h = await AliceBobCarolAsync(originalMixPercent: 0);
        var pipeline = h.Factory.For("alice");
        pipeline.Emit(new TranslationUnavailable(s_now, "es", 3, "translation timed out"));
        await TranslationHarness.WaitUntil(() => h["bob"].GetGainFrom(h["alice"]) == 1f, "un-ducking");
        pipeline.Emit(new TranslationRecovered(s_now, "es"));
        await TranslationHarness.WaitUntil(() => h["bob"].GetGainFrom(h["alice"]) == 0f, "ducking again");
    }

    [Fact]
    public async Task Pipeline_that_ends_or_fails_to_start_leaves_the_original_audible()
    {
        await using var h = await AliceBobCarolAsync(originalMixPercent: 0);
        h.Factory.For("alice").End();
        await TranslationHarness.WaitUntil(() => h.Translation.UnavailableReason(h["alice"]) is not null, "unavailable");
        Assert.Equal(1f, h["bob"].GetGainFrom(h["alice"]));
        Assert.Equal(0f, h["bob"].GetGainFrom(h["carol"]));

        h.Factory.Throw = true;
        var dave = h.Join("dave", "en");
        await TranslationHarness.WaitUntil(() => h.Translation.UnavailableReason(dave) is not null, "start failure");
        Assert.Contains("engine exploded", h.Translation.UnavailableReason(dave));
        Assert.Equal(1f, h["bob"].GetGainFrom(dave));
        // Mixing goes on.
        h.People["dave"].Input.Frames.Enqueue(Constant(500));
        h.Tick();
        Assert.Equal(0, h.Mixer.CallbackErrors);
    }

    [Fact]
    public async Task A_new_language_restarts_speakers_with_it_as_a_target_and_leaving_updates_the_audience()
    {
        await using var h = await AliceBobCarolAsync();
        var first = h.Factory.For("alice");
        var fr = h.Join("francois", "fr");
        await TranslationHarness.WaitUntil(() => h.Factory.For("alice") != first && h.Translation.IsTranslating(h["alice"]), "restart");
        Assert.Contains("fr", h.Factory.For("alice").Options.TargetLanguages);
        Assert.True(first.Disposed);
        Assert.Equal(["francois"], h.Translation.SourceFor("fr")!.Audience.Select(p => p.Id));

        h.Translation.Leave(h["bob"]);
        h.Mixer.RemoveParticipant(h["bob"]);
        Assert.Empty(h.Translation.SourceFor("es")!.Audience);
        Assert.Equal(2, h.Factory.For("alice").Options.TargetLanguages.Count);
    }

    [Fact]
    public async Task Phone_that_goes_quiet_without_packets_gets_the_silence_that_closes_its_phrase()
    {
        await using var h = await AliceBobCarolAsync();
        var tone = Enumerable.Range(0, 320).Select(i => (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 16000.0))).ToArray();
        for (var i = 0; i < 30; i++)
        {
            h.People["alice"].Input.Frames.Enqueue(tone);
        }
        h.Tick(30);
        Assert.True(h["alice"].IsSpeaking);
        // DTX: no more frames; talk detection's hangover ends, then the translation waits 600 ms for frames.
        for (var i = 0; i < 100 && h["alice"].IsSpeaking; i++)
        {
            h.Tick();
        }
        Assert.False(h["alice"].IsSpeaking);
        var pipeline = h.Factory.For("alice");
        Assert.Equal(30, pipeline.Frames.Count);
        h.Time.Advance(TimeSpan.FromMilliseconds(599));
        Assert.Equal(30, pipeline.Frames.Count);
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(60, pipeline.Frames.Count);
        Assert.All(pipeline.Frames.Skip(30), f => Assert.All(f, s => Assert.Equal(0, s)));
    }

    [Fact]
    public async Task Phone_that_keeps_sending_gets_no_extra_silence()
    {
        await using var h = await AliceBobCarolAsync();
        var tone = Enumerable.Range(0, 320).Select(i => (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 16000.0))).ToArray();
        for (var i = 0; i < 30; i++)
        {
            h.People["alice"].Input.Frames.Enqueue(tone);
        }
        for (var i = 0; i < 100; i++)
        {
            h.People["alice"].Input.Frames.Enqueue(new short[320]);
        }
        h.Tick(130);
        Assert.False(h["alice"].IsSpeaking);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(130, h.Factory.For("alice").Frames.Count);
    }

    [Fact]
    public async Task Speaker_alone_with_its_own_language_gets_no_pipeline_and_is_not_recognised()
    {
        await using var h = new TranslationHarness();
        h.Join("alice", "en");
        h.Join("carol", "en");
        h.People["alice"].Input.Frames.Enqueue(Constant(1000));
        h.Tick();
        await Task.Delay(50);
        Assert.Empty(h.Factory.Started);
        Assert.False(h.Translation.HasPipeline(h["alice"]));
        Assert.Equal(1f, h["carol"].GetGainFrom(h["alice"]));
    }
}
