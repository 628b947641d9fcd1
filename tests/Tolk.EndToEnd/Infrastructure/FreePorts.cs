using System.Net;
using System.Net.Sockets;

namespace Tolk.EndToEnd.Infrastructure;

/// <summary>Picks loopback ports that are free for both UDP and TCP right now.</summary>
public static class FreePorts
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> Handed = [];

    public static int Next()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                var port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
                if (port > 60000 || Handed.Contains(port))
                {
                    continue;
                }
                try
                {
                    using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                    udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                }
                catch (SocketException)
                {
                    continue;
                }
                Handed.Add(port);
                return port;
            }
        }
        throw new InvalidOperationException("No free loopback port found.");
    }
}
