using Tolk.Conferencing.Tenancy;
using Tolk.Conferencing.Translation;
using Tolk.Media.Mixing;
using Tolk.Speech.Pipeline;
using Tolk.Testing;

namespace Tolk.Conferencing.Tests.Translation;

public sealed class ConferenceTranslationTests
{
    [Fact]
    public async Task Transcript_of_a_room_outlives_its_last_call_and_single_language_rooms_are_not_translated()
    {
        var factory = new FakeSpeakerPipelineFactory();
        await using var service = new ConferenceTranslation(factory);
        await using var clock = new MixerClock(new ManualTimeProvider());
        var mixer = clock.CreateRoom("r");
        var tenant = Guid.NewGuid();
        // Bob is mapped to Spanish by his number; Alice has no mapping and no catalog: the room's first language.
        var room = new RoomInfo(Guid.NewGuid(), "5000", "Demo", Languages: [new RoomLanguage("en"), new RoomLanguage("es")], ParticipantLanguages: [new RoomParticipantLanguage(null, "1002", "es")]);
        var alice = mixer.AddParticipant("alice", null, null);
        var bob = mixer.AddParticipant("bob", null, null);
        service.Join(tenant, room, alice, "alice", "sip:alice@demo.tolk.test", "c1");
        service.Join(tenant, room, bob, null, "sip:1002@demo.tolk.test", "c2");
        await TranslationHarness.WaitUntil(() => service.Find(tenant, room.Id)?.IsTranslating(alice) == true, "pipeline");
        Assert.Equal("en", service.Find(tenant, room.Id)!.LanguageOf(alice));
        Assert.Equal("es", service.Find(tenant, room.Id)!.LanguageOf(bob));
        var now = DateTimeOffset.UtcNow;
        factory.For("alice").Emit(new TranscriptEntry(now, 1, "alice", "en", "hello", new Dictionary<string, string> { ["es"] = "hola" }, null, now, now, [], 1));
        await TranslationHarness.WaitUntil(() => service.GetTranscript(tenant, room.Id).Count == 1, "transcript");
        service.Leave(alice);
        service.Leave(bob);
        Assert.Single(service.GetTranscript(tenant, room.Id));

        var single = new RoomInfo(Guid.NewGuid(), "5001", "Solo", Languages: [new RoomLanguage("en")]);
        Assert.False(service.AppliesTo(single));
        service.Join(tenant, single, mixer.AddParticipant("carol", null, null), null, "sip:carol@x", "c3");
        Assert.Null(service.Find(tenant, single.Id));
    }
}

public sealed class VoiceProfileResolutionTests
{
    [Fact]
    public async Task Mapping_voice_then_account_voice_reach_the_pipeline_as_a_profile()
    {
        var catalog = new InMemoryTenantCatalog();
        var tenant = catalog.AddTenant("Demo", "demo.tolk.test");
        var aliceVoice = new VoiceProfileInfo(Guid.NewGuid(), "en", 98, 5.1, "clone-a");
        var bobVoice = new VoiceProfileInfo(Guid.NewGuid(), "es", 230, 3.5);
        var accountVoice = new VoiceProfileInfo(Guid.NewGuid(), "es", 150, 4);
        catalog.AddVoiceProfile(tenant, aliceVoice);
        catalog.AddVoiceProfile(tenant, bobVoice);
        catalog.AddVoiceProfile(tenant, accountVoice);
        catalog.AddAccount(tenant, "alice", "pw", "en", aliceVoice.Id.ToString());
        catalog.AddAccount(tenant, "bob", "pw", "es", accountVoice.Id.ToString());
        catalog.AddAccount(tenant, "carol", "pw", "en", "espeak:en");
        var room = new RoomInfo(Guid.NewGuid(), "5000", "Demo", Languages: [new RoomLanguage("en"), new RoomLanguage("es")],
            ParticipantLanguages: [new RoomParticipantLanguage("bob", null, "es", bobVoice.Id.ToString())]);

        var factory = new FakeSpeakerPipelineFactory();
        await using var service = new ConferenceTranslation(factory, catalog: catalog);
        await using var clock = new MixerClock(new ManualTimeProvider());
        var mixer = clock.CreateRoom("r");
        var alice = mixer.AddParticipant("alice", null, null);
        var bob = mixer.AddParticipant("bob", null, null);
        var carol = mixer.AddParticipant("carol", null, null);
        var claimant = mixer.AddParticipant("claimant", null, null);
        var pbxBob = mixer.AddParticipant("pbx-bob", null, null);
        service.Join(tenant.Id, room, alice, "alice", "sip:alice@demo.tolk.test", "c1");
        service.Join(tenant.Id, room, bob, "bob", "sip:bob@demo.tolk.test", "c2");
        service.Join(tenant.Id, room, carol, "carol", "sip:carol@demo.tolk.test", "c3");
        // Someone who only writes alice in From, and bob as the tenant's trunk asserts him.
        service.Join(tenant.Id, room, claimant, null, "sip:alice@demo.tolk.test", "c4");
        service.Join(tenant.Id, room, pbxBob, null, "sip:bob@pbx.example", "c5", vouchedCallerUri: "sip:bob@pbx.example");
        await TranslationHarness.WaitUntil(() => factory.Started.Count == 5, "pipelines");

        // Alice: her account's profile. Bob: the room mapping wins over his account. Carol: a built-in voice, no profile.
        Assert.Equal(new SpeakerVoiceProfile(98, 5.1, "clone-a"), factory.For("alice").Options.VoiceProfile);
        Assert.Equal(new SpeakerVoiceProfile(230, 3.5), factory.For("bob").Options.VoiceProfile);
        Assert.Null(factory.For("carol").Options.VoiceProfile);
        // Alice's voice is hers: a From claiming her gets her language as a guess, never her (cloned) voice.
        Assert.Null(factory.For("claimant").Options.VoiceProfile);
        Assert.Equal("en", service.LanguageFor(tenant.Id, room, null, "sip:alice@demo.tolk.test"));
        Assert.Equal(new SpeakerVoiceProfile(230, 3.5), factory.For("pbx-bob").Options.VoiceProfile);

        // A profile id of another tenant is not found.
        var other = catalog.AddTenant("Other", "other.test");
        Assert.Null(service.VoiceProfileFor(other.Id, room, "bob", "sip:bob@other.test"));
    }
}

