using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Tolk.Conferencing.Media;
using Tolk.Sip.Sdp;

namespace Tolk.Conferencing.Tests.Media;

/// <summary>A caller's RTCP receiver reports reach the encoder of its Opus personal mix.</summary>
public sealed class OpusLossReportTests
{
    [Fact]
    public async Task Reported_loss_raises_the_FEC_protection_of_the_callers_mix()
    {
        await using var conference = new FlatOutConference(TestRtpPorts.LossReportLow, TestRtpPorts.LossReportHigh);
        using var phone = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        phone.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var phonePort = ((IPEndPoint)phone.LocalEndPoint!).Port;
        Assert.True(SdpSessionDescription.TryParse(
            $"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {phonePort} RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\n",
            out var offer, out var error), error);
        var result = await conference.Provider.AcceptOfferAsync(conference.NewCall("sip:a@t.test"), offer!, CancellationToken.None);
        Assert.True(result.IsAccepted, result.Reason);
        await using var media = (ConferenceCallMedia)result.Media!;
        media.Start();
        var before = media.OpusExpectedLossPercent;
        Assert.Equal(10, before); // the configured expectation until the caller says otherwise

        // The mix's SSRC, from the first packet the conference sends us.
        var buffer = new byte[1500];
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await phone.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), wait.Token);
        var mixSsrc = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(8));

        // RR (RFC 3550 §6.4.2) with one block about the mix: half the packets lost.
        var rr = new byte[32];
        rr[0] = 0x81;
        rr[1] = 201;
        BinaryPrimitives.WriteUInt16BigEndian(rr.AsSpan(2), 7);
        BinaryPrimitives.WriteUInt32BigEndian(rr.AsSpan(4), 0x1234);
        BinaryPrimitives.WriteUInt32BigEndian(rr.AsSpan(8), mixSsrc);
        rr[12] = 128;
        var rtcp = new IPEndPoint(IPAddress.Loopback, result.Answer!.Media[0].Port + 1);
        await phone.SendToAsync(rr, SocketFlags.None, rtcp);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (media.OpusExpectedLossPercent != 30 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(30, media.OpusExpectedLossPercent); // 50 % reported, capped at the most redundancy that helps
    }
}
