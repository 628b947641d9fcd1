using System.Collections.Concurrent;
using System.Net;
using System.Runtime.InteropServices;

namespace Tolk.Media.Rtp.Native;

/// <summary>
/// One io_uring per mixer thread that carries a tick's socket work as batches: the receives of a chunk of
/// participants in one system call, every send of a stage in one more, instead of a <c>recvmmsg</c> and a
/// <c>sendto</c> per participant. On a paravirtualised host each system call's return is the expensive
/// part (bench/load/io-batching-probe.c measured 6.7 µs per receive+send pair as separate calls and 4.6 as
/// one batch).
/// </summary>
/// <remarks>
/// Every operation is issued with <c>MSG_DONTWAIT</c>, so the kernel completes it while submitting (data, or
/// EAGAIN for an empty queue or a full send buffer), and <see cref="Submit"/> always waits for every
/// completion: when it returns, no operation is left in the kernel and no memory is lent to it (a ring whose
/// waiting keeps failing is abandoned with everything the kernel might still write kept alive). A ring is
/// used only by the thread that created it (<c>IORING_SETUP_SINGLE_ISSUER</c> where the kernel offers it).
/// Where io_uring is missing or forbidden (old kernel, <c>kernel.io_uring_disabled</c>, a seccomp filter),
/// <see cref="ForCurrentThread"/> returns null once and for all and callers use the plain system calls.
/// </remarks>
internal sealed unsafe class SocketRing : IDisposable
{
    private const uint Entries = 256;
    private const int SendDataCapacity = 1600;
    private const ulong SendTag = 1UL << 63;
    private const int ChainBits = 8;

    [ThreadStatic] private static SocketRing? t_ring;
    [ThreadStatic] private static bool t_setupFailed;
    private static volatile bool s_switchedOff;
    private static volatile bool s_unavailable;
    private static string s_status = "not tried";

    /// <summary>Rings given up with requests possibly still in the kernel: kept (with what those requests may write) for good.</summary>
    private static readonly ConcurrentBag<SocketRing> Abandoned = [];

    private readonly int _fd;
    private readonly nint _ring;
    private readonly nuint _ringSize;
    private readonly nint _sqeMap;
    private readonly nuint _sqeMapSize;
    private readonly uint* _sqHead;
    private readonly uint* _sqTail;
    private readonly uint _sqMask;
    private readonly uint* _cqHead;
    private readonly uint* _cqTail;
    private readonly uint _cqMask;
    private readonly IoUring.Cqe* _cqes;
    private readonly IoUring.Sqe* _sqes;
    private readonly byte* _sendSlots;
    private readonly int _sendSlotSize;

    private readonly RtpSession?[] _sendOwners = new RtpSession?[Entries];
    private readonly SafeHandle?[] _sendSockets = new SafeHandle?[Entries];
    private readonly int[] _sendPayloadBytes = new int[Entries];
    private readonly RtpSession?[] _receiveOwners = new RtpSession?[Entries];
    private readonly SafeHandle?[] _receiveSockets = new SafeHandle?[Entries];
    private readonly DatagramBatch?[] _receiveBatches = new DatagramBatch?[Entries];
    private uint _sqTailLocal;
    private uint _queued;
    private int _sends;
    private int _receives;
    private int _deferDepth;
    private bool _broken;
    private int _disposed;

    private SocketRing(int fd, in IoUring.Params p)
    {
        _fd = fd;
        _ringSize = Math.Max(p.SqOff.Array + (p.SqEntries * sizeof(uint)), p.CqOff.Cqes + (p.CqEntries * (uint)sizeof(IoUring.Cqe)));
        _ring = IoUring.Mmap(0, _ringSize, IoUring.ProtReadWrite, IoUring.MapShared | IoUring.MapPopulate, fd, IoUring.OffSqRing);
        _sqeMapSize = p.SqEntries * (nuint)sizeof(IoUring.Sqe);
        _sqeMap = _ring == -1 ? -1 : IoUring.Mmap(0, _sqeMapSize, IoUring.ProtReadWrite, IoUring.MapShared | IoUring.MapPopulate, fd, IoUring.OffSqes);
        if (_ring == -1 || _sqeMap == -1)
        {
            var errno = Marshal.GetLastPInvokeError();
            Release();
            throw new InvalidOperationException($"mmap of the io_uring failed with errno {errno}");
        }
        var ring = (byte*)_ring;
        _sqHead = (uint*)(ring + p.SqOff.Head);
        _sqTail = (uint*)(ring + p.SqOff.Tail);
        _sqMask = *(uint*)(ring + p.SqOff.RingMask);
        var array = (uint*)(ring + p.SqOff.Array);
        for (uint i = 0; i < p.SqEntries; i++)
        {
            array[i] = i; // SQE i sits in slot i for good: only the tail moves
        }
        _cqHead = (uint*)(ring + p.CqOff.Head);
        _cqTail = (uint*)(ring + p.CqOff.Tail);
        _cqMask = *(uint*)(ring + p.CqOff.RingMask);
        _cqes = (IoUring.Cqe*)(ring + p.CqOff.Cqes);
        _sqes = (IoUring.Sqe*)_sqeMap;
        _sqTailLocal = *_sqTail;

        _sendSlotSize = sizeof(LinuxSockets.MsgHdr) + sizeof(LinuxSockets.IoVec) + LinuxSockets.SockAddrCapacity + SendDataCapacity;
        _sendSlots = (byte*)NativeMemory.AllocZeroed((nuint)(_sendSlotSize * Entries));
    }

