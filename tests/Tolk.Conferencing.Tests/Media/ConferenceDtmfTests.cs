using System.Net;
using System.Net.Sockets;
using Tolk.Conferencing.Calls;
using Tolk.Conferencing.Media;
using Tolk.Conferencing.Tenancy;
using Tolk.Conferencing.Translation;
using Tolk.Media.Dtmf;
using Tolk.Media.Mixing;
using Tolk.Media.Rtp;
using Tolk.Sip.Sdp;
using Tolk.Sip.Transport;

namespace Tolk.Conferencing.Tests.Media;

/// <summary>RFC 4733 digits sent over real RTP to a caller's conference media: "*6" toggles its mute.</summary>
public sealed class ConferenceDtmfTests
{
    [Fact]
    public async Task Star_six_toggles_the_callers_mute()
    {
        await using var clock = new MixerClock(TimeProvider.System);
        clock.Start(); // the mixer's tick drains the callers' RTP sockets, as in the host
        await using var rooms = new ConferenceRooms(clock);
        var provider = new ConferenceMediaProvider(rooms, new RtpPortAllocator(TestRtpPorts.DtmfMuteLow, TestRtpPorts.DtmfMuteHigh), TimeProvider.System);
        var tenant = new TenantInfo(Guid.NewGuid(), "T", "t.test", ["t.test"], Enabled: true);
        var call = new CallSession(tenant, new RoomInfo(Guid.NewGuid(), "5000", "R"), "sip:x@t.test", null,
            new SipEndPoint(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, 5070)), DateTimeOffset.UtcNow)
        {
            MediaAddress = IPAddress.Loopback,
        };
        using var phone = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        phone.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var phonePort = ((IPEndPoint)phone.LocalEndPoint!).Port;
        Assert.True(SdpSessionDescription.TryParse(
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
            $"m=audio {phonePort} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n",
            out var offer, out var error), error);

        var result = await provider.AcceptOfferAsync(call, offer!, CancellationToken.None);
        Assert.True(result.IsAccepted, result.Reason);
        await using var media = (ConferenceCallMedia)result.Media!;
        media.Start();
        var server = new IPEndPoint(IPAddress.Loopback, result.Answer!.Media[0].Port);
        var participant = media.Participant!;
        Assert.False(participant.IsMuted);

        var rtp = new DtmfSender(phone, server);
        await rtp.SendDigitAsync('*');
        await rtp.SendDigitAsync('6');
        await WaitUntilAsync(() => participant.IsMuted);

        await rtp.SendDigitAsync('*');
        await rtp.SendDigitAsync('6');
        await WaitUntilAsync(() => !participant.IsMuted);

