using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Tolk.Sip.Message;

namespace Tolk.Sip.Transport;

public sealed partial class SipTransportManager
{
    private const int MaxDatagram = 65_535;

    private SipEndPoint BindUdp(SipListenerOptions listener)
    {
        var socket = CreateSocket(listener.Address, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(listener.Address, listener.Port));
            TrySetReceiveBuffer(socket, _options.UdpReceiveBufferBytes);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var local = new SipEndPoint(SipTransportKind.Udp, (IPEndPoint)socket.LocalEndPoint!);
        _udp.Add(new UdpListener(socket, local));
        return local;
    }

    private async Task UdpReceiveLoopAsync(UdpListener listener)
    {
        await Task.Yield();
        // One pooled buffer per socket, reused for every datagram: the parser copies what it keeps.
        var buffer = ArrayPool<byte>.Shared.Rent(MaxDatagram);
        var address = new SocketAddress(listener.Socket.AddressFamily);
        var token = _stopping.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                int n;
                try
                {
                    n = await listener.Socket.ReceiveFromAsync(buffer.AsMemory(0, MaxDatagram), SocketFlags.None, address, token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (ObjectDisposedException)
                {
                    break;
                }
                catch (SocketException ex)
                {
                    // ICMP errors from earlier sends (port unreachable, …) surface here; the socket is still good.
                    if (ex.SocketErrorCode is not (SocketError.ConnectionReset or SocketError.MessageSize or SocketError.NetworkReset
                        or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.ConnectionRefused))
                    {
                        SipTransportLog.ReceiveLoopFailed(_logger, ex, listener.Local);
                        await Task.Delay(10, CancellationToken.None);
                    }
                    continue;
                }
                var source = (IPEndPoint)listener.Local.EndPoint.Create(address);
                var remote = new SipEndPoint(SipTransportKind.Udp, source);
                if (IsOnlyLineEnds(buffer.AsSpan(0, n)))
                {
                    // CRLF keep-alives over UDP (some phones send them): nothing to answer.
                    continue;
                }
                var result = SipParser.Parse(buffer.AsSpan(0, n), _options.ParserLimits, isStream: false);
                try
                {
                    await HandleParsedAsync(result, remote, listener.Local, connection: null);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
                {
                    // One bad message must not stop the loop.
                    SipTransportLog.ReceiveLoopFailed(_logger, ex, listener.Local);
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            SipTransportLog.ReceiveLoopFailed(_logger, ex, listener.Local);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void TrySetReceiveBuffer(Socket socket, int bytes)
    {
        try
        {
            socket.ReceiveBufferSize = bytes;
        }
        catch (SocketException)
        {
            // The kernel's default stays; the listener still works.
        }
    }

    private static bool IsOnlyLineEnds(ReadOnlySpan<byte> data) => data.IndexOfAnyExcept((byte)'\r', (byte)'\n') < 0;

    private async ValueTask SendUdpAsync(ReadOnlyMemory<byte> bytes, SipEndPoint remote, CancellationToken cancellationToken)
    {
        var family = remote.EndPoint.AddressFamily;
        UdpListener? listener = null;
        foreach (var u in _udp)
        {
            if (u.Socket.AddressFamily == family)
            {
                listener = u;
                break;
            }
        }
        if (listener is null)
        {
            throw new SipTransportException($"No UDP listener for {family} to send to {remote}.");
        }
        try
        {
            await listener.Socket.SendToAsync(bytes, SocketFlags.None, remote.EndPoint, cancellationToken);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            throw new SipTransportException($"Sending to {remote} failed.", ex);
        }
    }

    private sealed record UdpListener(Socket Socket, SipEndPoint Local);
}
