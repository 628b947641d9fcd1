using System.Net;
using System.Net.Sockets;
using Tolk.Conferencing.Calls;
using Tolk.Conferencing.Media;
using Tolk.Conferencing.Tenancy;
using Tolk.Media.Mixing;
using Tolk.Media.Rtp;
using Tolk.Sip.Sdp;
using Tolk.Sip.Transport;

namespace Tolk.Conferencing.Tests.Media;

/// <summary>A re-offer that changes the codec starts a new RTP leg; what the call received before it still counts.</summary>
public sealed class ConferenceRenegotiationTests
{
    [Fact]
    public async Task Receive_counters_add_up_across_a_codec_change()
    {
        await using var clock = new MixerClock(TimeProvider.System);
        clock.Start(); // the mixer's tick drains the callers' RTP sockets, as in the host
        await using var rooms = new ConferenceRooms(clock);
        var provider = new ConferenceMediaProvider(rooms, new RtpPortAllocator(TestRtpPorts.RenegotiationLow, TestRtpPorts.RenegotiationHigh), TimeProvider.System);
        var tenant = new TenantInfo(Guid.NewGuid(), "T", "t.test", ["t.test"], Enabled: true);
        var call = new CallSession(tenant, new RoomInfo(Guid.NewGuid(), "5000", "R"), "sip:x@t.test", null,
            new SipEndPoint(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, 5070)), DateTimeOffset.UtcNow)
        {
            MediaAddress = IPAddress.Loopback,
        };
        using var phone = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        phone.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var phonePort = ((IPEndPoint)phone.LocalEndPoint!).Port;

        var result = await provider.AcceptOfferAsync(call, Offer(phonePort, 1, 0, "PCMU"), CancellationToken.None);
        Assert.True(result.IsAccepted, result.Reason);
        await using var media = (ConferenceCallMedia)result.Media!;
        media.Start();
        var server = new IPEndPoint(IPAddress.Loopback, result.Answer!.Media[0].Port);

        await SendAsync(phone, server, payloadType: 0, ssrc: 0x1111, count: 10);
        await WaitUntilAsync(() => media.ReceiveStats?.Received == 10);

        var changed = await media.UpdateAsync(Offer(phonePort, 2, 8, "PCMA"), CancellationToken.None);
        Assert.True(changed.IsAccepted, changed.Reason);
        Assert.Equal("PCMA", media.Negotiated!.Codec.Name);
        await SendAsync(phone, server, payloadType: 8, ssrc: 0x2222, count: 7);

        await WaitUntilAsync(() => media.ReceiveStats?.Received == 17);
    }

    private static SdpSessionDescription Offer(int port, int version, int payloadType, string codec)
    {
        Assert.True(SdpSessionDescription.TryParse(
            $"v=0\r\no=- 1 {version} IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
            $"m=audio {port} RTP/AVP {payloadType}\r\na=rtpmap:{payloadType} {codec}/8000\r\n",
            out var offer, out var error), error);
        return offer!;
    }

    private static async Task SendAsync(Socket phone, IPEndPoint server, byte payloadType, uint ssrc, int count)
    {
        var silence = new byte[160];
        Array.Fill(silence, payloadType == 0 ? (byte)0xFF : (byte)0xD5);
        var packet = new byte[200];
        for (var i = 0; i < count; i++)
        {
            Assert.True(new RtpHeader(payloadType, (ushort)(100 + i), (uint)(160 * i), ssrc, i == 0).TryWrite(packet, silence, out var length));
            await phone.SendToAsync(packet.AsMemory(0, length), server);
            await Task.Delay(20);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
