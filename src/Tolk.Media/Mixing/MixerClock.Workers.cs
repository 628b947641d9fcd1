using Tolk.Media.Rtp.Native;

namespace Tolk.Media.Mixing;

// Fan-out of a tick to a few worker threads. The clock thread still sequences the 20 ms ticks; inside
// a tick the work of all awake rooms runs in stages separated by barriers:
//   0. clock thread: each room decides whether it mixes and snapshots its membership (BeginTick);
//   1. workers:      participants' inputs are pulled (jitter buffer + decode), in chunks of any room;
//   2. workers:      one item per room: talk detection, taps, total, personal mixes (cheap);
//   3. workers:      participants' mixes are delivered (encode + send), in chunks of any room;
//   4. clock thread: speaking events and dormancy (EndTick).
// Chunks are taken from one atomic cursor, so a big room spreads over every core and many small rooms
// share them; no room waits for another room's stage to finish on a particular thread. A tick with
// little work (fewer than ParallelMinParticipants members awake) runs inline and wakes no thread, and a
// dormant room is still one flag check: an idle server costs nothing extra. Nor does a tick whose work is
// small (ParallelMinTickWork): the clock measures each tick's work and fans out only when it is worth a wake-up.
public sealed partial class MixerClock
{
    private const int IndexBits = 24;
    private const long IndexMask = (1L << IndexBits) - 1;

    private MixerRoom[] _active = new MixerRoom[16];
    private Chunk[] _chunks = new Chunk[64];
    private WorkerSet? _workers;
    private long _cursor; // [generation:16][count:24][next index:24], advanced atomically by every worker
    private int _remaining;
    private int _generation;
    private Stage _stage;
    private long _stageTick;
    private long _stageWork; // time spent in Drain by every thread since the clock last took it
    private long _workEstimate; // one tick's work on one thread: rises at once, decays over ~16 ticks
    private bool _fanningOut;
    // No spinning before blocking: on a busy host a spinning waiter only takes CPU from the worker it waits for.
    private readonly ManualResetEventSlim _stageDone = Primed(new(false, spinCount: 1));

    /// <summary>
    /// Takes <paramref name="e"/>'s blocking path once (unless it is already set): ManualResetEventSlim creates its
    /// monitor object (24 bytes) on the first wait that blocks, which would otherwise land in whichever steady-state
    /// tick first finds a thread waiting.
    /// </summary>
    private static ManualResetEventSlim Primed(ManualResetEventSlim e)
    {
        e.Wait(1);
        return e;
    }

    private enum Stage
    {
        Read,
        Mix,
        Deliver,
    }

    private readonly record struct Chunk(int Room, int Start, int End);

    /// <summary>Threads that work on a tick (the clock thread included).</summary>
    internal int WorkerCount => Math.Max(1, Options.Workers ?? Environment.ProcessorCount);

    private void RunRooms(MixerRoom[] rooms, long tick)
    {
        int workers = WorkerCount;
        if (workers <= 1)
        {
            RunRoomsInline(rooms, tick);
            return;
        }

        int activeCount = 0;
        int members = 0;
        foreach (var room in rooms)
        {
            if (!room.BeginTick())
            {
                continue;
            }
            if (activeCount == _active.Length)
            {
                Array.Resize(ref _active, _active.Length * 2);
            }
            _active[activeCount++] = room;
            members += room.TickParticipantCount;
        }
        if (activeCount == 0)
        {
            return;
        }

        try
        {
            if (!ShouldFanOut(members))
            {
                long began = _time.GetTimestamp();
                for (int r = 0; r < activeCount; r++)
                {
                    RunStagesInline(_active[r], tick);
                }
                RecordWork(_time.GetTimestamp() - began);
                return;
            }

            Interlocked.Increment(ref _sharedTicks);
            int chunkCount = BuildChunks(activeCount, members, workers);
            _stageTick = tick;
            RunStage(Stage.Read, chunkCount, workers);
            RunStage(Stage.Mix, activeCount, workers);
            RunStage(Stage.Deliver, chunkCount, workers);
            // A worker still flushing its sends adds its share after this; it counts towards the next tick.
            RecordWork(Interlocked.Exchange(ref _stageWork, 0));
        }
        finally
        {
            for (int r = 0; r < activeCount; r++)
            {
                EndTickGuarded(_active[r], tick);
                _active[r] = null!;
            }
        }
    }

    /// <summary>
    /// Whether this tick is shared with the workers: enough members and enough recent work. Once fanned out it stays
    /// so until the work falls to three quarters of the threshold, so a tick on the line does not flip every time.
    /// </summary>
    private bool ShouldFanOut(int members)
    {
        if (members < Options.ParallelMinParticipants)
        {
            return false;
        }
        long threshold = _parallelMinWorkTimestamp;
        _fanningOut = _workEstimate >= (_fanningOut ? threshold * 3 / 4 : threshold);
        return _fanningOut;
    }

    /// <summary>
    /// Folds a tick's work into the estimate: a heavier tick counts at once (falling behind costs audio), a lighter
    /// one pulls it down by a sixteenth of the difference (one quick tick must not send a busy server back inline).
    /// </summary>
    private void RecordWork(long work)
    {
        _workEstimate = work >= _workEstimate ? work : _workEstimate - ((_workEstimate - work) / 16);
    }

    private void RunRoomsInline(MixerRoom[] rooms, long tick)
    {
        for (int i = 0; i < rooms.Length; i++)
        {
            try
            {
                rooms[i].Tick(tick);
            }
            catch (Exception ex)
            {
                // A room's own callbacks are guarded; this is a mixer bug. Keep the other rooms going.
                MixerLog.RoomTickFailed(_logger, ex, rooms[i].Id);
            }
        }
    }

