using System.Runtime.InteropServices;

namespace Tolk.Media.Mixing;

/// <summary>
/// Puts the calling thread under the kernel's real-time FIFO scheduler (sched_setscheduler(2) with
/// <c>SCHED_FIFO</c>), so that a mixer thread whose 20 ms deadline comes up runs before any ordinary process on
/// the same cores (a media server's usual deployment: FreeSWITCH <c>-rp</c>, Asterisk <c>-p</c>). Needs root,
/// <c>CAP_SYS_NICE</c> or an <c>rtprio</c> limit (<c>LimitRTPRIO=</c> in a systemd unit); otherwise the thread
/// keeps the normal scheduler and the reason is returned. .NET's <see cref="ThreadPriority"/> does not do this on Linux.
/// </summary>
internal static partial class RealtimeScheduling
{
    private const int SchedFifo = 1;

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SchedSetScheduler(int pid, int policy, ref int priority);

    /// <summary>Returns null when the calling thread now runs at <paramref name="priority"/> (1–99), else why not.</summary>
    public static string? TryEnter(int priority)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "real-time scheduling is only set on Linux";
        }
        var value = priority;
        // pid 0 is the calling thread: the policy is per thread on Linux.
        if (SchedSetScheduler(0, SchedFifo, ref value) == 0)
        {
            return null;
        }
        var errno = Marshal.GetLastPInvokeError();
        return errno == 1
            ? "errno 1 (EPERM: needs root, CAP_SYS_NICE or an rtprio limit)"
            : $"errno {errno}";
    }
}
