using System.Net;
using System.Net.Sockets;
using Tolk.Conferencing.Media;
using Tolk.Sip.Sdp;

namespace Tolk.Conferencing.Tests.Media;

/// <summary>A port pair taken by another process between the allocator's probe and the session's bind.</summary>
public sealed class RtpPortRaceTests
{
    /// <summary>Hands out <paramref name="taken"/> first (as if it had been free when probed), then real free pairs.</summary>
    private sealed class RacingAllocator(int taken, int low, int high) : RtpPortAllocator(low, high)
    {
        public int Calls;

        public override int Allocate(IPAddress address) => Interlocked.Increment(ref Calls) == 1 ? taken : base.Allocate(address);
    }

    [Fact]
    public async Task A_pair_taken_before_the_bind_is_replaced_and_the_call_is_answered()
    {
        // Someone else holds an even port: the allocator "saw" it free, the bind will not.
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var taken = TestRtpPorts.SquatterLow;
        while (true)
        {
            try
            {
                squatter.Bind(new IPEndPoint(IPAddress.Loopback, taken));
                break;
            }
            catch (SocketException) when (taken < TestRtpPorts.SquatterHigh - 1)
            {
                taken += 2;
            }
        }

        var ports = new RacingAllocator(taken, TestRtpPorts.RaceLow, TestRtpPorts.RaceHigh);
        await using var conference = new FlatOutConference(ports);
        Assert.True(SdpSessionDescription.TryParse(
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n",
            out var offer, out var error), error);

        var result = await conference.Provider.AcceptOfferAsync(conference.NewCall("sip:x@t.test"), offer!, CancellationToken.None);

        Assert.True(result.IsAccepted, result.Reason);
        await using var media = (ConferenceCallMedia)result.Media!;
        Assert.Equal(2, ports.Calls);
        var answered = result.Answer!.Media[0].Port;
        Assert.NotEqual(taken, answered);
        Assert.InRange(answered, TestRtpPorts.RaceLow, TestRtpPorts.RaceHigh);
    }

    [Fact]
    public void A_pair_stays_with_its_call_until_released_even_while_its_sockets_are_closed()
    {
        // Two pairs, no sockets bound: only the hold keeps a pair from a second call (a re-offer re-binds it).
        var ports = new RtpPortAllocator(TestRtpPorts.HoldLow, TestRtpPorts.HoldHigh);
        var a = ports.Allocate(IPAddress.Loopback);
        var b = ports.Allocate(IPAddress.Loopback);
        Assert.NotEqual(a, b);
        Assert.Throws<InvalidOperationException>(() => ports.Allocate(IPAddress.Loopback));
        ports.Release(a);
        Assert.Equal(a, ports.Allocate(IPAddress.Loopback));
    }
}
