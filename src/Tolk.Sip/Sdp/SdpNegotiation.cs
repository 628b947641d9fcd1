using System.Net;
using System.Net.Sockets;

namespace Tolk.Sip.Sdp;

/// <summary>Rules shared by the answerer and the offerer.</summary>
internal static class SdpNegotiation
{
    public static bool TryGetRemoteAddress(SdpSessionDescription sdp, SdpMediaDescription m, out IPAddress? address, out string? problem)
    {
        address = null;
        problem = null;
        var c = sdp.ConnectionFor(m);
        if (c is null)
        {
            problem = "no c= line for the audio stream";
            return false;
        }
        if (c.NetworkType != "IN")
        {
            problem = $"network type {c.NetworkType} is not supported";
            return false;
        }
        address = c.IPAddress;
        if (address is null)
        {
            problem = $"connection address '{c.Address}' is not an IP address";
            return false;
        }
        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            problem = "unsupported address family";
            return false;
        }
        return true;
    }

    /// <summary>Offered payload types with their rtpmap, or the static mapping when there is none.</summary>
    public static List<SdpRtpMap> OfferedRtpMaps(SdpMediaDescription m)
    {
        var list = new List<SdpRtpMap>(m.Formats.Count);
        var maps = m.RtpMaps.ToList();
        foreach (var f in m.Formats)
        {
            if (!SdpText.TryParsePayloadType(f, out var pt))
            {
                continue;
            }
            var map = maps.FirstOrDefault(r => r.PayloadType == pt) ?? SdpCodec.StaticRtpMap(pt);
            if (map is not null)
            {
                list.Add(map);
            }
        }
        return list;
    }

    /// <summary>First offered crypto line (offerer's order, RFC 4568 §7.1.1) that we can use.</summary>
    public static (SdpCrypto Crypto, byte[] Key)? ChooseOfferedCrypto(SdpMediaDescription m, SdpMediaPolicy policy)
    {
        foreach (var c in m.Cryptos)
        {
            if (TryUseCrypto(c, policy.CryptoSuites, out var key))
            {
                return (c, key!);
            }
        }
        return null;
    }

    public static bool TryUseCrypto(SdpCrypto c, IReadOnlyList<string> suites, out byte[]? key)
    {
        key = null;
        // RFC 4568 §6.3: a crypto line with session parameters we do not implement must not be accepted.
        if (!suites.Contains(c.Suite, StringComparer.Ordinal) || c.SessionParameters.Count > 0 || c.Keys.Count == 0)
        {
            return false;
        }
        var k = c.Keys[0];
        if (!string.Equals(k.Method, "inline", StringComparison.Ordinal))
        {
            return false;
        }
        var bytes = k.DecodeKeySalt();
        if (bytes is null || bytes.Length != SrtpCryptoSuites.KeySaltLength(c.Suite))
        {
            return false;
        }
        key = bytes;
        return true;
    }

    public static IPEndPoint RemoteRtcp(SdpMediaDescription m, IPEndPoint remoteRtp, bool rtcpMux)
    {
        if (rtcpMux)
        {
            return remoteRtp;
        }
        if (m.Rtcp is { } rtcp)
        {
            var address = rtcp.Connection?.IPAddress ?? remoteRtp.Address;
            return new IPEndPoint(address, rtcp.Port);
        }
        // RFC 3550 §11: RTCP on the next higher port by default.
        return new IPEndPoint(remoteRtp.Address, Math.Min(remoteRtp.Port + 1, 65535));
    }

    /// <summary>How long our packets are: the peer's a=ptime if any, else ours, never above its a=maxptime.</summary>
    public static int SendPtime(SdpMediaDescription remote, SdpMediaPolicy policy)
    {
        var ptime = remote.Ptime ?? policy.Ptime;
        if (remote.MaxPtime is { } max && ptime > max)
        {
            ptime = max;
        }
        return ptime;
    }
}
