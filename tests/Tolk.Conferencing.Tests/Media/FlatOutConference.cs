using System.Net;
using Tolk.Conferencing.Calls;
using Tolk.Conferencing.Media;
using Tolk.Conferencing.Tenancy;
using Tolk.Media.Mixing;
using Tolk.Sip.Transport;

namespace Tolk.Conferencing.Tests.Media;

/// <summary>
/// A conference host for teardown tests: real rooms and RTP ports, the mixer ticked flat out on its own task so that
/// hang-ups land while a tick is inside the callers' codecs.
/// </summary>
internal sealed class FlatOutConference : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _ticker;
    private long _ticks;

    public FlatOutConference(int rtpPortLow, int rtpPortHigh)
        : this(new RtpPortAllocator(rtpPortLow, rtpPortHigh))
    {
    }

    public FlatOutConference(RtpPortAllocator ports)
    {
        Clock = new MixerClock(TimeProvider.System);
        Rooms = new ConferenceRooms(Clock);
        Provider = new ConferenceMediaProvider(Rooms, ports, TimeProvider.System);
        _ticker = Task.Run(() =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Clock.TickNow();
                Interlocked.Increment(ref _ticks);
            }
        });
    }

    public MixerClock Clock { get; }

    public ConferenceRooms Rooms { get; }

    public ConferenceMediaProvider Provider { get; }

    public TenantInfo Tenant { get; } = new(Guid.NewGuid(), "T", "t.test", ["t.test"], Enabled: true);

    public RoomInfo Room { get; } = new(Guid.NewGuid(), "5000", "R");

    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>A call into the room from <paramref name="caller"/>, its media on loopback.</summary>
    public CallSession NewCall(string caller) =>
        new(Tenant, Room, caller, null, new SipEndPoint(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, 5070)), DateTimeOffset.UtcNow)
        {
            MediaAddress = IPAddress.Loopback,
        };

    /// <summary>Stops ticking (idempotent).</summary>
    public async Task StopTickingAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }
        await _ticker;
    }

    public async ValueTask DisposeAsync()
    {
        await StopTickingAsync();
        await Rooms.DisposeAsync();
        await Clock.DisposeAsync();
        _stop.Dispose();
    }
}
