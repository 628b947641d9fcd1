using Tolk.Media.Mixing;
using Tolk.Testing;

namespace Tolk.Media.Tests.Mixing;

public sealed class AllocationTests
{
    private sealed class CountingSink : IAudioFrameSink, IAudioTap
    {
        public long Sum;

        public void Write(MixedFrame frame) => Sum += frame.Samples[0];

        public void OnFrame(MixerParticipant participant, ReadOnlySpan<short> frame, long tick) => Sum += frame[0];
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)] // fanned out: the clock thread's share (orchestration and the items it takes) is measured
    public void Steady_state_tick_allocates_nothing(int workers)
    {
        var clock = new MixerClock(new ManualTimeProvider(), new MixerClockOptions { Workers = workers, ParallelMinParticipants = 1, ParallelMinTickWork = TimeSpan.Zero });
        var room = clock.CreateRoom("r", new MixerRoomOptions { JoinLeaveTones = true });
        var sink = new CountingSink();
        var people = new List<MixerParticipant>();
        for (int i = 0; i < 12; i++)
        {
            people.Add(room.AddParticipant($"p{i}", new SignalSource(i < 3 ? Tone(200 + (i * 170)) : _ => 1) { Record = false }, sink));
        }
        people[0].AddTap(sink);
        for (int i = 6; i < 12; i++)
        {
            people[i].SetGainFrom(people[0], 0.2f);
        }
        room.AddSource(new SignalSource(Tone(1300)) { Record = false }, people.Skip(6), 1f);

        for (int t = 0; t < 50; t++)
        {
            clock.TickNow(); // warm up: cues, JIT, group pools
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 200; t++)
        {
            clock.TickNow();
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(people[0].IsSpeaking);
        Assert.Equal(0, room.CallbackErrors);
    }

    private static Func<long, short> Tone(double hz) => i => (short)(7000 * Math.Sin(2 * Math.PI * hz * i / 16000.0));
}