public sealed class RoomVoiceTests
{
    [Fact]
    public async Task A_rooms_language_voices_reach_every_speakers_pipeline()
    {
        var catalog = new InMemoryTenantCatalog();
        var tenant = catalog.AddTenant("Demo", "demo.tolk.test");
        var house = new VoiceProfileInfo(Guid.NewGuid(), "fr", 110, 4.2);
        catalog.AddVoiceProfile(tenant, house);
        var room = new RoomInfo(Guid.NewGuid(), "5000", "Demo", Languages:
        [
            new RoomLanguage("en"),
            new RoomLanguage("es", "espeak:es-419"),
            new RoomLanguage("fr", house.Id.ToString()),
            new RoomLanguage("de", Guid.NewGuid().ToString()), // not a profile of this tenant: skipped
        ]);

        var factory = new FakeSpeakerPipelineFactory();
        await using var service = new ConferenceTranslation(factory, catalog: catalog);
        await using var clock = new MixerClock(new ManualTimeProvider());
        var mixer = clock.CreateRoom("r");
        var alice = mixer.AddParticipant("alice", null, null);
        var bob = mixer.AddParticipant("bob", null, null);
        service.Join(tenant.Id, room, alice, null, "sip:alice@demo.tolk.test", "c1");
        service.Join(tenant.Id, room, bob, null, "sip:bob@demo.tolk.test", "c2");
        service.Find(tenant.Id, room.Id)!.SetLanguage(bob, "es");
        // Bob's pipeline may start first: wait for Alice's, the one translating into his Spanish.
        await TranslationHarness.WaitUntil(
            () => factory.Started.Any(p => p.Options.Context.ParticipantId == "alice" && p.Options.TargetLanguages.Contains("es")),
            "alice's pipeline into es");

        var voices = factory.For("alice").Options.TargetVoices!;
        Assert.Equal(new TargetVoice("es-419"), voices["es"]);
        Assert.Equal(new TargetVoice(null, new SpeakerVoiceProfile(110, 4.2)), voices["FR"]);
        Assert.False(voices.ContainsKey("de"));
        Assert.False(voices.ContainsKey("en"));
    }

