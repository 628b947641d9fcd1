using Tolk.Conferencing.Tenancy;
using Tolk.Sip.Message;
using Tolk.Sip.Transport;

namespace Tolk.Conferencing.Signaling;

public sealed partial class SipServerCore
{
    /// <summary>The tenant's trunk a request came in on (by source address and TLS client certificate), or null.</summary>
    private TrunkInfo? FindTrunk(TenantInfo tenant, SipInboundMessage inbound)
    {
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
    /// one of each), preferring the one that is a telephone number: that is what the server keys callers by. Null
    /// when the header is absent or unreadable.
    /// </summary>
    internal static string? AssertedIdentity(SipRequest request)
    {
        string? first = null;
        foreach (var value in request.Headers.GetValues(SipHeaderNames.PAssertedIdentity))
        {
            if (!SipNameAddress.TryParse(value, out var address) || address.IsWildcard)
            {
                continue;
            }
            var uri = address.Uri;
            if (uri.Scheme == "tel" || (uri.IsSip && uri.User is { Length: > 0 } user && user.TrimStart('+').All(char.IsAsciiDigit)))
            {
                return uri.ToString();
            }
            first ??= uri.IsSip ? uri.ToString() : null;
        }
        return first;
    }
}
