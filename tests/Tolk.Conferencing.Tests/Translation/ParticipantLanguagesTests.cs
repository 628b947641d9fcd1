using Tolk.Conferencing.Tenancy;
using Tolk.Conferencing.Translation;

namespace Tolk.Conferencing.Tests.Translation;

public sealed class ParticipantLanguagesTests
{
    private static readonly RoomInfo s_room = new(
        Guid.NewGuid(), "5000", "Demo", Languages: [new RoomLanguage("en"), new RoomLanguage("es")],
        ParticipantLanguages: [new RoomParticipantLanguage("1003", null, "fr"), new RoomParticipantLanguage(null, "+32 2 555 0101", "nl")]);

    private static string? Accounts(string user) => user switch { "alice" => "en", "bob" => "es", _ => null };

    [Theory]
    [InlineData("1003", "sip:carol@demo.tolk.test", "fr")]
    [InlineData(null, "<sip:1003@demo.tolk.test>;tag=1", "fr")]
    [InlineData(null, "sip:+3225550101@carrier.example;user=phone", "nl")]
    [InlineData("bob", "sip:bob@demo.tolk.test", "es")]
    [InlineData(null, "\"Bob\" <sip:bob@demo.tolk.test>", "es")]
    [InlineData(null, "sip:stranger@elsewhere.example", "en")]
    public void Mapping_then_account_then_room_default(string? user, string caller, string expected) =>
        Assert.Equal(expected, ParticipantLanguages.Resolve(s_room, user, caller, Accounts));
}
