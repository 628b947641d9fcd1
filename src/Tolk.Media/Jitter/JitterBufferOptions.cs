namespace Tolk.Media.Jitter;

/// <summary>Bounds and tuning of a <see cref="JitterBuffer"/>.</summary>
/// <param name="MinDelay">Lowest target depth.</param>
/// <param name="MaxDelay">Highest target depth; jitter beyond it is treated as loss.</param>
/// <param name="InitialDelay">Depth to build before playout starts, until jitter has been measured.</param>
/// <param name="AdaptationWindow">Period over which depth is watched before a frame is dropped or inserted.</param>
/// <param name="IdleAfter">Concealment run after which the stream is treated as paused (silence, rebuffer).</param>
public sealed record JitterBufferOptions(
    TimeSpan MinDelay,
    TimeSpan MaxDelay,
    TimeSpan InitialDelay,
    TimeSpan AdaptationWindow,
    TimeSpan IdleAfter)
{
    /// <summary>
    /// 20–200 ms, starting at 40 ms (two packets: one played, one of margin until jitter is measured),
    /// adapting every 500 ms, idle after 200 ms without audio.
    /// </summary>
    public static JitterBufferOptions Default { get; } = new(
        TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(40),
        TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(200));
}

/// <summary>What a <see cref="JitterBuffer.Pull"/> produced.</summary>
public enum JitterFrameKind
{
    /// <summary>Nothing to play (not started, rebuffering or idle): the frame is silence.</summary>
    Silence,

    /// <summary>Decoded from received packets.</summary>
    Audio,

    /// <summary>At least part of the frame was synthesised for lost or late packets (PLC or Opus FEC).</summary>
    Concealed,
}

/// <summary>
/// Counters of a <see cref="JitterBuffer"/>. <c>ConcealedSinceLastPacket</c> is the part of <c>ConcealedFrames</c> played
/// after the newest packet arrived: when a call ends, the tail after the caller stopped sending, not a fault of the line.
/// </summary>
public readonly record struct JitterBufferStats(
    long Received,
    long Late,
    long Duplicates,
    long Lost,
    long ConcealedFrames,
    long DroppedFrames,
    long InsertedFrames,
    long Resyncs,
    TimeSpan TargetDelay,
    TimeSpan CurrentDelay,
    long ConcealedSinceLastPacket = 0)
{
    /// <summary>
    /// These counters followed by <paramref name="later"/>'s, for a call whose media was renegotiated onto a new
    /// buffer: the counts add up; the delays and the tail after the last packet are the later buffer's.
    /// </summary>
    public JitterBufferStats FollowedBy(JitterBufferStats later) => later with
    {
        Received = Received + later.Received,
        Late = Late + later.Late,
        Duplicates = Duplicates + later.Duplicates,
        Lost = Lost + later.Lost,
        ConcealedFrames = ConcealedFrames + later.ConcealedFrames,
        DroppedFrames = DroppedFrames + later.DroppedFrames,
        InsertedFrames = InsertedFrames + later.InsertedFrames,
        Resyncs = Resyncs + later.Resyncs,
    };
}
