using Tolk.Conferencing.Tenancy;
using Tolk.Conferencing.Translation;
using Tolk.Media.Mixing;
using Tolk.Testing;

namespace Tolk.Conferencing.Tests.Translation;

/// <summary>The DTMF language menu told on join to a caller whose language was a guess, and remembered choices.</summary>
public sealed class JoinMenuTests
{
    private static int Count(IEnumerable<short[]> frames, short level) => frames.SelectMany(f => f).Count(s => s == level);

    [Fact]
    public async Task The_guessed_caller_alone_hears_each_language_offered_in_that_language()
    {
        var synth = new LevelSynthesizer(); // speaks en, es, fr, ca: the room's German gets no line
        await using var h = new TranslationHarness(new HarnessOptions { OriginalMixPercent = 0, NoticeSynthesizer = synth, Languages = ["en", "es", "de"] });
        h.Join("alice", "es");
        h.Join("bob", "en", announceMenu: true);
        await TranslationHarness.WaitUntil(() => h.Translation.NoticesQueued == 1, "menu queued");
        Assert.Equal(["For English, press star 1.", "Para español, pulse asterisco 2."], synth.Texts);

        foreach (var p in h.People.Values)
        {
            p.Output.Frames.Clear();
        }
        h.Tick(75); // 0.5 s + 0.3 s gap + 0.5 s, and some
        var bob = h.People["bob"].Output.Frames;
        Assert.InRange(Count(bob, LevelSynthesizer.LevelOf("en")), 7900, 8000);
        Assert.InRange(Count(bob, LevelSynthesizer.LevelOf("es")), 7900, 8000);
        Assert.All(h.People["alice"].Output.Frames, f => Assert.All(f, s => Assert.Equal(0, s)));
    }

    /// <summary>
    /// Bob, guessed English, hears "For English…" for 0.2 s and keys <c>*digit</c>; returns what he hears in the next
    /// 1.6 s, once the confirmation is queued.
    /// </summary>
    private static async Task<(IReadOnlyList<short[]> Heard, string? Picked, string? LanguageAfter, IReadOnlyList<string> Texts)> KeyDuringMenuAsync(char digit)
    {
        var synth = new LevelSynthesizer();
        await using var h = new TranslationHarness(new HarnessOptions { OriginalMixPercent = 0, NoticeSynthesizer = synth });
        h.Join("bob", "en", announceMenu: true);
        await TranslationHarness.WaitUntil(() => h.Translation.NoticesQueued == 1, "menu queued");
        h.Tick(10);

        h.Translation.OnDigit(h["bob"], '*');
        var picked = h.Translation.OnDigit(h["bob"], digit);
        await TranslationHarness.WaitUntil(() => h.Translation.NoticesQueued == 2, "confirmation queued");
        h.People["bob"].Output.Frames.Clear();
        h.Tick(80);
        return ([.. h.People["bob"].Output.Frames], picked, h.Translation.LanguageOf(h["bob"]), [.. synth.Texts]);
    }

    [Fact]
    public async Task A_menu_choice_cuts_the_menu_short_and_only_the_confirmation_follows()
    {
        var (bob, picked, _, texts) = await KeyDuringMenuAsync('2');
        Assert.Equal("es", picked);
        // Without the cut Bob would hear the rest of the English line and the Spanish line before "Español.".
        Assert.InRange(Count(bob, LevelSynthesizer.LevelOf("en")), 0, 100);
        Assert.InRange(Count(bob, LevelSynthesizer.LevelOf("es")), 7900, 8000);
        Assert.Equal("Español.", texts[^1]);
    }

    [Fact]
    public async Task Keying_the_guessed_language_settles_it_cuts_the_menu_and_is_confirmed()
    {
        var (bob, picked, language, texts) = await KeyDuringMenuAsync('1');
        Assert.Equal("en", picked);
        Assert.InRange(Count(bob, LevelSynthesizer.LevelOf("en")), 7900, 8000); // "English." only
        Assert.InRange(Count(bob, LevelSynthesizer.LevelOf("es")), 0, 100); // the Spanish line was cut
        Assert.Equal("English.", texts[^1]);
        Assert.Equal("en", language);
    }