    ~SocketRing() => Release();

    /// <summary>What the process uses for mixer socket I/O: "io_uring", or why not (for logs and benchmark write-ups).</summary>
    public static string Status => s_status;

    /// <summary>False turns batching off for the whole process (configuration <c>Media:IoUring</c>); rings already made stay idle.</summary>
    public static bool Enabled
    {
        get => !s_switchedOff;
        set => s_switchedOff = !value;
    }

    /// <summary>Told (with <see cref="Status"/>) when a ring stops being used after a failure; set by the mixer clock to log it.</summary>
    public static Action<string>? Broken { get; set; }

    /// <summary>System calls that handed a batch to the kernel.</summary>
    public long Submits { get; private set; }

    /// <summary>Operations (receives and sends) those batches carried.</summary>
    public long Operations { get; private set; }

    /// <summary>This thread's ring, made on first use; null where io_uring cannot be used.</summary>
    public static SocketRing? ForCurrentThread()
    {
        if (s_switchedOff || s_unavailable)
        {
            return null;
        }
        var ring = t_ring;
        if (ring is not null)
        {
            return ring._broken ? null : ring;
        }
        if (t_setupFailed)
        {
            return null;
        }
        ring = TryCreate();
        if (ring is null)
        {
            t_setupFailed = true;
        }
        t_ring = ring;
        return ring;
    }

    /// <summary>
    /// Says what mixer threads will use, trying a ring (and closing it) if no thread has yet: "io_uring",
    /// "off" when switched off, or why io_uring cannot be used here.
    /// </summary>
    public static string Probe()
    {
        if (s_status == "not tried")
        {
            TryCreate()?.Dispose();
        }
        return Enabled ? s_status : "off (Media:IoUring)";
    }

    /// <summary>This thread's ring while sends are being deferred (inside a <see cref="DeferSends"/> scope).</summary>
    public static SocketRing? Deferring => t_ring is { _deferDepth: > 0, _broken: false } ring ? ring : null;

    /// <summary>
    /// Until the scope ends, RTP sends of this thread are queued on its ring and leave together when it ends
    /// (outermost scope) or the ring fills. Without a ring the scope does nothing and sends go out at once.
    /// </summary>
    public static DeferredSends DeferSends()
    {
        var ring = ForCurrentThread();
        if (ring is not null)
        {
            ring._deferDepth++;
        }
        return new DeferredSends(ring);
    }

    /// <summary>Ends a <see cref="DeferSends"/> scope.</summary>
    public readonly struct DeferredSends : IDisposable
    {
        private readonly SocketRing? _ring;

        internal DeferredSends(SocketRing? ring) => _ring = ring;

        public void Dispose()
        {
            if (_ring is not null && --_ring._deferDepth == 0)
            {
                _ring.Submit();
            }
        }
    }

