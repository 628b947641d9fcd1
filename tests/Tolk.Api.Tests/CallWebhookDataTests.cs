using System.Net;
using Tolk.Conferencing.Calls;
using Tolk.Conferencing.Tenancy;
using Tolk.Server.Hosting;
using Tolk.Sip.Transport;

namespace Tolk.Api.Tests;

/// <summary>
/// Call webhooks tell a customer's integration which caller identity the server stands behind: the From is anyone's
/// words, a trunk's asserted number is vouched for.
/// </summary>
public sealed class CallWebhookDataTests
{
    private static readonly TenantInfo Tenant = new(Guid.NewGuid(), "T", "t.test", ["t.test"], Enabled: true);
    private static readonly RoomInfo Room = new(Guid.NewGuid(), "5000", "Lobby");

    [Fact]
    public void A_trunk_call_names_its_trunk_and_the_caller_it_vouches_for()
    {
        var call = new CallSession(Tenant, Room, "<sip:reception@pbx.example>", null, Tcp("198.51.100.9"), DateTimeOffset.UtcNow)
        {
            Trunk = new TrunkInfo(Guid.NewGuid(), "HQ PBX", ["198.51.100.9"]),
            AssertedIdentity = "tel:+3225550101",
        };

        var data = CallEventFanOut.Data(call);

        Assert.Equal("<sip:reception@pbx.example>", data.Caller);
        Assert.Equal("HQ PBX", data.Trunk);
        Assert.Equal("tel:+3225550101", data.VerifiedCaller);
    }

    [Fact]
    public void Anyone_elses_number_is_only_the_caller_they_claim()
    {
        var call = new CallSession(Tenant, Room, "<sip:+3225550101@carrier.example>", null, Tcp("203.0.113.7"), DateTimeOffset.UtcNow);

        var data = CallEventFanOut.Data(call);

        Assert.Equal("<sip:+3225550101@carrier.example>", data.Caller);
        Assert.Null(data.Trunk);
        Assert.Null(data.VerifiedCaller);
    }

    private static SipEndPoint Tcp(string address) => new(SipTransportKind.Tcp, new IPEndPoint(IPAddress.Parse(address), 5060));
}
