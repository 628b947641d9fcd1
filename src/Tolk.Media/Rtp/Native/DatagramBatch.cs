using System.Net;
using System.Runtime.InteropServices;

namespace Tolk.Media.Rtp.Native;

/// <summary>
/// Receive slots for <c>recvmmsg(2)</c>: a few datagram buffers with their source addresses, all on the
/// pinned object heap (stable addresses, freed by the GC with the owner). One call without waiting takes
/// every datagram queued (up to <see cref="Count"/>), or says the queue is empty — one system call per
/// tick instead of a readiness poll plus a receive per datagram. Not thread-safe: one per socket, used
/// under its owner's lock.
/// </summary>
internal sealed unsafe class DatagramBatch
{
    private readonly byte[][] _buffers;
    private readonly byte[] _headers;
    private readonly LinuxSockets.MMsgHdr* _messages;

    public DatagramBatch(int count, int bufferSize)
    {
        Count = count;
        _buffers = new byte[count][];
        var headerBytes = count * (sizeof(LinuxSockets.MMsgHdr) + sizeof(LinuxSockets.IoVec) + LinuxSockets.SockAddrCapacity);
        _headers = GC.AllocateArray<byte>(headerBytes, pinned: true);
        var at = (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(_headers, 0);
        _messages = (LinuxSockets.MMsgHdr*)at;
        var iovs = (LinuxSockets.IoVec*)(at + (count * sizeof(LinuxSockets.MMsgHdr)));
        var names = (byte*)(iovs + count);
        for (var i = 0; i < count; i++)
        {
            _buffers[i] = GC.AllocateArray<byte>(bufferSize, pinned: true);
            iovs[i].Base = (void*)Marshal.UnsafeAddrOfPinnedArrayElement(_buffers[i], 0);
            iovs[i].Length = (nuint)bufferSize;
            _messages[i].Header.Iov = iovs + i;
            _messages[i].Header.IovLength = 1;
            _messages[i].Header.Name = names + (i * LinuxSockets.SockAddrCapacity);
        }
    }

    /// <summary>Slots, i.e. the most datagrams one <see cref="Receive"/> takes.</summary>
    public int Count { get; }

    /// <summary>
    /// Takes the queued datagrams without waiting. Returns how many (0 when none is queued), or a negative
    /// errno for a receive error (e.g. an ICMP unreachable reported on the socket).
    /// </summary>
    public int Receive(SafeHandle socket, int max)
    {
        var count = Math.Min(max, Count);
        for (var i = 0; i < count; i++)
        {
            PrepareSlot(i);
        }
        while (true)
        {
            var n = LinuxSockets.RecvMmsg(socket, _messages, (uint)count, LinuxSockets.MsgDontWait, 0);
            if (n >= 0)
            {
                return n;
            }
            var error = Marshal.GetLastPInvokeError();
            if (error == LinuxSockets.EIntr)
            {
                continue;
            }
            return error == LinuxSockets.EAgain ? 0 : -error;
        }
    }

    /// <summary>
    /// Readies slot <paramref name="index"/> for a receive (this batch's own, or an io_uring <c>recvmsg</c>, whose
    /// result goes back through <see cref="SetReceived"/>) and returns its <c>msghdr</c>. The kernel overwrites
    /// these fields with what it filled in.
    /// </summary>
    public LinuxSockets.MsgHdr* PrepareSlot(int index)
    {
        _messages[index].Header.NameLength = LinuxSockets.SockAddrCapacity;
        _messages[index].Header.Flags = 0;
        _messages[index].Length = 0;
        return &_messages[index].Header;
    }

    /// <summary>Records that slot <paramref name="index"/> holds a datagram of <paramref name="length"/> bytes.</summary>
    public void SetReceived(int index, int length) => _messages[index].Length = (uint)length;

    /// <summary>The datagram in slot <paramref name="index"/> after a <see cref="Receive"/>.</summary>
    public byte[] Buffer(int index) => _buffers[index];

    /// <summary>Its length in bytes.</summary>
    public int Length(int index) => (int)_messages[index].Length;

    /// <summary>Copies its source address (the kernel's <c>sockaddr</c>, which is what .NET's <see cref="SocketAddress"/> holds on Linux).</summary>
    public void CopySource(int index, SocketAddress destination)
    {
        // recvmmsg and io_uring's recvmsg both write the source's length back into the header.
        var length = (int)Math.Min(_messages[index].Header.NameLength, (uint)destination.Buffer.Length);
        new ReadOnlySpan<byte>(_messages[index].Header.Name, length).CopyTo(destination.Buffer.Span);
        destination.Size = length;
    }
}
