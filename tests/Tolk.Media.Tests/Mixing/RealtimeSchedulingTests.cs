using System.Runtime.InteropServices;
using Tolk.Media.Mixing;
using Xunit;

namespace Tolk.Media.Tests.Mixing;

public sealed partial class RealtimeSchedulingTests
{
    [LibraryImport("libc", EntryPoint = "sched_getscheduler")]
    private static partial int SchedGetScheduler(int pid);

    [Fact]
    public void A_thread_gets_the_fifo_scheduler_or_is_told_why_not()
    {
        string? failure = "not run";
        var policy = -1;
        // A thread of its own: the policy stays with the thread, and this one ends with the test.
        var thread = new Thread(() =>
        {
            failure = RealtimeScheduling.TryEnter(1);
            policy = SchedGetScheduler(0);
        });
        thread.Start();
        thread.Join();

        if (failure is null)
        {
            Assert.Equal(1, policy); // SCHED_FIFO
        }
        else
        {
            Assert.Equal(0, policy); // SCHED_OTHER, and a reason
            Assert.Contains("errno", failure, StringComparison.Ordinal);
        }
    }
}
