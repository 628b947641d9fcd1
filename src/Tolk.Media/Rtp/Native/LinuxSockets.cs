using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tolk.Media.Rtp.Native;

/// <summary>
/// The few Linux socket calls .NET's <c>Socket</c> has no allocation- and exception-free form of:
/// <c>recvmmsg(2)</c> with <c>MSG_DONTWAIT</c> (an empty queue is an error code, not an exception, and
/// one call takes every queued datagram) and a private <c>epoll(7)</c> set (readiness of an idle RTP
/// socket without registering it with .NET's socket engine, which would then wake a thread-pool thread
/// for every datagram that arrives on it, polled or not).
/// </summary>
internal static unsafe partial class LinuxSockets
{
    private const string Libc = "libc";

    public const int MsgDontWait = 0x40;
    public const int EAgain = 11;
    public const int EIntr = 4;
    public const int ENoEnt = 2;
    public const int EExist = 17;

    public const int EpollCtlAdd = 1;
    public const int EpollCtlDel = 2;
    public const int EpollCtlMod = 3;
    public const uint EpollIn = 0x001;
    public const uint EpollOneShot = 1u << 30;
    public const int EpollCloExec = 0x80000;

    /// <summary>Big enough for <c>sockaddr_in6</c>; <c>sockaddr_storage</c> is 128.</summary>
    public const int SockAddrCapacity = 128;

    [LibraryImport(Libc, EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int RecvMmsg(SafeHandle socket, MMsgHdr* messages, uint count, int flags, nint timeout);

    [LibraryImport(Libc, EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate1(int flags);

    [LibraryImport(Libc, EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epoll, int operation, SafeHandle socket, byte* ev);

    [LibraryImport(Libc, EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epoll, byte* events, int maxEvents, int timeoutMs);

    /// <summary>
    /// <c>struct epoll_event</c> is packed on x86-64 (12 bytes, data at offset 4) and naturally aligned
    /// elsewhere (16 bytes, data at 8), so it is handled as bytes with these.
    /// </summary>
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    public static void WriteEpollEvent(byte* ev, uint events, ulong data)
    {
        *(uint*)ev = events;
        Unsafe.WriteUnaligned(ev + EpollEventSize - 8, data);
    }

    public static ulong ReadEpollData(byte* ev) => Unsafe.ReadUnaligned<ulong>(ev + EpollEventSize - 8);

    /// <summary><c>struct iovec</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary><c>struct msghdr</c> (LP64 layout).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary><c>struct mmsghdr</c>: the message and the length the kernel received into it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }
}