        // Another digit after '*' does nothing.
        await rtp.SendDigitAsync('*');
        await rtp.SendDigitAsync('5');
        await Task.Delay(300);
        Assert.False(participant.IsMuted);
    }

    [Fact]
    public async Task A_room_with_a_pin_admits_only_after_the_right_pin_and_ends_the_call_after_three_wrong_ones()
    {
        await using var clock = new MixerClock(TimeProvider.System);
        clock.Start(); // the mixer's tick drains the callers' RTP sockets, as in the host
        await using var rooms = new ConferenceRooms(clock);
        var provider = new ConferenceMediaProvider(rooms, new RtpPortAllocator(TestRtpPorts.DtmfPinLow, TestRtpPorts.DtmfPinHigh), TimeProvider.System);
        var tenant = new TenantInfo(Guid.NewGuid(), "T", "t.test", ["t.test"], Enabled: true);
        var room = new RoomInfo(Guid.NewGuid(), "5000", "R", Pin: "4321");
        var roomKey = ConferenceRooms.Key(tenant.Id, room.Id);

        var (good, goodPhone) = await OpenAsync(provider, tenant, room);
        await using (good)
        {
            Assert.True(good.IsInLobby);
            Assert.NotEqual(roomKey, good.Participant!.Room.Id);
            foreach (var d in "99#4321#")
            {
                await goodPhone.SendDigitAsync(d);
            }
            await WaitUntilAsync(() => !good.IsInLobby);
            Assert.Equal(roomKey, good.Participant!.Room.Id);
        }

        var (bad, badPhone) = await OpenAsync(provider, tenant, room);
        await using (bad)
        {
            string? failure = null;
            bad.Failed += (_, reason) => failure = reason;
            foreach (var d in "1#2#3#")
            {
                await badPhone.SendDigitAsync(d);
            }
            await WaitUntilAsync(() => failure is not null);
            Assert.Contains("PIN", failure, StringComparison.Ordinal);
            Assert.True(bad.IsInLobby);
            Assert.Null(rooms.Find(roomKey));
        }
    }

    [Fact]
    public async Task A_language_picked_with_star_digit_is_where_the_callers_next_call_starts()
    {
        await using var clock = new MixerClock(TimeProvider.System);
        clock.Start();
        await using var rooms = new ConferenceRooms(clock);
        var store = new MemoryCallerLanguages();
        await using var translation = new ConferenceTranslation(new Tolk.Conferencing.Tests.Translation.FakeSpeakerPipelineFactory(), callerLanguages: store);
        var provider = new ConferenceMediaProvider(rooms, new RtpPortAllocator(TestRtpPorts.LanguageMemoryLow, TestRtpPorts.LanguageMemoryHigh), TimeProvider.System, translation: translation);
        var tenant = new TenantInfo(Guid.NewGuid(), "T", "t.test", ["t.test"], Enabled: true);
        var room = new RoomInfo(Guid.NewGuid(), "5000", "R", Languages: [new RoomLanguage("en"), new RoomLanguage("es")]);
        const string Caller = "<sip:+3225550101@carrier.example;user=phone>";
        // Numbers are remembered only as a trusted trunk presents them (the test's phone sends from loopback).
        var pbx = new TrunkInfo(Guid.NewGuid(), "PBX", ["127.0.0.0/8"]);

        // Someone presenting the number without the trunk switches their own call, but nothing is remembered.
        var (spoofed, spoofer) = await OpenAsync(provider, tenant, room, Caller);
        await using (spoofed)
        {
            var rt = translation.Find(tenant.Id, room.Id)!;
            await spoofer.SendDigitAsync('*');
            await spoofer.SendDigitAsync('3');
            await spoofer.SendDigitAsync('*');
            await spoofer.SendDigitAsync('2');
            await WaitUntilAsync(() => rt.LanguageOf(spoofed.Participant!) == "es");
        }

        var (first, phone) = await OpenAsync(provider, tenant, room, Caller, pbx);
        await using (first)
        {
            var rt = translation.Find(tenant.Id, room.Id)!;
            Assert.Equal("en", rt.LanguageOf(first.Participant!));
            await phone.SendDigitAsync('*');
            await phone.SendDigitAsync('2');
            await WaitUntilAsync(() => rt.LanguageOf(first.Participant!) == "es" && store.Rows.ContainsKey((tenant.Id, "tel:3225550101")));
            Assert.Equal("es", store.Rows[(tenant.Id, "tel:3225550101")]);
            // Writes go in the background: the spoofer's, had there been one, was issued well before this one landed.
            Assert.Equal([(tenant.Id, "tel:3225550101", "es")], store.Writes);
        }

        // Called again through the trunk: Spanish from the start. Another caller, the same number at another
        // tenant, and the number presented without the trunk are not.
        var (again, _) = await OpenAsync(provider, tenant, room, Caller, pbx);
        var (other, _) = await OpenAsync(provider, tenant, room, "sip:+3225550102@carrier.example", pbx);
        var otherTenant = tenant with { Id = Guid.NewGuid() };
        var (elsewhere, _) = await OpenAsync(provider, otherTenant, room, Caller, pbx);
        var (untrusted, _) = await OpenAsync(provider, tenant, room, Caller);
        await using (again)
        await using (other)
        await using (elsewhere)
        await using (untrusted)
        {
            Assert.Equal("es", translation.Find(tenant.Id, room.Id)!.LanguageOf(again.Participant!));
            Assert.Equal("en", translation.Find(tenant.Id, room.Id)!.LanguageOf(other.Participant!));
            Assert.Equal("en", translation.Find(otherTenant.Id, room.Id)!.LanguageOf(elsewhere.Participant!));
            Assert.Equal("en", translation.Find(tenant.Id, room.Id)!.LanguageOf(untrusted.Participant!));
        }
    }

    [Fact]
    public async Task A_trunk_callers_asserted_number_selects_the_rooms_mapping_for_them()
    {
        await using var clock = new MixerClock(TimeProvider.System);
        clock.Start();
        await using var rooms = new ConferenceRooms(clock);
        var factory = new Tolk.Conferencing.Tests.Translation.FakeSpeakerPipelineFactory();
        await using var translation = new ConferenceTranslation(factory);
        var provider = new ConferenceMediaProvider(rooms, new RtpPortAllocator(TestRtpPorts.AssertedMappingLow, TestRtpPorts.AssertedMappingHigh), TimeProvider.System, translation: translation);
        var tenant = new TenantInfo(Guid.NewGuid(), "T", "t.test", ["t.test"], Enabled: true);
        var room = new RoomInfo(Guid.NewGuid(), "5000", "R", Languages: [new RoomLanguage("en"), new RoomLanguage("es")],
            ParticipantLanguages: [new RoomParticipantLanguage(null, "+32 2 555 0101", "es")]);
        var pbx = new TrunkInfo(Guid.NewGuid(), "PBX", ["127.0.0.0/8"]);
        // The PBX's From names its reception desk; the caller's number is what it asserts.
        const string From = "<sip:reception@pbx.example>";

        var (viaTrunk, _) = await OpenAsync(provider, tenant, room, From, pbx, asserted: "tel:+3225550101");
        var (claimed, _) = await OpenAsync(provider, tenant, room, From, trunk: null, asserted: "tel:+3225550101");
        await using (viaTrunk)
        await using (claimed)
        {
            var rt = translation.Find(tenant.Id, room.Id)!;
            Assert.Equal("es", rt.LanguageOf(viaTrunk.Participant!));
            Assert.Equal("en", rt.LanguageOf(claimed.Participant!));
            // Both called with PCMU: their recognisers are told the band before they speak.
            await WaitUntilAsync(() => factory.Started.Count >= 2);
            Assert.All(factory.Started, p => Assert.True(p.Options.NarrowbandSource));
        }
    }

    /// <summary>Remembered choices in memory (the database store has its own tests).</summary>
    private sealed class MemoryCallerLanguages : ICallerLanguageStore
    {
        public System.Collections.Concurrent.ConcurrentDictionary<(Guid, string), string> Rows { get; } = new();

        public System.Collections.Concurrent.ConcurrentQueue<(Guid, string, string)> Writes { get; } = new();

        public ValueTask<string?> FindAsync(Guid tenantId, string callerKey, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Rows.GetValueOrDefault((tenantId, callerKey)));

        public ValueTask RememberAsync(Guid tenantId, string callerKey, string language, CancellationToken cancellationToken)
        {
            Writes.Enqueue((tenantId, callerKey, language));
            Rows[(tenantId, callerKey)] = language;
            return ValueTask.CompletedTask;
        }
    }

    private static async Task<(ConferenceCallMedia Media, DtmfSender Phone)> OpenAsync(ConferenceMediaProvider provider, TenantInfo tenant, RoomInfo room, string caller = "sip:x@t.test", TrunkInfo? trunk = null, string? asserted = null)
    {
        var phone = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        phone.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        // A trunk's PBX signals over a connection (the SIP core recognises trunks only there).
        var call = new CallSession(tenant, room, caller, null,
            new SipEndPoint(trunk is null ? SipTransportKind.Udp : SipTransportKind.Tcp, new IPEndPoint(IPAddress.Loopback, 5070)), DateTimeOffset.UtcNow)
        {
            MediaAddress = IPAddress.Loopback,
            Trunk = trunk,
            AssertedIdentity = trunk is null ? null : asserted,
        };
        Assert.True(SdpSessionDescription.TryParse(
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
            $"m=audio {((IPEndPoint)phone.LocalEndPoint!).Port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n",
            out var offer, out var error), error);
        var result = await provider.AcceptOfferAsync(call, offer!, CancellationToken.None);
        Assert.True(result.IsAccepted, result.Reason);
        var media = (ConferenceCallMedia)result.Media!;
        media.Start();
        return (media, new DtmfSender(phone, new IPEndPoint(IPAddress.Loopback, result.Answer!.Media[0].Port)));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }
        Assert.True(condition());
    }

    /// <summary>Sends RFC 4733 events as a phone does: start, continuation, three end packets.</summary>
    private sealed class DtmfSender(Socket socket, IPEndPoint server)
    {
        private ushort _sequence = 1000;
        private uint _timestamp = 8000;

        public async Task SendDigitAsync(char digit)
        {
            Assert.True(TelephoneEventPayload.TryGetEventCode(digit, out var code));
            _timestamp += 1600;
            var packets = new List<(bool Marker, TelephoneEventPayload Payload)>
            {
                (true, new TelephoneEventPayload(code, false, 10, 160)),
                (false, new TelephoneEventPayload(code, false, 10, 480)),
                (false, new TelephoneEventPayload(code, true, 10, 800)),
                (false, new TelephoneEventPayload(code, true, 10, 800)),
                (false, new TelephoneEventPayload(code, true, 10, 800)),
            };
            foreach (var (marker, payload) in packets)
            {
                var body = new byte[TelephoneEventPayload.Size];
                Assert.True(payload.TryWrite(body));
                var packet = new byte[64];
                Assert.True(new RtpHeader(101, _sequence++, _timestamp, 0x1234_5678, marker).TryWrite(packet, body, out var length));
                await socket.SendToAsync(packet.AsMemory(0, length), server);
                await Task.Delay(20);
            }
        }
    }
}