    [Fact]
    public async Task Only_a_caller_whose_language_nothing_said_is_told_the_menu_and_a_remembered_choice_is_used()
    {
        var catalog = new InMemoryTenantCatalog();
        var tenant = catalog.AddTenant("Demo", "demo.tolk.test");
        catalog.AddAccount(tenant, "alice", "pw", "en");
        var room = new RoomInfo(Guid.NewGuid(), "5000", "Demo", Languages: [new RoomLanguage("en"), new RoomLanguage("es")],
            ParticipantLanguages: [new RoomParticipantLanguage(null, "+3225550101", "es")]);
        var synth = new LevelSynthesizer();
        await using var service = new ConferenceTranslation(new FakeSpeakerPipelineFactory(), catalog: catalog, noticeSynthesizer: synth);
        await using var clock = new MixerClock(new ManualTimeProvider());
        var mixer = clock.CreateRoom("r");
        var alice = mixer.AddParticipant("alice", null, null);
        var mapped = mixer.AddParticipant("mapped", null, null);
        var returning = mixer.AddParticipant("returning", null, null);
        var stranger = mixer.AddParticipant("stranger", null, null);

        service.Join(tenant.Id, room, alice, "alice", "sip:alice@demo.tolk.test", "c1"); // account language
        service.Join(tenant.Id, room, mapped, null, "sip:+3225550101@carrier.example", "c2"); // the room's mapping
        service.Join(tenant.Id, room, returning, null, "sip:+3225550102@carrier.example", "c3", remembered: "es");
        service.Join(tenant.Id, room, stranger, null, "sip:+3225550103@carrier.example", "c4");
        var translation = service.Find(tenant.Id, room.Id)!;
        await TranslationHarness.WaitUntil(() => translation.NoticesQueued == 1, "the stranger's menu");
        await Task.Delay(300); // a menu wrongly started for an earlier caller would be queued by now too
        Assert.Equal(1, translation.NoticesQueued);

        Assert.Equal("en", translation.LanguageOf(alice));
        Assert.Equal("es", translation.LanguageOf(mapped));
        Assert.Equal("es", translation.LanguageOf(returning));
        Assert.Equal("en", translation.LanguageOf(stranger));
        Assert.Equal(["For English, press star 1.", "Para español, pulse asterisco 2."], synth.Texts);
        Assert.Equal(["menu-stranger"], mixer.Sources.Where(s => s.Name.StartsWith("menu-", StringComparison.Ordinal)).Select(s => s.Name));
    }

    [Fact]
    public async Task The_menu_prompt_can_be_turned_off()
    {
        var room = new RoomInfo(Guid.NewGuid(), "5000", "Demo", Languages: [new RoomLanguage("en"), new RoomLanguage("es")]);
        var synth = new LevelSynthesizer();
        await using var service = new ConferenceTranslation(new FakeSpeakerPipelineFactory(), new ConferenceTranslationOptions { JoinMenuPrompt = false }, noticeSynthesizer: synth);
        await using var clock = new MixerClock(new ManualTimeProvider());
        var mixer = clock.CreateRoom("r");
        var tenant = Guid.NewGuid();
        var stranger = mixer.AddParticipant("stranger", null, null);
        service.Join(tenant, room, stranger, null, "sip:+3225550103@carrier.example", "c1");
        // The menu itself still works: a choice is confirmed (so the synthesiser is known to be reachable).
        service.OnDigit(stranger, '*');
        Assert.Equal("es", service.OnDigit(stranger, '2'));
        var translation = service.Find(tenant, room.Id)!;
        await TranslationHarness.WaitUntil(() => translation.NoticesQueued == 1, "the confirmation");
        Assert.Equal(["Español."], synth.Texts);
    }
}
