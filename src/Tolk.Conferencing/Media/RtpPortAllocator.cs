using System.Net;
using System.Net.Sockets;

namespace Tolk.Conferencing.Media;

/// <summary>
/// Hands out even RTP ports (and the odd RTCP port above) from a configured range, the way media
/// servers do so that firewalls and SBCs can be opened for one known range.
/// </summary>
public class RtpPortAllocator(int low = 30000, int high = 39999)
{
    private readonly Lock _gate = new();
    private int _next = low + (low & 1);

    /// <summary>Finds an even port P such that P and P+1 are free on <paramref name="address"/> right now.</summary>
    public virtual int Allocate(IPAddress address)
    {
        lock (_gate)
        {
            var span = (high - low) / 2;
            for (var i = 0; i < span; i++)
            {
                var port = _next;
                _next += 2;
                if (_next + 1 > high)
                {
                    _next = low + (low & 1);
                }
                if (IsFree(address, port) && IsFree(address, port + 1))
                {
                    return port;
                }
            }
        }
        throw new InvalidOperationException($"No free RTP port pair in {low}-{high}.");
    }

    private static bool IsFree(IPAddress address, int port)
    {
        try
        {
            using var s = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(address, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
