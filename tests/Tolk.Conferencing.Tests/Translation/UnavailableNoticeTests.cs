using Tolk.Conferencing.Translation;
using Tolk.Speech.Pipeline;

namespace Tolk.Conferencing.Tests.Translation;

/// <summary>Listeners who lose a speaker's translation hear a short notice in their language; the speaker does not.</summary>
public sealed class UnavailableNoticeTests
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.UtcNow;

    private static async Task<(TranslationHarness H, LevelSynthesizer Synth)> RoomAsync()
    {
        var synth = new LevelSynthesizer();
        var h = new TranslationHarness(new HarnessOptions { OriginalMixPercent = 0, NoticeSynthesizer = synth });
        // Everyone can be recognised here, so that only the failures injected below cause notices.
        h.Factory.Unrecognised.Clear();
        h.Join("alice", "en");
        h.Join("bob", "es");
        h.Join("carol", "en");
        await TranslationHarness.WaitUntil(() => h.Translation.IsTranslating(h["alice"]) && h.Translation.IsTranslating(h["bob"]), "pipelines");
        return (h, synth);
    }

    /// <summary>Ticks the room until every queue has played out, then returns the samples each person heard.</summary>
    private static async Task<Dictionary<string, short[]>> PlayOutAsync(TranslationHarness h, long notices)
    {
        await TranslationHarness.WaitUntil(() => h.Translation.NoticesQueued >= notices, "notice queued");
        foreach (var p in h.People.Values)
        {
            p.Output.Frames.Clear();
        }
        for (var i = 0; i < 100; i++)
        {
            h.Tick();
        }
        return h.People.ToDictionary(p => p.Key, p => p.Value.Output.Frames.SelectMany(f => f).ToArray());
    }

    private static int Count(short[] heard, short level) => heard.Count(s => s == level);

    [Fact]
    public async Task Listeners_of_the_lost_target_hear_the_notice_in_their_language_and_the_speaker_does_not()
    {
        var (h, synth) = await RoomAsync();
        await using var _ = h;
        h.Factory.For("alice").Emit(new TranslationUnavailable(s_now, "es", 1, "translator down"));
        var heard = await PlayOutAsync(h, 1);

        // 0.5 s of the Spanish notice, resampled from 8 kHz: about 8000 samples at its level.
        Assert.InRange(Count(heard["bob"], LevelSynthesizer.LevelOf("es")), 7900, 8000);
        Assert.Equal(0, Count(heard["alice"], LevelSynthesizer.LevelOf("es")));
        Assert.Equal(0, Count(heard["carol"], LevelSynthesizer.LevelOf("es")));
        Assert.All(heard["alice"], s => Assert.Equal(0, s));
        Assert.Equal(["La traducción no está disponible; está escuchando al orador original."], synth.Texts);
        // The original is un-ducked for Bob while the notice plays.
        Assert.Equal(1f, h["bob"].GetGainFrom(h["alice"]));
    }

    [Fact]
    public async Task At_most_one_notice_per_speaker_and_target_per_minute_and_recovery_is_silent()
    {
        var (h, synth) = await RoomAsync();
        await using var _ = h;
        var alice = h.Factory.For("alice");
        alice.Emit(new TranslationUnavailable(s_now, "es", 1, "down"));
        await TranslationHarness.WaitUntil(() => h.Translation.NoticesQueued == 1, "first notice");
        alice.Emit(new TranslationRecovered(s_now, "es"));
        alice.Emit(new TranslationUnavailable(s_now, "es", 2, "down again"));
        alice.Emit(new TranslationRecovered(s_now, "es"));
        await TranslationHarness.WaitUntil(() => h.Events.Of<Tolk.Conferencing.Events.RoomTranslationStateEvent>().Count(e => e.ParticipantId == "alice") == 4, "state events");
        await Task.Delay(50);
        Assert.Equal(1, h.Translation.NoticesQueued);

        h.Time.Advance(TimeSpan.FromSeconds(61));
        alice.Emit(new TranslationUnavailable(s_now, "es", 3, "down once more"));
        await TranslationHarness.WaitUntil(() => h.Translation.NoticesQueued == 2, "second notice after a minute");
        // The notice's audio is synthesised once per language and reused.
        Assert.Equal(1, synth.Calls);
    }

    [Fact]
    public async Task A_pipeline_that_fails_is_announced_to_every_other_language_present()
    {
        var (h, _) = await RoomAsync();
        await using var __ = h;
        // Bob's (Spanish) pipeline dies: Alice and Carol (English) are told, in English.
        h.Factory.For("bob").End();
        var heard = await PlayOutAsync(h, 1);
        Assert.InRange(Count(heard["alice"], LevelSynthesizer.LevelOf("en")), 7900, 8000);
        Assert.InRange(Count(heard["carol"], LevelSynthesizer.LevelOf("en")), 7900, 8000);
        Assert.All(heard["bob"], s => Assert.Equal(0, s));
    }

    [Fact]
    public async Task A_pipeline_that_fails_to_start_is_announced()
    {
        var synth = new LevelSynthesizer();
        await using var h = new TranslationHarness(new HarnessOptions { OriginalMixPercent = 0, NoticeSynthesizer = synth });
        h.Factory.Throw = true;
        h.Join("alice", "en");
        h.Join("bob", "es");
        var heard = await PlayOutAsync(h, 2);
        Assert.InRange(Count(heard["bob"], LevelSynthesizer.LevelOf("es")), 7900, 8000);
        Assert.InRange(Count(heard["alice"], LevelSynthesizer.LevelOf("en")), 7900, 8000);
        Assert.Equal(0, Count(heard["alice"], LevelSynthesizer.LevelOf("es")));
    }

    [Fact]
    public void Notice_text_falls_back_to_English_for_languages_without_one()
    {
        Assert.Equal(("Translation is unavailable; you are hearing the original speaker.", "en"), TranslationNotices.TextFor("ja"));
        Assert.Equal("fr", TranslationNotices.TextFor("fr-CA").Language);
        Assert.Equal("ca", TranslationNotices.TextFor("ca").Language);
    }

    [Fact]
    public async Task A_speaker_without_a_recogniser_is_announced_when_first_heard_not_at_join()
    {
        var synth = new LevelSynthesizer();
        var h = new TranslationHarness(new HarnessOptions { OriginalMixPercent = 0, NoticeSynthesizer = synth });
        await using var _ = h;
        h.Join("alice", "en");
        h.Join("bob", "es"); // no Spanish recogniser in the harness: bob can never be translated
        await TranslationHarness.WaitUntil(() => h.Translation.UnavailableReason(h["bob"]) is not null, "bob unavailable");
        h.Tick(50);
        Assert.Equal(0, h.Translation.NoticesQueued);

        // bob talks: talk detection hears him, and alice is told she hears the original.
        for (var i = 0; i < 50; i++)
        {
            h.People["bob"].Input.Frames.Enqueue(Enumerable.Range(0, 320).Select(n => (short)(8000 * Math.Sin(2 * Math.PI * 300 * n / 16000.0))).ToArray());
        }
        h.Tick(50);
        await TranslationHarness.WaitUntil(() => h.Translation.NoticesQueued == 1, "notice once bob is heard");
        Assert.Equal(["Translation is unavailable; you are hearing the original speaker."], synth.Texts);
    }
}
