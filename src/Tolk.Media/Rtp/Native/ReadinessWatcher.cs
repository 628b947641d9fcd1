using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Tolk.Media.Rtp.Native;

/// <summary>
/// One thread and one epoll set for the whole process that tells idle polled sockets' owners when a
/// datagram arrives. A socket is armed one-shot (<c>EPOLLONESHOT</c>): it reports once and then stays
/// silent until re-armed, so sockets being drained by the mixer every tick cost nothing here.
/// Arming checks the queue at once (epoll reports a socket that is already readable), so a datagram
/// that arrived before the arm is not missed.
/// </summary>
internal sealed unsafe class ReadinessWatcher
{
    private const int BatchSize = 64;

    private static readonly Lazy<ReadinessWatcher> Shared = new(() => new ReadinessWatcher());

    private readonly int _epoll;
    private readonly ConcurrentDictionary<ulong, Action> _callbacks = new();
    private long _nextId;

    private ReadinessWatcher()
    {
        _epoll = LinuxSockets.EpollCreate1(LinuxSockets.EpollCloExec);
        if (_epoll < 0)
        {
            throw new InvalidOperationException($"epoll_create1 failed with errno {Marshal.GetLastPInvokeError()}");
        }
        new Thread(Run) { IsBackground = true, Name = "tolk-rtp-watch" }.Start();
    }

    public static ReadinessWatcher Instance => Shared.Value;

    /// <summary>Registers an owner; <paramref name="onReadable"/> runs on the watcher thread, so it must be short.</summary>
    public ulong Register(Action onReadable)
    {
        var id = (ulong)Interlocked.Increment(ref _nextId);
        _callbacks[id] = onReadable;
        return id;
    }

    /// <summary>Reports the next datagram (or one already queued) on <paramref name="socket"/> once.</summary>
    public void Arm(ulong id, SafeHandle socket)
    {
        var ev = stackalloc byte[16];
        LinuxSockets.WriteEpollEvent(ev, LinuxSockets.EpollIn | LinuxSockets.EpollOneShot, id);
        if (LinuxSockets.EpollCtl(_epoll, LinuxSockets.EpollCtlMod, socket, ev) == 0)
        {
            return;
        }
        var error = Marshal.GetLastPInvokeError();
        if (error == LinuxSockets.ENoEnt && LinuxSockets.EpollCtl(_epoll, LinuxSockets.EpollCtlAdd, socket, ev) == 0)
        {
            return;
        }
        error = Marshal.GetLastPInvokeError();
        throw new InvalidOperationException($"epoll_ctl failed with errno {error}");
    }

    /// <summary>Forgets the owner and takes the socket out of the set; call before the socket is closed.</summary>
    public void Unregister(ulong id, SafeHandle socket)
    {
        _callbacks.TryRemove(id, out _);
        if (!socket.IsClosed)
        {
            // ENOENT (never armed) is fine; a closed descriptor leaves the set by itself.
            _ = LinuxSockets.EpollCtl(_epoll, LinuxSockets.EpollCtlDel, socket, null);
        }
    }

    private void Run()
    {
        var size = LinuxSockets.EpollEventSize;
        var events = (byte*)NativeMemory.Alloc((nuint)(BatchSize * size));
        while (true)
        {
            var n = LinuxSockets.EpollWait(_epoll, events, BatchSize, -1);
            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == LinuxSockets.EIntr)
                {
                    continue;
                }
                // Nothing sensible is left to do for a broken epoll descriptor; owners still poll when awake.
                return;
            }
            for (var i = 0; i < n; i++)
            {
                if (_callbacks.TryGetValue(LinuxSockets.ReadEpollData(events + (i * size)), out var callback))
                {
                    callback();
                }
            }
        }
    }
}
