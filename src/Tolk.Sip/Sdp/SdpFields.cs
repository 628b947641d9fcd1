using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tolk.Sip.Sdp;

/// <summary>The o= line (RFC 4566 §5.2).</summary>
/// <param name="UserName">The user name, "-" when none.</param>
/// <param name="SessionId">Numeric session id, stable for the life of the session.</param>
/// <param name="SessionVersion">Numeric version, increased whenever the description changes (RFC 3264 §8).</param>
/// <param name="NetworkType">"IN".</param>
/// <param name="AddressType">"IP4" or "IP6".</param>
/// <param name="Address">The originating host's address.</param>
public sealed record SdpOrigin(string UserName, ulong SessionId, ulong SessionVersion, string NetworkType, string AddressType, string Address)
{
    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{UserName} {SessionId} {SessionVersion} {NetworkType} {AddressType} {Address}");
}

/// <summary>A c= line (RFC 4566 §5.7).</summary>
/// <param name="NetworkType">"IN".</param>
/// <param name="AddressType">"IP4" or "IP6".</param>
/// <param name="Address">Unicast or multicast address or FQDN (without any /ttl suffix).</param>
/// <param name="Suffix">Multicast "/ttl[/count]" suffix as written, without the leading slash; null for unicast.</param>
public sealed record SdpConnection(string NetworkType, string AddressType, string Address, string? Suffix = null)
{
    /// <summary>A c= line for an IP address (IP4 or IP6 chosen from the family).</summary>
    public static SdpConnection For(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new("IN", address.AddressFamily == AddressFamily.InterNetworkV6 ? "IP6" : "IP4", address.ToString());
    }

    /// <summary>
    /// True for 0.0.0.0 (or ::): the RFC 2543 way of putting a call on hold, still sent by older
    /// phones (RFC 3264 §8.4).
    /// </summary>
    public bool IsNullAddress => Address is "0.0.0.0" or "::";

    /// <summary>The address as an <see cref="IPAddress"/>, or null when it is a host name.</summary>
    public IPAddress? IPAddress => System.Net.IPAddress.TryParse(Address, out var ip) ? ip : null;

    /// <inheritdoc/>
    public override string ToString() =>
        Suffix is null ? $"{NetworkType} {AddressType} {Address}" : $"{NetworkType} {AddressType} {Address}/{Suffix}";
}

/// <summary>A b= line (RFC 4566 §5.8), e.g. AS:64 or TIAS:64000.</summary>
public sealed record SdpBandwidth(string Type, long Value)
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Type}:{Value}");
}

/// <summary>A t= line (RFC 4566 §5.9); "0 0" for an unbounded session.</summary>
public sealed record SdpTiming(ulong Start, ulong Stop)
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Start} {Stop}");
}

/// <summary>An a= line: a property attribute (value null) or a value attribute.</summary>
public sealed record SdpAttribute(string Name, string? Value = null)
{
    /// <inheritdoc/>
    public override string ToString() => Value is null ? Name : $"{Name}:{Value}";
}

/// <summary>Any other line (i=, u=, e=, p=, r=, z=, k= or an unknown type), kept verbatim.</summary>
public sealed record SdpLine(char Type, string Value)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Type}={Value}";
}

/// <summary>Media direction attributes (RFC 3264 §5.1, §6.1).</summary>
public enum SdpDirection
{
    /// <summary>a=sendrecv (the default when none is given).</summary>
    SendRecv,
    /// <summary>a=sendonly.</summary>
    SendOnly,
    /// <summary>a=recvonly.</summary>
    RecvOnly,
    /// <summary>a=inactive.</summary>
    Inactive,
}

/// <summary>Helpers for <see cref="SdpDirection"/>.</summary>
public static class SdpDirections
{
    /// <summary>The attribute name ("sendrecv", …).</summary>
    public static string ToAttributeName(this SdpDirection direction) => direction switch
    {
        SdpDirection.SendOnly => "sendonly",
        SdpDirection.RecvOnly => "recvonly",
        SdpDirection.Inactive => "inactive",
        _ => "sendrecv",
    };

    /// <summary>The direction seen from the other side: sendonly ↔ recvonly.</summary>
    public static SdpDirection Reverse(this SdpDirection direction) => direction switch
    {
        SdpDirection.SendOnly => SdpDirection.RecvOnly,
        SdpDirection.RecvOnly => SdpDirection.SendOnly,
        _ => direction,
    };

    /// <summary>Both sides' wishes combined: we send only if both allow it, likewise for receiving.</summary>
    public static SdpDirection Intersect(this SdpDirection a, SdpDirection b)
    {
        var send = a.CanSend() && b.CanSend();
        var receive = a.CanReceive() && b.CanReceive();
        return (send, receive) switch
        {
            (true, true) => SdpDirection.SendRecv,
            (true, false) => SdpDirection.SendOnly,
            (false, true) => SdpDirection.RecvOnly,
            _ => SdpDirection.Inactive,
        };
    }

    /// <summary>True for sendrecv and sendonly.</summary>
    public static bool CanSend(this SdpDirection d) => d is SdpDirection.SendRecv or SdpDirection.SendOnly;

    /// <summary>True for sendrecv and recvonly.</summary>
    public static bool CanReceive(this SdpDirection d) => d is SdpDirection.SendRecv or SdpDirection.RecvOnly;

    internal static SdpDirection? FromAttributeName(string name) => name switch
    {
        "sendrecv" => SdpDirection.SendRecv,
        "sendonly" => SdpDirection.SendOnly,
        "recvonly" => SdpDirection.RecvOnly,
        "inactive" => SdpDirection.Inactive,
        _ => null,
    };
}
