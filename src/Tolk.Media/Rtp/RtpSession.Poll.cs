using System.Net;
using System.Net.Sockets;

namespace Tolk.Media.Rtp;

/// <summary>How an <see cref="RtpSession"/> takes datagrams off its RTP socket.</summary>
public enum RtpReceiveMode
{
    /// <summary>A loop of asynchronous receives: each datagram is handled as it arrives (one async completion per packet).</summary>
    Async,

    /// <summary>
    /// The owner drains the socket with <see cref="RtpSession.Poll"/> (synchronous, non-blocking), e.g. from
    /// the mixer tick right before the stream's frame is needed. While polls keep finding nothing the
    /// session watches the socket with one pending receive and raises <see cref="RtpSession.DataAvailable"/>
    /// when a datagram arrives, so a dormant owner can be woken. RTCP on its own port keeps its async loop.
    /// </summary>
    Polled,
}

public sealed partial class RtpSession
{
    /// <summary>Empty polls in a row (20 ms apart from the mixer) after which the socket is watched for the next datagram.</summary>
    private const int WatchAfterEmptyPolls = 3;

    private readonly Lock _pollGate = new();
    private byte[]? _pollBuffer;
    private SocketAddress? _pollFrom;
    private byte[]? _watchBuffer;
    private SocketAddress? _watchFrom;
    private int _emptyPolls;
    private int _watching;
    private bool _polling;

    /// <summary>
    /// <see cref="RtpReceiveMode.Polled"/> only: raised (on a socket thread) when a datagram arrives while
    /// the session was not being polled; the owner should make sure <see cref="Poll"/> runs soon (wake its mixer room).
    /// </summary>
    public event EventHandler? DataAvailable;

    /// <summary>
    /// <see cref="RtpReceiveMode.Polled"/> only: receives every datagram waiting on the RTP socket (at most
    /// <paramref name="maxPackets"/>) without blocking and handles each as the async loop would: latching,
    /// source and SSRC filter, SRTP, statistics, RTCP when muxed, then the packet handler on this thread.
    /// Returns the datagrams taken. Never throws for network conditions; no allocation.
    /// </summary>
    public int Poll(int maxPackets = 32)
    {
        if (!_polling || Volatile.Read(ref _disposed) != 0)
        {
            return 0;
        }
        lock (_pollGate)
        {
            if (Volatile.Read(ref _watching) != 0)
            {
                // The watch owns the socket's receive queue until it sees a datagram (it then wakes the owner).
                return 0;
            }
            int taken = 0;
            var buffer = _pollBuffer!;
            var from = _pollFrom!;
            while (taken < maxPackets && Volatile.Read(ref _disposed) == 0)
            {
                int length;
                try
                {
                    // poll(2) with no wait first: a would-block receive would cost an exception.
                    if (!_rtpSocket.Poll(0, SelectMode.SelectRead))
                    {
                        break;
                    }
                    length = _rtpSocket.ReceiveFrom(buffer, SocketFlags.None, from);
                }
                catch (ObjectDisposedException)
                {
                    return taken;
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.WouldBlock)
                {
                    break;
                }
                catch (SocketException ex)
                {
                    // ICMP unreachable from an earlier send, an oversized datagram: a live call keeps listening.
                    LogReceiveFailed(ex.SocketErrorCode);
                    taken++;
                    continue;
                }
                taken++;
                Dispatch(buffer, length, from, isRtcpSocket: false);
            }
            if (taken > 0)
            {
                _emptyPolls = 0;
            }
            else if (++_emptyPolls >= WatchAfterEmptyPolls)
            {
                Watch();
            }
            return taken;
        }
    }

    private void StartPolled()
    {
        _pollBuffer = GC.AllocateArray<byte>(MaxPacket + 64, pinned: true);
        _pollFrom = new SocketAddress(_rtpSocket.AddressFamily);
        _watchBuffer = GC.AllocateArray<byte>(MaxPacket + 64, pinned: true);
        _watchFrom = new SocketAddress(_rtpSocket.AddressFamily);
        // Non-blocking: a receive never waits behind a pending watch; the caller's thread is a mixer worker.
        _rtpSocket.Blocking = false;
        _polling = true;
        Watch(); // the first packet must wake the owner
    }

    /// <summary>One pending peek at the socket: completes (without consuming) when a datagram is there.</summary>
    private void Watch()
    {
        if (Interlocked.Exchange(ref _watching, 1) == 0)
        {
            _ = WatchAsync();
        }
    }

    private async Task WatchAsync()
    {
        var token = _stop.Token;
        try
        {
            // MSG_PEEK into a full-size buffer: the datagram stays queued for Poll, and is not truncated.
            await _rtpSocket.ReceiveFromAsync(_watchBuffer.AsMemory(), SocketFlags.Peek, _watchFrom!, token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        catch (SocketException ex)
        {
            if (token.IsCancellationRequested || Volatile.Read(ref _disposed) != 0)
            {
                return;
            }
            // Something is queued (an error is), so let the owner poll; it re-arms after empty polls.
            LogReceiveFailed(ex.SocketErrorCode);
        }
        lock (_pollGate)
        {
            _emptyPolls = 0;
            Volatile.Write(ref _watching, 0);
        }
        try
        {
            DataAvailable?.Invoke(this, EventArgs.Empty);
        }
#pragma warning disable CA1031 // A consumer's exception must not end the watch of a live call.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogHandlerFailed(ex);
        }
    }

    private void Dispatch(byte[] buffer, int length, SocketAddress from, bool isRtcpSocket)
    {
        try
        {
            if (isRtcpSocket || (_options.RtcpMux && RtpPacket.LooksLikeRtcp(buffer.AsSpan(0, length))))
            {
                OnRtcpDatagram(buffer, length, from);
            }
            else
            {
                OnRtpDatagram(buffer, length, from);
            }
        }
#pragma warning disable CA1031 // A consumer's exception must not kill the receive loop of a live call.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogHandlerFailed(ex);
        }
    }
}
