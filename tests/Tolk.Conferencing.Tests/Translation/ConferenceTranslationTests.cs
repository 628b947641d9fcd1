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
