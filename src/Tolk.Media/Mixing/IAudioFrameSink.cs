namespace Tolk.Media.Mixing;

/// <summary>Receives a participant's personal mix every tick (typically encoder + RTP sender).</summary>
/// <remarks>
/// Called on a mixer worker thread: different listeners' sinks run in parallel (one call per sink at a
/// time), so anything they share must be thread-safe. The <see cref="MixedFrame"/> belongs to the mixer and is reused
/// on later ticks: consume it (encode, or copy) before returning. Listeners with identical mixes get
/// the same instance in the same tick (see <see cref="MixedFrame.GroupKey"/>), so an encoder may encode
/// once per (frame, <see cref="MixedFrame.Tick"/>, codec) and reuse the bytes.
/// </remarks>
public interface IAudioFrameSink
{
    /// <summary>Delivers one 20 ms personal mix.</summary>
    void Write(MixedFrame frame);
}
