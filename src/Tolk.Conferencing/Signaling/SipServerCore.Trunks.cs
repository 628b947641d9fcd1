using Tolk.Conferencing.Tenancy;
using Tolk.Sip.Message;
using Tolk.Sip.Transport;

namespace Tolk.Conferencing.Signaling;

public sealed partial class SipServerCore
{
    /// <summary>
    /// The tenant's trunk a request came in on (by source address and TLS client certificate), or null. Only a
    /// connection proves its source address; a UDP datagram's is believed only where the operator says the network
    /// makes it trustworthy (<see cref="SipServerOptions.TrustTrunksOverUdp"/>).
    /// </summary>
    private TrunkInfo? FindTrunk(TenantInfo tenant, SipInboundMessage inbound)
    {
        if (!inbound.Remote.IsReliable && !_options.TrustTrunksOverUdp)
        {
            return null;
        }
        foreach (var trunk in _tenants.GetTrunks(tenant.Id))
        {
            if (trunk.Admits(inbound.Remote.EndPoint.Address, inbound.PeerCertificate))
            {
                return trunk;
            }
        }
        return null;
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
            if (uri.Scheme == "tel")
            {
                return uri.ToString(); // a tel URI is a number by definition (RFC 3966)
            }
            if (uri.IsSip && uri.User is { Length: > 0 } user && user.TrimStart('+').All(char.IsAsciiDigit))
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
}