    [Fact]
    public async Task A_speakers_own_built_in_voice_replaces_the_rooms_for_its_language_only()
    {
        var catalog = new InMemoryTenantCatalog();
        var tenant = catalog.AddTenant("Demo", "demo.tolk.test");
        var house = new VoiceProfileInfo(Guid.NewGuid(), "fr", 110, 4.2);
        catalog.AddVoiceProfile(tenant, house);
        catalog.AddAccount(tenant, "vera", "pw", "en", "espeak:FR-BE");
        var room = new RoomInfo(Guid.NewGuid(), "5000", "Demo", Languages:
        [
            new RoomLanguage("en"),
            new RoomLanguage("es", "espeak:es-419"),
            new RoomLanguage("fr", house.Id.ToString()),
        ]);

        var factory = new FakeSpeakerPipelineFactory();
        await using var service = new ConferenceTranslation(factory, catalog: catalog);
        await using var clock = new MixerClock(new ManualTimeProvider());
        var mixer = clock.CreateRoom("r");
        var vera = mixer.AddParticipant("vera", null, null);
        var claimant = mixer.AddParticipant("claimant", null, null);
        var bob = mixer.AddParticipant("bob", null, null);
        var marie = mixer.AddParticipant("marie", null, null);
        service.Join(tenant.Id, room, vera, "vera", "sip:vera@demo.tolk.test", "c1");
        service.Join(tenant.Id, room, claimant, null, "sip:vera@demo.tolk.test", "c2");
        service.Join(tenant.Id, room, bob, null, "sip:bob@demo.tolk.test", "c3");
        service.Join(tenant.Id, room, marie, null, "sip:marie@demo.tolk.test", "c4");
        service.Find(tenant.Id, room.Id)!.SetLanguage(bob, "es");
        service.Find(tenant.Id, room.Id)!.SetLanguage(marie, "fr");
        await TranslationHarness.WaitUntil(
            () => factory.Started.Any(p => p.Options.Context.ParticipantId == "vera" && p.Options.TargetLanguages.Count == 2)
                && factory.Started.Any(p => p.Options.Context.ParticipantId == "claimant" && p.Options.TargetLanguages.Count == 2),
            "pipelines into es and fr");

        // Vera's French is her Belgian voice (the house voice's pitch and rate still stand in); Spanish stays the room's.
        var own = factory.For("vera").Options.TargetVoices!;
        Assert.Equal(new TargetVoice("fr-be", new SpeakerVoiceProfile(110, 4.2)), own["fr"]);
        Assert.Equal(new TargetVoice("es-419"), own["es"]);
        // Someone only writing vera in From gets the room's voices.
        var roomVoices = factory.For("claimant").Options.TargetVoices!;
        Assert.Equal(new TargetVoice(null, new SpeakerVoiceProfile(110, 4.2)), roomVoices["fr"]);
        Assert.Equal(new TargetVoice("es-419"), roomVoices["es"]);
    }
}

public sealed class ConferenceTranslationWiringTests
{
    [Fact]
    public async Task Host_sink_and_notice_synthesiser_reach_every_room_and_digits_switch_language()
    {
        var factory = new FakeSpeakerPipelineFactory();
        var sink = new RecordingEventSink();
        var synth = new LevelSynthesizer();
        await using var service = new ConferenceTranslation(factory, events: sink, noticeSynthesizer: synth);
        await using var clock = new MixerClock(new ManualTimeProvider());
        var mixer = clock.CreateRoom("r");
        var tenant = Guid.NewGuid();
        // Both languages are known (a guess would be answered with the menu prompt, JoinMenuTests).
        var room = new RoomInfo(Guid.NewGuid(), "5000", "Demo", Languages: [new RoomLanguage("en"), new RoomLanguage("es")],
            ParticipantLanguages: [new RoomParticipantLanguage("alice", null, "en"), new RoomParticipantLanguage("bob", null, "es")]);
        var alice = mixer.AddParticipant("alice", null, null);
        var bob = mixer.AddParticipant("bob", null, null);
        service.Join(tenant, room, alice, "alice", "sip:alice@demo.tolk.test", "c1");
        service.Join(tenant, room, bob, "bob", "sip:bob@demo.tolk.test", "c2");
        // Bob's Spanish has no recogniser (the fake factory's default): that is held back until he is heard.
        // A failure of Alice's translation into Spanish is announced to Bob at once, in Spanish.
        await TranslationHarness.WaitUntil(() => factory.Started.Any(p => p.Options.Context.ParticipantId == "alice"), "alice's pipeline");
        Assert.Equal(0, service.Find(tenant, room.Id)!.NoticesQueued);
        factory.For("alice").Emit(new Tolk.Speech.Pipeline.TranslationUnavailable(DateTimeOffset.UtcNow, "es", 1, "translator down"));
        await TranslationHarness.WaitUntil(() => service.Find(tenant, room.Id)!.NoticesQueued == 1, "notice");
        Assert.Equal(["La traducción no está disponible; está escuchando al orador original."], synth.Texts);
        Assert.Equal(2, sink.Of<Tolk.Conferencing.Events.RoomParticipantEvent>().Count);
        Assert.All(sink.Events, e => Assert.Equal(tenant, e.TenantId));

        Assert.Null(service.OnDigit(bob, '*'));
        Assert.Equal("en", service.OnDigit(bob, '1'));
        Assert.Equal("en", service.Find(tenant, room.Id)!.LanguageOf(bob));
        Assert.Null(service.OnDigit(mixer.AddParticipant("stranger", null, null), '1'));
    }
}
