using System.Net;

namespace Tolk.Conferencing.Media;

/// <summary>
/// Hands out even RTP ports (and the odd RTCP port above) from a configured range, the way media
/// servers do so that firewalls and SBCs can be opened for one known range.
/// </summary>
public class RtpPortAllocator(int low = 30000, int high = 39999)
{
    private readonly Lock _gate = new();
    private int _next = low + (low & 1);
    // Pairs handed out and not yet released: a call re-binds its pair after a re-offer, and the moment between
    // closing the old socket and binding the new one must not let the probe give the pair to another call.
    private readonly HashSet<int> _held = [];

    /// <summary>
    /// Finds an even port P, not held by a call, such that P and P+1 are free on <paramref name="address"/> right now;
    /// P is held until <see cref="Release"/>.
    /// </summary>
    public virtual int Allocate(IPAddress address)
    {
        lock (_gate)
        {
            var span = (high - low + 1) / 2; // pairs in the range
            for (var i = 0; i < span; i++)
            {
                var port = _next;
                _next += 2;
                if (_next + 1 > high)
                {
                    _next = low + (low & 1);
                }
                if (!_held.Contains(port) && RtpPortPlaceholder.TryHold(address, port) is { } probe)
                {
                    probe.Dispose();
                    _held.Add(port);
                    return port;
                }
            }
        }
        throw new InvalidOperationException($"No free RTP port pair in {low}-{high}.");
    }

    /// <summary>The call that held <paramref name="port"/> has closed its sockets for good.</summary>
    public virtual void Release(int port)
    {
        lock (_gate)
        {
            _held.Remove(port);
        }
    }
}
