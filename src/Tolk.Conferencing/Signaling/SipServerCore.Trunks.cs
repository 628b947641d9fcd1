using Microsoft.Extensions.Logging;
using Tolk.Conferencing.Tenancy;
using Tolk.Sip.Message;
using Tolk.Sip.Transport;

namespace Tolk.Conferencing.Signaling;

public sealed partial class SipServerCore
{
    private static readonly TimeSpan UdpTrunkWarningInterval = TimeSpan.FromMinutes(10);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, DateTimeOffset> _udpTrunkWarnings = new();

    /// <summary>
    /// The tenant's trunk a request came in on (by source address and TLS client certificate), or null. Only a
    /// connection proves its source address; a UDP datagram's is believed only where the operator says the network
    /// makes it trustworthy (<see cref="SipServerOptions.TrustTrunksOverUdp"/>).
    /// </summary>
    private TrunkInfo? FindTrunk(TenantInfo tenant, SipInboundMessage inbound)
    {
        var overUdp = !inbound.Remote.IsReliable && !_options.TrustTrunksOverUdp;
        foreach (var trunk in _tenants.GetTrunks(tenant.Id))
        {
            if (trunk.Admits(inbound.Remote.EndPoint.Address, inbound.PeerCertificate, inbound.PeerCertificateTrusted))
            {
                if (!overUdp)
                {
                    return trunk;
                }
                WarnUdpTrunk(trunk, inbound);
            }
        }
        return null;
    }

    // A PBX that used to be matched on UDP now meets digest challenges: say why, at most every few minutes per trunk
    // (forged datagrams must not flood the log).
    private void WarnUdpTrunk(TrunkInfo trunk, SipInboundMessage inbound)
    {
        var now = _time.GetUtcNow();
        var last = _udpTrunkWarnings.GetValueOrDefault(trunk.Id);
        if (now - last >= UdpTrunkWarningInterval)
        {
            _udpTrunkWarnings[trunk.Id] = now;
            LogUdpTrunkNotTrusted(_logger, trunk.Name, inbound.Remote.EndPoint);
        }
    }

    /// <summary>
    /// The caller identity a P-Asserted-Identity header asserts (RFC 3325 §9.1: one SIP or SIPS URI, one tel URI, or
    /// one of each), preferring a telephone number — a tel URI, then a SIP URI whose user part is digits — as that is
    /// what the server keys callers by. Null when the header is absent or unreadable.
    /// </summary>
    internal static string? AssertedIdentity(SipRequest request)
    {
        SipUri? number = null;
        SipUri? other = null;
        foreach (var value in request.Headers.GetValues(SipHeaderNames.PAssertedIdentity))
        {
            if (!SipNameAddress.TryParse(value, out var address) || address.IsWildcard)
            {
                continue;
            }
            var uri = address.Uri;
            var isNumber = Translation.ParticipantLanguages.UserPart(uri.ToString()) is { } user && Translation.ParticipantLanguages.IsTelephoneNumber(user);
            if (uri.Scheme == "tel" && isNumber)
            {
                return uri.ToString();
            }
            if (uri.IsSip && isNumber)
            {
                number ??= uri;
            }
            else if (uri.IsSip)
            {
                other ??= uri;
            }
        }
        return (number ?? other)?.ToString();
    }

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Trunk {Trunk}: a request from {Source} over UDP is treated as anyone's (a UDP source address can be forged); connect the PBX over TCP or TLS, or set Sip:TrustTrunksOverUdp")]
    private static partial void LogUdpTrunkNotTrusted(ILogger logger, string trunk, System.Net.IPEndPoint source);
}
