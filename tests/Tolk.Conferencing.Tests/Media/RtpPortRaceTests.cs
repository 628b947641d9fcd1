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

    /// <summary>Binds an even port of the squatter range, as another process would: the allocator "saw" it free, a bind will not.</summary>
    private static (Socket Socket, int Port) Squat()
    {
        var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        for (var port = TestRtpPorts.SquatterLow; ; port += 2)
        {
            try
            {
                squatter.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return (squatter, port);
            }
            catch (SocketException) when (port < TestRtpPorts.SquatterHigh - 1)
            {
            }
        }
    }

    private static bool CanBind(int port)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Fact]
    public async Task A_pair_taken_before_the_bind_is_replaced_and_the_call_is_answered()
    {
        var (squatter, taken) = Squat();
        using var _ = squatter;

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
    public async Task A_late_offers_pair_stays_bound_from_the_offer_to_the_answer()
    {
        var ports = new RtpPortAllocator(TestRtpPorts.LateOfferLow, TestRtpPorts.LateOfferHigh);
        await using var conference = new FlatOutConference(ports);
        var offered = await conference.Provider.CreateOfferAsync(conference.NewCall("sip:x@t.test"), CancellationToken.None);
        Assert.True(offered.IsAccepted, offered.Reason);
        var media = (ConferenceCallMedia)offered.Media!;
        var port = offered.Answer!.Media[0].Port;

        // Between our 2xx and the caller's ACK nothing else can take the advertised pair.
        Assert.False(CanBind(port), $"RTP port {port} was free while the offer was out");
        Assert.False(CanBind(port + 1), $"RTCP port {port + 1} was free while the offer was out");

        Assert.True(SdpSessionDescription.TryParse(
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n",
            out var answer, out var error), error);
        var applied = await media.ApplyAnswerAsync(answer!, CancellationToken.None);
        Assert.True(applied.IsAccepted, applied.Reason);
        // The session took the pair over from the placeholder (it binds the advertised port or the answer fails).
        Assert.False(CanBind(port), $"RTP port {port} free after the answer");

        await media.DisposeAsync();
        Assert.True(CanBind(port), $"RTP port {port} still bound after the call ended");
    }

    [Fact]
    public async Task A_late_offer_whose_pair_was_taken_after_the_probe_offers_another()
    {
        var (squatter, taken) = Squat();
        using var _ = squatter;
        var ports = new RacingAllocator(taken, TestRtpPorts.LateOfferLow, TestRtpPorts.LateOfferHigh);
        await using var conference = new FlatOutConference(ports);

        var offered = await conference.Provider.CreateOfferAsync(conference.NewCall("sip:x@t.test"), CancellationToken.None);

        Assert.True(offered.IsAccepted, offered.Reason);
        await using var media = (ConferenceCallMedia)offered.Media!;
        Assert.Equal(2, ports.Calls);
        Assert.NotEqual(taken, offered.Answer!.Media[0].Port);
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