    /// <summary>
    /// Queues one datagram to <paramref name="remote"/>; its bytes and address are copied, so the caller's
    /// buffer is free at once. The kernel's result reaches <paramref name="owner"/>'s <c>OnQueuedSendCompleted</c>
    /// at submit, with <paramref name="payloadBytes"/> for its counters. False when it does not fit (the caller
    /// sends it itself).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    public bool TryQueueSend(SafeHandle socket, ReadOnlySpan<byte> datagram, SocketAddress remote, RtpSession owner, int payloadBytes)
    {
        if (_broken || datagram.Length > SendDataCapacity || remote.Size > LinuxSockets.SockAddrCapacity)
        {
            return false;
        }
        if (_sends == Entries || FreeSqes < 1)
        {
            Submit();
        }
        var fd = Hold(socket);
        var index = _sends++;
        _sendOwners[index] = owner;
        _sendSockets[index] = socket;
        _sendPayloadBytes[index] = payloadBytes;

        var slot = _sendSlots + ((nint)index * _sendSlotSize);
        var message = (LinuxSockets.MsgHdr*)slot;
        var iov = (LinuxSockets.IoVec*)(slot + sizeof(LinuxSockets.MsgHdr));
        var name = (byte*)(iov + 1);
        var data = name + LinuxSockets.SockAddrCapacity;
        remote.Buffer.Span[..remote.Size].CopyTo(new Span<byte>(name, LinuxSockets.SockAddrCapacity));
        datagram.CopyTo(new Span<byte>(data, SendDataCapacity));
        iov->Base = data;
        iov->Length = (nuint)datagram.Length;
        *message = default;
        message->Name = name;
        message->NameLength = (uint)remote.Size;
        message->Iov = iov;
        message->IovLength = 1;

        var sqe = NextSqe();
        sqe->Opcode = IoUring.OpSendMsg;
        sqe->Fd = fd;
        sqe->Address = (ulong)message;
        sqe->Length = 1;
        sqe->MsgFlags = LinuxSockets.MsgDontWait;
        sqe->UserData = SendTag | (uint)index;
        return true;
    }

    /// <summary>
    /// Queues receives into the first <paramref name="count"/> slots of <paramref name="batch"/>, linked so
    /// that the first one to find the queue empty (or fail) cancels the rest. Results reach
    /// <paramref name="owner"/>'s <c>OnQueuedReceive</c> in slot order at <see cref="Submit"/>, then its
    /// <c>EndQueuedReceive</c>. False when the ring cannot take them (nothing queued).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    public bool TryQueueReceive(RtpSession owner, SafeHandle socket, DatagramBatch batch, int count)
    {
        count = Math.Min(count, batch.Count);
        if (_broken || count <= 0 || count > 1 << ChainBits)
        {
            return false;
        }
        if (_receives == Entries || FreeSqes < (uint)count)
        {
            Submit();
        }
        var fd = Hold(socket);
        var index = _receives++;
        _receiveOwners[index] = owner;
        _receiveSockets[index] = socket;
        _receiveBatches[index] = batch;
        for (var i = 0; i < count; i++)
        {
            var sqe = NextSqe();
            sqe->Opcode = IoUring.OpRecvMsg;
            sqe->Flags = i < count - 1 ? IoUring.SqeIoLink : (byte)0;
            sqe->Fd = fd;
            sqe->Address = (ulong)batch.PrepareSlot(i);
            sqe->Length = 1;
            sqe->MsgFlags = LinuxSockets.MsgDontWait;
            sqe->UserData = ((ulong)index << ChainBits) | (uint)i;
        }
        return true;
    }

    /// <summary>Hands everything queued to the kernel in one call, waits for all of it and reports the results.</summary>
    public void Submit()
    {
        if (_queued == 0)
        {
            return;
        }
        Volatile.Write(ref *_sqTail, _sqTailLocal);
        Submits++;
        Operations += _queued;
        var left = _queued;
        try
        {
            left = WaitForAll(_queued);
        }
        finally
        {
            _queued = 0;
            if (left == 0)
            {
                Finish();
            }
            else
            {
                Abandon();
            }
        }
    }

