using System.Runtime.InteropServices;

namespace Tolk.Media.Rtp.Native;

/// <summary>
/// The kernel's io_uring interface (io_uring_setup(2), io_uring_enter(2)) as raw system calls: libc has no
/// wrappers and liburing is not needed for the two operations used here. The structure layouts are the
/// kernel's UAPI (<c>linux/io_uring.h</c>), the same on every 64-bit architecture, and so are the
/// system call numbers (425 and 426 in the unified table).
/// </summary>
internal static unsafe partial class IoUring
{
    private const string Libc = "libc";

    private const long SysSetup = 425;
    private const long SysEnter = 426;

    public const uint SetupSingleIssuer = 1u << 12;
    public const uint SetupDeferTaskrun = 1u << 13;
    public const uint FeatSingleMmap = 1u << 0;
    public const uint EnterGetEvents = 1u << 0;

    public const byte OpSendMsg = 9;
    public const byte OpRecvMsg = 10;
    public const byte SqeIoLink = 1 << 2;

    public const long OffSqRing = 0;
    public const long OffSqes = 0x10000000;

    public const int ProtReadWrite = 0x1 | 0x2;
    public const int MapShared = 0x01;
    public const int MapPopulate = 0x8000;

    public const int ECanceled = 125;

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);

    [LibraryImport(Libc, EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport(Libc, EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(nint address, nuint length);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>io_uring_setup(2): the ring's descriptor, or -1 with the errno in <see cref="Marshal.GetLastPInvokeError"/>.</summary>
    public static int Setup(uint entries, Params* parameters) => (int)Syscall(SysSetup, entries, (long)parameters, 0, 0, 0, 0);

    /// <summary>io_uring_enter(2) without a signal mask: SQEs consumed, or -1 with the errno.</summary>
    public static int Enter(int fd, uint toSubmit, uint minComplete, uint flags) =>
        (int)Syscall(SysEnter, fd, toSubmit, minComplete, flags, 0, 0);

    /// <summary><c>struct io_sqring_offsets</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SqOffsets
    {
        public uint Head;
        public uint Tail;
        public uint RingMask;
        public uint RingEntries;
        public uint Flags;
        public uint Dropped;
        public uint Array;
        public uint Reserved1;
        public ulong UserAddress;
    }

    /// <summary><c>struct io_cqring_offsets</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct CqOffsets
    {
        public uint Head;
        public uint Tail;
        public uint RingMask;
        public uint RingEntries;
        public uint Overflow;
        public uint Cqes;
        public uint Flags;
        public uint Reserved1;
        public ulong UserAddress;
    }

    /// <summary><c>struct io_uring_params</c> (120 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Params
    {
        public uint SqEntries;
        public uint CqEntries;
        public uint Flags;
        public uint SqThreadCpu;
        public uint SqThreadIdle;
        public uint Features;
        public uint WqFd;
        public uint Reserved0;
        public uint Reserved1;
        public uint Reserved2;
        public SqOffsets SqOff;
        public CqOffsets CqOff;
    }

    /// <summary><c>struct io_uring_sqe</c> (64 bytes), the fields the socket operations use.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 64)]
    public struct Sqe
    {
        [FieldOffset(0)] public byte Opcode;
        [FieldOffset(1)] public byte Flags;
        [FieldOffset(4)] public int Fd;
        [FieldOffset(16)] public ulong Address;
        [FieldOffset(24)] public uint Length;
        [FieldOffset(28)] public uint MsgFlags;
        [FieldOffset(32)] public ulong UserData;
    }

    /// <summary><c>struct io_uring_cqe</c> (16 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Cqe
    {
        public ulong UserData;
        public int Result;
        public uint Flags;
    }
}
