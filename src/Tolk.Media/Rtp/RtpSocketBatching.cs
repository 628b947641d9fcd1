using Tolk.Media.Rtp.Native;

namespace Tolk.Media.Rtp;

/// <summary>
/// Process-wide switch and status of the mixer threads' batched socket I/O: polled sessions' receives and
/// sends made inside a mixer tick go through one io_uring per mixer thread (a system call per batch, not per
/// datagram) wherever the kernel allows io_uring, and through plain system calls otherwise.
/// </summary>
public static class RtpSocketBatching
{
    /// <summary>On by default; false makes every session use plain system calls (configuration <c>Media:IoUring</c>).</summary>
    public static bool Enabled
    {
        get => SocketRing.Enabled;
        set => SocketRing.Enabled = value;
    }

    /// <summary>"io_uring" once a mixer thread made its ring, otherwise why not (or "not tried").</summary>
    public static string Status => SocketRing.Status;
}