    /// <summary>Waits until the kernel has completed <paramref name="unreaped"/> operations; returns how many it has not (0 normally).</summary>
    private uint WaitForAll(uint unreaped)
    {
        var failures = 0;
        while (unreaped > 0)
        {
            var unsubmitted = _sqTailLocal - Volatile.Read(ref *_sqHead);
            if (IoUring.Enter(_fd, unsubmitted, unreaped, IoUring.EnterGetEvents) < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != LinuxSockets.EIntr && ++failures > 100)
                {
                    // EAGAIN/EBUSY should pass in microseconds; anything else means this ring cannot be trusted.
                    s_status = $"io_uring_enter failed with errno {errno}; plain system calls from then on";
                    return unreaped - Math.Min(unreaped, Reap());
                }
                if (errno != LinuxSockets.EIntr)
                {
                    Thread.Yield();
                }
            }
            unreaped -= Math.Min(unreaped, Reap());
        }
        return 0;
    }

    /// <summary>
    /// The kernel may still hold requests of the last batch: nothing they can write is ever reused or freed. The
    /// ring (with its send slots) and the receive owners' batches are kept for the life of the process, each owner
    /// gets a fresh batch and its lock back, and this thread stops using the ring. Sockets keep the kernel's own
    /// references while a request holds them, so ours are released.
    /// </summary>
    private void Abandon()
    {
        _broken = true;
        GC.SuppressFinalize(this);
        Abandoned.Add(this);
        Finish(abandoned: true);
        Broken?.Invoke(s_status);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    private static SocketRing? TryCreate()
    {
        // Newest flags first: single issuer + deferred task work make each submit cheaper (6.1+); submit-all
        // (5.18+) keeps one bad request from stopping the rest of a batch, which Submit relies on.
        const uint submitAll = 1u << 7;
        uint[] flagSets = [submitAll | IoUring.SetupSingleIssuer | IoUring.SetupDeferTaskrun, submitAll];
        var errno = 0;
        foreach (var flags in flagSets)
        {
            IoUring.Params p = default;
            p.Flags = flags;
            var fd = IoUring.Setup(Entries, &p);
            if (fd < 0)
            {
                errno = Marshal.GetLastPInvokeError();
                continue;
            }
            if ((p.Features & IoUring.FeatSingleMmap) == 0)
            {
                _ = IoUring.Close(fd);
                s_status = "io_uring without single-mmap rings (kernel older than 5.4); plain system calls";
                return null;
            }
            try
            {
                var ring = new SocketRing(fd, p);
                s_status = "io_uring";
                return ring;
            }
            catch (InvalidOperationException ex)
            {
                s_status = ex.Message;
                return null;
            }
        }
        s_status = $"io_uring_setup failed with errno {errno}; plain system calls";
        if (errno is 1 or 38) // EPERM (disabled by sysctl or seccomp), ENOSYS: the same on every thread
        {
            s_unavailable = true;
        }
        return null;
    }

    private uint FreeSqes => Entries - _queued;

    /// <summary>Keeps <paramref name="socket"/>'s descriptor open until <see cref="Finish"/> releases it; returns the descriptor.</summary>
    private static int Hold(SafeHandle socket)
    {
        var added = false;
        socket.DangerousAddRef(ref added);
        return (int)socket.DangerousGetHandle();
    }

    private IoUring.Sqe* NextSqe()
    {
        var sqe = _sqes + (_sqTailLocal & _sqMask);
        *sqe = default;
        _sqTailLocal++;
        _queued++;
        return sqe;
    }

    private uint Reap()
    {
        var head = *_cqHead;
        var tail = Volatile.Read(ref *_cqTail);
        uint reaped = 0;
        while (head != tail)
        {
            var cqe = _cqes[head & _cqMask];
            head++;
            reaped++;
            Volatile.Write(ref *_cqHead, head);
            try
            {
                if ((cqe.UserData & SendTag) != 0)
                {
                    var index = (int)(cqe.UserData & 0xFFFF);
                    _sendOwners[index]?.OnQueuedSendCompleted(cqe.Result, _sendPayloadBytes[index]);
                }
                else
                {
                    var owner = _receiveOwners[(int)(cqe.UserData >> ChainBits)];
                    owner?.OnQueuedReceive((int)(cqe.UserData & ((1 << ChainBits) - 1)), cqe.Result);
                }
            }
#pragma warning disable CA1031 // An owner's failure (a throwing log provider) must not leave the ring's accounting half done.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
        return reaped;
    }

    /// <summary>Ends the batch for its owners: sockets released, each receive owner's poll lock handed back.</summary>
    private void Finish(bool abandoned = false)
    {
        for (var i = 0; i < _sends; i++)
        {
            _sendSockets[i]!.DangerousRelease();
            _sendSockets[i] = null;
            _sendOwners[i] = null;
        }
        _sends = 0;
        var receives = _receives;
        _receives = 0;
        for (var i = 0; i < receives; i++)
        {
            // Each owner entered its poll lock when it queued: it must be left whatever happened.
            _receiveSockets[i]!.DangerousRelease();
            _receiveSockets[i] = null;
            var owner = _receiveOwners[i]!;
            _receiveOwners[i] = null;
            if (abandoned)
            {
                owner.AbandonQueuedReceive(); // its batch stays referenced here, and the ring through Abandoned
            }
            else
            {
                _receiveBatches[i] = null;
                owner.EndQueuedReceive();
            }
        }
    }

    private void Release()
    {
        if (_broken || Interlocked.Exchange(ref _disposed, 1) != 0) // an abandoned ring's memory is never freed
        {
            return;
        }
        if (_sendSlots is not null)
        {
            NativeMemory.Free(_sendSlots);
        }
        if (_sqeMap != 0 && _sqeMap != -1)
        {
            _ = IoUring.Munmap(_sqeMap, _sqeMapSize);
        }
        if (_ring != 0 && _ring != -1)
        {
            _ = IoUring.Munmap(_ring, _ringSize);
        }
        _ = IoUring.Close(_fd);
    }
}
