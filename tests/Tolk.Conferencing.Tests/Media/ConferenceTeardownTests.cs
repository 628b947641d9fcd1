using System.Net;
using System.Net.Sockets;
using Tolk.Conferencing.Calls;
using Tolk.Conferencing.Media;
using Tolk.Conferencing.Tenancy;
using Tolk.Media.Mixing;
using Tolk.Sip.Sdp;
using Tolk.Sip.Transport;

namespace Tolk.Conferencing.Tests.Media;

/// <summary>
/// Callers hang up while the mixer is encoding their mix: the native codec state must outlive the
/// mixer's last use of it (a freed Opus encoder aborts the whole process).
/// </summary>
public sealed class ConferenceTeardownTests
{
    [Theory]
    [InlineData("opus/48000/2", 111)]
    [InlineData("G722/8000", 9)]
    public async Task Hanging_up_while_the_mixer_ticks_is_safe(string rtpmap, int pt)
    {
        await using var conference = new FlatOutConference(TestRtpPorts.TeardownLow, TestRtpPorts.TeardownHigh);

        using var phone = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        phone.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var phonePort = ((IPEndPoint)phone.LocalEndPoint!).Port;
        var others = new List<ICallMedia>();
        for (var i = 0; i < 40; i++)
        {
            var call = conference.NewCall($"sip:c{i}@t.test");
            Assert.True(SdpSessionDescription.TryParse(
                "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
                $"m=audio {phonePort} RTP/AVP {pt}\r\na=rtpmap:{pt} {rtpmap}\r\n", out var offer, out var error), error);
            var result = await conference.Provider.AcceptOfferAsync(call, offer!, CancellationToken.None);
            Assert.True(result.IsAccepted, result.Reason);
            result.Media!.Start();
            if (i % 4 == 0)
            {
                others.Add(result.Media); // some stay, so the room keeps mixing
            }
            else
            {
                await Task.Delay(5);
                await result.Media.DisposeAsync();
            }
        }
        foreach (var m in others)
        {
            await m.DisposeAsync();
        }
        await conference.StopTickingAsync();
        Assert.True(conference.Ticks > 40);
        Assert.Equal(0, conference.Rooms.RoomCount);
    }
}
