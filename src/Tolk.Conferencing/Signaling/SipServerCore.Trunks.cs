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
    /// makes it trustworthy (<see cref="SipServerOptions.TrustTrunksOverUdp"/>). Behind a trusted SBC the source is the
    /// one the SBC reports; the SBC's own connection carries no certificate of the PBX.
    /// </summary>
    private TrunkInfo? FindTrunk(TenantInfo tenant, SipInboundMessage inbound)
    {
        var source = inbound.Remote;
        var certificate = inbound.PeerCertificate;
        var certificateTrusted = inbound.PeerCertificateTrusted;
        if (_options.IsTrustedProxy(inbound.Remote))
        {
            // The SBC itself is no tenant's PBX, nor is another SBC it reports (a chain, or a loop back to us).
            if (ForwardedSource(inbound.Message) is not { } forwarded || _options.IsProxyAddress(forwarded.EndPoint.Address))
            {
                return null;
            }
            (source, certificate, certificateTrusted) = (forwarded, null, false);
        }
        foreach (var trunk in _tenants.GetTrunks(tenant.Id))
        {
            if (trunk.Admits(source.EndPoint.Address, certificate, certificateTrusted))
            {
                if (IsProvenSource(source))
                {
                    return trunk;
                }
                WarnUdpTrunk(trunk, source);
            }
        }
        return null;
    }

    private bool IsProvenSource(SipEndPoint source) => source.IsReliable || _options.TrustTrunksOverUdp;

    /// <summary>The original source a trusted SBC reported in <see cref="SipServerOptions.ForwardedSourceHeader"/>, or null when absent, repeated or unreadable.</summary>
    internal static SipEndPoint? ForwardedSource(SipMessage message)
    {
        var values = message.Headers.GetValues(SipServerOptions.ForwardedSourceHeader).ToList();
        if (values.Count != 1)
        {
            return null;
        }
        var value = values[0].Trim();
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !System.Net.IPEndPoint.TryParse(value[(colon + 1)..], out var endPoint) || endPoint.Port == 0)
        {
            return null;
        }
        SipTransportKind? kind = value[..colon].ToLowerInvariant() switch
        {
            "udp" => SipTransportKind.Udp,
            "tcp" => SipTransportKind.Tcp,
            "tls" => SipTransportKind.Tls,
            _ => null,
        };
        return kind is { } k ? new SipEndPoint(k, endPoint) : null;
    }

    // A PBX that used to be matched on UDP now meets digest challenges: say why, at most every few minutes per trunk
    // (forged datagrams must not flood the log).
    private void WarnUdpTrunk(TrunkInfo trunk, SipEndPoint source)
    {
        var now = _time.GetUtcNow();
        var last = _udpTrunkWarnings.GetValueOrDefault(trunk.Id);
        if (now - last >= UdpTrunkWarningInterval)
        {
            _udpTrunkWarnings[trunk.Id] = now;
            LogUdpTrunkNotTrusted(_logger, trunk.Name, source.EndPoint);
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
