using System.Diagnostics;
using System.Net;
using Tolk.Conferencing.Signaling;
using Tolk.Conferencing.Tenancy;
using Tolk.Sip.Auth;
using Tolk.Sip.Message;
using Tolk.Sip.Registrar;
using Tolk.Sip.Transactions;
using Tolk.Sip.Transport;
using Tolk.Testing;

namespace Tolk.Conferencing.Tests.Signaling;

/// <summary>
/// <see cref="SipServerCore"/> over a real <see cref="SipTransactionLayer"/>, an in-memory transport, a
/// manual clock and two tenants: "demo" (rooms 5000 open, 5001 authenticated, 5002 open; accounts alice
/// and bob) and "other" (room 6000, account carol).
/// </summary>
internal sealed class SipCoreHarness
{
    public const string DemoDomain = "demo.tolk.test";
    public const string OtherDomain = "other.tolk.test";

    /// <param name="registrar">Registrar options.</param>
    /// <param name="lateOffers">False hides the media's late-offer support (INVITEs without SDP are then 488).</param>
    /// <param name="options">The core's options.</param>
    public SipCoreHarness(SipRegistrarOptions? registrar = null, bool lateOffers = true, SipServerOptions? options = null)
    {
        Clock = new ObservedTimeProvider(Time);
        Layer = new SipTransactionLayer(Sender, Clock);
        Digest = new DigestAuthenticator(new DigestAuthenticatorOptions { NonceLifetime = TimeSpan.FromMinutes(5) }, Time);
        Registrar = new SipRegistrar(Time, registrar ?? new SipRegistrarOptions { MinExpiresSeconds = 60 });
        Demo = Tenants.AddTenant("Demo", DemoDomain, "alias.tolk.test");
        Other = Tenants.AddTenant("Other", OtherDomain);
        OpenRoom = new RoomInfo(Guid.NewGuid(), "5000", "Lobby");
        AuthRoom = new RoomInfo(Guid.NewGuid(), "5001", "Board", RequireAuthentication: true);
        SecondRoom = new RoomInfo(Guid.NewGuid(), "5002", "Breakout");
        OtherTenantRoom = new RoomInfo(Guid.NewGuid(), "6000", "Other lobby");
        Tenants.AddRoom(Demo, OpenRoom);
        Tenants.AddRoom(Demo, AuthRoom);
        Tenants.AddRoom(Demo, SecondRoom);
        Tenants.AddRoom(Other, OtherTenantRoom);
        Tenants.AddAccount(Demo, "alice", "alice-secret");
        Tenants.AddAccount(Demo, "bob", "bob-secret");
        Tenants.AddAccount(Other, "carol", "carol-secret");
        Core = new SipServerCore(Layer, Sender, Tenants, lateOffers ? Media : new EarlyOfferOnly(Media), Digest, Registrar, options);
    }

    public ManualTimeProvider Time { get; } = new();

    /// <summary>The clock the layer and the core run on (<see cref="Time"/>, observed).</summary>
    public ObservedTimeProvider Clock { get; }

    public RecordingSender Sender { get; } = new();

    public SipTransactionLayer Layer { get; }

    public InMemoryTenantCatalog Tenants { get; } = new();

    public RecordingMediaProvider Media { get; } = new();

    public DigestAuthenticator Digest { get; }

    public SipRegistrar Registrar { get; }

    public SipServerCore Core { get; }

    public TenantInfo Demo { get; }

    public TenantInfo Other { get; }

    public RoomInfo OpenRoom { get; }

    public RoomInfo AuthRoom { get; }

    public RoomInfo SecondRoom { get; }

    public RoomInfo OtherTenantRoom { get; }

    public SipPeer NewPeer(string user = "alice", int port = 5070) =>
        new(this, user, new SipEndPoint(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, port)));

    /// <summary>Feeds a message as if a transport had parsed it.</summary>
    public ValueTask ReceiveAsync(SipMessage message, SipEndPoint from, string? tlsServerName = null) =>
        Layer.OnMessageAsync(new SipInboundMessage(message, from, RecordingSender.LocalEndPoint, TlsServerName: tlsServerName));

    /// <summary>Waits (wall clock, bounded) for work the core finishes on the thread pool.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, int timeoutMs = 5000)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.ElapsedMilliseconds > timeoutMs)
            {
                Assert.Fail("Timed out waiting for " + what);
            }
            await Task.Delay(2);
        }
    }

    /// <summary>Waits for the core to send the <paramref name="index"/>th (0-based, distinct) request of a method in a call.</summary>
    public async Task<SipRequest> WaitForRequestAsync(string callId, string method, int index = 0)
    {
        SipRequest? found = null;
        await WaitUntilAsync(
            () =>
            {
                var all = Sender.Requests(callId, method).Distinct().ToList();
                found = all.Count > index ? all[index] : null;
                return found is not null;
            },
            $"{method} #{index + 1} in {callId}");
        return found!;
    }
}

/// <summary>A media provider that answers offers but cannot make one.</summary>
internal sealed class EarlyOfferOnly(Tolk.Conferencing.Calls.ICallMediaProvider inner) : Tolk.Conferencing.Calls.ICallMediaProvider
{
    public ValueTask<Tolk.Conferencing.Calls.MediaOfferResult> AcceptOfferAsync(Tolk.Conferencing.Calls.CallSession call, Tolk.Sip.Sdp.SdpSessionDescription offer, CancellationToken cancellationToken) =>
        inner.AcceptOfferAsync(call, offer, cancellationToken);
}