    private void RunStagesInline(MixerRoom room, long tick)
    {
        try
        {
            room.ReadRange(0, room.TickParticipantCount);
            room.MixStage(tick);
            room.DeliverRange(0, room.TickParticipantCount);
        }
        catch (Exception ex)
        {
            MixerLog.RoomTickFailed(_logger, ex, room.Id);
        }
    }

    private void EndTickGuarded(MixerRoom room, long tick)
    {
        try
        {
            room.EndTick(tick);
        }
        catch (Exception ex)
        {
            MixerLog.RoomTickFailed(_logger, ex, room.Id);
        }
    }

    /// <summary>Splits the awake rooms' members into chunks small enough to balance uneven codec costs.</summary>
    private int BuildChunks(int activeCount, int members, int workers)
    {
        int size = Math.Clamp(members / (workers * 8), 1, 16);
        int count = 0;
        for (int r = 0; r < activeCount; r++)
        {
            int n = _active[r].TickParticipantCount;
            for (int start = 0; start < n; start += size)
            {
                if (count == _chunks.Length)
                {
                    Array.Resize(ref _chunks, _chunks.Length * 2);
                }
                _chunks[count++] = new Chunk(r, start, Math.Min(n, start + size));
            }
        }
        return count;
    }

    private void RunStage(Stage stage, int count, int workers)
    {
        if (count == 0)
        {
            return;
        }
        _stage = stage;
        _stageDone.Reset();
        Volatile.Write(ref _remaining, count);
        _generation = (_generation + 1) & 0xFFFF;
        // Publishing the cursor releases the stage to the workers (Interlocked on their side acquires).
        Interlocked.Exchange(ref _cursor, ((long)_generation << (2 * IndexBits)) | ((long)count << IndexBits));
        int helpers = Math.Min(workers - 1, count - 1);
        if (helpers > 0)
        {
            (_workers ??= new WorkerSet(this, workers - 1)).Wake(helpers);
        }
        Drain();
        // A worker that finished the previous stage's last item can Set the event late, after the Reset above;
        // so the count decides, and a wake-up only re-checks it (the decrement always precedes its Set).
        while (Volatile.Read(ref _remaining) != 0)
        {
            _stageDone.Wait();
            _stageDone.Reset();
        }
    }

    /// <summary>Runs items of the current stage until none is left (clock thread and workers), counting the time.</summary>
    private void Drain()
    {
        long began = _time.GetTimestamp();
        DrainItems();
        Interlocked.Add(ref _stageWork, _time.GetTimestamp() - began);
    }

    private void DrainItems()
    {
        // The sends of every chunk this thread delivers leave in one system call when it runs out of items.
        // (_stage may already be the next stage's for a worker that wakes late: then this only defers nothing.)
        using var sends = _stage == Stage.Deliver ? SocketRing.DeferSends() : default;
        while (true)
        {
            long cursor = Interlocked.Increment(ref _cursor);
            int index = (int)(cursor & IndexMask) - 1;
            int count = (int)((cursor >> IndexBits) & IndexMask);
            if (index >= count)
            {
                return;
            }
            // The item is not finished, so the clock is still in this stage: _stage and the chunks are its own.
            RunItem(_stage, index);
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                _stageDone.Set();
            }
        }
    }

    private void RunItem(Stage stage, int index)
    {
        MixerRoom? room = null;
        try
        {
            switch (stage)
            {
                case Stage.Read:
                    var read = _chunks[index];
                    room = _active[read.Room];
                    room.ReadRange(read.Start, read.End);
                    break;
                case Stage.Mix:
                    room = _active[index];
                    room.MixStage(_stageTick);
                    break;
                default:
                    var deliver = _chunks[index];
                    room = _active[deliver.Room];
                    room.DeliverRange(deliver.Start, deliver.End);
                    break;
            }
        }
        catch (Exception ex)
        {
            MixerLog.RoomTickFailed(_logger, ex, room?.Id ?? "?");
        }
    }

    private void StopWorkers()
    {
        Interlocked.Exchange(ref _workers, null)?.Stop();
    }

    /// <summary>Worker threads, started on the first tick that has enough work to share.</summary>
    private sealed class WorkerSet
    {
        private readonly MixerClock _clock;
        private readonly ManualResetEventSlim[] _wake;
        private volatile bool _stopping;

        public WorkerSet(MixerClock clock, int count)
        {
            _clock = clock;
            _wake = new ManualResetEventSlim[count];
            for (int i = 0; i < count; i++)
            {
                var wake = _wake[i] = new ManualResetEventSlim(false, spinCount: 1);
                var thread = new Thread(() => Run(wake))
                {
                    IsBackground = true,
                    Name = "tolk-mixer-worker",
                    Priority = ThreadPriority.AboveNormal,
                };
                thread.Start();
            }
        }

        public void Wake(int count)
        {
            for (int i = 0; i < count && i < _wake.Length; i++)
            {
                _wake[i].Set();
            }
        }

        public void Stop()
        {
            _stopping = true;
            foreach (var wake in _wake)
            {
                wake.Set();
            }
        }

        private void Run(ManualResetEventSlim wake)
        {
            _clock.EnterRealtime();
            Primed(wake);
            while (true)
            {
                wake.Wait();
                // Reset before draining: a stage published meanwhile leaves it set, so it is not missed.
                wake.Reset();
                if (_stopping)
                {
                    return;
                }
                _clock.Drain();
            }
        }
    }
}
