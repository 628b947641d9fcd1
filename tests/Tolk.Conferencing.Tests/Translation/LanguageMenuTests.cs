using Tolk.Conferencing.Events;

namespace Tolk.Conferencing.Tests.Translation;

/// <summary>The DTMF language menu: <c>*N</c> switches a participant to the room's Nth language, live.</summary>
public sealed class LanguageMenuTests
{
    [Fact]
    public async Task Star_digit_switches_language_and_audiences_ducking_and_pipelines_follow()
    {
        await using var h = new TranslationHarness(originalMixPercent: 0);
        h.Join("alice", "en");
        h.Join("bob", "es");
        // The routing (ducking) follows the pipeline's start on its own thread: wait for both.
        await TranslationHarness.WaitUntil(() => h.Translation.IsTranslating(h["alice"]) && h["bob"].GetGainFrom(h["alice"]) == 0f, "pipeline and ducking");
        var aliceFirst = h.Factory.For("alice");
        Assert.Equal(0f, h["bob"].GetGainFrom(h["alice"]));

        Assert.Null(h.Translation.OnDigit(h["bob"], '*'));
        Assert.Equal("en", h.Translation.OnDigit(h["bob"], '1'));

        Assert.Equal("en", h.Translation.LanguageOf(h["bob"]));
        Assert.Equal(["alice", "bob"], h.Translation.SourceFor("en")!.Audience.Select(p => p.Id).Order());
        Assert.Empty(h.Translation.SourceFor("es")!.Audience);
        Assert.Equal(1f, h["bob"].GetGainFrom(h["alice"]));
        Assert.Equal(1f, h["alice"].GetGainFrom(h["bob"]));
        Assert.Contains(h.Events.Of<RoomParticipantEvent>(), e => e.ParticipantId == "bob" && e.Language == "en" && e.Joined);

        // Nobody needs a translation any more: Alice's pipeline winds down after the grace period.
        h.Time.Advance(TimeSpan.FromSeconds(30));
        await TranslationHarness.WaitUntil(() => aliceFirst.Disposed, "alice idle");

        // Bob switches back with *2: both pipelines run again, Bob's from Spanish.
        h.Translation.OnDigit(h["bob"], '*');
        Assert.Equal("es", h.Translation.OnDigit(h["bob"], '2'));
        await TranslationHarness.WaitUntil(() => h.Translation.IsTranslating(h["alice"]) && h.Factory.Started.Count(p => p.Options.Context.ParticipantId == "bob") == 2 && h["bob"].GetGainFrom(h["alice"]) == 0f, "pipelines and ducking again");
        Assert.Equal("es", h.Factory.For("bob").Options.SourceLanguage);
        Assert.Equal(["es"], h.Factory.For("alice").Options.TargetLanguages);
        Assert.Equal(0f, h["bob"].GetGainFrom(h["alice"]));
        Assert.Equal(["bob"], h.Translation.SourceFor("es")!.Audience.Select(p => p.Id));
    }

    [Fact]
    public async Task Other_sequences_do_not_switch()
    {
        await using var h = new TranslationHarness();
        h.Join("alice", "en");
        var alice = h["alice"];
        Assert.Null(h.Translation.OnDigit(alice, '2')); // no star
        h.Translation.OnDigit(alice, '*');
        Assert.Null(h.Translation.OnDigit(alice, '6')); // mute, not the menu
        h.Translation.OnDigit(alice, '*');
        Assert.Null(h.Translation.OnDigit(alice, '3')); // the room has two languages
        h.Translation.OnDigit(alice, '*');
        Assert.Equal("en", h.Translation.OnDigit(alice, '1')); // already English: confirmed (and remembered), nothing switches
        h.Translation.OnDigit(alice, '*');
        h.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.Null(h.Translation.OnDigit(alice, '2')); // too late after the star
        Assert.Equal("en", h.Translation.LanguageOf(alice));

        h.Translation.OnDigit(alice, '*');
        h.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("es", h.Translation.OnDigit(alice, '2'));
    }

    [Fact]
    public async Task Phrases_of_the_new_language_are_not_confused_with_queued_ones_of_the_old()
    {
        await using var h = new TranslationHarness(0, "en", "es", "fr");
        h.Join("alice", "en");
        h.Join("bob", "es");
        await TranslationHarness.WaitUntil(() => h.Translation.IsTranslating(h["alice"]), "pipeline");
        var now = DateTimeOffset.UtcNow;
        var english = h.Factory.For("alice");
        english.Emit(new Tolk.Speech.Pipeline.TranslatedAudio(now, "es", 1, Enumerable.Repeat((short)3000, 320 * 50).ToArray(), 16000, true));
        english.Emit(new Tolk.Speech.Pipeline.TranslatedPhraseCompleted(now, "es", 1));
        await TranslationHarness.WaitUntil(() => h.Translation.QueueFor("es")!.QueuedSamples == 320 * 50, "first phrase queued");

        h.Translation.OnDigit(h["alice"], '*');
        Assert.Equal("fr", h.Translation.OnDigit(h["alice"], '3'));
        await TranslationHarness.WaitUntil(() => h.Factory.For("alice").Options.SourceLanguage == "fr" && h.Translation.IsTranslating(h["alice"]), "french pipeline");
        var french = h.Factory.For("alice");
        // The new run numbers its phrases from 1 again.
        french.Emit(new Tolk.Speech.Pipeline.TranslatedAudio(now, "es", 1, Enumerable.Repeat((short)4000, 320 * 5).ToArray(), 16000, true));
        french.Emit(new Tolk.Speech.Pipeline.TranslatedPhraseCompleted(now, "es", 1));
        await TranslationHarness.WaitUntil(() => h.Translation.QueueFor("es")!.QueuedSamples == 320 * 55, "second phrase queued");

        h.People["bob"].Output.Frames.Clear();
        h.Tick(60);
        var bob = h.People["bob"].Output.Frames;
        Assert.Equal(50, bob.Count(f => f.All(s => s == 3000)));
        Assert.Equal(5, bob.Count(f => f.All(s => s == 4000)));
    }

    [Fact]
    public async Task The_caller_alone_hears_the_name_of_the_language_it_picked()
    {
        var synth = new LevelSynthesizer();
        await using var h = new TranslationHarness(new HarnessOptions { OriginalMixPercent = 0, NoticeSynthesizer = synth });
        h.Factory.Unrecognised.Clear();
        h.Join("alice", "en");
        h.Join("bob", "es");
        await TranslationHarness.WaitUntil(() => h.Translation.IsTranslating(h["alice"]) && h.Translation.IsTranslating(h["bob"]), "pipelines");

        h.Translation.OnDigit(h["bob"], '*');
        Assert.Equal("en", h.Translation.OnDigit(h["bob"], '1'));
        await TranslationHarness.WaitUntil(() => h.Translation.NoticesQueued == 1, "confirmation queued");
        foreach (var p in h.People.Values)
        {
            p.Output.Frames.Clear();
        }
        h.Tick(40);
        var english = LevelSynthesizer.LevelOf("en");
        Assert.InRange(h.People["bob"].Output.Frames.SelectMany(f => f).Count(s => s == english), 7900, 8000);
        Assert.All(h.People["alice"].Output.Frames, f => Assert.All(f, s => Assert.Equal(0, s)));
        Assert.Equal(["English."], synth.Texts);

        Assert.Contains(h.Mixer.Sources, s => s.Name == "menu-bob");
        h.Translation.Leave(h["bob"]);
        Assert.DoesNotContain(h.Mixer.Sources, s => s.Name == "menu-bob");
    }
}
