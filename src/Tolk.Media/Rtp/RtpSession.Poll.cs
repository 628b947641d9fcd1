using System.Net;
using System.Net.Sockets;
using Tolk.Media.Rtp.Native;

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

    /// <summary>Datagrams one receive call can take: a tick normally finds one, a late tick a few.</summary>
    private const int BatchSlots = 4;

    private readonly Lock _pollGate = new();
    private DatagramBatch? _batch;
    private SocketAddress? _pollFrom;
    private ulong _watchId;
    private int _emptyPolls;
    private int _watching;
    private bool _polling;

    // A receive batch the mixer thread's io_uring already made (QueueReceive → OnQueuedReceive → EndQueuedReceive),
    // consumed by the next Poll: datagrams in slots [0, _prefetched), and how the chain ended.
    private bool _hasPrefetch;
    private bool _inRing;
    private int _prefetched;
    private int _prefetchErrno;

    /// <summary>
    /// <see cref="RtpReceiveMode.Polled"/> only: raised (on the watcher thread) when a datagram arrives while
    /// the session was not being polled; the owner should make sure <see cref="Poll"/> runs soon (wake its mixer room).
    /// </summary>
    public event EventHandler? DataAvailable;

    /// <summary>
    /// <see cref="RtpReceiveMode.Polled"/> only: receives every datagram waiting on the RTP socket (at most
    /// <paramref name="maxPackets"/>, though a batch the mixer thread's ring already took, up to four, is handled
    /// whole) without blocking and handles each as the async loop would: latching, source and SSRC filter, SRTP,
    /// statistics, RTCP when muxed, then the packet handler on this thread. Returns the datagrams taken. Never
    /// throws for network conditions; no allocation.
    /// </summary>
    public int Poll(int maxPackets = 32)
    {
        if (!_polling || Volatile.Read(ref _disposed) != 0)
        {
            return 0;
        }
        lock (_pollGate)
        {
            int taken = 0;
            var batch = _batch!;
            var from = _pollFrom!;
            var more = true;
            if (_hasPrefetch)
            {
                _hasPrefetch = false;
                DispatchSlots(batch, _prefetched, from);
                taken = _prefetched;
                if (_prefetchErrno != 0)
                {
                    LogReceiveErrno(_prefetchErrno);
                    taken++;
                }
                // A chain that stopped short found the queue empty; a full one or an error says nothing about the rest.
                more = _prefetchErrno != 0 || _prefetched == batch.Count;
            }
            while (more && taken < maxPackets && Volatile.Read(ref _disposed) == 0)
            {
                int received;
                try
                {
                    received = batch.Receive(_rtpSocket.SafeHandle, maxPackets - taken);
                }
                catch (ObjectDisposedException)
                {
                    return taken;
                }
                if (received < 0)
                {
                    // ICMP unreachable from an earlier send, an oversized datagram: a live call keeps listening.
                    LogReceiveErrno(-received);
                    taken++;
                    continue;
                }
                DispatchSlots(batch, received, from);
                taken += received;
                if (received < batch.Count)
                {
                    break; // the queue is empty: no second call to learn it
                }
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

    /// <summary>
    /// <see cref="RtpReceiveMode.Polled"/> only: queues this tick's receive on <paramref name="ring"/> (the
    /// calling mixer thread's), so that many sessions' receives take one system call; the next
    /// <see cref="Poll"/> on this thread handles what it took. The poll lock is held from here until the
    /// ring's submit ends (<see cref="EndQueuedReceive"/>). False when nothing was queued.
    /// </summary>
    internal bool QueueReceive(SocketRing ring)
    {
        if (!_polling || Volatile.Read(ref _disposed) != 0)
        {
            return false;
        }
        _pollGate.Enter();
        var queued = false;
        try
        {
            if (_hasPrefetch || _inRing)
            {
                // The last batch was not polled yet, or this one is already queued (the lock is re-entrant):
                // its slots must not be written twice.
                return false;
            }
            _prefetched = 0;
            _prefetchErrno = 0;
            queued = ring.TryQueueReceive(this, _rtpSocket.SafeHandle, _batch!, BatchSlots);
            _inRing = queued;
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            if (!queued)
            {
                _pollGate.Exit();
            }
        }
        return queued;
    }

    /// <summary>The ring's result for slot <paramref name="slot"/>: bytes received, or a negative errno.</summary>
    internal void OnQueuedReceive(int slot, int result)
    {
        if (result >= 0)
        {
            _batch!.SetReceived(slot, result);
            _prefetched = Math.Max(_prefetched, slot + 1);
        }
        else if (result != -LinuxSockets.EAgain && result != -IoUring.ECanceled)
        {
            _prefetchErrno = -result;
        }
    }

    /// <summary>The ring's submit is over: the batch is ready for <see cref="Poll"/> and the lock is released.</summary>
    internal void EndQueuedReceive()
    {
        _inRing = false;
        _hasPrefetch = true;
        _pollGate.Exit();
    }

    /// <summary>
    /// The ring gave up with this session's receives possibly still in the kernel: the batch they write into is
    /// the ring's to keep, this session takes a fresh one and its lock back (nothing was taken, as far as it knows).
    /// </summary>
    internal void AbandonQueuedReceive()
    {
        _batch = new DatagramBatch(BatchSlots, MaxPacket + 64);
        _inRing = false;
        _hasPrefetch = false;
        _pollGate.Exit();
    }

    private void StartPolled()
    {
        _batch = new DatagramBatch(BatchSlots, MaxPacket + 64);
        _pollFrom = new SocketAddress(_rtpSocket.AddressFamily);
        // Non-blocking for the sends too: a full send buffer drops a packet instead of stalling a mixer worker.
        _rtpSocket.Blocking = false;
        _watchId = ReadinessWatcher.Instance.Register(OnReadable);
        _polling = true;
        Watch(); // the first packet must wake the owner
    }

    /// <summary>Asks the watcher for one report of the next datagram (or one already queued).</summary>
    private void Watch()
    {
        if (Interlocked.Exchange(ref _watching, 1) != 0 || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }
        try
        {
            ReadinessWatcher.Instance.Arm(_watchId, _rtpSocket.SafeHandle);
        }
        catch (ObjectDisposedException)
        {
        }
        catch (InvalidOperationException ex)
        {
            // Without a watch a dormant owner is not woken by this caller; say so, the call itself goes on.
            Volatile.Write(ref _watching, 0);
            LogHandlerFailed(ex);
        }
    }

    private void OnReadable()
    {
        Volatile.Write(ref _watching, 0);
        lock (_pollGate)
        {
            _emptyPolls = 0;
        }
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
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

    /// <summary>Takes the socket out of the watcher before it is closed (its descriptor number may be reused).</summary>
    private void StopPolled()
    {
        if (_polling)
        {
            ReadinessWatcher.Instance.Unregister(_watchId, _rtpSocket.SafeHandle);
        }
    }

    /// <summary>Handles the first <paramref name="count"/> datagrams of <paramref name="batch"/> in order.</summary>
    private void DispatchSlots(DatagramBatch batch, int count, SocketAddress from)
    {
        for (var i = 0; i < count; i++)
        {
            batch.CopySource(i, from);
            Dispatch(batch.Buffer(i), batch.Length(i), from, isRtcpSocket: false);
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
