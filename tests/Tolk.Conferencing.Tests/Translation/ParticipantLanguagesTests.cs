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

    [Theory]
    [InlineData("1003", "sip:1003@demo.tolk.test", "es", "fr", LanguageSource.RoomMapping)] // the room's mapping is the administrator's word
    [InlineData("bob", "sip:bob@demo.tolk.test", "en", "en", LanguageSource.Remembered)] // the caller's own choice beats its account
    [InlineData("bob", "sip:bob@demo.tolk.test", "fr", "es", LanguageSource.Account)] // a choice this room does not offer is ignored
    [InlineData(null, "sip:+3220000000@carrier.example", "ES", "es", LanguageSource.Remembered)] // spelled as the room spells it
    [InlineData(null, "sip:stranger@elsewhere.example", null, "en", LanguageSource.RoomDefault)]
    public void Mapping_then_remembered_choice_then_account_then_a_guess(string? user, string caller, string? remembered, string expected, LanguageSource source) =>
        Assert.Equal(new LanguageChoice(expected, source), ParticipantLanguages.Choose(s_room, user, caller, remembered, Accounts));

    [Theory]
    [InlineData("Alice", "sip:alice@demo.tolk.test", "user:alice")]
    [InlineData(null, "<sip:+32-2-555-0101@carrier.example;user=phone>;tag=9", "tel:3225550101")]
    [InlineData(null, "tel:+3225550101", "tel:3225550101")]
    [InlineData(null, "sip:alice@demo.tolk.test", null)] // an unauthenticated name proves nothing
    [InlineData(null, "sip:anonymous@anonymous.invalid", null)]
    [InlineData(null, "sip:12@pbx.example", null)] // too short to be a caller's number
    [InlineData(null, "sip:+32abc@carrier.example", null)]
    [InlineData(null, null, null)] // no URI the server vouches for
    [InlineData("bob", null, "user:bob")]
    public void Choices_are_remembered_for_authenticated_users_and_telephone_numbers(string? user, string? caller, string? expected) =>
        Assert.Equal(expected, ParticipantLanguages.CallerKey(user, caller));
}
