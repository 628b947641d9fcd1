using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Tolk.Conferencing.Calls;
using Tolk.Conferencing.Media;
using Tolk.Conferencing.Tenancy;
using Tolk.Media.Codecs;
using Tolk.Media.Mixing;
using Tolk.Media.Rtp;
using Tolk.Sip.Sdp;
using Tolk.Sip.Transport;

namespace Tolk.Conferencing.Tests.Media;

/// <summary>
/// Callers join and leave as fast as a load generator can make them — hang-ups racing the ACK's start, re-offers
/// racing hang-ups — while RTP pours in and the mixer ticks flat out. Native codec, resampler and SRTP state must
/// never be touched after release (the process would die), and no participant may be left behind in a room.
/// </summary>
public sealed class ConferenceChurnTests
{
    /// <summary>Remembers every pair it hands out: only those get sprayed, never some other process's port.</summary>
    private sealed class RecordingAllocator() : RtpPortAllocator(TestRtpPorts.ChurnLow, TestRtpPorts.ChurnHigh)
    {
        public ConcurrentDictionary<int, byte> Handed { get; } = new();

        public override int Allocate(IPAddress address)
        {
            var port = base.Allocate(address);
            Handed.TryAdd(port, 0);
            return port;
        }
    }

    [Theory]
    [InlineData("PCMU/8000", 0, false)]
    [InlineData("PCMU/8000", 0, true)]
    [InlineData("opus/48000/2", 111, false)]
    [InlineData("G722/8000", 9, true)]
    public async Task Fast_join_leave_churn_is_safe_and_leaves_no_participant(string rtpmap, int pt, bool srtp)
    {
        // The range is apart from every other test's (see TestRtpPorts): the spray would otherwise reach their sessions.
        var ports = new RecordingAllocator();
        await using var conference = new FlatOutConference(ports);
        using var stop = new CancellationTokenSource();

        using var phone = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        phone.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var phonePort = ((IPEndPoint)phone.LocalEndPoint!).Port;
        // Re-offers move the media to a port of ours too: the conference then sends there, and an unowned port
        // next to an ephemeral one could belong to another test process's socket.
        using var movedPhone = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        movedPhone.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var movedPhonePort = ((IPEndPoint)movedPhone.LocalEndPoint!).Port;
        var spray = Task.Run(() => SprayRtp(phone, (byte)pt, ports, stop.Token));

        var calls = 0;
        // At least 3 s and 100 calls (a loaded CI machine is slow), at most 30 s.
        var started = DateTime.UtcNow;
        bool Running() => DateTime.UtcNow - started < TimeSpan.FromSeconds(30) && (DateTime.UtcNow - started < TimeSpan.FromSeconds(3) || Volatile.Read(ref calls) < 100);
        var workers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            while (Running())
            {
                var call = conference.NewCall($"sip:c{w}@t.test");
                var result = await conference.Provider.AcceptOfferAsync(call, Offer(phonePort, rtpmap, pt, srtp), CancellationToken.None);
                Assert.True(result.IsAccepted, result.Reason);
                var media = result.Media!;
                switch (random.Next(4))
                {
                    case 0:
                        // BYE right behind the ACK: the hang-up races the start.
                        await Task.WhenAll(Task.Run(media.Start), Task.Run(async () => await media.DisposeAsync()));
                        break;
                    case 1:
                        // A re-offer (new port, new keys) racing the hang-up.
                        media.Start();
                        await Task.WhenAll(
                            Task.Run(async () => await media.UpdateAsync(Offer(movedPhonePort, rtpmap, pt, srtp), CancellationToken.None)),
                            Task.Run(async () => await media.DisposeAsync()));
                        break;
                    default:
                        media.Start();
                        await Task.Delay(random.Next(0, 4));
                        await media.DisposeAsync();
                        break;
                }
                Interlocked.Increment(ref calls);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        // Let any straggling tick, timer or receive that still holds a released pipeline run.
        await Task.Delay(200);
        await stop.CancelAsync();
        await spray;
        await conference.StopTickingAsync();

        Assert.True(calls > 30, $"only {calls} calls");
        Assert.True(conference.Ticks > 100);
        Assert.Equal(0, conference.Rooms.RoomCount);
    }

    private static SdpSessionDescription Offer(int port, string rtpmap, int pt, bool srtp)
    {
        var profile = srtp ? "RTP/SAVP" : "RTP/AVP";
        var crypto = srtp ? "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(30)) + "\r\n" : "";
        Assert.True(SdpSessionDescription.TryParse(
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
            $"m=audio {port} {profile} {pt}\r\na=rtpmap:{pt} {rtpmap}\r\n" + crypto, out var offer, out var error), error);
        return offer!;
    }

    private static void SprayRtp(Socket phone, byte pt, RecordingAllocator ports, CancellationToken stop)
    {
        // Plain RTP with speech-like noise to every port handed out so far (in use, being torn down or released):
        // SRTP sessions count auth failures, plain ones decode.
        var random = new Random(7);
        var payload = new byte[160];
        var packet = new byte[200];
        ushort seq = 0;
        uint timestamp = 0;
        while (!stop.IsCancellationRequested)
        {
            random.NextBytes(payload);
            new RtpHeader(pt, seq++, timestamp += 160, 0x1234, false).TryWrite(packet, payload, out var length);
            foreach (var port in ports.Handed.Keys)
            {
                try
                {
                    phone.SendTo(packet.AsSpan(0, length), SocketFlags.None, new IPEndPoint(IPAddress.Loopback, port));
                }
                catch (SocketException)
                {
                }
            }
            Thread.Sleep(1);
        }
    }
}
